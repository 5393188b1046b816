<?php
/**
 * PHP binding of the itop C library (itop-ffi), through PHP's FFI.
 *
 * Needs the FFI extension (`php -m | grep FFI`; enable with
 * `-d ffi.enable=1` outside the CLI) and the shared library `libitop.so`,
 * found at the path given to Library::load(), else $ITOP_FFI_LIB.
 * Every failure throws an ItopException subclass named after the C status;
 * its message is the full cause chain and getRaw() is iTop's raw answer.
 * Reports come back as arrays (the library's JSON reports, decoded).
 */

declare(strict_types=1);

namespace Itop;

/**
 * Any failure of the library; getCode() is the C status number. A chunked
 * upload that stopped also carries what it did: getReport() and
 * getResumeLine().
 */
class ItopException extends \RuntimeException
{
    private string $raw;
    private ?array $report = null;

    public function __construct(string $message, int $status, string $raw = '')
    {
        parent::__construct($message, $status);
        $this->raw = $raw;
    }

    /** iTop's raw answer behind the error, '' when none. */
    public function getRaw(): string
    {
        return $this->raw;
    }

    /**
     * For a chunked upload that stopped: the merged report of the chunks
     * that got through, with its 'chunks' summary (rows written, rows
     * uncertain, resume line). null for other failures.
     */
    public function getReport(): ?array
    {
        return $this->report;
    }

    /**
     * For a chunked upload that stopped: the 1-based line of the file to
     * start again from (pass it as the 'resume_from_line' option, same
     * request and file); null when there is nothing to resume (another
     * failure, or a complete load whose synchronization failed).
     */
    public function getResumeLine(): ?int
    {
        return $this->report['chunks']['resume_from_line'] ?? null;
    }

    /** Attaches the report of a stopped chunked upload (used by Client). */
    public function withReport(array $report): static
    {
        $this->report = $report;
        return $this;
    }
}

/** NULL_ARGUMENT, INVALID_UTF8, INVALID_REQUEST: a value was refused before sending. */
class InvalidRequestException extends ItopException {}
/** AUTH: iTop refused the credentials. */
class AuthException extends ItopException {}
/** NOT_ALLOWED: the account lacks a right. */
class NotAllowedException extends ItopException {}
/** BAD_REQUEST: unknown class, column or data source, bad OQL... */
class BadRequestException extends ItopException {}
/** SERVER and UNEXPECTED: iTop failed or answered something unknown. */
class ServerException extends ItopException {}
/** TRANSPORT and PROCESS: no answer (network, timeout, php not run). */
class TransportException extends ItopException {}
/** IO and CSV: a local file could not be read or written. */
class IoException extends ItopException {}
/** PARAMS: a parameters file could not be read or written. */
class ParamsException extends ItopException {}
/** NOT_FOUND: no such key or index. */
class NotFoundException extends ItopException {}

/** The loaded library, shared by the other classes. */
final class Library
{
    private const EXCEPTIONS = [
        1 => InvalidRequestException::class, 2 => InvalidRequestException::class,
        3 => InvalidRequestException::class, 4 => AuthException::class,
        5 => NotAllowedException::class, 6 => BadRequestException::class,
        7 => ServerException::class, 8 => ServerException::class,
        9 => TransportException::class, 10 => TransportException::class,
        11 => IoException::class, 12 => IoException::class,
        13 => ParamsException::class, 15 => NotFoundException::class,
    ];

    private static ?Functions $ffi = null;

    /** Loads libitop.so ($path, else $ITOP_FFI_LIB) with the declarations of itop.h. */
    public static function load(?string $path = null): Functions
    {
        if (self::$ffi === null) {
            $path ??= getenv('ITOP_FFI_LIB') ?: 'libitop.so';
            $header = file_get_contents(__DIR__ . '/../include/itop.h');
            self::$ffi = new Functions(\FFI::cdef(self::declarations($header), $path));
        }
        return self::$ffi;
    }

