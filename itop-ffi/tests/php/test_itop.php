<?php
// Tests of the PHP binding against the loopback iTop.
// Usage: php -d ffi.enable=1 test_itop.php URL TAG DIR LIMITED_URL (ITOP_FFI_LIB set;
// LIMITED_URL: a loopback iTop that drops request bodies over 4000 bytes).
// Prints failed checks, then `php: N passed, M failed`.

declare(strict_types=1);

require __DIR__ . '/../../php/Itop.php';

use Itop\AuthException;
use Itop\BadRequestException;
use Itop\Client;
use Itop\InvalidRequestException;
use Itop\IoException;
use Itop\Params;
use Itop\ParamsException;
use Itop\TransportException;

[, $url, $tag, $dir, $limitedUrl] = $argv;
$passed = 0;
$failed = 0;

function check(bool $ok, string $what): void
{
    global $passed, $failed;
    if ($ok) {
        $passed++;
    } else {
        $failed++;
        echo "not ok - $what\n";
    }
}

/** Runs `$call`, expecting exception `$class` whose message holds `$needle`. */
function throws(string $class, string $needle, callable $call, string $what): ?Throwable
{
    try {
        $call();
    } catch (Throwable $e) {
        check($e instanceof $class && str_contains($e->getMessage(), $needle),
            "$what: wanted $class with \"$needle\", got " . get_class($e) . ': ' . $e->getMessage());
        return $e;
    }
    check(false, "$what: no exception");
    return null;
}

$admin = ['url' => $url, 'login' => 'admin', 'password' => 'Adm1n-secret'];
$client = new Client($admin + ['timeout_ms' => 60000, 'user_agent' => 'itop-ffi-php-test']);

// Import: CSV text, then a file twice (created, then unchanged).
$org = "PHP Org $tag";
$report = $client->importString('Organization', "name,code\n\"$org\",P1\n",
    ['reconciliation_keys' => 'name', 'output' => 'details', 'comment' => 'php test']);
check($report['summary']['created'] === 1, 'organization created');
check(count($report['rows']) === 1 && $report['rows'][0]['status']['kind'] === 'created', 'details row');

$people = "$dir/php-people.csv";
file_put_contents($people, "first_name;name;org_id->name;email\n"
    . "Ana;Lima;$org;ana.$tag@php.example\nBo;Berg;$org;bo.$tag@php.example\n");
$options = ['reconciliation_keys' => ['email'], 'separator' => ';', 'charset' => 'UTF-8'];
$first = $client->import('Person', $people, $options);
check($first['summary']['created'] === 2 && $first['issues'] === 0, 'people created');
$second = $client->import('Person', $people, $options);
check($second['summary']['unchanged'] === 2 && $second['summary']['created'] === 0, 'people unchanged');
$retcode = $client->import('Person', $people, $options + ['output' => 'retcode']);
check($retcode['issues'] === 0 && $retcode['summary'] === null, 'retcode mode');

// Export: to a string (callback) and to a file, the same bytes.
$export = ['fields' => ['first_name', 'name', 'email'], 'arguments' => ['org' => $org]];
$oql = 'SELECT Person WHERE org_name = :org';
$csv = $client->exportToString($oql, $export);
$lines = explode("\n", trim($csv));
check($lines[0] === '"first_name","name","email"', 'export header');
check(count($lines) === 3 && str_contains($csv, "\"Ana\",\"Lima\",\"ana.$tag@php.example\""), 'export rows');
$bytes = $client->exportToFile($oql, "$dir/php-export.csv", $export);
check($bytes === strlen($csv) && file_get_contents("$dir/php-export.csv") === $csv, 'export to file');

// Synchro import, synchro exec, cron.
$replicas = "$dir/php-replicas.csv";
file_put_contents($replicas, "primary_key;first_name;name;email;org_id;status\n"
    . "php-$tag;Kai;Rot;kai.$tag@sync.example;Lab Org A;active\n");
