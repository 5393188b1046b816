<?php
// Quick start: import two organizations, then export them as CSV.
// Usage: php -d ffi.enable=1 quickstart.php URL LOGIN PASSWORD
// (with ITOP_FFI_LIB=/path/to/libitop.so in the environment).

require __DIR__ . '/../../php/Itop.php';

use Itop\AuthException;
use Itop\Client;

[, $url, $login, $password] = $argv;
$client = new Client(['url' => $url, 'login' => $login, 'password' => $password]);

try {
    $csv = "name,code,status\n\"PHP Start Org A\",PSA,active\n\"PHP Start Org B\",PSB,active\n";
    $report = $client->importString('Organization', $csv, ['reconciliation_keys' => ['name']]);
    $summary = $report['summary'];
    printf("import: %d line(s): created %d, updated %d, unchanged %d, issues %d\n",
        $summary['data_lines'], $summary['created'], $summary['updated'],
        $summary['unchanged'], $report['issues']);

    echo $client->exportToString("SELECT Organization WHERE code LIKE 'PS%'",
        ['fields' => ['name', 'code', 'status']]);
} catch (AuthException $e) {
    fwrite(STDERR, "wrong credentials: {$e->getMessage()}\n");
    exit(1);
}
