<?php
// Stand-in of iTop's webservices/export-v2.php, CLI mode (PROTOCOL.md §6.1–§6.3).
declare(strict_types=1);
require_once dirname(__DIR__) . '/standin/bootstrap.php';

/** Query phrasebook: id => [OQL, fields]. */
const PHRASEBOOK = ['14' => ['SELECT Person', 'first_name,name,email,org_id->name']];

/** CLI usage (first line as observed; TODO(#4): the rest was not captured verbatim). */
function export_usage(): array
{
    return [
        'Usage: php export-v2.php --auth_user=<user> --auth_pwd=<password> --expression=<OQL Query> --query=<phrasebook_id> [--arg_xxx=<query_arguments>] [--no_localize=0|1] [--format=<format>] [--format-options...]',
        'Parameters:',
        " * expression: an OQL expression (e.g. SELECT Contact WHERE name LIKE 'm%')",
        " * query: (alternative to 'expression') the id of an entry from the query phrasebook",
        ' * with_archive: (optional, defaults to the current mode) if set to 1 then the result set will include archived objects',
        " * arg_xxx: (needed if the query has parameters) the value of the parameter 'xxx'",
        " * format: (optional, default is html) the desired output format. Can be one of 'html', 'pdf', 'csv', 'xlsx', 'spreadsheet', 'xml'",
        ' * csv format options:',
        " *\tfields: (mandatory) the comma separated list of field codes to export (e.g: name,org_id,service_name...).",
        " *\tseparator: (optional) character to be used as the separator (default is ',').",
        " *\tcharset: (optional) character set for encoding the result (default is 'UTF-8').",
        " *\ttext-qualifier: (optional) character to be used around text strings (default is '\"').",
        " *\tno_localize: set to 1 to retrieve non-localized values (for instance for ENUM values). Default is 0 (= localized values)",
        ' * xml format options:',
        " *\tno_localize: set to 1 to retrieve non-localized values (for instance for ENUM values). Default is 0 (= localized values)",
    ];
}

/** `ERROR: <message>` (message already encoded by the caller), optional usage, exit 255. */
function fail(string $encoded, bool $usage = false): never
{
    out("ERROR: $encoded");
    if ($usage) {
        array_map('out', export_usage());
    }
    exit(255);
}

/** CLI credentials: mandatory, not trimmed (§6.1). */
function authenticate(Params $params): void
{
    foreach (['auth_user', 'auth_pwd'] as $name) {
        if ($params->get($name, null, 'raw_data') === null) {
            fail(html_entities("Missing parameter '--$name'"), true);
        }
    }
    $login = (string) $params->get('auth_user', null, 'raw_data');
    if (!check_credentials($login, $params->get('auth_pwd', null, 'raw_data'))) {
        fail(html_entities("Access restricted or wrong credentials for user '$login'"));
    }
}

/** [OQL, default fields] from `expression` or the phrasebook `query`. */
function query_text(Params $params): array
{
    $expression = $params->get('expression', null, 'raw_data');
    if ($expression !== null) {
        return [$expression, null];
    }
    $query = $params->get('query', null, 'raw_data');
    if ($query === null) {
        fail(html_entities("Missing parameter. At least one of '--expression' or '--query' must be specified."), true);
    }
    return PHRASEBOOK[$query] ?? fail(html_entities("Invalid query phrasebook identifier: '$query'"));
}

/** Parse the OQL; errors entity-encoded like iTop (the parser part twice). */
function parse_query(Params $params, string $oql): array
{
    try {
        return oql_parse($oql, fn (string $name) => $params->get("arg_$name", null, 'raw_data'));
    } catch (OqlError $e) {
        fail(html_entities("Invalid OQL query: '$oql'.\n" . html_entities($e->getMessage())));
    } catch (OqlMissingArg $e) {
        fail(html_entities("Invalid OQL query: '$oql'.\nMissing parameter '--arg_{$e->getMessage()}'"), true);
    }
}

/** Separator / qualifier with `tab` and `other` (§6.1). */
function csv_char(Params $params, string $name, string $default): string
{
    $value = (string) $params->get($name, $default, 'raw_data');
    if ($value === 'other') {
        return (string) $params->get("other-$name", $default, 'raw_data');
    }
    return strtolower($value) === 'tab' ? "\t" : $value;
}

/** The export bytes for a parsed query. */
function render(Params $params, string $format, array $query, ?string $defaultFields): string
{
    $state = state_load();
    $ids = oql_select($state, $query);
    $opts = ['raw' => (int) $params->get('no_localize', '0', 'integer') === 1,
        'date_format' => (string) $params->get('date_format', '', 'raw_data'),
        'separator' => csv_char($params, 'separator', ','), 'qualifier' => csv_char($params, 'text-qualifier', '"')];
    if ($format === 'xml') {
        php_noise('PHP Deprecated:  Creation of dynamic property XMLBulkExport::$aStatusInfo is deprecated in '
            . dirname(__DIR__) . '/core/xmlbulkexport.class.inc.php on line 87');
        return export_xml($state, $query['class'], $query['alias'], $ids, $opts['raw']);
    }
    $list = $params->get('fields', $defaultFields, 'raw_data') ?? fail(html_entities('Missing parameter: fields'));
    try {
        $fields = export_fields($query['class'], $query['alias'], $list);
    } catch (FieldError $e) {
        fail(html_entities($e->getMessage()));
    }
    if ($format === 'html') {
        return export_html($state, $query['class'], $ids, $fields, $opts);
    }
    if ($format !== 'csv') {
        // TODO(#4): pdf, xlsx and spreadsheet are not imitated by the stand-in
        fail(html_entities("The stand-in cannot produce the format '$format'"));
    }
    $csv = export_csv($state, $query['class'], $ids, $fields, $opts);
    $charset = (string) $params->get('charset', 'UTF-8', 'raw_data');
    return $charset === 'UTF-8' ? $csv : (string) @iconv('UTF-8', "$charset//TRANSLIT", $csv);
}

function main(array $argv): void
{
    $params = standin_start($argv);
    try {
        $params->loadFiles();
    } catch (ParamFileError $e) {
        echo html_entities('Error: ' . $e->getMessage()), "<br/>\n";
        exit(254);
    }
    authenticate($params);
    [$oql, $defaultFields] = query_text($params);
    $format = (string) $params->get('format', 'html', 'raw_data');
    if (!in_array($format, ['html', 'pdf', 'csv', 'xlsx', 'spreadsheet', 'xml'], true)) {
        fail(html_entities("Invalid output format: '$format'. The supported formats are: html, pdf, csv, xlsx, spreadsheet, xml"));
    }
    echo render($params, $format, parse_query($params, $oql), $defaultFields);
    exit(0);
}

main($argv);