$sync = $client->synchroImport(1, $replicas, ['comment' => 'php test']);
check($sync['import']['data_lines'] === 1 && $sync['synchro'] !== null, 'synchro import');
$exec = $client->synchroExec([1], ['simulate' => false]);
check(count($exec['sources']) === 1 && $exec['sources'][0]['name'] === 'Lab Person Source', 'synchro exec');
$cron = $client->cron(['verbose' => true]);
check($cron['exited'] !== null && $cron['already_running'] === false, 'cron run');

// Errors: each status has its exception, with the message and raw answer.
$wrong = new Client(['url' => $url, 'login' => 'admin', 'password' => 'wrong-password']);
$e = throws(AuthException::class, 'authentication failed',
    fn () => $wrong->importString('Organization', "name\nX\n"), 'wrong password on import');
check($e !== null && $e->getCode() === 4 && $e->getRaw() !== '', 'auth status and raw answer');
throws(AuthException::class, 'authentication failed',
    fn () => $wrong->exportToString('SELECT Organization', ['fields' => 'name']), 'wrong password on export');
throws(BadRequestException::class, 'Invalid OQL',
    fn () => $client->exportToString('SELEKT Person', ['fields' => 'name']), 'bad OQL');
throws(IoException::class, 'missing.csv',
    fn () => $client->import('Person', "$dir/missing.csv"), 'missing CSV file');
throws(InvalidRequestException::class, 'unknown option',
    fn () => $client->importString('Person', "x\n", ['colour' => 'red']), 'unknown option');
throws(InvalidRequestException::class, 'invalid url',
    fn () => new Client(['url' => 'ftp://example']), 'bad URL');
throws(InvalidRequestException::class, 'invalid output',
    fn () => $client->importString('Person', "x\n", ['output' => 'verbose']), 'bad output mode');
throws(InvalidRequestException::class, 'invalid output',
    fn () => $client->importString('Person', "x\n", ['output' => 1]), 'output given as a number');
throws(InvalidRequestException::class, 'invalid separator',
    fn () => $client->importString('Person', "x\n", ['separator' => ';;']), 'two-character separator');
throws(InvalidRequestException::class, 'invalid qualifier',
    fn () => $client->importString('Person', "x\n", ['qualifier' => '']), 'empty qualifier');
throws(InvalidRequestException::class, 'invalid timeout_ms',
    fn () => new Client($admin + ['timeout_ms' => 0]), 'zero timeout');
throws(InvalidRequestException::class, 'invalid chunk_rows',
    fn () => $client->importStringChunked('Person', "x\n", ['chunk_rows' => -1]), 'negative chunk rows');
throws(InvalidRequestException::class, 'invalid data source id',
    fn () => $client->synchroExec(['abc']), 'data source id not a number');
// C reads a string up to its first NUL: refused rather than cut short.
throws(InvalidRequestException::class, 'NUL byte',
    fn () => $client->exportToString("SELECT Organization\0 WHERE name = 'x'", ['fields' => 'name']), 'NUL in a query');
throws(InvalidRequestException::class, 'NUL byte',
    fn () => new Client(array_merge($admin, ['password' => "Adm1n-secret\0extra"])), 'NUL in a password');
// A copy would free the same C object twice: refused; a destroyed client
// fails cleanly.
throws(InvalidRequestException::class, 'cannot be cloned', fn () => clone $client, 'clone refused');
throws(InvalidRequestException::class, 'cannot be cloned', fn () => clone Params::empty(), 'params clone refused');
$spare = new Client($admin);
$spare->__destruct();
throws(InvalidRequestException::class, 'NULL',
    fn () => $spare->exportToString('SELECT Organization', ['fields' => 'name']), 'destroyed client');

