<?php
// import.php: one CSV row checked, reconciled and applied (PROTOCOL.md §5.2, §5.3).
declare(strict_types=1);

/**
 * Process one data row. $ctx: state, class, columns, keys, by_code, date_format, simulate.
 * Returns ['status', 'class', 'id', 'ext' => [att => cell], 'cells' => [cell…],
 * 'outcome' => issues|created|updated|unchanged]; the state is updated unless simulated.
 */
function import_row(array &$ctx, array $row): array
{
    [$extIds, $extCells, $extOk] = import_resolve_ext_keys($ctx, $row);
    [$values, $errors] = import_convert_values($ctx, $row);
    $values = $extIds + $values;
    $matches = $extOk ? import_reconcile($ctx, $values) : [];
    $id = count($matches) === 1 ? $matches[0] : null;
    $current = $id === null ? null : $ctx['state']['objects'][$ctx['class']][(string) $id];
    $cells = import_cells($ctx, $row, $errors, $current, $values);
    $changes = $current === null ? 0 : count(array_diff_assoc(array_map('strval', $values),
        array_map('strval', array_intersect_key($current, $values))));

    if (count($matches) > 1) {
        return import_result('Issue: ambiguous reconciliation', null, $extCells, $cells, 'issues', $ctx);
    }
    if (!$extOk || $errors !== []) {
        $onlyDates = $extOk && array_filter($errors, fn ($e) => !str_contains($e, 'Expected format')) === [];
        $status = $onlyDates ? 'Issue: wrong date format' : 'Issue: Unexpected attribute value(s)';
        return import_result($status, $id, $extCells, $cells, 'issues', $ctx);
    }
    if ($id === null) {
        $newId = $ctx['simulate'] ? 0 : state_create($ctx['state'], $ctx['class'], $values);
        return import_result('created', $newId, $extCells, $cells, 'created', $ctx);
    }
    if ($changes === 0) {
        return import_result('unchanged', $id, $extCells, $cells, 'unchanged', $ctx);
    }
    if (!$ctx['simulate']) {
        $ctx['state']['objects'][$ctx['class']][(string) $id] = array_merge($current, $values);
    }
    return import_result("updated $changes cols", $id, $extCells, $cells, 'updated', $ctx);
}

/** A row result; issues without an object show `n/a`. */
function import_result(string $status, ?int $id, array $ext, array $cells, string $outcome, array $ctx): array
{
    return ['status' => $status, 'class' => $id === null ? 'n/a' : $ctx['class'],
        'id' => $id === null ? 'n/a' : (string) $id, 'ext' => $ext, 'cells' => $cells, 'outcome' => $outcome];
}

/** External keys: ids found from `extkey->remote` columns (all must match) or given as ids. */
function import_resolve_ext_keys(array $ctx, array $row): array
{
    $criteria = [];
    foreach ($ctx['columns'] as $i => $column) {
        $def = model_class($ctx['class'])[$column['att']];
        if ($def['type'] === 'extkey' && ($row[$i] ?? null) !== null) {
            $criteria[$column['att']][$column['remote'] ?? 'id'] = (string) $row[$i];
        }
    }
    [$ids, $cells, $ok] = [[], [], true];
    foreach ($criteria as $att => $wanted) {
        $target = model_class($ctx['class'])[$att]['target'];
        $found = import_find_target($ctx['state'], $target, $wanted);
        if (count($found) === 1) {
            $ids[$att] = $found[0];
            $cells[$att] = (string) $found[0];
            continue;
        }
        $ok = false;
        $cells[$att] = import_no_match_message($ctx['state'], $target, implode(' ', $wanted));
    }
    return [$ids, $cells, $ok];
}

/** Ids of $target objects matching every wanted value (`id` = the object id). */
function import_find_target(array $state, string $target, array $wanted): array
{
    $found = [];
    foreach ($state['objects'][$target] ?? [] as $id => $object) {
        $object['id'] = (string) $id;
        $all = true;
        foreach ($wanted as $code => $value) {
            $all = $all && strcasecmp((string) ($object[$code] ?? ''), $value) === 0;
        }
        if ($all) {
            $found[] = (int) $id;
        }
    }
    return $found;
}

/** `No match for value '<v>'. Some possible '<Class>' value(s): a, b, c...` */
function import_no_match_message(array $state, string $target, string $value): string
{
    $names = array_map(fn ($id) => friendly_name($target, $state['objects'][$target][(string) $id]),
        array_slice(sorted_ids($state, $target), 0, 3));
    $more = count($state['objects'][$target] ?? []) > 3 ? '...' : '';
    return "No match for value '$value'. Some possible '$target' value(s): " . implode(', ', $names) . $more;
}
