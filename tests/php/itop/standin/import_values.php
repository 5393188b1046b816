<?php
// import.php: attribute cells converted and displayed (PROTOCOL.md §5.2, §5.3).
declare(strict_types=1);

/** Attribute values of a row (codes, dates as Y-m-d) and the error text per column. */
function import_convert_values(array $ctx, array $row): array
{
    [$values, $errors] = [[], []];
    foreach ($ctx['columns'] as $i => $column) {
        $def = model_class($ctx['class'])[$column['att']];
        $value = $row[$i] ?? null;
        if ($def['type'] === 'extkey' || $value === null) {
            continue; // external keys apart; NULL leaves the attribute alone
        }
        $converted = import_convert_value($ctx, $column['att'], $def, $value);
        if (is_array($converted)) {
            $errors[$i] = $converted[0];
        } else {
            $values[$column['att']] = $converted;
        }
    }
    return [$values, $errors];
}

/** One value converted, or [error message]. */
function import_convert_value(array $ctx, string $att, array $def, string $value): string|array
{
    if ($value === '' && $def['mandatory']) {
        return ["'' is an invalid value. Unexpected value for attribute '$att': Null not allowed"];
    }
    if ($def['type'] === 'enum' && $value !== '') {
        foreach ($def['values'] as $code => $label) {
            if (strcasecmp($ctx['by_code'] ? $code : $label, $value) === 0) {
                return $code;
            }
        }
        return ["'$value' is an invalid value. Unexpected value for attribute '$att': Value not allowed [$value]"];
    }
    if ($def['type'] === 'date' && $value !== '') {
        $format = $ctx['date_format'] === '' ? 'Y-m-d' : date_only_format($ctx['date_format']);
        return parse_date($value, $format)
            ?? ["'$value' is an invalid value. Expected format: " . date($format, (int) strtotime('2022-10-23'))];
    }
    return $value;
}

/** Reconciliation: objects equal to the row on every key. */
function import_reconcile(array $ctx, array $values): array
{
    $found = [];
    foreach ($ctx['state']['objects'][$ctx['class']] ?? [] as $id => $object) {
        $all = true;
        foreach ($ctx['keys'] as $key) {
            $all = $all && strcasecmp((string) ($object[$key] ?? ''), (string) ($values[$key] ?? '')) === 0;
        }
        if ($all) {
            $found[] = (int) $id;
        }
    }
    return $found;
}

/** Display cells of the attribute columns: `"new"`, `unchanged`, `"new"Modified` or the error. */
function import_cells(array $ctx, array $row, array $errors, ?array $current, array $values): array
{
    $cells = [];
    foreach ($ctx['columns'] as $i => $column) {
        $att = $column['att'];
        if (model_class($ctx['class'])[$att]['type'] === 'extkey') {
            continue;
        }
        $shown = (string) ($row[$i] ?? '');
        if (isset($errors[$i])) {
            $cells[] = $errors[$i];
        } elseif ($current === null) {
            $cells[] = "\"$shown\"";
        } elseif (array_key_exists($att, $values) && (string) ($current[$att] ?? '') !== (string) $values[$att]) {
            $cells[] = "\"$shown\"Modified";
        } else {
            $cells[] = $shown;
        }
    }
    return $cells;
}

/** The details table header: ext keys first, then attribute columns in input order. */
function import_table_header(array $ctx, array $extAtts): string
{
    $cells = ['Line', 'Status', 'Object Class', 'Object Id'];
    $model = model_class($ctx['class']);
    foreach ($extAtts as $att) {
        $cells[] = "$att ({$model[$att]['label']} - ext key)";
    }
    foreach ($ctx['columns'] as $column) {
        if ($model[$column['att']]['type'] !== 'extkey') {
            $cells[] = "{$column['att']} ({$model[$column['att']]['label']})";
        }
    }
    return implode(';', $cells);
}