// Chunked imports: progress per chunk, the merged report, the chunk summary.
/** `$count` organizations "PREFIX 000"...; rows in [$from, $to) get a 400-character code. */
function orgs(string $prefix, int $count, int $from = 0, int $to = 0): string
{
    $csv = "name,code\n";
    for ($i = 0; $i < $count; $i++) {
        $code = $i >= $from && $i < $to ? str_repeat('L', 400) : "K$i";
        $csv .= sprintf("\"%s %03d\",%s\n", $prefix, $i, $code);
    }
    return $csv;
}
function countOrgs(Client $client, string $prefix): int
{
    $csv = $client->exportToString("SELECT Organization WHERE name LIKE '$prefix %'", ['fields' => 'name']);
    return substr_count($csv, "\n") - 1;
}
$prefix = "PHP Chunk $tag";
$csv = orgs($prefix, 150);
$calls = [];
$progress = function (int $chunks, int $rows, int $bytes, int $line) use (&$calls): void {
    $calls[] = [$chunks, $rows, $bytes, $line];
};
$keys = ['reconciliation_keys' => 'name'];
$report = $client->importStringChunked('Organization', $csv, $keys + ['chunk_rows' => 40], $progress);
check($report['summary']['created'] === 150 && $report['issues'] === 0, 'chunked import created');
check($report['chunks']['complete'] && $report['chunks']['chunks'] === 4 && $report['chunks']['rows'] === 150, 'chunk summary');
check($report['chunks']['committed'] === [0, 150] && $report['chunks']['resume_from_line'] === null, 'nothing to resume');
check(array_column($calls, 0) === [1, 2, 3, 4] && array_column($calls, 1) === [40, 80, 120, 150], 'progress chunks and rows');
check(array_column($calls, 3) === [42, 82, 122, 152] && $calls[3][2] === strlen($csv), 'progress lines and bytes');
check(countOrgs($client, $prefix) === 150, 'chunked rows in iTop');
file_put_contents("$dir/php-chunked.csv", $csv);
$again = $client->importChunked('Organization', "$dir/php-chunked.csv", $keys + ['chunk_rows' => 100, 'resume_from_line' => 52]);
check($again['summary']['unchanged'] === 100 && $again['chunks']['first_row'] === 50, 'resumed from a line, unchanged');
$e = throws(RuntimeException::class, 'progress broke',
    fn () => $client->importStringChunked('Organization', $csv, $keys + ['chunk_rows' => 75],
        function () { throw new RuntimeException('progress broke'); }), 'progress exception');
check($e !== null && !($e instanceof Itop\ItopException), 'progress exception rethrown after the upload');
throws(InvalidRequestException::class, 'chunk_bytes',
    fn () => $client->importStringChunked('Organization', $csv, ['chunk_bytes' => 10]), 'bad chunk size');

// A chunk too big for the limited iTop: the exception says where to resume.
$limited = new Client(['url' => $limitedUrl, 'login' => 'admin', 'password' => 'Adm1n-secret']);
$prefix = "PHP Cut $tag";
$csv = orgs($prefix, 200, 120, 130);
$e = throws(AuthException::class, 'chunk 3 failed',
    fn () => $limited->importStringChunked('Organization', $csv, $keys + ['chunk_rows' => 50]), 'chunk refused');
check($e !== null && $e->getResumeLine() === 102, 'resume line on the exception');
check($e !== null && $e->getReport()['summary']['created'] === 100, 'partial report on the exception');
check($e !== null && $e->getReport()['chunks']['committed'] === [0, 100] && $e->getReport()['chunks']['failed_chunk'] === 2, 'rows written');
check(countOrgs($limited, $prefix) === 100, 'rows before the failure are in iTop');
$resumed = $limited->importStringChunked('Organization', $csv,
    $keys + ['chunk_rows' => 50, 'chunk_bytes' => 2500, 'resume_from_line' => $e?->getResumeLine() ?? 0]);
check($resumed['summary']['created'] === 100 && $resumed['chunks']['complete'], 'resumed to the end');
check(countOrgs($limited, $prefix) === 200, 'all rows in iTop once');

