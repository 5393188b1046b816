<?php
// The JSON store standing for iTop's database.
declare(strict_types=1);

/** Path of the state file: $ITOP_STANDIN_STATE or <root>/data/state.json. */
function state_path(): string
{
    $path = getenv('ITOP_STANDIN_STATE');
    if ($path === false || $path === '') {
        $path = dirname(__DIR__) . '/data/state.json';
    }
    return $path;
}

/** The state of a fresh install: two organizations, no persons, two data sources. */
function initial_state(): array
{
    return [
        'next_id' => ['Organization' => 4, 'Person' => 1, 'Server' => 1],
        'objects' => [
            'Organization' => [
                '2' => ['name' => 'Lab Org A', 'code' => 'LABA', 'status' => 'active', 'parent_id' => 0],
                '3' => ['name' => 'Lab Org B', 'code' => 'LABB', 'status' => 'active', 'parent_id' => 0],
            ],
            'Person' => [],
            'Server' => [],
        ],
        'sources' => [
            '1' => ['name' => 'Lab Person Source', 'class' => 'Person', 'owner' => 'syncuser',
                'reconcile' => 'email', 'replicas' => []],
            '2' => ['name' => 'Lab Server Source', 'class' => 'Server', 'owner' => 'admin',
                'reconcile' => 'name', 'replicas' => []],
        ],
        'cron_tasks' => [],
    ];
}

/** Load the state, creating the file on first use. */
function state_load(): array
{
    $path = state_path();
    if (!file_exists($path)) {
        state_save(initial_state());
    }
    $state = json_decode((string) file_get_contents($path), true);
    if (!is_array($state)) {
        php_noise("PHP Fatal error:  stand-in state file is not valid JSON: $path");
        echo "<p>iTop: An error occurred, check server error log for more information.</p>\n";
        exit(255);
    }
    return $state;
}

/** Write the state atomically. */
function state_save(array $state): void
{
    $path = state_path();
    if (!is_dir(dirname($path))) {
        mkdir(dirname($path), 0777, true);
    }
    $tmp = $path . '.tmp' . getmypid();
    $json = json_encode($state, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
        | JSON_INVALID_UTF8_SUBSTITUTE | JSON_FORCE_OBJECT);
    file_put_contents($tmp, $json . "\n");
    rename($tmp, $path);
}

/** Store a new object of $class and return its id. */
function state_create(array &$state, string $class, array $values): int
{
    $id = (int) $state['next_id'][$class];
    $state['next_id'][$class] = $id + 1;
    $state['objects'][$class][(string) $id] = $values;
    return $id;
}
