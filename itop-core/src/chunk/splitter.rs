//! Cutting a CSV stream into chunks of whole records, each starting with
//! the header, in constant memory.
//!
//! The input is read through a fixed 64 KiB buffer; a chunk is built in a
//! buffer bounded by the byte limit, so memory does not grow with the
//! input. A UTF-8 BOM is removed once, at the start. Records iTop skips
//! (blank lines, a lone empty cell) are not sent and not numbered, like
//! iTop does; every other record gets its 0-based data row and the 1-based
//! line of the original file where it starts.

use std::io::{self, Read};

use super::ChunkOptions;
use super::scanner::{RecordScanner, Scan, single_cell_value};
use crate::{Error, Result};

const BOM: &[u8] = b"\xEF\xBB\xBF";
const READ_BUFFER: usize = 64 * 1024;

/// Bytes each input byte takes in a form body (`a` → 1, `,` → 3).
static ENCODED_LEN: [u8; 256] = encoded_len_table();

const fn encoded_len_table() -> [u8; 256] {
    let mut table = [3u8; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        if b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_' | b' ') {
            table[byte] = 1;
        }
        byte += 1;
    }
    table
}

/// The size of `bytes` once form-encoded, as they travel in `csvdata`.
pub(crate) fn encoded_len(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .map(|&b| u64::from(ENCODED_LEN[usize::from(b)]))
        .sum()
}

/// One upload's worth of CSV: the header, then whole records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// 0-based position of the chunk.
    pub index: usize,
    /// The 0-based data row of the original file of the first record.
    pub first_row: u64,
    /// Data rows in the chunk.
    pub rows: u64,
    /// The 1-based line of the original file where each record starts.
    pub record_lines: Vec<u64>,
    /// The CSV to send: header and records, without BOM.
    pub data: Vec<u8>,
    /// Size of `data` once form-encoded (what `post_max_size` weighs).
    pub encoded_len: u64,
    /// Bytes of the original input read up to the end of this chunk.
    pub input_offset: u64,
    /// The 1-based line after the chunk's last record: the records that
    /// follow start there or later.
    pub end_line: u64,
}

impl Chunk {
    /// The 1-based line of the original file where the chunk starts.
    pub fn first_line(&self) -> u64 {
        self.record_lines.first().copied().unwrap_or_default()
    }

    /// The data row after the last one of the chunk.
    pub fn end_row(&self) -> u64 {
        self.first_row + self.rows
    }
}

/// A record just read into the chunk buffer.
#[derive(Debug, Clone, Copy)]
struct Record {
    /// Where it starts in the chunk buffer.
    start: usize,
    /// Its form-encoded size.
    encoded: u64,
    /// Its first line in the original file.
    line: u64,
    /// Newlines inside and at the end of it.
    newlines: u64,
    /// True when iTop would skip it.
    blank: bool,
}

/// Splits a CSV stream into [`Chunk`]s. An iterator of
/// `Result<Chunk>`; it stops after the first error.
pub struct Splitter<R> {
    reader: R,
    options: ChunkOptions,
    qualifier: u8,
    strip_bom: bool,
    scanner: RecordScanner,
    buf: Vec<u8>,
    pos: usize,
    started: bool,
    eof: bool,
    failed: bool,
    header: Vec<u8>,
    header_encoded: u64,
    /// A record read but left for the next chunk (it did not fit).
    carry: Option<(Vec<u8>, Record)>,
    next_line: u64,
    next_row: u64,
    consumed: u64,
    index: usize,
}

impl<R> std::fmt::Debug for Splitter<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Splitter")
            .field("options", &self.options)
            .field("next_line", &self.next_line)
            .field("next_row", &self.next_row)
            .finish_non_exhaustive()
    }
}

impl<R: Read> Splitter<R> {
    /// Splits `reader`, whose CSV uses `separator` and `qualifier` (one
    /// byte each). A leading UTF-8 BOM is dropped when `strip_bom`.
    pub fn new(
        reader: R,
        separator: u8,
        qualifier: u8,
        strip_bom: bool,
        options: ChunkOptions,
    ) -> Splitter<R> {
        Splitter {
            reader,
            options,
            qualifier,
            strip_bom,
            scanner: RecordScanner::new(separator, qualifier),
            buf: Vec::with_capacity(READ_BUFFER),
            pos: 0,
            started: false,
            eof: false,
            failed: false,
            header: Vec::new(),
            header_encoded: 0,
            carry: None,
            next_line: 1,
            next_row: 0,
            consumed: 0,
            index: 0,
        }
    }