    /** The header without preprocessor lines and its C++ `extern "C"` block. */
    private static function declarations(string $header): string
    {
        $header = preg_replace('/^#ifdef __cplusplus\n.*?^#endif.*?\n/ms', '', $header);
        return preg_replace('/^#.*\n/m', '', $header);
    }

    /** Throws the exception of `$status` unless it is 0 (OK). */
    public static function check(int $status): void
    {
        if ($status !== 0) {
            throw self::exception($status);
        }
    }

    /** The exception of the failed `$status`, from this thread's last error: read it first. */
    public static function exception(int $status): ItopException
    {
        $ffi = self::load();
        $message = self::text(fn ($buf, $len, $written) => $ffi->itop_last_error_message($buf, $len, $written));
        $raw = self::text(fn ($buf, $len, $written) => $ffi->itop_last_error_raw($buf, $len, $written));
        $class = self::EXCEPTIONS[$status] ?? ItopException::class;
        return new $class($message, $status, $raw);
    }

    /** Reads a text out of `$call($buf, $len, $written)`: its length first, then the text. */
    public static function text(callable $call): string
    {
        $ffi = self::load();
        $written = $ffi->new('size_t');
        $status = $call(null, 0, \FFI::addr($written));
        if ($status !== 0) {
            return '';
        }
        $size = $written->cdata + 1;
        $buf = $ffi->new("char[$size]");
        $call($buf, $size, \FFI::addr($written));
        return \FFI::string($buf, $written->cdata);
    }

    /** Like text(), throwing on failure. */
    public static function checkedText(callable $call): string
    {
        $ffi = self::load();
        $written = $ffi->new('size_t');
        self::check($call(null, 0, \FFI::addr($written)));
        $size = $written->cdata + 1;
        $buf = $ffi->new("char[$size]");
        self::check($call($buf, $size, \FFI::addr($written)));
        return \FFI::string($buf, $written->cdata);
    }

    /** Makes an object with `$new(&out)` and returns it. */
    public static function make(string $type, callable $new): \FFI\CData
    {
        $out = self::load()->new("$type*");
        self::check($new(\FFI::addr($out)));
        return $out;
    }

    /**
     * Applies options to a request: each key calls `{$prefix}{key}`; enum
     * names become their ITOP_ number, lists are joined with commas.
     */
    public static function configure(string $prefix, \FFI\CData $request, array $options, array $allowed): void
    {
        $ffi = self::load();
        foreach ($options as $key => $value) {
            if (!in_array($key, $allowed, true)) {
                throw new InvalidRequestException("unknown option `$key`", 3);
            }
            $value = match (true) {
                is_array($value) => implode(',', $value),
                $key === 'output' => self::number(['summary', 'details', 'retcode'], $key, $value),
                $key === 'format' => self::number(['csv', 'xml', 'html', 'spreadsheet', 'xlsx', 'pdf'], $key, $value),
                in_array($key, ['separator', 'qualifier'], true) => self::character($key, $value),
                str_ends_with($key, '_ms') => self::count($key, $value, 1),
                default => $value,
            };
            self::check($ffi->{$prefix . $key}($request, $value));
        }
    }

    /** The index of `$name` in `$names`. */
    public static function number(array $names, string $what, mixed $name): int
    {
        if (!is_string($name)) {
            throw new InvalidRequestException("invalid $what: give one of " . implode(', ', $names), 3);
        }
        $number = array_search(strtolower($name), $names, true);
        if ($number === false) {
            throw new InvalidRequestException("invalid $what: `$name` is not one of " . implode(', ', $names), 3);
        }
        return $number;
    }

    /** `$value` as one byte, for the `char` arguments (separator, qualifier). */
    public static function character(string $what, mixed $value): string
    {
        if (!is_string($value) || strlen($value) !== 1) {
            throw new InvalidRequestException("invalid $what: one single-byte character, e.g. ';'", 3);
        }
        return $value;
    }

