<?php
// Common start of every stand-in script (never iTop code: our own imitation).
declare(strict_types=1);

error_reporting(E_ALL);
ini_set('display_errors', 'stderr');

require_once __DIR__ . '/params.php';
require_once __DIR__ . '/state.php';
require_once __DIR__ . '/runtime.php';
require_once __DIR__ . '/accounts.php';
require_once __DIR__ . '/model.php';
require_once __DIR__ . '/dates.php';
require_once __DIR__ . '/csv_input.php';
require_once __DIR__ . '/synchro.php';
require_once __DIR__ . '/replica_load.php';
require_once __DIR__ . '/import_columns.php';
require_once __DIR__ . '/import_rows.php';
require_once __DIR__ . '/import_values.php';
require_once __DIR__ . '/oql.php';
require_once __DIR__ . '/export_out.php';

/** Read argv, log the call, honour maintenance and (unless told not to) the sleep hook. */
function standin_start(array $argv, bool $sleepNow = true): Params
{
    $params = new Params(array_slice($argv, 1));
    record_call($argv, $params);
    exit_if_maintenance();
    if ($sleepNow) {
        standin_sleep();
    }
    return $params;
}

/** Load the parameters files; on error print `Error: <message>` and exit $code. */
function load_param_files_or_exit(Params $params, int $code): void
{
    try {
        $params->loadFiles();
    } catch (ParamFileError $e) {
        out('Error: ' . $e->getMessage());
        exit($code);
    }
}

/** `ERROR: Missing argument '<name>'`, the usage lines, then exit $code. */
function usage_exit(string $missing, array $lines, int $code): never
{
    out("ERROR: Missing argument '$missing'");
    out();
    out('USAGE:');
    out();
    foreach ($lines as $line) {
        out($line);
    }
    exit($code);
}

/** Usage lines of the import scripts: `<name> = <description>, mandatory|optional…`. */
function usage_lines(array $spec): array
{
    $lines = [];
    foreach ($spec as $name => [$description, $default]) {
        $suffix = $default === null ? 'mandatory' : "optional, defaults to [$default]";
        $lines[] = "$name = $description, $suffix";
    }
    return $lines;
}

/** Check the CLI credentials; print $message with the login and exit $code on failure. */
function login_or_exit(?string $login, ?string $password, string $message, int $code): string
{
    if (!check_credentials($login, $password)) {
        out(sprintf($message, $login ?? ''));
        exit($code);
    }
    return (string) $login;
}

/** Imitate a PHP fatal error: stderr diagnostic, iTop's shutdown line, exit 255. */
function fatal_exit(string $diagnostic): never
{
    php_noise("PHP Fatal error:  $diagnostic");
    out('<p>iTop: An error occurred, check server error log for more information.</p>');
    exit(255);
}
