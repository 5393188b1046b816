//! Where records end in iTop's CSV dialect (PROTOCOL.md §1.13), found by a
//! small state machine over bytes that mirrors iTop's `CSVParser`.
//!
//! Only boundaries matter here, never cell values: a record ends at a `\n`
//! that is not inside a qualified cell. `\r\n` needs no special case (the
//! `\n` ends the record, the `\r` is then trimmed away by iTop) and a lone
//! `\r` is ordinary data. A qualifier opens a qualified cell only at the
//! start of a cell (blanks skipped) or right after text glued to a closing
//! qualifier; elsewhere it is a literal character.

/// The parser state, named after iTop's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Start of a cell: blanks are skipped, a qualifier opens a quote.
    Starting,
    /// Inside an unqualified cell: qualifiers are literal.
    Raw,
    /// Inside a qualified cell: separators and newlines are data.
    Qualified,
    /// Just after a qualifier inside a qualified cell.
    Escaped,
}

/// Finds record ends in a stream of CSV bytes fed piece by piece.
#[derive(Debug, Clone)]
pub(crate) struct RecordScanner {
    separator: u8,
    qualifier: u8,
    state: State,
    /// Separators seen in the current record.
    separators: u64,
    /// `\n` bytes seen in the current record (the final one included).
    newlines: u64,
    /// Separators a record may hold before its cells are extra (set once
    /// the header is known).
    separator_limit: Option<u64>,
    /// True when a cell past the limit holds something.
    extra_content: bool,
}

/// Where the current record stands after [`RecordScanner::feed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scan {
    /// The record ends after this many bytes of the piece.
    End(usize),
    /// The whole piece belongs to the record, which goes on.
    More,
}

impl RecordScanner {
    /// A scanner for this separator and qualifier, at the start of a record.
    pub(crate) fn new(separator: u8, qualifier: u8) -> RecordScanner {
        RecordScanner {
            separator,
            qualifier,
            state: State::Starting,
            separators: 0,
            newlines: 0,
            separator_limit: None,
            extra_content: false,
        }
    }

    /// From now on, note content in cells past the first `cells` of a
    /// record (see [`RecordScanner::has_extra_content`]).
    pub(crate) fn limit_cells(&mut self, cells: u64) {
        self.separator_limit = Some(cells.saturating_sub(1));
    }

    /// True when the current record has a non-blank character in a cell past
    /// the limit set by [`RecordScanner::limit_cells`].
    pub(crate) fn has_extra_content(&self) -> bool {
        self.extra_content
    }

    /// Separators seen so far in the current record.
    pub(crate) fn separators(&self) -> u64 {
        self.separators
    }

    /// Newlines seen so far in the current record, its final one included.
    pub(crate) fn newlines(&self) -> u64 {
        self.newlines
    }

    /// True when the bytes fed so far end inside a qualified cell (at the
    /// end of the data, iTop then takes everything up to there as one cell).
    pub(crate) fn in_quotes(&self) -> bool {
        self.state == State::Qualified
    }

    /// Starts a new record (after [`Scan::End`]).
    pub(crate) fn reset(&mut self) {
        self.state = State::Starting;
        self.separators = 0;
        self.newlines = 0;
        self.extra_content = false;
    }

    /// Scans `piece`, the continuation of the current record.
    pub(crate) fn feed(&mut self, piece: &[u8]) -> Scan {
        for (at, &byte) in piece.iter().enumerate() {
            if self.step(byte) {
                return Scan::End(at + 1);
            }
        }
        Scan::More
    }

    /// One byte of iTop's transition table; true when it ends the record.
    fn step(&mut self, byte: u8) -> bool {
        // iTop tests the separator first, then blank, newline, qualifier.
        let is_blank = byte == b' ' || byte == b'\t';
        if byte == self.separator {
            if self.state == State::Qualified {
                return false;
            }
            self.separators += 1;
            self.state = State::Starting;
            return false;
        }
        if byte == b'\n' {
            self.newlines += 1;
            if self.state == State::Qualified {
                return false;
            }
            self.state = State::Starting;
            return true;
        }
        let past_limit = self
            .separator_limit
            .is_some_and(|max| self.separators > max);
        if past_limit && !is_blank && byte != self.qualifier {
            self.extra_content = true;
        }
        self.state = match (self.state, is_blank, byte == self.qualifier) {
            (State::Starting, true, _) => State::Starting,
            (State::Starting, false, true) => State::Qualified,
            (State::Starting, false, false) => State::Raw,
            (State::Raw, _, _) => State::Raw,
            (State::Qualified, _, true) => State::Escaped,
            (State::Qualified, _, false) => State::Qualified,
            (State::Escaped, true, _) => State::Escaped,
            (State::Escaped, false, true) => State::Qualified,
            (State::Escaped, false, false) => State::Starting,
        };
        false
    }
}