    /** `$value` as a whole number of at least `$min`. */
    public static function count(string $what, mixed $value, int $min): int
    {
        if (!is_int($value) || $value < $min) {
            throw new InvalidRequestException("invalid $what: a whole number of at least $min", 3);
        }
        return $value;
    }

    /** A copy of `$data` in C memory, for the `const uint8_t *data, size_t len` arguments. */
    public static function bytes(string $data): \FFI\CData
    {
        $buf = self::load()->new('uint8_t[' . max(strlen($data), 1) . ']');
        \FFI::memcpy($buf, $data, strlen($data));
        return $buf;
    }

    /** Decodes a JSON report. */
    public static function json(string $json): array
    {
        return json_decode($json, true, 512, JSON_THROW_ON_ERROR);
    }
}

/**
 * The library's functions, as \FFI gives them, but refusing a PHP string
 * holding a NUL byte: C would read it only up to there (a query, a path or
 * a password cut short without a word).
 */
final class Functions
{
    public function __construct(private \FFI $ffi)
    {
    }

    public function __call(string $name, array $args): mixed
    {
        foreach ($args as $i => $arg) {
            if (is_string($arg) && str_contains($arg, "\0")) {
                $n = $i + 1;
                throw new InvalidRequestException("argument $n of $name holds a NUL byte: C would cut the text there", 3);
            }
        }
        return $this->ffi->$name(...$args);
    }
}

/** A client of one iTop instance. It cannot be cloned. */
final class Client
{
    private Functions $ffi;
    private ?\FFI\CData $client = null;

    /**
     * Settings: `url` or `itop_root` (command-line mode, with `php` and
     * `param_files`), `login` and `password` or `token`, and optionally
     * `auth_channel` ('form' or 'basic'), `timeout_ms`, `connect_timeout_ms`,
     * `user_agent`, `ca_bundle`, `allow_secrets_on_argv`, `proxy` (a URL, or
     * 'none'; from the environment by default), `danger_accept_invalid_certs`
     * (true turns off HTTPS certificate checks: test instances only).
     */
    public function __construct(array $settings)
    {
        $this->ffi = $ffi = Library::load();
        $builder = Library::make('itop_client_builder', fn ($out) => $ffi->itop_client_builder_new($out));
        try {
            $this->apply($builder, $settings);
            $this->client = Library::make('itop_client', fn ($out) => $ffi->itop_client_build($builder, $out));
        } finally {
            $ffi->itop_client_builder_free($builder);
        }
    }

    private function apply(\FFI\CData $builder, array $settings): void
    {
        $ffi = $this->ffi;
        if (isset($settings['login']) || isset($settings['password'])) {
            Library::check($ffi->itop_client_builder_password($builder, $settings['login'] ?? '', $settings['password'] ?? ''));
        }
        foreach ($settings['param_files'] ?? [] as $file) {
            Library::check($ffi->itop_client_builder_param_file($builder, $file));
        }
        if (isset($settings['auth_channel'])) {
            $channel = Library::number(['form', 'basic'], 'auth_channel', $settings['auth_channel']);
            Library::check($ffi->itop_client_builder_auth_channel($builder, $channel));
        }
        unset($settings['login'], $settings['password'], $settings['param_files'], $settings['auth_channel']);
        $allowed = ['url', 'itop_root', 'php', 'token', 'timeout_ms', 'connect_timeout_ms', 'user_agent', 'ca_bundle',
            'allow_secrets_on_argv', 'proxy', 'danger_accept_invalid_certs'];
        Library::configure('itop_client_builder_', $builder, $settings, $allowed);
    }

    public function __destruct()
    {
        if ($this->client !== null) {
            $this->ffi->itop_client_free($this->client);
            $this->client = null;
        }
    }

