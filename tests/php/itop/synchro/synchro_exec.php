<?php
// Stand-in of iTop's synchro/synchro_exec.php, CLI mode (PROTOCOL.md §3).
declare(strict_types=1);
require_once dirname(__DIR__) . '/standin/bootstrap.php';

/** CLI usage lines (§3.1), ending with an empty line. */
function synchro_exec_usage(): array
{
    return [
        'php -q synchro_exec.php --auth_user=<login> --auth_pwd=<password> --data_sources=<comma_separated_list_of_data_sources> [--max_chunk_size=<limit the count of replica loaded in a single pass>] [--simulate=<If set to 1, then the synchro will not be executed, but the expected report will be produced>]',
        '',
    ];
}

/** Mandatory value or usage (exit 0). */
function mandatory(Params $params, string $name): string
{
    return $params->trimmed($name, null) ?? usage_exit($name, synchro_exec_usage(), 0);
}

/** One `Working on` block; false when the id does not exist (processing stops). */
function run_source(array &$state, string $id, string $login, Params $params): bool
{
    $source = $state['sources'][$id] ?? null;
    if (!ctype_digit($id) || $source === null) {
        out("ERROR: The data source (id=$id) does not exist. Exiting...");
        return false;
    }
    out("Working on {$source['name']} (id=$id)...");
    $refusal = sync_refusal($source, $login, $params);
    if ($refusal !== null) {
        out('ERROR: ' . implode("\n", $refusal));
        $counters = sync_zero_counters($source);
    } else {
        $counters = sync_run($state, $id);
    }
    array_map('out', sync_counter_lines($counters));
    return true;
}

function main(array $argv): void
{
    $params = standin_start($argv);
    load_param_files_or_exit($params, 0);
    $user = mandatory($params, 'auth_user');
    $password = mandatory($params, 'auth_pwd');
    $login = login_or_exit($user, $password, "Access restricted or wrong credentials ('%s')", 0);
    $ids = explode(',', mandatory($params, 'data_sources'));
    $simulate = $params->flag('simulate', '0');

    $state = state_load();
    foreach ($ids as $id) {
        $work = $state;
        if (!run_source($work, $id, $login, $params)) {
            break;
        }
        if (!$simulate) {
            $state = $work; // simulate: each source rolled back
        }
    }
    state_save($state);
    exit(0);
}

main($argv);
