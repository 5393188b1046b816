<?php
// Parameter reading of the stand-in scripts: argv (PROTOCOL.md §1.2),
// parameters files (§1.4.2) and the sanitization filters (§1.3).
declare(strict_types=1);

/** A parameters file that could not be found or read (§1.4.1). */
final class ParamFileError extends Exception
{
}

/** Where each parameter value comes from: default < parameters file < argv. */
final class Params
{
    /** @var array<string,string> values read from the parameters files */
    private array $fileValues = [];
    /** @var array<string,string> for each file key, the file that defined it */
    private array $fileOf = [];
    /** @var list<array{path:string,content:?string,mode:?string}> */
    private array $loadedFiles = [];

    /** @param list<string> $args the arguments after the script name */
    public function __construct(private array $args)
    {
    }

    /** The value of the last `--name=value` argument, or null (§1.2 item 3). */
    public function argvValue(string $name): ?string
    {
        $prefix = '--' . $name . '=';
        $found = null;
        foreach ($this->args as $arg) {
            if (str_starts_with($arg, $prefix)) {
                $value = substr($arg, strlen($prefix));
                if (!str_contains($value, "\n")) {
                    $found = $value;
                }
            }
        }
        return $found;
    }

    /** The paths named by `param_file`: split on `,`, trimmed, empty and `0` skipped. */
    public function paramFilePaths(): array
    {
        $value = $this->argvValue('param_file');
        if ($value === null) {
            return [];
        }
        $paths = [];
        foreach (explode(',', $value) as $piece) {
            $piece = trim($piece);
            if ($piece !== '' && $piece !== '0') {
                $paths[] = $piece;
            }
        }
        return $paths;
    }

    /** Load every parameters file in order; a later key replaces an earlier one. */
    public function loadFiles(): void
    {
        foreach ($this->paramFilePaths() as $path) {
            $this->loadFile($path);
        }
    }

    private function loadFile(string $path): void
    {
        if (!file_exists($path)) {
            throw new ParamFileError("Could not find the parameter file: '" . html_entities($path) . "'");
        }
        $content = is_readable($path) && !is_dir($path) ? file_get_contents($path) : false;
        if ($content === false) {
            throw new ParamFileError("Could not load parameter file: '" . html_entities($path) . "'");
        }
        foreach (parse_param_file($content) as $key => $value) {
            $this->fileValues[$key] = $value;
            $this->fileOf[$key] = $path;
        }
    }

    /** Description of the parameters files named on argv (for the call log). */
    public function describeFiles(): array
    {
        $files = [];
        foreach ($this->paramFilePaths() as $path) {
            $exists = is_file($path) && is_readable($path);
            $files[] = [
                'path' => $path,
                'content' => $exists ? file_get_contents($path) : null,
                'mode' => $exists ? sprintf('%04o', fileperms($path) & 0777) : null,
            ];
        }
        return $files;
    }

    /** The chosen value before filtering: argv, else file, else $default. */
    public function raw(string $name, ?string $default): ?string
    {
        return $this->argvValue($name) ?? $this->fileValues[$name] ?? $default;
    }

    /** Where the value of $name comes from: `argv`, `file` or `default`. */
    public function source(string $name): string
    {
        if ($this->argvValue($name) !== null) {
            return 'argv';
        }
        return array_key_exists($name, $this->fileValues) ? 'file' : 'default';
    }

    /** The parameters file that defined $name, if any. */
    public function fileDefining(string $name): ?string
    {
        return $this->fileOf[$name] ?? null;
    }

    /** The value after the named filter (§1.3). */
    public function get(string $name, ?string $default, string $filter = 'parameter'): ?string
    {
        return apply_filter($this->raw($name, $default), $default, $filter);
    }

    /** Like get(), then trimmed (most scripts trim their values). */
    public function trimmed(string $name, ?string $default, string $filter = 'raw_data'): ?string
    {
        $value = $this->get($name, $default, $filter);
        return $value === null ? null : trim($value);
    }

    /** True when the flag is exactly `1` after the `parameter` filter. */
    public function flag(string $name, string $default): bool
    {
        return $this->trimmed($name, $default, 'parameter') === '1';
    }
}

/** iTop's HTML encoding of messages (quotes included). */
function html_entities(string $text): string
{
    return htmlentities($text, ENT_QUOTES, 'UTF-8');
}

/** True when $value passes the `parameter` filter: `^[ A-Za-z0-9_=-]*$`. */
function passes_parameter_filter(string $value): bool
{
    return preg_match('/^[ A-Za-z0-9_=-]*$/', $value) === 1;
}

/** §1.3: a value identical to the default is kept; a failing filter gives the default. */
function apply_filter(?string $value, ?string $default, string $filter): ?string
{
    if ($value === null || $value === $default) {
        return $value;
    }
    return match ($filter) {
        'parameter' => passes_parameter_filter($value) ? $value : $default,
        'string' => filter_var($value, FILTER_SANITIZE_SPECIAL_CHARS),
        'integer' => filter_var($value, FILTER_SANITIZE_NUMBER_INT),
        default => $value,
    };
}

/** §1.4.2: the keys and values of a parameters file, exactly as iTop reads them. */
function parse_param_file(string $content): array
{
    $values = [];
    foreach (explode("\n", $content) as $line) {
        $line = trim($line);
        $hash = strpos($line, '#');
        if ($hash !== false) {
            $line = trim(substr($line, 0, $hash));
        }
        if (preg_match('/^(\S*)\s*=(.*)$/', $line, $m) === 1) {
            $values[$m[1]] = trim($m[2]);
        }
    }
    return $values;
}
