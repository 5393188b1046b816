<?php
// Stand-in of iTop's webservices/import.php, CLI mode (PROTOCOL.md §5).
declare(strict_types=1);
require_once dirname(__DIR__) . '/standin/bootstrap.php';

/** CLI usage lines (§5.1; text of the captured sample). */
function import_usage(): array
{
    return usage_lines([
        'auth_user' => ['login (must have enough rights to create objects of the given class)', null],
        'auth_pwd' => ['password', null],
        'class' => ['class of loaded objects', null],
        'csvfile' => ['local data file, replaces csvdata if specified', null],
        'charset' => ['Character set encoding of the CSV data: UTF-8, ISO-8859-1, WINDOWS-1251, WINDOWS-1252, ISO-8859-15, If blank, then the charset is set to config(csv_file_default_charset)', ''],
        'date_format' => ['Input date format (used both for dates and datetimes) - Examples: Y-m-d H:i:s, d/m/Y H:i:s (Europe) - no transformation is applied if the argument is omitted. (note: old format specification using %Y %m %d is also supported for backward compatibility)', ''],
        'separator' => ["column separator in CSV data (1 char, or 'tab')", ','],
        'qualifier' => ['test qualifier in CSV data', '"'],
        'output' => ['[retcode] to return the count of lines in error, [summary] to return a concise report, [details] to get a detailed report (each line listed)', 'summary'],
        'reconciliationkeys' => ['name of the columns used to identify existing objects and update them, or create a new one', ''],
        'simulate' => ['If set to 1, then the load will not be executed, but the expected report will be produced', '0'],
        'comment' => ['Comment to be added into the change log', ''],
        'no_localize' => ['If set to 0, then header and values are supposed to be localized in the language of the logged in user. Set to 1 to use internal attribute codes and values (enums)', '0'],
    ]);
}

/** Mandatory value or usage (exit 0). */
function mandatory(Params $params, string $name): string
{
    return $params->trimmed($name, null) ?? usage_exit($name, import_usage(), 0);
}

/** Print one `#` error line (it replaces the report) and stop, exit 0. */
function fail(string $message): never
{
    out("#$message");
    exit(0);
}

/** Options after the mandatory ones (§5.1). */
function read_options(Params $params, string $class): array
{
    $charset = $params->trimmed('charset', '');
    return [
        'class' => $class,
        'charset' => $charset === '' ? 'ISO-8859-1' : $charset,
        'date_format' => php_date_format($params->trimmed('date_format', '')),
        'separator' => separator_value($params->trimmed('separator', ',')),
        'qualifier' => $params->trimmed('qualifier', '"'),
        'output' => $params->trimmed('output', 'summary', 'string'),
        'reconciliationkeys' => $params->trimmed('reconciliationkeys', ''),
        'simulate' => $params->flag('simulate', '0'),
        'comment' => $params->trimmed('comment', ''),
        'by_code' => $params->flag('no_localize', '0'),
    ];
}