    /// The header record as read (its final newline included).
    pub fn header(&self) -> &[u8] {
        &self.header
    }

    /// Data rows numbered so far (skipped ones included).
    pub fn rows_seen(&self) -> u64 {
        self.next_row
    }

    /// Bytes of the input read so far.
    pub fn bytes_read(&self) -> u64 {
        self.consumed
    }

    /// The 1-based line where the next record not yet in a chunk starts.
    pub fn next_line(&self) -> u64 {
        self.carry
            .as_ref()
            .map_or(self.next_line, |(_, record)| record.line)
    }

    fn refill(&mut self) -> io::Result<()> {
        self.buf.clear();
        self.pos = 0;
        self.buf.resize(READ_BUFFER, 0);
        let n = loop {
            match self.reader.read(&mut self.buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.buf.clear();
                    return Err(e);
                }
            }
        };
        self.buf.truncate(n);
        self.eof = n == 0;
        Ok(())
    }

    /// Drops a BOM from the very start of the input.
    fn skip_bom(&mut self) -> io::Result<()> {
        self.refill()?;
        while self.buf.len() < BOM.len() && !self.eof {
            let mut more = [0u8; 3];
            let n = self.reader.read(&mut more)?;
            self.buf.extend_from_slice(&more[..n]);
            self.eof = n == 0;
        }
        if self.strip_bom && self.buf.starts_with(BOM) {
            self.pos = BOM.len();
            self.consumed = BOM.len() as u64;
        }
        self.eof = self.buf.is_empty();
        Ok(())
    }

    /// Appends the next record to `out`; `None` at the end of the input.
    fn read_record(&mut self, out: &mut Vec<u8>) -> Result<Option<Record>> {
        let start = out.len();
        let mut encoded = 0;
        let line = self.next_line;
        loop {
            if self.pos == self.buf.len() {
                self.refill()?;
                if self.eof {
                    break;
                }
            }
            let piece = &self.buf[self.pos..];
            let (taken, done) = match self.scanner.feed(piece) {
                Scan::End(n) => (n, true),
                Scan::More => (piece.len(), false),
            };
            out.extend_from_slice(&piece[..taken]);
            encoded += encoded_len(&piece[..taken]);
            self.pos += taken;
            self.consumed += taken as u64;
            if self.header_encoded + encoded > self.options.bytes {
                return Err(too_large(
                    line,
                    self.options.bytes,
                    self.scanner.in_quotes(),
                ));
            }
            if done {
                break;
            }
        }
        if out.len() == start {
            return Ok(None);
        }
        let newlines = self.scanner.newlines();
        let blank = self.scanner.separators() == 0
            && single_cell_value(&out[start..], self.qualifier).is_none_or(|v| v.is_empty());
        self.scanner.reset();
        self.next_line += newlines;
        Ok(Some(Record {
            start,
            encoded,
            line,
            newlines,
            blank,
        }))
    }

    /// Reads up to the header (the first record iTop keeps).
    fn read_header(&mut self) -> Result<bool> {
        self.started = true;
        self.skip_bom()?;
        let mut header = Vec::new();
        while let Some(record) = self.read_record(&mut header)? {
            if !record.blank {
                if !header.ends_with(b"\n") {
                    header.push(b'\n');
                }
                self.header_encoded = encoded_len(&header);
                self.header = header;
                return Ok(true);
            }
            header.clear();
        }
        Ok(false)
    }

    /// True when the record is before the resume line (and so not sent).
    fn skipped(&self, record: &Record) -> Result<bool> {
        let resume = self.options.resume_from_line;
        if record.line >= resume {
            return Ok(false);
        }
        let last_line = record.line + record.newlines.saturating_sub(1);
        if resume <= last_line {
            return Err(Error::InvalidRequest {
                field: "resume_from_line",
                reason: format!(
                    "line {resume} is inside the record that starts at line {}: resume from {}",
                    record.line, record.line
                ),
            });
        }
        Ok(true)
    }

    /// Builds the next chunk; `None` when the input is done.
    fn next_chunk(&mut self) -> Result<Option<Chunk>> {
        if !self.started && !self.read_header()? {
            return Ok(None);
        }
        let mut builder = ChunkBuilder::new(&self.header, self.header_encoded);
        if let Some((bytes, record)) = self.carry.take() {
            builder.push_carried(&bytes, &record, self.next_row);
            self.next_row += 1;
        }
        while builder.rows < self.options.rows {
            let Some(record) = self.read_record(&mut builder.data)? else {
                break;
            };
            if record.blank || self.skipped(&record)? {
                builder.data.truncate(record.start);
                self.next_row += u64::from(!record.blank);
                continue;
            }
            if builder.encoded + record.encoded > self.options.bytes {
                let tail = builder.data.split_off(record.start);
                self.carry = Some((tail, record));
                break;
            }
            builder.accept(&record, self.next_row);
            self.next_row += 1;
        }
        if builder.rows == 0 {
            return Ok(None);
        }
        self.index += 1;
        let end_line = self
            .carry
            .as_ref()
            .map_or(self.next_line, |(_, record)| record.line);
        Ok(Some(builder.finish(
            self.index - 1,
            self.consumed,
            end_line,
        )))
    }
}