    /** A copy would free the same C client twice. */
    public function __clone()
    {
        // The copy is destroyed when this throws: it must not free ours.
        $this->client = null;
        throw new InvalidRequestException('an Itop\\Client cannot be cloned: share the object instead', 3);
    }

    /** Imports the CSV file at `$csvPath` into `$class`; returns the report. */
    public function import(string $class, string $csvPath, array $options = []): array
    {
        return $this->runImport($class, $options, fn ($r, $out) => $this->ffi->itop_client_import_file($this->client, $r, $csvPath, $out));
    }

    /** Imports CSV text into `$class`; returns the report. */
    public function importString(string $class, string $csv, array $options = []): array
    {
        return $this->runImport($class, $options, fn ($r, $out) => $this->ffi->itop_client_import_bytes($this->client, $r, Library::bytes($csv), strlen($csv), $out));
    }

    private function runImport(string $class, array $options, callable $call): array
    {
        $ffi = $this->ffi;
        $request = $this->importRequest($class, $options);
        try {
            $result = Library::make('itop_import_result', fn ($out) => $call($request, $out));
            $json = Library::checkedText(fn ($b, $l, $w) => $ffi->itop_import_result_json($result, $b, $l, $w));
            $ffi->itop_import_result_free($result);
            return Library::json($json);
        } finally {
            $ffi->itop_import_request_free($request);
        }
    }

    private function importRequest(string $class, array $options): \FFI\CData
    {
        $ffi = $this->ffi;
        $request = Library::make('itop_import_request', fn ($out) => $ffi->itop_import_request_new($class, $out));
        try {
            $allowed = ['reconciliation_keys', 'output', 'separator', 'qualifier', 'charset', 'date_format', 'simulate', 'localize', 'comment'];
            Library::configure('itop_import_request_', $request, $options, $allowed);
        } catch (\Throwable $e) {
            $ffi->itop_import_request_free($request);
            throw $e;
        }
        return $request;
    }

    /**
     * Imports the CSV file at `$csvPath` into `$class` in chunks of whole
     * records, one request each, and returns the merged report with a
     * 'chunks' entry: complete, status, chunks, rows, first_row, committed
     * and uncertain ([start, end) data rows), failed_chunk and
     * resume_from_line (null when none). Options: the import options, plus
     * `chunk_rows` (1000 by default), `chunk_bytes` (4 MiB by default) and
     * `resume_from_line`. `$progress(int $chunks, int $rows, int $bytesRead,
     * int $nextLine)` is called after each chunk: save `$nextLine` to
     * restart after a crash. An exception it throws does not stop the
     * upload; it is rethrown once the upload ends.
     *
     * A chunk that fails stops the upload and throws the exception of its
     * status; its getResumeLine() is the line to start again from and
     * getReport() what got through. Use reconciliation keys: rows sent
     * twice then come back unchanged.
     */
    public function importChunked(string $class, string $csvPath, array $options = [], ?callable $progress = null): array
    {
        [$chunk, $options] = self::chunkOptions($options);
        $call = fn ($request, $opts, $callback, $out) => $this->ffi->itop_client_import_chunked_file(
            $this->client, $request, $csvPath, $opts, $callback, null, $out);
        return $this->runImportChunked($class, $options, $chunk, $progress, $call);
    }

    /** As importChunked(), with CSV text. */
    public function importStringChunked(string $class, string $csv, array $options = [], ?callable $progress = null): array
    {
        [$chunk, $options] = self::chunkOptions($options);
        $call = fn ($request, $opts, $callback, $out) => $this->ffi->itop_client_import_chunked_bytes(
            $this->client, $request, Library::bytes($csv), strlen($csv), $opts, $callback, null, $out);
        return $this->runImportChunked($class, $options, $chunk, $progress, $call);
    }

