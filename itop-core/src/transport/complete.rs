//! Telling a complete export from one cut short.
//!
//! `export-v2.php` sends its data without `Content-Length` and ends it by
//! closing the connection, so a connection reset mid-transfer can look like
//! a normal end to the HTTP layer. Each format has a recognisable end,
//! checked here as the bytes go by: a CSV ends with a newline outside any
//! quoted cell, XML with `</Set>`, an HTML page with `</html>` (a table
//! with `</table>` in command-line mode), XLSX with a ZIP end record, PDF
//! with `%%EOF`. An export that does not end so is reported as cut.

use std::io::{self, Write};

use crate::chunk::scanner::{RecordScanner, Scan};

/// Bytes of the end kept to check the format's closing mark.
const TAIL: usize = 1024;

/// A writer that passes everything on and remembers how the data ended.
pub(crate) struct EndCheck<'a> {
    inner: &'a mut dyn Write,
    format: String,
    tail: Vec<u8>,
    csv: Option<RecordScanner>,
    /// The legacy export's `Content-Length` drops the final newline.
    final_newline_required: bool,
    written: u64,
}

impl<'a> EndCheck<'a> {
    /// Checks data of `format`; `qualifier` is the CSV text qualifier;
    /// `legacy` for export.php (whose final newline is cut).
    pub(crate) fn new(
        inner: &'a mut dyn Write,
        format: &str,
        qualifier: u8,
        legacy: bool,
    ) -> EndCheck<'a> {
        // The separator only counts cells, which do not matter here.
        let csv = (format == "csv").then(|| RecordScanner::new(0, qualifier));
        EndCheck {
            inner,
            format: format.to_owned(),
            tail: Vec::with_capacity(2 * TAIL),
            csv,
            final_newline_required: !legacy,
            written: 0,
        }
    }

    /// `None` when the data ends as its format does, else what is missing.
    pub(crate) fn missing_end(&self) -> Option<&'static str> {
        let tail = trim_end(&self.tail);
        let ends_with = |mark: &[u8]| tail.ends_with(mark);
        let contains = |mark: &[u8]| tail.windows(mark.len()).any(|w| w == mark);
        match self.format.as_str() {
            "csv" => {
                let open = self.csv.as_ref().is_some_and(RecordScanner::in_quotes);
                let newline = self.tail.last() == Some(&b'\n') || !self.final_newline_required;
                (open || !newline).then_some("the CSV stops inside a row")
            }
            "xml" => (!ends_with(b"</Set>")).then_some("the XML has no closing </Set>"),
            "html" | "spreadsheet" => (!ends_with(b"</html>") && !ends_with(b"</table>"))
                .then_some("the HTML page is not closed"),
            "xlsx" => (!contains(b"PK\x05\x06")).then_some("the XLSX has no ZIP end record"),
            "pdf" => (!contains(b"%%EOF")).then_some("the PDF has no %%EOF"),
            _ => None,
        }
    }

    /// Bytes written so far.
    pub(crate) fn written(&self) -> u64 {
        self.written
    }
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |at| at + 1);
    &bytes[..end]
}

impl Write for EndCheck<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        let done = &buf[..n];
        self.written += n as u64;
        if let Some(scanner) = self.csv.as_mut() {
            let mut rest = done;
            while let Scan::End(at) = scanner.feed(rest) {
                scanner.reset();
                rest = &rest[at..];
            }
        }
        self.tail.extend_from_slice(done);
        if self.tail.len() > 2 * TAIL {
            self.tail.drain(..self.tail.len() - TAIL);
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end_of(format: &str, pieces: &[&[u8]]) -> Option<&'static str> {
        let mut sink = Vec::new();
        let mut check = EndCheck::new(&mut sink, format, b'"', false);
        for piece in pieces {
            check.write_all(piece).unwrap();
        }
        check.missing_end()
    }

    #[test]
    fn complete_exports_pass() {
        assert_eq!(end_of("csv", &[b"\"a\",\"b\"\n\"x\ny\",", b"2\n"]), None);
        assert_eq!(end_of("xml", &[b"<?xml?>\n<Set>\n</Set>\n"]), None);
        assert_eq!(end_of("html", &[b"<html><table></table></html>\n"]), None);
        assert_eq!(end_of("pdf", &[b"%PDF-1.4\n...%%EOF\n"]), None);
    }

    #[test]
    fn cut_exports_are_told() {
        assert!(end_of("csv", &[b"\"a\",\"b\"\n\"x\ny"]).is_some());
        assert!(end_of("csv", &[b"\"a\",\"b\"\n\"x\",2"]).is_some());
        assert!(end_of("xml", &[b"<Set>\n<Person>"]).is_some());
        assert!(end_of("xlsx", &[b"PK\x03\x04 data"]).is_some());
    }
}
