<?php
// Stand-in of iTop's synchro/synchro_import.php, CLI mode (PROTOCOL.md §4).
declare(strict_types=1);
require_once dirname(__DIR__) . '/standin/bootstrap.php';

const DASHES = '#------------------------------------------------------------';

/** Usage lines in CLI mode (descriptions of auth_*, csvfile, max_chunk_size guessed). */
function synchro_import_usage(): array
{
    return usage_lines([
        'auth_user' => ['login (must have enough rights to create objects of the given class)', null],
        'auth_pwd' => ['password', null],
        'data_source_id' => ['Synchro data source id', null],
        'csvfile' => ['local data file, replaces csvdata if specified', null],
        'synchronize' => ['If set to 1, then the synchronization will be executed right after the data load', '1'],
        'charset' => ['Character set encoding of the CSV data: UTF-8, ISO-8859-1, WINDOWS-1251, WINDOWS-1252, ISO-8859-15', 'UTF-8'],
        'date_format' => ['Input date format (used both for dates and datetimes) - Examples: Y-m-d, d/m/Y (Europe) - no transformation is applied if the argument is omitted. (note: old format specification using %Y %m %d is also supported for backward compatibility)', 'Y-m-d H:i:s'],
        'separator' => ["column separator in CSV data (1 char, or 'tab')", ';'],
        'qualifier' => ['test qualifier in CSV data', '"'],
        'output' => ['[retcode] to return the count of lines in error, [summary] to return a concise report, [details] to get a detailed report (each line listed)', 'summary'],
        'simulate' => ['If set to 1, then the load will not be executed, but the expected report will be produced', '0'],
        'comment' => ['Comment to be added into the change log', ''],
        'no_stop_on_import_error' => ["Don't stop the import in case of SQL import error. By default the import will stop at the first error (and rollback all changes). If this flag is set to 1 the import will continue anyway", '0'],
        // TODO(#4): wording of max_chunk_size not captured from a real iTop
        'max_chunk_size' => ['Limit the count of replicas loaded in a single pass of the synchronization', '0'],
    ]);
}

/** Mandatory value or usage (exit 0). */
function mandatory(Params $params, string $name): string
{
    return $params->trimmed($name, null) ?? usage_exit($name, synchro_import_usage(), 0);
}

/** Print one `#` error line and stop (exit 0). */
function fail(string $message): never
{
    out("#$message");
    exit(0);
}

/** All options after the mandatory ones, with their defaults (§4.1). */
function read_options(Params $params): array
{
    $dateFormat = $params->trimmed('date_format', 'Y-m-d H:i:s');
    $dateFormat = php_date_format($dateFormat === '' ? 'Y-m-d H:i:s' : $dateFormat);
    return [
        'synchronize' => $params->trimmed('synchronize', '1', 'parameter') === '1',
        'charset' => $params->trimmed('charset', 'UTF-8'),
        'date_format' => $dateFormat,
        'date_only_format' => date_only_format($dateFormat),
        'separator' => separator_value($params->trimmed('separator', ';')),
        'qualifier' => $params->trimmed('qualifier', '"'),
        'output' => $params->trimmed('output', 'summary', 'parameter'),
        'simulate' => $params->flag('simulate', '0'),
        'comment' => $params->trimmed('comment', ''),
        'no_stop' => $params->flag('no_stop_on_import_error', '0'),
    ];
}

/** §4.2 item 6 validations that do not need the data. */
function validate_options(array $state, string $sourceId, array $opts): void
{
    if (!ctype_digit($sourceId) || !isset($state['sources'][$sourceId])) {
        fail("Unknown data source id: '$sourceId'");
    }
    if (strlen($opts['separator']) > 1) {
        fail("Separator is limited to one character, found '{$opts['separator']}'");
    }
    if (strlen($opts['qualifier']) > 1) {
        fail("Text qualifier is limited to one character, found '{$opts['qualifier']}'");
    }
    if (!in_array($opts['output'], ['summary', 'details', 'retcode'], true)) {
        fail("Unknown output format: '{$opts['output']}'");
    }
}

/** Decode and parse the CSV; returns [header, data rows]. */
function read_rows(string $raw, string $class, array $opts): array
{
    $data = $opts['charset'] === 'UTF-8' ? $raw : @iconv($opts['charset'], 'UTF-8//IGNORE', $raw);
    if ($data === false) {
        fatal_exit("iconv(): Wrong encoding, conversion from \"{$opts['charset']}\" to \"UTF-8\" is not allowed");
    }
    $rows = (new CsvInput($data, $opts['separator'], $opts['qualifier']))->rows();
    if ($rows === []) {
        fail('Missing data - at least one line is expected');
    }
    $header = array_map('strval', array_shift($rows));
    try {
        replica_check_columns($header, $class);
    } catch (LoadError $e) {
        fail($e->getMessage());
    }
    return [$header, $rows];
}