    private function runImportChunked(string $class, array $options, array $chunk, ?callable $progress, callable $call): array
    {
        $request = $this->importRequest($class, $options);
        try {
            return $this->runChunked('import', $chunk, $progress, fn (...$args) => $call($request, ...$args));
        } finally {
            $this->ffi->itop_import_request_free($request);
        }
    }

    /** Splits the chunk options off the request options. */
    private static function chunkOptions(array $options): array
    {
        $keys = ['chunk_rows' => 0, 'chunk_bytes' => 0, 'resume_from_line' => 0];
        $chunk = array_intersect_key($options, $keys) + $keys;
        foreach ($chunk as $key => $value) {
            // 0 is each one's default.
            Library::count($key, $value, 0);
        }
        return [$chunk, array_diff_key($options, $keys)];
    }

    /**
     * Runs a chunked upload `$call($options, $callback, $resultOut)` whose
     * result is an `itop_{$kind}_result`, returns its report with 'chunks',
     * or throws with the report attached when the upload stopped.
     */
    private function runChunked(string $kind, array $chunk, ?callable $progress, callable $call): array
    {
        $ffi = $this->ffi;
        $options = $ffi->new('itop_chunk_options');
        [$options->rows, $options->bytes, $options->resume_from_line] =
            [(int) $chunk['chunk_rows'], (int) $chunk['chunk_bytes'], (int) $chunk['resume_from_line']];
        $thrown = null;
        $callback = $progress === null ? null : function ($user, $chunks, $rows, $bytes, $line) use ($progress, &$thrown): void {
            try {
                $progress($chunks, $rows, $bytes, $line);
            } catch (\Throwable $e) {
                $thrown ??= $e;
            }
        };
        $result = $ffi->new("itop_{$kind}_result*");
        $status = $call(\FFI::addr($options), $callback, \FFI::addr($result));
        // The last error first: the calls below reset it.
        $error = $status === 0 ? null : Library::exception($status);
        if (\FFI::isNull($result)) {
            throw $error ?? new ItopException('no result', 8);
        }
        try {
            $report = Library::json(Library::checkedText(fn ($b, $l, $w) => $ffi->{"itop_{$kind}_result_json"}($result, $b, $l, $w)));
            $report['chunks'] = self::chunkSummary($ffi, $kind, $result);
        } finally {
            $ffi->{"itop_{$kind}_result_free"}($result);
        }
        if ($error !== null) {
            throw $error->withReport($report);
        }
        if ($thrown !== null) {
            throw $thrown;
        }
        return $report;
    }

    private static function chunkSummary(Functions $ffi, string $kind, \FFI\CData $result): array
    {
        $s = $ffi->new('itop_chunk_summary');
        Library::check($ffi->{"itop_{$kind}_result_chunks"}($result, \FFI::addr($s)));
        return [
            'complete' => (bool) $s->complete,
            'status' => (int) $s->status,
            'chunks' => $s->chunks,
            'rows' => $s->rows,
            'first_row' => $s->first_row,
            'committed' => [$s->committed_start, $s->committed_end],
            'uncertain' => [$s->uncertain_start, $s->uncertain_end],
            'failed_chunk' => $s->has_failed_chunk ? $s->failed_chunk : null,
            'resume_from_line' => $s->resume_from_line === 0 ? null : $s->resume_from_line,
        ];
    }

    /** Exports the result of `$oql` into the file at `$path`; returns the byte count. */
    public function exportToFile(string $oql, string $path, array $options = []): int
    {
        return $this->runExport($oql, $options, fn ($r, $out) => $this->ffi->itop_client_export_to_path($this->client, $r, $path, $out));
    }

    /** Exports the result of `$oql` and returns the data. */
    public function exportToString(string $oql, array $options = []): string
    {
        $chunks = [];
        $collect = function ($userdata, $data, $len) use (&$chunks): int {
            $chunks[] = \FFI::string($data, $len);
            return 0;
        };
        $this->runExport($oql, $options, fn ($r, $out) => $this->ffi->itop_client_export_to_callback($this->client, $r, $collect, null, $out));
        return implode('', $chunks);
    }

