<?php
// Background tasks of the stand-in cron.php and their status table (§2.2).
declare(strict_types=1);

const CRON_FRAME_6 = '+---------------------------+---------+---------------------+---------------------+--------+-----------+';
const CRON_FRAME_4 = '+---------------------------+---------+---------------------+---------------------+';

/** The stand-in's background tasks: class => [period in seconds, message]. */
function cron_task_classes(): array
{
    return [
        'ExecAsyncTask' => [2, 'processed 0 tasks'],
        'BackupExec' => [86400, 'no backup (stand-in)'],
    ];
}

/** Status table rows from the state, sorted by class; $full adds Nb Run / Avg. Dur. */
function cron_table(array $tasks, bool $full): array
{
    $frame = $full ? CRON_FRAME_6 : CRON_FRAME_4;
    $title = '| Task Class                | Status  | Last Run            | Next Run            |';
    $lines = [$frame, $title . ($full ? ' Nb Run | Avg. Dur. |' : ''), $frame];
    ksort($tasks, SORT_STRING);
    foreach ($tasks as $class => $t) {
        $row = sprintf('| %-25.25s | %-7s | %-19s | %-19s |', $class, $t['status'], $t['last_run'], $t['next_run']);
        if ($full) {
            $row .= sprintf(' %6d | %7s s |', $t['nb_run'], sprintf('%.3f', $t['avg']));
        }
        $lines[] = $row;
    }
    $lines[] = $frame;
    return $lines;
}

/** Create the missing task records (first run); returns the verbose lines. */
function cron_create_records(array &$tasks, int $now): array
{
    $lines = [];
    foreach (cron_task_classes() as $class => [$period]) {
        if (!isset($tasks[$class])) {
            $next = date('Y-m-d H:i:s', $class === 'BackupExec' ? strtotime('today 23:30') : $now);
            $tasks[$class] = ['status' => 'active', 'last_run' => '', 'next_run' => $next, 'nb_run' => 0, 'avg' => 0.0];
            $lines[] = "Creating record for: $class";
            $lines[] = "First execution planned at: $next";
        }
    }
    return $lines;
}

/** One pass: run the due tasks, return the verbose lines. */
function cron_pass(array &$tasks, int $now): array
{
    $date = date('Y-m-d H:i:s', $now);
    $due = array_filter($tasks, fn ($t) => $t['status'] === 'active' && $t['next_run'] <= $date);
    $lines = array_merge([count($due) . " Tasks planned to run now ($date):"], cron_table($due, false));
    foreach (array_keys($due) as $class) {
        $lines = array_merge($lines, cron_run_task($tasks[$class], $class, $now));
    }
    $lines[] = '--';
    foreach (array_diff_key($tasks, $due) as $class => $t) {
        $lines[] = '-- Skipping task: ' . str_pad("$class ", 40, '-') . " until: {$t['next_run']}";
    }
    return $lines;
}

/** Run one task and update its record. */
function cron_run_task(array &$task, string $class, int $now): array
{
    [$period, $message] = cron_task_classes()[$class] ?? [60, 'done'];
    $date = date('Y-m-d H:i:s', $now);
    $task['last_run'] = $date;
    $task['next_run'] = date('Y-m-d H:i:s', $now + $period);
    $task['avg'] = ($task['avg'] * $task['nb_run'] + 0.001) / ($task['nb_run'] + 1);
    $task['nb_run']++;
    return [
        ">> === $date Starting:" . str_pad(" $class ", 49, '='),
        "$class: $message",
        "<< === $date End of:  " . str_pad(" $class ", 42, '=') . " Next: {$task['next_run']}",
    ];
}