// Chunked synchro import: every chunk loaded, then one synchronization.
$replicas = "primary_key;first_name;name;email;org_id;status\n";
for ($i = 0; $i < 60; $i++) {
    $replicas .= "php-$tag-c$i;Ch$i;Unk;phpch$i.$tag@sync.example;Lab Org A;active\n";
}
file_put_contents("$dir/php-chunked-replicas.csv", $replicas);
$calls = [];
$sync = $client->synchroImportChunked(1, "$dir/php-chunked-replicas.csv", ['chunk_rows' => 25], $progress);
check($sync['import']['data_lines'] === 60 && $sync['import']['created'] === 60, 'chunked load');
check($sync['synchro'] !== null && $sync['synchro']['created'] >= 60, 'one synchronization');
check($sync['chunks']['chunks'] === 3 && count($calls) === 3 && $calls[2][3] === 62, 'chunked load progress');

// Legacy export.php: to a string and to a file.
$legacy = ['fields' => 'name,code', 'arguments' => ['name' => "PHP Chunk $tag 007"]];
$oql = 'SELECT Organization WHERE name = :name';
$data = $client->exportLegacyToString($oql, $legacy);
check(str_starts_with($data, "name,code\n") && str_contains($data, "\"PHP Chunk $tag 007\",\"K7\""), 'legacy export');
check($client->exportLegacyToFile($oql, "$dir/php-legacy.csv", $legacy) === strlen($data)
    && file_get_contents("$dir/php-legacy.csv") === $data, 'legacy export to file');
file_put_contents("$dir/php-legacy.csv", "old\n");
throws(BadRequestException::class, 'SELEKT',
    fn () => $client->exportLegacyToFile('SELEKT Organization', "$dir/php-legacy.csv"), 'legacy bad OQL');
check(file_get_contents("$dir/php-legacy.csv") === "old\n", 'failed legacy export leaves the file');
throws(InvalidRequestException::class, 'no PDF',
    fn () => $client->exportLegacyToString($oql, ['format' => 'pdf']), 'legacy PDF');

// Proxy and certificate switches.
$direct = new Client($admin + ['proxy' => 'none', 'danger_accept_invalid_certs' => true]);
check($direct->importString('Organization', "name\nNobody\n", ['simulate' => true])['summary']['data_lines'] === 1, 'no proxy');
$proxied = new Client($admin + ['proxy' => 'http://127.0.0.1:1']);
throws(TransportException::class, 'import',
    fn () => $proxied->importString('Organization', "name\nNobody\n", ['simulate' => true]), 'unreachable proxy');
throws(InvalidRequestException::class, 'proxy',
    fn () => new Client($admin + ['proxy' => 'no proxy here']), 'bad proxy');

// A parameters file: read, query, lint, check, write.
file_put_contents("$dir/php.params", "auth_user = admin\nauth_pwd = s3cr#et\nauth_login = x\n");
$params = Params::read("$dir/php.params");
check($params->get('auth_pwd') === 's3cr', 'value cut at #');
check($params->get('nope') === null, 'missing key');
check($params->keys() === ['auth_user', 'auth_pwd', 'auth_login'], 'keys in order');
$findings = $params->lint('import');
check(count($findings) === 2, 'two findings');
check([$findings[0]['line'], $findings[0]['column'], $findings[0]['severity']] === [2, 16, 'changed'], 'first finding position');
check(str_contains($findings[1]['message'], 'did you mean `auth_user`?'), 'suggestion');
$report = $params->checkReport('import');
check(str_contains($report, 'auth_pwd = ***') && !str_contains($report, 's3cr'), 'check report hides secrets');
$params->set('comment', 'a#b');
throws(ParamsException::class, '#', fn () => $params->write("$dir/php-out.params"), 'unwritable value');
$clean = Params::empty();
$clean->set('separator', ';');
$clean->write("$dir/php-out.params");
check(Params::read("$dir/php-out.params")->get('separator') === ';', 'written and read back');
check(Params::parse("a=b=c\n", 'mem.params')->get('a=b') === 'c', 'parse follows iTop');
throws(ParamsException::class, 'missing.params', fn () => Params::read("$dir/missing.params"), 'missing params file');

echo "php: $passed passed, $failed failed\n";
exit($failed === 0 ? 0 : 1);
