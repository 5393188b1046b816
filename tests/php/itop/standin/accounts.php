<?php
// The accounts of the stand-in iTop (same as the HTTP imitation).
declare(strict_types=1);

/** login => password, administrator flag, bulk-modify right. */
const STANDIN_ACCOUNTS = [
    'admin' => ['pwd' => 'Adm1n-secret', 'admin' => true, 'bulk_modify' => true],
    'syncuser' => ['pwd' => 'sync.Pass!', 'admin' => false, 'bulk_modify' => true],
    'reader' => ['pwd' => 'Re4der-pwd', 'admin' => false, 'bulk_modify' => false],
    'portaluser' => ['pwd' => 'P0rtal-pwd', 'admin' => false, 'bulk_modify' => false],
];

/** CLI credential check: account database only, no portal or profile restriction. */
function check_credentials(?string $login, ?string $password): bool
{
    $account = STANDIN_ACCOUNTS[$login ?? ''] ?? null;
    return $account !== null && $password !== null && $account['pwd'] === $password;
}

/** True when $login has the Administrator profile. */
function is_administrator(string $login): bool
{
    return STANDIN_ACCOUNTS[$login]['admin'] ?? false;
}

/** True when $login may bulk-modify objects (import.php, §1.6). */
function may_bulk_modify(string $login): bool
{
    return STANDIN_ACCOUNTS[$login]['bulk_modify'] ?? false;
}
