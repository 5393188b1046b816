<?php
// Export writers of the stand-in: fields, CSV, XML, HTML table (PROTOCOL.md §6.2, §6.4).
declare(strict_types=1);

/** A wrong `fields` item. */
final class FieldError extends Exception
{
}

/** Resolve `att`, `extkey->att`, `alias.att` items; throws FieldError. */
function export_fields(string $class, string $alias, string $list): array
{
    $fields = [];
    foreach (explode(',', $list) as $spec) {
        $spec = trim($spec);
        $path = preg_replace('/^' . preg_quote($alias, '/') . '\./', '', $spec);
        [$att, $remote] = array_pad(explode('->', $path, 2), 2, null);
        $def = model_class($class)[$att] ?? null;
        $ok = $def !== null && ($remote === null
            || ($def['type'] === 'extkey' && isset(model_class($def['target'])[$remote])));
        if (!$ok) {
            throw new FieldError("Wrong field specification '$spec': Unknown attribute $path from class $class");
        }
        $fields[] = ['spec' => $spec, 'att' => $att, 'remote' => $remote];
    }
    return $fields;
}

/** Header cell: the code as given ($byCode) or `Label` / `Label->Remote label`. */
function export_label(string $class, array $field, bool $byCode): string
{
    if ($byCode) {
        return $field['spec'];
    }
    $def = model_class($class)[$field['att']];
    if ($field['remote'] === null) {
        return $def['label'];
    }
    return $def['label'] . '->' . model_class($def['target'])[$field['remote']]['label'];
}

/** [text, is_number] of one field of one object. */
function export_value(array $state, string $class, array $object, array $field, array $opts): array
{
    $def = model_class($class)[$field['att']];
    if ($field['remote'] !== null) {
        $target = $state['objects'][$def['target']][(string) ($object[$field['att']] ?? 0)] ?? [];
        return [display_value($def['target'], $field['remote'], $target, $opts['raw']), false];
    }
    if ($def['type'] === 'extkey') {
        return [(string) (int) ($object[$field['att']] ?? 0), true];
    }
    $value = display_value($class, $field['att'], $object, $opts['raw']);
    if ($def['type'] === 'date' && $value !== '' && ($opts['date_format'] ?? '') !== '') {
        $value = date(date_only_format($opts['date_format']), (int) strtotime($value));
    }
    return [$value, false];
}

/** CSV export: quoted header, strings quoted (qualifier doubled), numbers bare, `\n`. */
function export_csv(array $state, string $class, array $ids, array $fields, array $opts): string
{
    $q = $opts['qualifier'];
    $quote = fn (string $v) => $q . str_replace($q, $q . $q, $v) . $q;
    $lines = [implode($opts['separator'], array_map(fn ($f) => $quote(export_label($class, $f, $opts['raw'])), $fields))];
    foreach ($ids as $id) {
        $object = $state['objects'][$class][(string) $id];
        $cells = [];
        foreach ($fields as $field) {
            [$value, $number] = export_value($state, $class, $object, $field, $opts);
            $cells[] = $number ? $value : $quote($value);
        }
        $lines[] = implode($opts['separator'], $cells);
    }
    return implode("\n", $lines) . "\n";
}

/** XML export: every attribute, `<extkey>_friendlyname` after external keys. */
function export_xml(array $state, string $class, string $alias, array $ids, bool $raw): string
{
    $xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Set>\n";
    $esc = fn (string $v) => htmlspecialchars($v, ENT_XML1 | ENT_QUOTES, 'UTF-8');
    foreach ($ids as $id) {
        $object = $state['objects'][$class][(string) $id];
        $xml .= "<$class alias=\"{$esc($alias)}\" id=\"$id\">\n";
        foreach (model_class($class) as $att => $def) {
            $xml .= "<$att>" . $esc(display_value($class, $att, $object, $raw)) . "</$att>\n";
            if ($def['type'] === 'extkey') {
                $target = $state['objects'][$def['target']][(string) ($object[$att] ?? 0)] ?? null;
                $name = $target === null ? '' : friendly_name($def['target'], $target);
                $xml .= "<{$att}_friendlyname>" . $esc($name) . "</{$att}_friendlyname>\n";
            }
        }
        $xml .= '<friendlyname>' . $esc(friendly_name($class, $object)) . "</friendlyname>\n"
            . "<obsolescence_flag>No</obsolescence_flag>\n<obsolescence_date></obsolescence_date>\n</$class>\n";
    }
    return $xml . "</Set>\n";
}

/** CLI html export: only the `<table class="listResults">` element. */
function export_html(array $state, string $class, array $ids, array $fields, array $opts): string
{
    $esc = fn (string $v) => htmlspecialchars($v, ENT_QUOTES, 'UTF-8');
    $html = '<table class="listResults"><thead><tr>';
    foreach ($fields as $field) {
        $html .= '<th>' . $esc(export_label($class, $field, $opts['raw'])) . '</th>';
    }
    $html .= "</tr></thead><tbody>\n";
    foreach ($ids as $id) {
        $cells = array_map(fn ($f) => '<td>' . $esc(export_value($state, $class,
            $state['objects'][$class][(string) $id], $f, $opts)[0]) . '</td>', $fields);
        $html .= '<tr>' . implode('', $cells) . "</tr>\n";
    }
    return $html . "</tbody></table>\n";
}
