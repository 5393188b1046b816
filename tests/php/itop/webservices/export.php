<?php
// Stand-in of iTop's legacy webservices/export.php, CLI mode, CSV only (PROTOCOL.md §6.4).
declare(strict_types=1);
require_once dirname(__DIR__) . '/standin/bootstrap.php';

/** The usage printed when no query is given (then a PHP fatal, as in 3.2.0). */
function legacy_usage(): array
{
    // TODO(#4): only the first two lines are as observed; the rest is the stand-in's own wording
    return [
        'General purpose export page.',
        'Parameters:',
        ' * expression: the OQL query to run',
        ' * query: (instead of expression) a query phrasebook id',
        ' * arg_xxx: value of the query parameter :xxx',
        ' * format: html (default), csv, spreadsheet, xml or xlsx',
        ' * fields: attribute codes (or alias.attcode), comma separated',
    ];
}

/** The error page of export.php (HTML on stdout, exit 0). */
function error_page(string $message): never
{
    echo "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<title>iTop - Export</title>\n</head>\n<body>\n"
        . "<div id=\"ibo-page-container\">\n<p>Error the query can not be executed.</p><p>$message</p>\n</div>\n</body>\n</html>\n";
    exit(0);
}

/** Fields in data-model order; `->` rejected. */
function legacy_fields(array $query, ?string $list): array
{
    $all = array_keys(model_class($query['class']));
    if ($list === null || trim($list) === '') {
        return array_map(fn ($att) => ['spec' => $att, 'att' => $att, 'remote' => null], $all);
    }
    foreach (explode(',', $list) as $spec) {
        $spec = trim($spec);
        $att = preg_replace('/^' . preg_quote($query['alias'], '/') . '\./', '', $spec);
        if (!in_array($att, $all, true)) {
            error_page(html_entities("Invalid field specification $spec: $att is not a valid attribute for {$query['class']}"));
        }
        $wanted[$att] = true;
    }
    $ordered = array_filter($all, fn ($att) => isset($wanted[$att]));
    return array_map(fn ($att) => ['spec' => $att, 'att' => $att, 'remote' => null], array_values($ordered));
}

/** CSV: unquoted header, `,`, values quoted by type; BOM with charset=UTF-8. */
function legacy_csv(array $query, array $fields, bool $byCode, string $charset): string
{
    $state = state_load();
    $ids = oql_select($state, $query);
    $csv = export_csv($state, $query['class'], $ids, $fields, ['raw' => $byCode, 'separator' => ',', 'qualifier' => '"']);
    [$header, $body] = explode("\n", $csv, 2);
    $csv = str_replace('"', '', $header) . "\n" . $body;
    if ($charset === 'UTF-8') {
        return "\xEF\xBB\xBF" . $csv;
    }
    return (string) @iconv('UTF-8', "$charset//TRANSLIT", $csv);
}

function main(array $argv): void
{
    $params = standin_start($argv);
    try {
        $params->loadFiles();
    } catch (ParamFileError $e) {
        echo 'Error: ', $e->getMessage(), "<br/>\n";
        exit(254);
    }
    $login = login_or_exit($params->trimmed('auth_user', null), $params->trimmed('auth_pwd', null),
        "Access restricted or wrong credentials ('%s')", 255);
    $oql = $params->get('expression', null, 'raw_data');
    if ($oql === null) {
        array_map('out', legacy_usage());
        fatal_exit('Uncaught TypeError: trim(): Argument #1 ($string) must be of type string, null given');
    }
    $format = (string) $params->get('format', 'html', 'raw_data');
    if ($format !== 'csv') {
        // TODO(#4): html, spreadsheet, xml and xlsx of the legacy export are not imitated
        error_page(html_entities("Unsupported format '$format'. Possible values are: html, csv, spreadsheet or xml."));
    }
    try {
        $query = oql_parse($oql, fn (string $name) => $params->get("arg_$name", null, 'raw_data'));
    } catch (OqlError | OqlMissingArg $e) {
        error_page(html_entities($e->getMessage()));
    }
    // no_localize is read "without CLI": only a parameters file can set it (§1.2)
    $byCode = $params->source('no_localize') === 'file' && $params->raw('no_localize', '0') === '1';
    $fields = legacy_fields($query, $params->get('fields', null, 'raw_data'));
    unset($login);
    echo legacy_csv($query, $fields, $byCode, (string) $params->get('charset', 'ISO-8859-1', 'raw_data'));
    exit(0);
}

main($argv);