    /**
     * Exports the result of `$oql` with the legacy export.php into the file
     * at `$path` (replaced only once complete); returns the byte count.
     * Options: `fields` (codes, no `->`), `format` (csv, xml, html,
     * spreadsheet, xlsx), `arguments`.
     */
    public function exportLegacyToFile(string $oql, string $path, array $options = []): int
    {
        return $this->runLegacyExport($oql, $options, fn ($r, $out) => $this->ffi->itop_client_export_legacy_to_path($this->client, $r, $path, $out));
    }

    /** Exports the result of `$oql` with the legacy export.php and returns the data. */
    public function exportLegacyToString(string $oql, array $options = []): string
    {
        $chunks = [];
        $collect = function ($userdata, $data, $len) use (&$chunks): int {
            $chunks[] = \FFI::string($data, $len);
            return 0;
        };
        $this->runLegacyExport($oql, $options, fn ($r, $out) => $this->ffi->itop_client_export_legacy_to_callback($this->client, $r, $collect, null, $out));
        return implode('', $chunks);
    }

    private function runLegacyExport(string $oql, array $options, callable $call): int
    {
        $ffi = $this->ffi;
        $request = Library::make('itop_legacy_export_request', fn ($out) => $ffi->itop_legacy_export_request_new($oql, $out));
        try {
            foreach ($options['arguments'] ?? [] as $name => $value) {
                Library::check($ffi->itop_legacy_export_request_argument($request, (string) $name, (string) $value));
            }
            unset($options['arguments']);
            Library::configure('itop_legacy_export_request_', $request, $options, ['fields', 'format']);
            return $this->exportBytes(fn ($out) => $call($request, $out));
        } finally {
            $ffi->itop_legacy_export_request_free($request);
        }
    }

    /** Runs an export `$call($out)` and returns the bytes its result counts. */
    private function exportBytes(callable $call): int
    {
        $ffi = $this->ffi;
        $result = Library::make('itop_export_result', $call);
        $bytes = $ffi->new('uint64_t');
        try {
            Library::check($ffi->itop_export_result_bytes($result, \FFI::addr($bytes)));
        } finally {
            $ffi->itop_export_result_free($result);
        }
        return $bytes->cdata;
    }

    private function runExport(string $oql, array $options, callable $call): int
    {
        $ffi = $this->ffi;
        $request = Library::make('itop_export_request', fn ($out) => $ffi->itop_export_request_new($oql, $out));
        try {
            foreach ($options['arguments'] ?? [] as $name => $value) {
                Library::check($ffi->itop_export_request_argument($request, (string) $name, (string) $value));
            }
            unset($options['arguments']);
            $allowed = ['fields', 'format', 'localize', 'with_archive', 'separator', 'text_qualifier', 'charset', 'formatted_text', 'date_format'];
            Library::configure('itop_export_request_', $request, $options, $allowed);
            return $this->exportBytes(fn ($out) => $call($request, $out));
        } finally {
            $ffi->itop_export_request_free($request);
        }
    }

    /** Loads the CSV file at `$csvPath` into data source `$source`; returns the report. */
    public function synchroImport(int $source, string $csvPath, array $options = []): array
    {
        $ffi = $this->ffi;
        $request = $this->synchroImportRequest($source, $options);
        try {
            $result = Library::make('itop_synchro_import_result', fn ($out) => $ffi->itop_client_synchro_import_file($this->client, $request, $csvPath, $out));
            $json = Library::checkedText(fn ($b, $l, $w) => $ffi->itop_synchro_import_result_json($result, $b, $l, $w));
            $ffi->itop_synchro_import_result_free($result);
            return Library::json($json);
        } finally {
            $ffi->itop_synchro_import_request_free($request);
        }
    }

