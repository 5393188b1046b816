<?php
// Tests of the PHP binding against the loopback iTop.
// Usage: php -d ffi.enable=1 test_itop.php URL TAG DIR (ITOP_FFI_LIB set).
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

[, $url, $tag, $dir] = $argv;
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
