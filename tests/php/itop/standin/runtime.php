<?php
// Test hooks shared by every script: call log, sleep, stderr noise, markers.
declare(strict_types=1);

/**
 * Append one JSON line describing this run to $ITOP_STANDIN_LOG/calls.jsonl,
 * or to <data dir>/log/calls.jsonl when that folder exists (tests that copy
 * the fake root use it: no environment to share between parallel tests).
 */
function record_call(array $argv, Params $params): void
{
    $dir = getenv('ITOP_STANDIN_LOG');
    if ($dir === false || $dir === '') {
        $dir = data_dir() . '/log';
    }
    if (!is_dir($dir)) {
        return;
    }
    $entry = [
        'script' => basename($argv[0] ?? ''),
        'argv' => $argv,
        'params_files' => $params->describeFiles(),
        'pid' => getmypid(),
    ];
    $line = json_encode($entry, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE) . "\n";
    file_put_contents($dir . '/calls.jsonl', $line, FILE_APPEND | LOCK_EX);
}

/** Sleep $ITOP_STANDIN_SLEEP seconds, or what <data dir>/sleep says (timeout tests). */
function standin_sleep(): void
{
    $seconds = getenv('ITOP_STANDIN_SLEEP');
    if (($seconds === false || $seconds === '') && is_file(data_dir() . '/sleep')) {
        $seconds = trim((string) file_get_contents(data_dir() . '/sleep'));
    }
    if ($seconds !== false && is_numeric($seconds) && (float) $seconds > 0) {
        usleep((int) ((float) $seconds * 1000000));
    }
}

/** Write a PHP-like diagnostic on stderr (never on stdout). */
function php_noise(string $line): void
{
    fwrite(STDERR, $line . "\n");
}

/** The directory holding the state file and the `.maintenance`/`.readonly` markers. */
function data_dir(): string
{
    return dirname(state_path());
}

/** §1.12: under maintenance every script prints the sentence (no newline), exit 0. */
function exit_if_maintenance(): void
{
    if (file_exists(data_dir() . '/.maintenance')) {
        echo 'This application is currently under maintenance.';
        exit(0);
    }
}

/** Print one CLI line. */
function out(string $line = ''): void
{
    echo $line, "\n";
}
