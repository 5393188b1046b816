<?php
// Writes the "fixture world" state (the data behind tests/fixtures/*/cli_*) to the
// file named by $ITOP_STANDIN_STATE. Usage: ITOP_STANDIN_STATE=<file> php seed.php
declare(strict_types=1);
require_once dirname(__DIR__) . '/itop/standin/bootstrap.php';

/** Organizations by id: [name, code]. */
function seed_orgs(): array
{
    return [2 => ['Lab Org A', 'LABA'], 3 => ['Lab Org B', 'LABB'], 4 => ['Lab Org C', 'LABC'],
        5 => ['Société Générale Lab', 'LABS']];
}

/** Persons by id: [first name, last name, email, org id]. */
function seed_persons(): array
{
    return [
        1 => ['Alice', 'Anderson', 'alice.anderson@lab.example', 2], 2 => ['Bob', 'Brown', 'bob.brown@lab.example', 2],
        3 => ['Carol', 'Clark', 'carol.clark@lab.example', 3], 4 => ['Dan', 'Davis', 'dan.davis@lab.example', 3],
        5 => ['Eve', 'Evans', 'eve.evans@lab.example', 3], 6 => ['Frank', 'Fischer', 'frank.fischer@lab.example', 4],
        7 => ['Jérôme', 'Müller', 'jerome.muller@lab.example', 5], 8 => ['Paul', 'Portal', 'paul.portal@lab.example', 4],
        9 => ['Rita', 'Reader', 'rita.reader@lab.example', 4], 10 => ['Sync', 'Bot', 'sync.bot@lab.example', 4],
        11 => ['Walt', 'White', 'walt.white@lab.example', 2], 12 => ['Zoé', 'Lefèvre', 'zoe.lefevre@lab.example', 5],
    ];
}

/** Replicas of source 1: key => [first, last, email, org name, number, function, dest id]. */
function seed_person_replicas(): array
{
    return [
        'P-100' => ['Kate', 'Kelly', 'kate.kelly@lab.example', 'Lab Org A', 'S100', 'Sync test', null],
        'P-101' => ['Liam', 'Lewis', 'liam.lewis@lab.example', 'Lab Org B', 'S101', 'Sync test', null],
        'P-102' => ['Alice', 'Anderson', 'alice.anderson@lab.example', 'Lab Org A', 'E001', 'Reconciled via email', 1],
        'P-103' => ['Bob', 'Brown', 'bob.brown@lab.example', 'Lab Org A', 'E002', 'Sync test', 2],
        'P-104' => ['Carol', 'Clark', 'carol.clark@lab.example', 'Lab Org B', 'E003', 'Sync test', 3],
        'P-105' => ['Dan', 'Davis', 'dan.davis@lab.example', 'Lab Org B', 'E005', 'Sync test', 4],
        'P-106' => ['Eve', 'Evans', 'eve.evans@lab.example', 'Lab Org B', 'E006', 'Sync test', 5],
        'P-107' => ['Frank', 'Fischer', 'frank.fischer@lab.example', 'Lab Org C', 'E007', 'Sync test', 6],
        'P-108' => ['Walt', 'White', 'walt.white@lab.example', 'Lab Org A', 'E011', 'Sync test', 11],
        'P-109' => ['Nora', 'North', 'nora.north@lab.example', 'Lab Org A', 'S109', 'Sync test', null],
    ];
}

/** The cron status rows of cron/cli_debug_status_only. */
function seed_cron(): array
{
    $rows = [
        ['BackupExec', '', '2026-12-04 23:30:00', 0, 0.0],
        ['BulkExportResultGC', '2026-12-04 15:19:07', '2026-12-05 15:19:07', 1, 0.002],
        ['CheckStopWatchThresholds', '2026-12-04 15:19:58', '2026-12-04 15:20:07', 6, 0.008],
        ['Combodo\iTop\Service\Notification\Event\EventNotificationNewsroomGC', '2026-12-04 15:19:07', '2026-12-05 15:19:07', 1, 0.005],
        ['Combodo\iTop\Service\TemporaryObjects\TemporaryObjectGC', '2026-12-04 15:19:07', '2026-12-04 15:20:07', 1, 0.002],
        ['Combodo\iTop\SessionTracker\SessionGC', '2026-12-04 15:19:07', '2026-12-04 15:20:07', 1, 0.002],
        ['ExecAsyncTask', '2026-12-04 15:20:06', '2026-12-04 15:20:07', 30, 0.004],
        ['InlineImageGC', '2026-12-04 15:20:06', '2026-12-04 15:20:06', 30, 0.005],
        ['LogFileRotationProcess', '', '2027-01-01 00:00:00', 0, 0.0],
        ['ObsolescenceDateUpdater', '2026-12-04 15:19:07', '2026-12-04 15:29:07', 1, 0.025],
    ];
    $tasks = [];
    foreach ($rows as [$class, $last, $next, $nb, $avg]) {
        $tasks[$class] = ['status' => 'active', 'last_run' => $last, 'next_run' => $next, 'nb_run' => $nb, 'avg' => $avg];
    }
    return $tasks;
}

$state = initial_state();
$state['objects']['Organization'] = [];
foreach (seed_orgs() as $id => [$name, $code]) {
    $state['objects']['Organization'][$id] = ['name' => $name, 'code' => $code, 'status' => 'active', 'parent_id' => 0];
}
foreach (seed_persons() as $id => [$first, $last, $email, $org]) {
    $state['objects']['Person'][$id] = ['first_name' => $first, 'name' => $last, 'email' => $email,
        'org_id' => $org, 'status' => 'active'];
}
foreach (seed_person_replicas() as $key => [$first, $last, $email, $org, $number, $function, $dest]) {
    $values = ['first_name' => $first, 'name' => $last, 'email' => $email, 'org_id' => $org, 'status' => 'active',
        'employee_number' => $number, 'function' => $function];
    $state['sources']['1']['replicas'][$key] = ['values' => $values, 'status' => 'synchronized',
        'dest_id' => $dest, 'touched' => false];
}
foreach ([1 => ['srv-sync-01', 2, 'production'], 2 => ['srv-sync-02', 3, 'production'], 3 => ['srv-sync-03', 2, 'stock']]
    as $id => [$name, $org, $status]) {
    $state['objects']['Server'][$id] = ['name' => $name, 'org_id' => $org, 'status' => $status];
    $values = ['name' => $name, 'org_id' => seed_orgs()[$org][0], 'status' => $status];
    $state['sources']['2']['replicas']["SRV-$id"] = ['values' => $values, 'status' => 'synchronized',
        'dest_id' => $id, 'touched' => false];
}
$state['next_id'] = ['Organization' => 6, 'Person' => 13, 'Server' => 4];
$state['cron_tasks'] = seed_cron();
state_save($state);
