<?php
// The CSV input dialect of import.php and synchro_import.php (PROTOCOL.md §1.13)
// and the input charset rules (§1.14). Hand-written: str_getcsv differs.
declare(strict_types=1);

/** A CSV reader over one string; rows come out as lists of cells (null = `<NULL>`). */
final class CsvInput
{
    private int $pos = 0;
    private int $len;

    public function __construct(private string $data, private string $sep, private string $qual)
    {
        $this->data = str_replace("\r\n", "\n", $data);
        $this->len = strlen($this->data);
    }

    /** All kept rows: several cells or one non-empty cell; blank lines skipped. */
    public function rows(): array
    {
        $rows = [];
        while ($this->pos < $this->len) {
            $row = $this->readRow();
            // A one-cell row is kept only when its value has a length: an
            // empty cell and a lone `<NULL>` (null in iTop) are both skipped.
            if (count($row) > 1 || !in_array($row[0] ?? '', ['', '<NULL>'], true)) {
                $rows[] = array_map(fn ($c) => $c === '<NULL>' ? null : $c, $row);
            }
        }
        return $rows;
    }

    private function readRow(): array
    {
        $row = [];
        while (true) {
            $row[] = $this->readCell();
            $char = $this->pos < $this->len ? $this->data[$this->pos] : '';
            $this->pos++;
            if ($char !== $this->sep) {
                return $row; // newline or end of data
            }
        }
    }

    private function readCell(): string
    {
        $this->skipBlanks();
        if ($this->qual !== '' && $this->peek() === $this->qual) {
            $this->pos++;
            return $this->readQuoted();
        }
        return trim($this->readUntilEndOfCell());
    }

    private function readQuoted(): string
    {
        $cell = '';
        while ($this->pos < $this->len) {
            $char = $this->data[$this->pos++];
            if ($char !== $this->qual) {
                $cell .= $char;
            } elseif ($this->peek() === $this->qual) {
                $cell .= $char;
                $this->pos++;
            } else {
                $this->skipBlanks();
                return $cell . rtrim($this->readUntilEndOfCell(), " \t");
            }
        }
        return $cell; // unclosed quote: the rest of the data
    }

    private function readUntilEndOfCell(): string
    {
        $start = $this->pos;
        while ($this->pos < $this->len) {
            $char = $this->data[$this->pos];
            if ($char === $this->sep || $char === "\n") {
                break;
            }
            $this->pos++;
        }
        return substr($this->data, $start, $this->pos - $start);
    }

    /** Blanks at the start of a cell are skipped, unless one is the separator. */
    private function skipBlanks(): void
    {
        while (($c = $this->peek()) === ' ' || $c === "\t") {
            if ($c === $this->sep) {
                return;
            }
            $this->pos++;
        }
    }

    private function peek(): string
    {
        return $this->pos < $this->len ? $this->data[$this->pos] : '';
    }
}

/** `tab` (any case) means TAB; otherwise the value as given. */
function separator_value(string $separator): string
{
    return strtolower($separator) === 'tab' ? "\t" : $separator;
}

/**
 * import.php charset rule (§1.14): exactly `UTF-8` strips a BOM and drops invalid
 * bytes; other charsets are converted to UTF-8 (UTF-8 input gets double-encoded).
 * Returns null for a charset iconv does not know.
 */
function import_decode(string $data, string $charset): ?string
{
    if ($charset === 'UTF-8') {
        if (str_starts_with($data, "\xEF\xBB\xBF")) {
            $data = substr($data, 3);
        }
        return (string) @iconv('UTF-8', 'UTF-8//IGNORE', $data);
    }
    $converted = @iconv($charset, 'UTF-8//IGNORE', $data);
    return $converted === false ? null : $converted;
}