    /**
     * Loads the CSV file at `$csvPath` into data source `$source` in chunks,
     * each without synchronization, then synchronizes the source once (when
     * `synchronize` is on, the default). Options, progress, result and
     * exceptions as importChunked(); when only the synchronization fails,
     * getResumeLine() is null: the load is complete.
     */
    public function synchroImportChunked(int $source, string $csvPath, array $options = [], ?callable $progress = null): array
    {
        [$chunk, $options] = self::chunkOptions($options);
        $request = $this->synchroImportRequest($source, $options);
        try {
            $call = fn ($opts, $callback, $out) => $this->ffi->itop_client_synchro_import_chunked_file(
                $this->client, $request, $csvPath, $opts, $callback, null, $out);
            return $this->runChunked('synchro_import', $chunk, $progress, $call);
        } finally {
            $this->ffi->itop_synchro_import_request_free($request);
        }
    }

    private function synchroImportRequest(int $source, array $options): \FFI\CData
    {
        $ffi = $this->ffi;
        $request = Library::make('itop_synchro_import_request', fn ($out) => $ffi->itop_synchro_import_request_new($source, $out));
        try {
            $allowed = ['synchronize', 'output', 'separator', 'charset', 'simulate', 'no_stop_on_import_error', 'comment'];
            Library::configure('itop_synchro_import_request_', $request, $options, $allowed);
        } catch (\Throwable $e) {
            $ffi->itop_synchro_import_request_free($request);
            throw $e;
        }
        return $request;
    }

    /** Synchronizes the data sources `$ids`, in order; returns the report. */
    public function synchroExec(array $ids, array $options = []): array
    {
        $ffi = $this->ffi;
        $count = count($ids);
        $array = $ffi->new('uint32_t[' . max($count, 1) . ']');
        foreach (array_values($ids) as $i => $id) {
            $array[$i] = Library::count('data source id', $id, 1);
        }
        $request = Library::make('itop_synchro_exec_request', fn ($out) => $ffi->itop_synchro_exec_request_new($array, $count, $out));
        try {
            Library::configure('itop_synchro_exec_request_', $request, $options, ['simulate', 'max_chunk_size']);
            $result = Library::make('itop_synchro_exec_result', fn ($out) => $ffi->itop_client_synchro_exec($this->client, $request, $out));
            $json = Library::checkedText(fn ($b, $l, $w) => $ffi->itop_synchro_exec_result_json($result, $b, $l, $w));
            $ffi->itop_synchro_exec_result_free($result);
            return Library::json($json);
        } finally {
            $ffi->itop_synchro_exec_request_free($request);
        }
    }

    /** Runs cron.php; returns the report. */
    public function cron(array $options = []): array
    {
        $ffi = $this->ffi;
        $request = Library::make('itop_cron_request', fn ($out) => $ffi->itop_cron_request_new($out));
        try {
            Library::configure('itop_cron_request_', $request, $options, ['verbose', 'debug', 'status_only']);
            $result = Library::make('itop_cron_result', fn ($out) => $ffi->itop_client_cron($this->client, $request, $out));
            $json = Library::checkedText(fn ($b, $l, $w) => $ffi->itop_cron_result_json($result, $b, $l, $w));
            $ffi->itop_cron_result_free($result);
            return Library::json($json);
        } finally {
            $ffi->itop_cron_request_free($request);
        }
    }
}

/** Parameters as iTop reads them from parameters files. */
final class Params
{
    private const SERVICES = ['any', 'cron', 'synchro_exec', 'synchro_import', 'import', 'export', 'export_legacy'];

    private Functions $ffi;
    private ?\FFI\CData $params = null;

    private function __construct(callable $new)
    {
        $this->ffi = Library::load();
        $this->params = Library::make('itop_params', $new);
    }

    /** No parameters. */
    public static function empty(): Params
    {
        return new Params(fn ($out) => Library::load()->itop_params_new($out));
    }

