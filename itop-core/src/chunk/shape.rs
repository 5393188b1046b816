//! The shape of a CSV upload, checked before anything is sent: every kept
//! record has as many cells as the header, and no qualified cell is left
//! open at the end.
//!
//! iTop accepts both silently and loses data: an unclosed quote swallows
//! every following row into one cell, a short row leaves its last cells
//! empty (a reconciliation key among them), extra cells are dropped
//! (PROTOCOL.md §1.13). The client refuses such files, saying where.

use std::io::Read;

use super::scanner::{RecordScanner, Scan, single_cell_value};
use crate::{Error, Result};

/// Bytes of a record kept to tell a blank record (which iTop skips) from a
/// one-cell one; a blank record is blanks and at most `""` or `<NULL>`.
const BLANK_PROBE: usize = 256;

/// What the check needs to know of a record.
#[derive(Debug, Default)]
pub(crate) struct RecordShape {
    /// 1-based line where the record starts.
    pub(crate) line: u64,
    /// Cells (separators + 1).
    pub(crate) cells: u64,
    /// True when iTop skips it (one empty or `<NULL>` cell).
    pub(crate) blank: bool,
    /// True when a cell past the header's count holds something (empty
    /// extra cells, as a trailing separator makes, lose nothing: iTop drops
    /// them).
    pub(crate) extra_content: bool,
}

/// The refusal for a record whose cell count differs from the header's.
pub(crate) fn cell_count_error(origin: &str, record: &RecordShape, header_cells: u64) -> Error {
    let effect = if record.cells < header_cells {
        "iTop would leave the missing cells empty"
    } else {
        "iTop would drop the extra cells"
    };
    Error::InvalidRequest {
        field: "csv",
        reason: format!(
            "{origin}:{}: {} cell(s) where the header has {header_cells}; {effect} \
             (check the separator and the quotes of that row)",
            record.line, record.cells
        ),
    }
}

/// The refusal for a quote still open at the end of the data.
pub(crate) fn unclosed_error(origin: &str, line: u64) -> Error {
    Error::InvalidRequest {
        field: "csv",
        reason: format!(
            "{origin}:{line}: a quoted cell of the record starting here is never closed; \
             iTop would read every following row into that one cell"
        ),
    }
}

/// Reads all of `data` and checks its shape; `origin` names it in errors.
pub(crate) fn check_shape(
    data: &mut dyn Read,
    separator: u8,
    qualifier: u8,
    origin: &str,
) -> Result<()> {
    let mut scanner = RecordScanner::new(separator, qualifier);
    let mut header_cells = None;
    let mut record = RecordShape {
        line: 1,
        ..RecordShape::default()
    };
    let mut next_line = 1;
    let mut probe = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = data.read(&mut buf).map_err(Error::from)?;
        if n == 0 {
            break;
        }
        let mut piece = &buf[..n];
        while !piece.is_empty() {
            let (taken, done) = match scanner.feed(piece) {
                Scan::End(taken) => (taken, true),
                Scan::More => (piece.len(), false),
            };
            if probe.len() < BLANK_PROBE {
                let room = BLANK_PROBE - probe.len();
                probe.extend_from_slice(&piece[..taken.min(room)]);
            }
            piece = &piece[taken..];
            if done {
                next_line += scanner.newlines();
                end_record(&mut scanner, &mut record, &probe, qualifier);
                check_record(&record, &mut header_cells, &mut scanner, origin)?;
                record = RecordShape {
                    line: next_line,
                    ..RecordShape::default()
                };
                probe.clear();
            }
        }
    }
    if scanner.in_quotes() {
        return Err(unclosed_error(origin, record.line));
    }
    if !probe.is_empty() {
        end_record(&mut scanner, &mut record, &probe, qualifier);
        check_record(&record, &mut header_cells, &mut scanner, origin)?;
    }
    Ok(())
}

fn end_record(scanner: &mut RecordScanner, record: &mut RecordShape, probe: &[u8], qualifier: u8) {
    record.cells = scanner.separators() + 1;
    record.extra_content = scanner.has_extra_content();
    record.blank = scanner.separators() == 0
        && probe.len() < BLANK_PROBE
        && single_cell_value(probe, qualifier).is_none_or(|v| v.is_empty());
    scanner.reset();
}

fn check_record(
    record: &RecordShape,
    header: &mut Option<u64>,
    scanner: &mut RecordScanner,
    origin: &str,
) -> Result<()> {
    if record.blank {
        return Ok(());
    }
    match *header {
        None => {
            *header = Some(record.cells);
            scanner.limit_cells(record.cells);
        }
        Some(cells) if record.cells < cells || record.extra_content => {
            return Err(cell_count_error(origin, record, cells));
        }
        Some(_) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(csv: &str) -> Result<()> {
        check_shape(&mut csv.as_bytes(), b',', b'"', "people.csv")
    }

    #[test]
    fn well_formed_files_pass() {
        check("a,b\n1,2\n\n\"x,\ny\",\"q\"\"\"\r\n3,4").unwrap();
        check("a,b\n").unwrap();
        check("").unwrap();
        check("single\nvalue\n\n").unwrap();
    }

    #[test]
    fn an_unclosed_quote_is_refused_at_its_record() {
        let err = check("a,b\n1,2\n\"ada@x,3\nAlan,4\n").unwrap_err();
        assert!(
            err.to_string().contains("people.csv:3: a quoted cell"),
            "{err}"
        );
    }

    #[test]
    fn short_and_long_rows_are_refused_with_their_line() {
        let err = check("a,b,c\n1,2,3\n\n4,5\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("people.csv:4: 2 cell(s) where the header has 3"),
            "{err}"
        );
        let err = check("a,b\n\"multi\nline\",2\n1,2,3\n").unwrap_err();
        assert!(err.to_string().contains("people.csv:4: 3 cell(s)"), "{err}");
        let err = check("a,b\n1,2, \"x\"\n").unwrap_err();
        assert!(err.to_string().contains("people.csv:2: 3 cell(s)"), "{err}");
    }

    #[test]
    fn empty_extra_cells_lose_nothing_and_pass() {
        // A trailing separator, as spreadsheets write: iTop drops the cell.
        check("a,b,\n1,2,\n3,4,,\n5,6, \"\"\n").unwrap();
    }
}
