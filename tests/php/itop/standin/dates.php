<?php
// Date formats of the CSV loaders.
declare(strict_types=1);

/** `%Y %m %d %H %M %S` (strftime) converted to PHP date syntax. */
function php_date_format(string $format): string
{
    if (!str_contains($format, '%')) {
        return $format;
    }
    return strtr($format, ['%Y' => 'Y', '%y' => 'y', '%m' => 'm', '%d' => 'd', '%H' => 'H',
        '%M' => 'i', '%S' => 's', '%%' => '%']);
}

/** The date-only part of a date-and-time format (`d/m/Y H:i:s` → `d/m/Y`). */
function date_only_format(string $format): string
{
    $cut = strcspn($format, 'HGhgisaA');
    return rtrim(substr($format, 0, $cut), " T:");
}

/** Parse $value with $format into `Y-m-d`, or null when it does not match. */
function parse_date(string $value, string $format): ?string
{
    $date = DateTime::createFromFormat('!' . $format, $value);
    $errors = DateTime::getLastErrors();
    if ($date === false || ($errors !== false && ($errors['warning_count'] + $errors['error_count']) > 0)) {
        return null;
    }
    return $date->format('Y-m-d');
}
