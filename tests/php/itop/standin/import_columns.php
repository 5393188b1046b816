<?php
// import.php: header columns and reconciliation keys (PROTOCOL.md §5.2).
declare(strict_types=1);

/**
 * Resolve one header cell: `att`, `extkey->remote` or a bare external key (an id),
 * by code ($byCode) or by label, case-insensitively; a trailing `*` is ignored.
 * Returns ['att' => code, 'remote' => code|null] or null.
 */
function import_resolve_column(string $class, string $name, bool $byCode): ?array
{
    $name = rtrim(trim($name), '*');
    $parts = explode('->', $name, 2);
    $att = find_attribute($class, rtrim($parts[0], '*'), $byCode);
    if ($att === null || count($parts) === 1) {
        return $att === null ? null : ['att' => $att, 'remote' => null];
    }
    $def = model_class($class)[$att];
    $remote = $def['type'] === 'extkey' ? find_attribute($def['target'], $parts[1], $byCode) : null;
    return $remote === null ? null : ['att' => $att, 'remote' => $remote];
}

/** The accepted column names, lower-cased, for the `Unknown column` message. */
function import_possible_columns(string $class, bool $byCode): array
{
    $names = [];
    foreach (model_class($class) as $code => $def) {
        $names[] = $byCode ? $code : $def['label'];
        if ($def['type'] === 'extkey') {
            foreach (model_class($def['target']) as $rcode => $rdef) {
                $names[] = ($byCode ? $code : $def['label']) . '->' . ($byCode ? $rcode : $rdef['label']);
            }
        }
    }
    return array_map('strtolower', $names);
}

/** All header columns resolved; throws LoadError on the first unknown one. */
function import_columns(array $header, string $class, bool $byCode): array
{
    $columns = [];
    foreach ($header as $name) {
        $column = import_resolve_column($class, (string) $name, $byCode);
        if ($column === null) {
            $possible = implode(', ', import_possible_columns($class, $byCode));
            throw new LoadError("Unknown column: '$name'. Possible columns: $possible");
        }
        $columns[] = $column;
    }
    return $columns;
}

/** Internal name of a column for `#Columns:`. */
function import_column_name(array $column): string
{
    return $column['att'] . ($column['remote'] === null ? '' : '->' . $column['remote']);
}

/** The reconciliation attribute codes (explicit list or the class defaults present). */
function import_reconciliation_keys(string $param, array $columns, string $class, bool $byCode): array
{
    $present = array_unique(array_column($columns, 'att'));
    if (trim($param) === '') {
        $keys = array_values(array_intersect(model_reconciliation_keys($class), $present));
        if ($keys === []) {
            $all = implode(', ', model_reconciliation_keys($class));
            throw new LoadError("No reconciliation scheme could be defined, please add a column corresponding to one defined reconciliation key (class: '$class', reconciliation:$all)");
        }
        return $keys;
    }
    $keys = [];
    foreach (explode(',', $param) as $item) {
        $column = import_resolve_column($class, trim($item), $byCode);
        if ($column === null) {
            throw new LoadError("Unknown reconciliation key: '" . trim($item) . "'");
        }
        if (!in_array($column['att'], $present, true)) {
            throw new LoadError("Reconciliation key not found in the input columns: '" . trim($item) . "'");
        }
        $keys[] = $column['att'];
    }
    return array_values(array_unique($keys));
}

/** `#Reconciliation Keys:` text: `email` or `org_id (name)`. */
function import_keys_text(array $keys, array $columns): string
{
    $texts = [];
    foreach ($keys as $key) {
        $remotes = [];
        foreach ($columns as $column) {
            if ($column['att'] === $key && $column['remote'] !== null) {
                $remotes[] = $column['remote'];
            }
        }
        $texts[] = $key . ($remotes === [] ? '' : ' (' . implode(',', $remotes) . ')');
    }
    return implode(', ', $texts);
}