/// The value of a record made of one cell, as iTop reads it; `None` for
/// `<NULL>`. Used to spot the records iTop skips (one empty cell).
pub(crate) fn single_cell_value(record: &[u8], qualifier: u8) -> Option<Vec<u8>> {
    let mut value = Vec::new();
    let mut state = State::Starting;
    let mut raw = false;
    for &byte in record {
        let is_blank = byte == b' ' || byte == b'\t';
        match (state, is_blank, byte == qualifier, byte == b'\n') {
            (State::Qualified, _, true, _) => state = State::Escaped,
            (State::Qualified, _, false, _) => value.push(byte),
            (State::Escaped, _, true, _) => {
                value.push(byte);
                state = State::Qualified;
            }
            (_, _, _, true) => break,
            (State::Starting | State::Escaped, true, _, _) => {}
            (State::Starting, false, true, _) => state = State::Qualified,
            (State::Raw, _, _, _) | (State::Starting, false, false, _) => {
                value.push(byte);
                state = State::Raw;
                raw = true;
            }
            (State::Escaped, false, false, _) => {
                value.push(byte);
                state = State::Starting;
            }
        }
    }
    let value = if raw { trim(&value).to_vec() } else { value };
    (value != b"<NULL>").then_some(value)
}

/// PHP's `trim()`: spaces, TAB, `\n`, `\r`, NUL and vertical tab.
fn trim(bytes: &[u8]) -> &[u8] {
    let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0 | 0x0B);
    let start = bytes.iter().position(|b| !blank(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !blank(b))
        .map_or(start, |at| at + 1);
    &bytes[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits `data` into records, feeding it `step` bytes at a time.
    fn records(data: &[u8], step: usize) -> Vec<Vec<u8>> {
        let mut scanner = RecordScanner::new(b',', b'"');
        let mut out = vec![Vec::new()];
        for piece in data.chunks(step) {
            let mut rest = piece;
            while let Scan::End(n) = scanner.feed(rest) {
                out.last_mut().unwrap().extend_from_slice(&rest[..n]);
                out.push(Vec::new());
                scanner.reset();
                rest = &rest[n..];
            }
            out.last_mut().unwrap().extend_from_slice(rest);
        }
        out.retain(|r| !r.is_empty());
        out
    }

    #[test]
    fn record_ends_follow_the_dialect() {
        let cases: &[(&str, &[&str])] = &[
            ("a,b\nc,d\n", &["a,b\n", "c,d\n"]),
            ("a,\"x\ny\"\nc\n", &["a,\"x\ny\"\n", "c\n"]),
            ("a,\"x\"\"\ny\"\n", &["a,\"x\"\"\ny\"\n"]),
            ("a,b\"c\nd\n", &["a,b\"c\n", "d\n"]),
            ("a,  \"q\nq\"\n", &["a,  \"q\nq\"\n"]),
            ("a,\"ab\"c\"e\nf\"\n", &["a,\"ab\"c\"e\nf\"\n"]),
            ("a,\"ab\"cd\"e\nf\"\n", &["a,\"ab\"cd\"e\n", "f\"\n"]),
            ("a,\"x\\\"\ny\n", &["a,\"x\\\"\n", "y\n"]),
            ("a\rb,c\r\nd\n", &["a\rb,c\r\n", "d\n"]),
            ("a,\"open\nb\nc", &["a,\"open\nb\nc"]),
            ("x,\"y\" \nz", &["x,\"y\" \n", "z"]),
        ];
        for (data, expected) in cases {
            for step in [1, 2, 3, 64] {
                let got = records(data.as_bytes(), step);
                let want: Vec<Vec<u8>> = expected.iter().map(|r| r.as_bytes().to_vec()).collect();
                assert_eq!(got, want, "{data:?} by {step}");
            }
        }
    }

    #[test]
    fn counts_separators_and_newlines_of_the_record() {
        let mut scanner = RecordScanner::new(b';', b'\'');
        assert_eq!(scanner.feed(b"a;'b;\n';c\nnext"), Scan::End(10));
        assert_eq!((scanner.separators(), scanner.newlines()), (2, 2));
        scanner.reset();
        assert_eq!(scanner.feed(b"'open"), Scan::More);
        assert!(scanner.in_quotes());
    }

    #[test]
    fn single_cells_are_read_like_itop() {
        let value =
            |r: &str| single_cell_value(r.as_bytes(), b'"').map(|v| String::from_utf8(v).unwrap());
        assert_eq!(value("  \r\n").as_deref(), Some(""));
        assert_eq!(value("\"\"\n").as_deref(), Some(""));
        assert_eq!(value(" <NULL> \n"), None);
        assert_eq!(value("\"<NULL>\"\n"), None);
        assert_eq!(value("\" a \"\n").as_deref(), Some(" a "));
        assert_eq!(value("\"a\"\"b\"c\n").as_deref(), Some("a\"bc"));
        assert_eq!(value(" x y \n").as_deref(), Some("x y"));
    }
}