/** `, applied to columns [...]` for the input columns of the given type. */
function applied_suffix(array $header, string $class, string $type): string
{
    $columns = array_filter($header, fn ($c) => (model_class($class)[$c]['type'] ?? '') === $type);
    return $columns === [] ? '' : ', applied to columns [' . implode(', ', $columns) . ']';
}

/** Section 3: the import summary. */
function print_import_summary(string $sourceId, string $class, array $opts, array $input, array $counters): void
{
    [$raw, $header, $rows] = $input;
    $lines = [DASHES, '# Import phase summary', DASHES,
        "#Data Source: $sourceId", '#Synchronize: ' . ($opts['synchronize'] ? 1 : 0), "#Class: $class",
        "#Separator: {$opts['separator']}", "#Qualifier: {$opts['qualifier']}",
        "#Charset Encoding:{$opts['charset']}",
        "#Date and time format: '{$opts['date_format']}' " . applied_suffix($header, $class, 'datetime'),
        "#Date only format: '{$opts['date_only_format']}' " . applied_suffix($header, $class, 'date'),
        '#Data Size: ' . strlen($raw), '#Data Lines: ' . count($rows), '#Columns: ' . implode(', ', $header),
        "#Output format: {$opts['output']}", '#Simulate: ' . ($opts['simulate'] ? 1 : 0),
        "#Change tracking comment: {$opts['comment']}",
        "#Issues (before synchro): {$counters['issues']}", "#Created (before synchro): {$counters['created']}",
        "#Updated (before synchro): {$counters['updated']}"];
    array_walk($lines, fn ($l) => out($l));
}

/** Section 4: synchronization (refused, or run), then its summary. */
function synchronize(array &$state, string $sourceId, string $login, Params $params, array $opts): void
{
    if ($opts['output'] === 'details') {
        array_map('out', [DASHES, '# Synchronization phase', DASHES,
            '# No traces. (To activate the traces set "synchro_trace" => true in the configuration file)']);
    }
    $refusal = sync_refusal($state['sources'][$sourceId], $login, $params);
    if ($refusal !== null) {
        out('ERROR: ' . implode("\n", $refusal));
        $counters = sync_zero_counters($state['sources'][$sourceId]);
    } else {
        $counters = sync_run($state, $sourceId);
    }
    array_map('out', [DASHES, '# Synchronization phase summary', DASHES]);
    foreach (sync_counter_lines($counters) as $line) {
        out("#$line");
    }
}

/** Print the exception text like iTop: `#` only before its first line. */
function print_sql_exception(ReplicaSqlError $e): never
{
    $root = dirname(__DIR__);
    out("#MySQLException: {$e->getMessage()} in $root/core/cmdbsource.class.inc.php:626");
    out('Stack trace:');
    out("#0 $root/core/cmdbsource.class.inc.php(580): CMDBSource::DBQuery()");
    out("#1 $root/synchro/synchro_import.php(586): CMDBSource::Query()");
    out('#2 {main}');
    exit(0);
}

function main(array $argv): void
{
    $params = standin_start($argv);
    load_param_files_or_exit($params, 0);
    $user = mandatory($params, 'auth_user');
    $password = mandatory($params, 'auth_pwd');
    $csvFile = mandatory($params, 'csvfile');
    $login = login_or_exit($user, $password, "Access restricted or wrong credentials ('%s')", 0);
    $raw = is_file($csvFile) && is_readable($csvFile) ? file_get_contents($csvFile) : false;
    if ($raw === false) {
        out("Input file could not be found or could not be read: '$csvFile'");
        exit(0);
    }
    $sourceId = mandatory($params, 'data_source_id');
    $opts = read_options($params);
    $state = state_load();
    // iTop checks for data before the data source (synchro_import.php).
    if ($raw === '') {
        fail('Missing data - at least one line is expected');
    }
    validate_options($state, $sourceId, $opts);
    $class = $state['sources'][$sourceId]['class'];
    [$header, $rows] = read_rows($raw, $class, $opts);

    $details = $opts['output'] === 'details';
    if ($details) {
        array_map('out', [DASHES, '# Import phase', DASHES]);
    }
    try {
        $counters = replica_load($state, $sourceId, $header, $rows,
            ['details' => $details] + $opts, fn (string $l) => out($l));
    } catch (ReplicaSqlError $e) {
        print_sql_exception($e);
    }
    if ($opts['output'] !== 'retcode') {
        print_import_summary($sourceId, $class, $opts, [$raw, $header, $rows], $counters);
    }
    if ($opts['synchronize']) {
        synchronize($state, $sourceId, $login, $params, $opts);
    }
    if ($opts['output'] === 'retcode') {
        echo $counters['issues'];
    }
    if (!$opts['simulate']) {
        state_save($state);
    }
    exit(0);
}

main($argv);