/// A chunk being filled.
struct ChunkBuilder {
    data: Vec<u8>,
    encoded: u64,
    first_row: u64,
    rows: u64,
    lines: Vec<u64>,
}

impl ChunkBuilder {
    fn new(header: &[u8], header_encoded: u64) -> ChunkBuilder {
        ChunkBuilder {
            data: header.to_vec(),
            encoded: header_encoded,
            first_row: 0,
            rows: 0,
            lines: Vec::new(),
        }
    }

    fn accept(&mut self, record: &Record, row: u64) {
        if self.rows == 0 {
            self.first_row = row;
        }
        self.encoded += record.encoded;
        self.rows += 1;
        self.lines.push(record.line);
    }

    fn push_carried(&mut self, bytes: &[u8], record: &Record, row: u64) {
        self.data.extend_from_slice(bytes);
        self.accept(record, row);
    }

    fn finish(self, index: usize, input_offset: u64, end_line: u64) -> Chunk {
        Chunk {
            index,
            first_row: self.first_row,
            rows: self.rows,
            record_lines: self.lines,
            data: self.data,
            encoded_len: self.encoded,
            input_offset,
            end_line,
        }
    }
}

fn too_large(line: u64, limit: u64, in_quotes: bool) -> Error {
    let hint = if in_quotes {
        " (an unclosed quote?)"
    } else {
        ""
    };
    Error::InvalidRequest {
        field: "chunk_bytes",
        reason: format!(
            "the record at line {line} with the header exceeds the chunk size of {limit} bytes{hint}"
        ),
    }
}

impl<R: Read> Iterator for Splitter<R> {
    type Item = Result<Chunk>;

