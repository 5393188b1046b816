<?php
// A very small OQL subset for the export stand-ins:
// SELECT <Class> [AS <alias>] [WHERE <cond> [AND <cond>]…],
// <cond> = [alias.]<att> (=|!=|LIKE|NOT LIKE) ('text'|"text"|number|:param).
declare(strict_types=1);

/** A query the stand-in cannot parse; the message is iTop-like. */
final class OqlError extends Exception
{
}

/** An OQL parameter without its `arg_<name>` value. */
final class OqlMissingArg extends Exception
{
}

/** Tokens: [type, text, offset]; types NAME, STRING, NUMBER, PARAM, OP. */
function oql_tokens(string $oql): array
{
    preg_match_all('/\s*(?:(?<STRING>\'(?:[^\'\\\\]|\\\\.)*\'|"(?:[^"\\\\]|\\\\.)*")|(?<NUMBER>-?\d+)'
        . '|(?<PARAM>:\w+)|(?<NAME>[A-Za-z_][\w.]*)|(?<OP>!=|=|\S))/A', $oql, $matches, PREG_SET_ORDER | PREG_OFFSET_CAPTURE);
    $tokens = [];
    foreach ($matches as $m) {
        foreach (['STRING', 'NUMBER', 'PARAM', 'NAME', 'OP'] as $type) {
            if (isset($m[$type]) && $m[$type][1] >= 0 && $m[$type][0] !== '') {
                $tokens[] = [$type, $m[$type][0], $m[$type][1]];
                break;
            }
        }
    }
    return $tokens;
}

/** Parse $oql; returns ['class', 'alias', 'conditions' => [[att, op, value]…]]. */
function oql_parse(string $oql, callable $argValue): array
{
    $t = oql_tokens($oql);
    $t[] = ['EOF', '', strlen($oql)];
    $unexpected = fn (array $tok) => new OqlError("Unexpected token {$tok[0]} - found '{$tok[1]}' at {$tok[2]} in '$oql'");
    if ($t[0][0] !== 'NAME' || strcasecmp($t[0][1], 'SELECT') !== 0) {
        throw $unexpected($t[0][0] === 'NAME' ? $t[1] : $t[0]);
    }
    $class = $t[1][1];
    if ($t[1][0] !== 'NAME' || model_class($class) === null) {
        $all = implode(', ', array_keys(model()));
        throw new OqlError("Unknown class - found '$class' at {$t[1][2]} in '$oql', expecting {{$all}}");
    }
    $i = 2;
    $alias = $class;
    if (strcasecmp($t[$i][1], 'AS') === 0 && $t[$i + 1][0] === 'NAME') {
        $alias = $t[$i + 1][1];
        $i += 2;
    }
    $conditions = [];
    if (strcasecmp($t[$i][1], 'WHERE') === 0) {
        do {
            [$conditions[], $i] = oql_condition($t, $i + 1, $class, $alias, $argValue, $unexpected);
        } while (strcasecmp($t[$i][1], 'AND') === 0);
    }
    if ($t[$i][0] !== 'EOF') {
        throw $unexpected($t[$i]);
    }
    return ['class' => $class, 'alias' => $alias, 'conditions' => $conditions];
}

/** One `<att> <op> <value>` condition starting at token $i; returns [cond, next index]. */
function oql_condition(array $t, int $i, string $class, string $alias, callable $argValue, callable $unexpected): array
{
    if ($t[$i][0] !== 'NAME') {
        throw $unexpected($t[$i]);
    }
    $att = preg_replace('/^' . preg_quote($alias, '/') . '\./', '', $t[$i][1]);
    $external = $att === 'org_name' && isset(model_class($class)['org_id']);
    if ($att !== 'id' && !$external && !isset(model_class($class)[$att])) {
        throw new OqlError("Unknown attribute '$att' of class '$class' - found '{$t[$i][1]}' at {$t[$i][2]}");
    }
    $i++;
    $op = strtoupper($t[$i][1]);
    if ($op === 'NOT' && strcasecmp($t[$i + 1][1], 'LIKE') === 0) {
        [$op, $i] = ['NOT LIKE', $i + 1];
    }
    if (!in_array($op, ['=', '!=', 'LIKE', 'NOT LIKE'], true)) {
        throw $unexpected($t[$i]);
    }
    $tok = $t[++$i];
    $value = match ($tok[0]) {
        'STRING' => stripcslashes(substr($tok[1], 1, -1)),
        'NUMBER' => $tok[1],
        'PARAM' => $argValue(substr($tok[1], 1)) ?? throw new OqlMissingArg(substr($tok[1], 1)),
        default => throw $unexpected($tok),
    };
    return [[$att, $op, $value], $i + 1];
}

/** True when $object (with its id) satisfies every condition. */
function oql_matches(array $conditions, array $object): bool
{
    foreach ($conditions as [$att, $op, $value]) {
        $actual = (string) ($object[$att] ?? '');
        $ok = match ($op) {
            '=' => strcasecmp($actual, $value) === 0,
            '!=' => strcasecmp($actual, $value) !== 0,
            default => (preg_match(oql_like_regex($value), $actual) === 1) === ($op === 'LIKE'),
        };
        if (!$ok) {
            return false;
        }
    }
    return true;
}

/** LIKE pattern (`%`, `_`) as a case-insensitive regex. */
function oql_like_regex(string $pattern): string
{
    $regex = '';
    foreach (str_split($pattern) as $char) {
        $regex .= match ($char) { '%' => '.*', '_' => '.', default => preg_quote($char, '/') };
    }
    return '/^' . $regex . '$/is';
}

/** Ids of the objects selected by a parsed query, in export order (friendly name). */
function oql_select(array $state, array $query): array
{
    $ids = [];
    foreach (sorted_ids($state, $query['class']) as $id) {
        $object = $state['objects'][$query['class']][(string) $id] + ['id' => (string) $id];
        // `org_name`: iTop's external field (org_id->name) of Person and others.
        if (isset($object['org_id'])) {
            $object['org_name'] = $state['objects']['Organization'][(string) $object['org_id']]['name'] ?? '';
        }
        if (oql_matches($query['conditions'], $object)) {
            $ids[] = $id;
        }
    }
    return $ids;
}
