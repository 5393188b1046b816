<?php
// The tiny data model of the stand-in: Organization, Person, Server.
declare(strict_types=1);

/**
 * class => attributes in data-model order. Each attribute: label, type
 * (string|enum|extkey|date|text), mandatory, enum values (code => label),
 * target class for external keys.
 */
function model(): array
{
    $orgStatus = ['active' => 'Active', 'inactive' => 'Inactive'];
    return [
        'Organization' => [
            'name' => ['label' => 'Name', 'type' => 'string', 'mandatory' => true],
            'code' => ['label' => 'Code', 'type' => 'string', 'mandatory' => false],
            'status' => ['label' => 'Status', 'type' => 'enum', 'mandatory' => false, 'values' => $orgStatus],
            'parent_id' => ['label' => 'Parent', 'type' => 'extkey', 'mandatory' => false, 'target' => 'Organization'],
        ],
        'Person' => [
            'name' => ['label' => 'Last Name', 'type' => 'string', 'mandatory' => true],
            'status' => ['label' => 'Status', 'type' => 'enum', 'mandatory' => false, 'values' => $orgStatus],
            'org_id' => ['label' => 'Organization', 'type' => 'extkey', 'mandatory' => true, 'target' => 'Organization'],
            'email' => ['label' => 'Email', 'type' => 'string', 'mandatory' => false],
            'phone' => ['label' => 'Phone', 'type' => 'string', 'mandatory' => false],
            'function' => ['label' => 'Function', 'type' => 'string', 'mandatory' => false],
            'first_name' => ['label' => 'First Name', 'type' => 'string', 'mandatory' => false],
            'employee_number' => ['label' => 'Employee number', 'type' => 'string', 'mandatory' => false],
            'mobile_phone' => ['label' => 'Mobile phone', 'type' => 'string', 'mandatory' => false],
        ],
        'Server' => [
            'name' => ['label' => 'Name', 'type' => 'string', 'mandatory' => true],
            'org_id' => ['label' => 'Organization', 'type' => 'extkey', 'mandatory' => true, 'target' => 'Organization'],
            'status' => ['label' => 'Status', 'type' => 'enum', 'mandatory' => false, 'values' => [
                'production' => 'Production', 'implementation' => 'Implementation',
                'stock' => 'Stock', 'obsolete' => 'Obsolete']],
            'business_criticity' => ['label' => 'Business criticality', 'type' => 'enum', 'mandatory' => false,
                'values' => ['high' => 'High', 'medium' => 'Medium', 'low' => 'Low']],
            'move2production' => ['label' => 'Move to production date', 'type' => 'date', 'mandatory' => false],
            'description' => ['label' => 'Description', 'type' => 'text', 'mandatory' => false],
        ],
    ];
}

/** Default reconciliation keys of each class (import.php without reconciliationkeys). */
function model_reconciliation_keys(string $class): array
{
    return match ($class) {
        'Organization' => ['name', 'code'],
        'Person' => ['first_name', 'name', 'org_id'],
        default => ['name'],
    };
}

/** The attributes of $class, or null for an unknown class. */
function model_class(string $class): ?array
{
    return model()[$class] ?? null;
}

/** The friendly name of an object (also the default sort key of exports). */
function friendly_name(string $class, array $object): string
{
    if ($class === 'Person') {
        return trim(($object['first_name'] ?? '') . ' ' . ($object['name'] ?? ''));
    }
    return (string) ($object['name'] ?? '');
}

/** The displayed value of an attribute: enum label unless $raw, names for ext keys. */
function display_value(string $class, string $attcode, array $object, bool $raw): string
{
    $def = model_class($class)[$attcode];
    $value = $object[$attcode] ?? '';
    if ($def['type'] === 'enum' && !$raw) {
        return $def['values'][$value] ?? (string) $value;
    }
    return (string) $value;
}

/** Find an attribute by code (no_localize=1) or label, case-insensitively. */
function find_attribute(string $class, string $name, bool $byCode): ?string
{
    foreach (model_class($class) as $code => $def) {
        $candidate = $byCode ? $code : $def['label'];
        if (strcasecmp($candidate, $name) === 0) {
            return $code;
        }
    }
    return null;
}

/** Objects of $class whose $attcode equals $value (case-insensitive, like MySQL). */
function find_objects(array $state, string $class, string $attcode, string $value): array
{
    $ids = [];
    foreach ($state['objects'][$class] ?? [] as $id => $object) {
        if (strcasecmp((string) ($object[$attcode] ?? ''), $value) === 0) {
            $ids[] = (int) $id;
        }
    }
    return $ids;
}

/** Ids of $class sorted by friendly name, then id. */
function sorted_ids(array $state, string $class): array
{
    $objects = $state['objects'][$class] ?? [];
    $ids = array_map('intval', array_keys($objects));
    usort($ids, fn (int $a, int $b) => strcmp(friendly_name($class, $objects[$a]),
        friendly_name($class, $objects[$b])) ?: $a <=> $b);
    return $ids;
}