    fn next(&mut self) -> Option<Result<Chunk>> {
        if self.failed {
            return None;
        }
        let next = self.next_chunk();
        self.failed = next.is_err();
        next.transpose()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn split(data: &[u8], options: ChunkOptions) -> Result<Vec<Chunk>> {
        Splitter::new(data, b',', b'"', true, options).collect()
    }

    fn text(chunk: &Chunk) -> &str {
        std::str::from_utf8(&chunk.data).unwrap()
    }

    #[test]
    fn repeats_the_header_and_numbers_rows_and_lines() {
        let data = b"\xEF\xBB\xBFname,note\na,1\nb,\"two\nlines\"\n\nc,3\nd,4\n";
        let chunks = split(data, ChunkOptions::default().rows(2)).unwrap();
        assert_eq!(chunks.len(), 2);
        assert_eq!(text(&chunks[0]), "name,note\na,1\nb,\"two\nlines\"\n");
        assert_eq!(text(&chunks[1]), "name,note\nc,3\nd,4\n");
        assert_eq!((chunks[0].first_row, chunks[0].rows), (0, 2));
        assert_eq!(chunks[0].record_lines, [2, 3]);
        assert_eq!(
            (chunks[1].first_row, chunks[1].record_lines.clone()),
            (2, vec![6, 7])
        );
        assert_eq!((chunks[0].end_line, chunks[1].end_line), (5, 8));
        assert_eq!(chunks[1].input_offset, data.len() as u64);
    }

    #[test]
    fn cuts_by_encoded_bytes_between_records() {
        // Header "h,i\n" encodes to 8 bytes, each "ab,cd\n" record to 10.
        let data = b"h,i\nab,cd\nab,cd\nab,cd\n";
        let chunks = split(data, ChunkOptions::default().bytes(30)).unwrap();
        let rows: Vec<u64> = chunks.iter().map(|c| c.rows).collect();
        assert_eq!(rows, [2, 1]);
        assert_eq!(chunks[0].encoded_len, 28);
        assert_eq!(text(&chunks[1]), "h,i\nab,cd\n");
        assert_eq!(chunks[1].first_row, 2);
    }

    #[test]
    fn a_record_bigger_than_a_chunk_is_refused_with_its_line() {
        let data = b"h\nshort\n\"never closed\nand long enough to overflow";
        let err = split(data, ChunkOptions::default().bytes(40)).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("line 3") && message.contains("unclosed quote"),
            "{message}"
        );
    }

    #[test]
    fn resumes_from_a_line_keeping_the_row_numbers() {
        let data = b"h,x\na,1\nb,\"2\n2\"\nc,3\n";
        let chunks = split(data, ChunkOptions::default().resume_from_line(5)).unwrap();
        assert_eq!(text(&chunks[0]), "h,x\nc,3\n");
        assert_eq!(
            (chunks[0].first_row, chunks[0].record_lines.clone()),
            (2, vec![5])
        );
        let err = split(data, ChunkOptions::default().resume_from_line(4)).unwrap_err();
        assert!(err.to_string().contains("resume from 3"), "{err}");
    }

    #[test]
    fn skips_what_itop_skips() {
        let data = b"\n  \nh\n\"\"\n<NULL>\nx\r\n \r\ny";
        let chunks = split(data, ChunkOptions::default()).unwrap();
        assert_eq!(text(&chunks[0]), "h\nx\r\ny");
        assert_eq!(chunks[0].record_lines, [6, 8]);
    }

    #[test]
    fn header_only_gives_no_chunk() {
        let mut splitter =
            Splitter::new(&b"a,b\n\n"[..], b',', b'"', true, ChunkOptions::default());
        assert!(splitter.next().is_none());
        assert_eq!(splitter.header(), b"a,b\n");
    }

    /// Records made of cells that stress the dialect.
    fn record() -> impl Strategy<Value = String> {
        let cell = prop_oneof![
            "[a-z ]{0,6}",
            "\"([a-z,\n]|\"\"){0,6}\"",
            Just("\"a\"\"b\"".to_owned()),
            Just("x\ry".to_owned()),
        ];
        proptest::collection::vec(cell, 2..4).prop_map(|cells| cells.join(",") + "\n")
    }

    proptest! {
        #[test]
        fn chunks_put_back_together_give_the_input(
            records in proptest::collection::vec(record(), 1..40),
            rows in 1u64..5,
            bytes in 200u64..400,
        ) {
            let body: String = records.concat();
            let input = format!("h1,h2\n{body}");
            let options = ChunkOptions::default().rows(rows).bytes(bytes);
            let chunks = split(input.as_bytes(), options).unwrap();
            let mut joined = Vec::new();
            let mut next_row = 0;
            for chunk in &chunks {
                prop_assert!(chunk.data.starts_with(b"h1,h2\n"));
                prop_assert!(chunk.rows <= rows && chunk.encoded_len <= bytes);
                prop_assert_eq!(chunk.first_row, next_row);
                next_row = chunk.end_row();
                joined.extend_from_slice(&chunk.data[6..]);
            }
            prop_assert_eq!(String::from_utf8(joined).unwrap(), body);
        }
    }
}