/** The errors printed alone (§5.3), then the decoded rows. */
function read_rows(string $raw, array $opts): array
{
    if ($raw === '') {
        fail('Missing data - at least one line is expected');
    }
    if (model_class($opts['class']) === null) {
        fail("Unknown class: '{$opts['class']}'");
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
    $data = import_decode($raw, $opts['charset'])
        ?? fatal_exit("Uncaught ValueError: iconv(): Wrong encoding, conversion from \"{$opts['charset']}\" to \"UTF-8\" is not allowed");
    $rows = (new CsvInput($data, $opts['separator'], $opts['qualifier']))->rows();
    return $rows === [] ? fail('Missing data - at least one line is expected') : $rows;
}

/** Header lines up to `#Data Size:`. */
function header_lines(array $opts, string $raw): array
{
    $date = $opts['date_format'] === '' ? ['#Date format: <none>']
        : ["#Date and time format: '{$opts['date_format']}'", "#Date format: '" . date_only_format($opts['date_format']) . "'"];
    return array_merge([
        "#Output format: {$opts['output']}", "#Class: {$opts['class']}", "#Separator: {$opts['separator']}",
        "#Qualifier: {$opts['qualifier']}", "#Charset Encoding:{$opts['charset']}",
    ], $date, ['#Localize: ' . ($opts['by_code'] ? 'no' : 'yes'), '#Data Size: ' . strlen($raw)]);
}

/** Columns, keys and rights, checked after the first header lines. */
function prepare(array $opts, array $header, string $login, string $raw): array
{
    $report = $opts['output'] !== 'retcode';
    if ($report) {
        array_map('out', header_lines($opts, $raw));
    }
    if (!may_bulk_modify($login)) {
        fail("You are not allowed to perform a bulk update of objects of class {$opts['class']}");
    }
    try {
        $columns = import_columns($header, $opts['class'], $opts['by_code']);
        $keys = import_reconciliation_keys($opts['reconciliationkeys'], $columns, $opts['class'], $opts['by_code']);
    } catch (LoadError $e) {
        fail($e->getMessage());
    }
    return [$columns, $keys];
}

/** Process every data row; returns [results, counters]. */
function process(array &$ctx, array $rows): array
{
    $counters = ['issues' => 0, 'warnings' => 0, 'created' => 0, 'updated' => 0, 'unchanged' => 0];
    $results = [];
    foreach ($rows as $row) {
        $result = import_row($ctx, $row);
        $counters[$result['outcome']]++;
        $results[] = $result;
    }
    return [$results, $counters];
}

/** The details table (§5.3), unquoted `;`-joined cells. */
function print_table(array $ctx, array $results): void
{
    $extAtts = [];
    foreach ($ctx['columns'] as $column) {
        if (model_class($ctx['class'])[$column['att']]['type'] === 'extkey' && !in_array($column['att'], $extAtts, true)) {
            $extAtts[] = $column['att'];
        }
    }
    out(import_table_header($ctx, $extAtts));
    foreach ($results as $line => $r) {
        $ext = array_map(fn ($att) => $r['ext'][$att] ?? '', $extAtts);
        out(implode(';', array_merge([$line, $r['status'], $r['class'], $r['id']], $ext, $r['cells'])));
    }
}

function main(array $argv): void
{
    $params = standin_start($argv);
    load_param_files_or_exit($params, 254);
    $user = mandatory($params, 'auth_user');
    $password = mandatory($params, 'auth_pwd');
    $csvFile = mandatory($params, 'csvfile');
    $login = login_or_exit($user, $password, "Access restricted or wrong credentials ('%s')", 255);
    $raw = is_file($csvFile) && is_readable($csvFile) ? file_get_contents($csvFile) : false;
    if ($raw === false) {
        out("Input file could not be found or could not be read: '$csvFile'");
        exit(255);
    }
    $opts = read_options($params, mandatory($params, 'class'));
    $rows = read_rows($raw, $opts);
    $header = array_map('strval', array_shift($rows));
    [$columns, $keys] = prepare($opts, $header, $login, $raw);

    $ctx = ['state' => state_load(), 'class' => $opts['class'], 'columns' => $columns, 'keys' => $keys,
        'by_code' => $opts['by_code'], 'date_format' => $opts['date_format'], 'simulate' => $opts['simulate']];
    [$results, $counters] = process($ctx, $rows);
    if ($opts['output'] === 'retcode') {
        echo $counters['issues'];
    } else {
        array_map('out', ['#Data Lines: ' . count($rows), '#Simulate: ' . ($opts['simulate'] ? 1 : 0),
            '#Columns: ' . implode(', ', array_map('import_column_name', $columns)),
            '#Reconciliation Keys: ' . import_keys_text($keys, $columns), "#Change tracking comment: {$opts['comment']}",
            "#Issues: {$counters['issues']}", "#Warnings: {$counters['warnings']}", "#Created: {$counters['created']}",
            "#Updated: {$counters['updated']}", "#Unchanged: {$counters['unchanged']}"]);
    }
    if ($opts['output'] === 'details') {
        print_table($ctx, $results);
    }
    if (!$opts['simulate']) {
        state_save($ctx['state']);
    }
    exit(0);
}

main($argv);
