<?php
// Synchronization of a data source's replicas into objects (PROTOCOL.md §3.2, §3.3).
declare(strict_types=1);

/** The 14 counter labels of §3.2, in order, with the counters they print. */
function sync_counter_lines(array $c): array
{
    return [
        "Replicas: {$c['replicas']}",
        "Replicas touched since last synchro: {$c['touched']}",
        "Objects deleted: {$c['deleted']}",
        "Objects deletion errors: {$c['deletion_errors']}",
        "Objects obsoleted: {$c['obsoleted']}",
        "Objects obsolescence errors: {$c['obsolescence_errors']}",
        "Objects created: {$c['created']} ({$c['created_warnings']} warnings)",
        "Objects creation errors: {$c['creation_errors']}",
        "Objects updated: {$c['updated']} ({$c['updated_warnings']} warnings)",
        "Objects update errors: {$c['update_errors']}",
        "Objects reconciled (updated): {$c['reconciled_updated']} ({$c['reconciled_warnings']} warnings)",
        // the warnings of the "unchanged" line repeat the "updated" ones (iTop bug)
        "Objects reconciled (unchanged): {$c['reconciled_unchanged']} ({$c['reconciled_warnings']} warnings)",
        "Objects reconciliation errors: {$c['reconciliation_errors']}",
        "Replica disappeared, no action taken: {$c['disappeared']}",
    ];
}

/** Counters all zero except the replica total (run refused or failed before starting). */
function sync_zero_counters(array $source): array
{
    $keys = ['touched', 'deleted', 'deletion_errors', 'obsoleted', 'obsolescence_errors', 'created',
        'created_warnings', 'creation_errors', 'updated', 'updated_warnings', 'update_errors',
        'reconciled_updated', 'reconciled_warnings', 'reconciled_unchanged', 'reconciliation_errors',
        'disappeared'];
    return ['replicas' => count($source['replicas'])] + array_fill_keys($keys, 0);
}

/**
 * Why the synchronization of $sourceId cannot run for $login, as the lines of an
 * `ERROR:` message, or null when it can (§1.6, §3.3 credential pitfall).
 */
function sync_refusal(array $source, string $login, Params $params): ?array
{
    if (!is_administrator($login) && $source['owner'] !== $login) {
        return ['Only adminstrators or the user specified in the data source can execute this operation. Operation cancelled.'];
    }
    $chunk = (int) $params->trimmed('max_chunk_size', '0', 'parameter');
    if ($chunk > 0 && $params->source('auth_user') !== 'file') {
        return chunk_child_refusal($params);
    }
    return null;
}

/** A chunk child re-reads argv credentials with the `parameter` filter (§3.3). */
function chunk_child_refusal(Params $params): ?array
{
    $login = apply_filter($params->trimmed('auth_user', null), null, 'parameter');
    $password = apply_filter($params->trimmed('auth_pwd', null), null, 'parameter');
    if (check_credentials($login, $password)) {
        return null;
    }
    return [
        'Encountered an error in an underspinned process:',
        "-> Access restricted or wrong credentials ('" . ($login ?? '') . "')",
    ];
}

/** Run the synchronization of one source; replicas new or modified are applied. */
function sync_run(array &$state, string $sourceId): array
{
    $source = &$state['sources'][$sourceId];
    $counters = sync_zero_counters($source);
    foreach ($source['replicas'] as $key => $replica) {
        if ($replica['touched'] ?? false) {
            $counters['touched']++;
        }
        if (in_array($replica['status'], ['new', 'modified'], true)) {
            $outcome = sync_replica($state, $source, $replica);
            $counters[$outcome] = ($counters[$outcome] ?? 0) + 1;
            $source['replicas'][$key] = $replica;
        }
        $source['replicas'][$key]['touched'] = false;
    }
    return $counters;
}

/** Apply one replica; returns the name of the counter to increment. */
function sync_replica(array &$state, array $source, array &$replica): string
{
    $class = $source['class'];
    $values = replica_object_values($state, $class, $replica['values']);
    $replica['status'] = 'synchronized';
    $destId = $replica['dest_id'] ?? null;
    if ($destId !== null && isset($state['objects'][$class][(string) $destId])) {
        return sync_update($state, $class, (int) $destId, $values, 'updated', 'update_errors');
    }
    $matches = find_objects($state, $class, $source['reconcile'], (string) ($values[$source['reconcile']] ?? ''));
    if (count($matches) > 1) {
        return 'reconciliation_errors';
    }
    if (count($matches) === 1) {
        $replica['dest_id'] = $matches[0];
        return sync_update($state, $class, $matches[0], $values, 'reconciled_updated', 'reconciliation_errors');
    }
    if ($values === null || !object_is_complete($class, $values)) {
        $replica['status'] = 'error';
        return 'creation_errors';
    }
    $replica['dest_id'] = state_create($state, $class, $values);
    return 'created';
}

/** Update an object from replica values; unchanged reconciliations count apart. */
function sync_update(array &$state, string $class, int $id, ?array $values, string $ok, string $error): string
{
    if ($values === null) {
        return $error;
    }
    $object = &$state['objects'][$class][(string) $id];
    $changed = array_diff_assoc(array_map('strval', $values), array_map('strval', $object)) !== [];
    $object = array_merge($object, $values);
    if (!$changed) {
        return $ok === 'reconciled_updated' ? 'reconciled_unchanged' : 'unchanged';
    }
    return $ok;
}

/** Replica values as object values: external keys found by name; null on error. */
function replica_object_values(array $state, string $class, array $replicaValues): ?array
{
    $values = [];
    foreach ($replicaValues as $code => $value) {
        $def = model_class($class)[$code] ?? null;
        if ($def === null || $value === null) {
            continue; // NULL in the replica: attribute left alone
        }
        if ($def['type'] === 'extkey') {
            $ids = $value === '' ? [0] : find_objects($state, $def['target'], 'name', $value);
            if (count($ids) !== 1) {
                return null;
            }
            $value = $ids[0];
        }
        $values[$code] = $value;
    }
    return $values;
}

/** True when every mandatory attribute has a value. */
function object_is_complete(string $class, array $values): bool
{
    foreach (model_class($class) as $code => $def) {
        if ($def['mandatory'] && in_array($values[$code] ?? '', ['', 0], true)) {
            return false;
        }
    }
    return true;
}
