<?php
// Replays one CLI fixture (tests/fixtures/<service>/cli_*.req) against the stand-in
// and compares stdout and the exit code with the .resp (timestamps masked).
// Usage: php fixture.php <case.req> <itop root> <work dir>
// Exit 0 when equal; otherwise prints a diff-like report and exits 1.
declare(strict_types=1);

const PASSWORDS = ['admin' => 'Adm1n-secret', 'syncuser' => 'sync.Pass!', 'reader' => 'Re4der-pwd',
    'portaluser' => 'P0rtal-pwd'];

/** argv lines and `file <path><<EOF` blocks of a .req. */
function parse_req(string $text): array
{
    $argv = [];
    $files = [];
    preg_match_all('/^argv\[\d+\]: (.*)$/m', $text, $m);
    $argv = $m[1];
    preg_match_all('/^file (\S+)<<EOF\n(.*?)\nEOF$/ms', $text, $m, PREG_SET_ORDER);
    foreach ($m as [, $path, $content]) {
        $files[$path] = $content;
    }
    return [$argv, $files];
}

/** Replace `<itop>`, `<password>` and file paths in the argument vector. */
function localize_argv(array $argv, array $files, string $root, string $work): array
{
    $user = '';
    foreach ($argv as $arg) {
        if (str_starts_with($arg, '--auth_user=')) {
            $user = substr($arg, 12);
        }
    }
    $map = ['<itop>' => $root, '<password>' => PASSWORDS[$user] ?? ''];
    foreach ($files as $path => $content) {
        $local = $work . '/' . basename($path);
        file_put_contents($local, $content);
        $map[$path] = $local;
    }
    return array_map(fn ($a) => strtr($a, $map), $argv);
}

/** Run without a shell; returns [stdout, exit code]. */
function run(array $argv): array
{
    $proc = proc_open($argv, [1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
    $out = stream_get_contents($pipes[1]);
    fclose($pipes[1]);
    return [$out, proc_close($proc)];
}

function mask(string $text): string
{
    return preg_replace('/\d{10} \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\)/', '<T>', $text);
}

[$req, $root, $work] = array_slice($argv, 1);
[$args, $files] = parse_req((string) file_get_contents($req));
$resp = (string) file_get_contents(preg_replace('/\.req$/', '.resp', $req));
[$head, $expected] = explode("\n", $resp, 2) + [1 => ''];
$expectedCode = (int) substr($head, strlen('exit: '));
[$out, $code] = run(localize_argv($args, $files, $root, $work));
if (mask($out) === mask($expected) && $code === $expectedCode) {
    exit(0);
}
echo "  expected exit $expectedCode, got $code\n";
$want = explode("\n", mask($expected));
$got = explode("\n", mask($out));
for ($i = 0; $i < max(count($want), count($got)); $i++) {
    if (($want[$i] ?? null) !== ($got[$i] ?? null)) {
        echo "  first difference at line ", $i + 1, ":\n  - ", json_encode($want[$i] ?? null, JSON_UNESCAPED_UNICODE),
            "\n  + ", json_encode($got[$i] ?? null, JSON_UNESCAPED_UNICODE), "\n";
        break;
    }
}
exit(1);
