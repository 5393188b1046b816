<?php
// Stand-in of iTop's webservices/cron.php, CLI mode (PROTOCOL.md §2).
declare(strict_types=1);
require_once dirname(__DIR__) . '/standin/bootstrap.php';
require_once dirname(__DIR__) . '/standin/cron_tasks.php';

/** CLI usage lines (§2.1), ending with an empty line. */
function cron_usage(): array
{
    return [
        'php cron.php --auth_user=<login> --auth_pwd=<password> [--param_file=<file>] [--verbose=1] [--debug=1] [--status_only=1]',
        '',
    ];
}

/** cron.php tests its flags for PHP truthiness after the `parameter` filter. */
function truthy(Params $params, string $name): bool
{
    return (bool) $params->trimmed($name, '0', 'parameter');
}

/** `Starting:` / `Exiting:` line. */
function stamp(string $label): string
{
    $now = time();
    return "$label: $now (" . date('Y-m-d H:i:s', $now) . ')';
}

/** Authentication and the checks before the loop; returns nothing or exits. */
function check_access(Params $params): void
{
    $user = $params->trimmed('auth_user', null) ?? usage_exit('auth_user', cron_usage(), 254);
    $password = $params->trimmed('auth_pwd', null) ?? usage_exit('auth_pwd', cron_usage(), 254);
    $login = login_or_exit($user, $password, "Access wrong credentials ('%s')", 255);
    if (!is_administrator($login)) {
        out('Access restricted to administrators');
        exit(255);
    }
    if (file_exists(data_dir() . '/.readonly')) {
        out('iTop is read-only. Exiting...');
        exit(255);
    }
}

/** The loop of a normal run (one pass), under the lock. */
function run_tasks(bool $verbose): void
{
    $state = state_load();
    $tasks = $state['cron_tasks'];
    $now = time();
    $lines = ['Planned duration = ' . (int) (getenv('ITOP_STANDIN_SLEEP') ?: 0) . ' seconds', 'Loop pause = 2 seconds'];
    $lines = array_merge($lines, cron_create_records($tasks, $now));
    $lines[] = 'Background processes: ' . implode(', ', array_keys(cron_task_classes()));
    $lines = array_merge($lines, cron_pass($tasks, $now));
    standin_sleep();
    $lines = array_merge($lines, [''], cron_table($tasks, true), ['Reached normal execution time limit (exceeded by 0s)']);
    if ($verbose) {
        array_map('out', $lines);
    }
    $state['cron_tasks'] = $tasks;
    state_save($state);
}

function main(array $argv): void
{
    $params = standin_start($argv, false);
    load_param_files_or_exit($params, 254);
    check_access($params);
    if (truthy($params, 'status_only')) {
        standin_sleep();
        array_map('out', cron_table(state_load()['cron_tasks'], true));
        exit(0);
    }
    out(stamp('Starting'));
    state_load(); // creates the data directory on first use
    $lock = fopen(data_dir() . '/cron.lock', 'c');
    if ($lock === false || !flock($lock, LOCK_EX | LOCK_NB)) {
        out('Already running...');
    } else {
        run_tasks(truthy($params, 'verbose'));
        flock($lock, LOCK_UN);
    }
    out(stamp('Exiting'));
    exit(0);
}

main($argv);