    /** Reads an iTop-style list of files, "a.params,b.params". */
    public static function read(string $paths): Params
    {
        return new Params(fn ($out) => Library::load()->itop_params_read($paths, $out));
    }

    /** Reads `$text` as one file named `$name`. */
    public static function parse(string $text, string $name): Params
    {
        return new Params(fn ($out) => Library::load()->itop_params_parse(Library::bytes($text), strlen($text), $name, $out));
    }

    public function __destruct()
    {
        if ($this->params !== null) {
            $this->ffi->itop_params_free($this->params);
            $this->params = null;
        }
    }

    /** A copy would free the same C object twice. */
    public function __clone()
    {
        // The copy is destroyed when this throws: it must not free ours.
        $this->params = null;
        throw new InvalidRequestException('an Itop\\Params cannot be cloned', 3);
    }

    /** The value iTop would read for `$key`, or null. */
    public function get(string $key): ?string
    {
        try {
            return Library::checkedText(fn ($b, $l, $w) => $this->ffi->itop_params_get($this->params, $key, $b, $l, $w));
        } catch (NotFoundException) {
            return null;
        }
    }

    /** Sets `$key` as the command line does (it wins over files). */
    public function set(string $key, string $value): void
    {
        Library::check($this->ffi->itop_params_set($this->params, $key, $value));
    }

    /** The keys, in order of first definition. */
    public function keys(): array
    {
        $count = $this->ffi->new('size_t');
        Library::check($this->ffi->itop_params_count($this->params, \FFI::addr($count)));
        $keys = [];
        for ($i = 0; $i < $count->cdata; $i++) {
            $keys[] = Library::checkedText(fn ($b, $l, $w) => $this->ffi->itop_params_key($this->params, $i, $b, $l, $w));
        }
        return $keys;
    }

    /**
     * The lint findings for `$service` ('import', 'export', ..., or 'any'):
     * arrays of path, line, column, severity ('warning' or 'changed'), message.
     */
    public function lint(string $service = 'any'): array
    {
        $findings = $this->findings($service);
        try {
            $ffi = $this->ffi;
            $count = $ffi->new('size_t');
            Library::check($ffi->itop_findings_count($findings, \FFI::addr($count)));
            $list = [];
            for ($i = 0; $i < $count->cdata; $i++) {
                $list[] = $this->finding($findings, $i);
            }
            return $list;
        } finally {
            $this->ffi->itop_findings_free($findings);
        }
    }

    /** The report of `itop params check` for `$service`. */
    public function checkReport(string $service = 'any'): string
    {
        $findings = $this->findings($service);
        try {
            return Library::checkedText(fn ($b, $l, $w) => $this->ffi->itop_params_check_report($this->params, $findings, $b, $l, $w));
        } finally {
            $this->ffi->itop_findings_free($findings);
        }
    }

    /** Writes the parameters as a file (mode 0600) that iTop reads back the same. */
    public function write(string $path): void
    {
        Library::check($this->ffi->itop_params_write($this->params, $path));
    }

    private function findings(string $service): \FFI\CData
    {
        $number = Library::number(self::SERVICES, 'service', $service);
        return Library::make('itop_findings', fn ($out) => $this->ffi->itop_params_lint($this->params, $number, $out));
    }

    private function finding(\FFI\CData $findings, int $i): array
    {
        $ffi = $this->ffi;
        $finding = $ffi->new('itop_finding');
        Library::check($ffi->itop_findings_get($findings, $i, \FFI::addr($finding)));
        return [
            'path' => Library::checkedText(fn ($b, $l, $w) => $ffi->itop_findings_path($findings, $i, $b, $l, $w)),
            'line' => $finding->line,
            'column' => $finding->column,
            'severity' => $finding->severity === 1 ? 'changed' : 'warning',
            'message' => Library::checkedText(fn ($b, $l, $w) => $ffi->itop_findings_message($findings, $i, $b, $l, $w)),
        ];
    }
}
