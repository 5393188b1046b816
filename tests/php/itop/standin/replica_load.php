<?php
// The load phase of synchro_import.php: CSV rows into a source's replicas (§4.2).
declare(strict_types=1);

/** A validation error reported as a single `#` line (§4.2 item 6). */
final class LoadError extends Exception
{
}

/** An SQL error while writing a replica (the stand-in checks enumerations only). */
final class ReplicaSqlError extends Exception
{
}

/** Check the header: `primary_key` mandatory, other names = attribute codes. */
function replica_check_columns(array $header, string $class): void
{
    foreach ($header as $name) {
        if ($name !== 'primary_key' && !isset(model_class($class)[$name])) {
            throw new LoadError("Unknown column '$name' (class: '$class')");
        }
    }
    if (!in_array('primary_key', $header, true)) {
        throw new LoadError("Missing reconciliation column 'primary_key'");
    }
}

/**
 * Load the data rows into the replicas of $sourceId. $emit receives the row lines
 * (`<row>: ...`) to print; $details selects the per-row entry lines.
 * Returns the counters issues/created/updated.
 */
function replica_load(array &$state, string $sourceId, array $header, array $rows, array $opts, callable $emit): array
{
    $counters = ['issues' => 0, 'created' => 0, 'updated' => 0];
    foreach ($rows as $i => $row) {
        $cells = array_combine($header, array_pad(array_slice($row, 0, count($header)), count($header), null));
        $key = (string) $cells['primary_key'];
        $exists = isset($state['sources'][$sourceId]['replicas'][$key]);
        if ($opts['details']) {
            $cond = "'`primary_key` = '" . addslashes($key) . "''";
            $emit("$i: " . ($exists ? 'Update' : 'New') . " entry, reconciliation: $cond");
        }
        $counters[$exists ? 'updated' : 'created']++;
        try {
            replica_store($state, $sourceId, $key, replica_values($state, $sourceId, $i, $cells, $opts, $emit));
        } catch (ReplicaSqlError $e) {
            if (!$opts['no_stop']) {
                throw $e;
            }
            $counters['issues']++;
            $emit("$i: Import error '" . $e->getMessage() . "' (continuing)...");
        }
    }
    return $counters;
}

/** The replica values of one row: dates converted, enumerations checked. */
function replica_values(array $state, string $sourceId, int $row, array $cells, array $opts, callable $emit): array
{
    $class = $state['sources'][$sourceId]['class'];
    $values = [];
    $index = 0;
    foreach ($cells as $code => $value) {
        $def = model_class($class)[$code] ?? null;
        if ($def !== null && $def['type'] === 'date' && $value !== null && $value !== '') {
            $value = parse_date($value, $opts['date_only_format']);
            if ($value === null && $opts['details']) {
                $emit("$row: Wrong format for DATE column $index: '{$cells[$code]}' does not match the expected format: '{$opts['date_only_format']}' (column skipped)");
            }
        }
        if ($def !== null && $def['type'] === 'enum' && $value !== null && !isset($def['values'][$value])) {
            throw new ReplicaSqlError(replica_sql_message($state['sources'][$sourceId], $cells, $code));
        }
        if ($code !== 'primary_key') {
            $values[$code] = $value;
        }
        $index++;
    }
    return $values;
}

/** Insert or update one replica; a changed replica becomes `modified`. */
function replica_store(array &$state, string $sourceId, string $key, array $values): void
{
    $replicas = &$state['sources'][$sourceId]['replicas'];
    if (!isset($replicas[$key])) {
        $replicas[$key] = ['values' => $values, 'status' => 'new', 'dest_id' => null, 'touched' => true];
        return;
    }
    $replica = &$replicas[$key];
    foreach ($values as $code => $value) {
        if ($value === null && array_key_exists($code, $replica['values'])) {
            continue; // a date in the wrong format is skipped on update
        }
        if (($replica['values'][$code] ?? null) !== $value) {
            $replica['values'][$code] = $value;
            if ($replica['status'] !== 'new') {
                $replica['status'] = 'modified';
            }
        }
    }
    $replica['touched'] = true;
}

/** The text of the SQL error for a value outside an enumeration column. */
function replica_sql_message(array $source, array $cells, string $code): string
{
    $table = 'synchro_data_' . strtolower(str_replace(' ', '_', preg_replace('/ Source$/', '', $source['name'])));
    $columns = implode(', ', array_map(fn ($c) => "`$c`", array_keys($cells)));
    $values = implode(', ', array_map(fn ($v) => $v === null ? 'NULL' : "'" . addslashes($v) . "'", $cells));
    return "Failed to issue SQL query: query = INSERT INTO `$table` ($columns) VALUES ($values), "
        . "mysql_errno = 1265, mysql_error = Data truncated for column '$code' at row 1";
}
