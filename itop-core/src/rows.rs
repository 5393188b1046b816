//! Typed rows: an iterator of `T: Deserialize` over a CSV export, each
//! error naming the data row and the line it came from; or, faster,
//! [`RowReader`], which lends each row so that it can be decoded into a
//! type that borrows its fields (`&str`).
//!
//! [`TypedRows`] reads any reader (a file written by
//! [`Client::export_to_path`](crate::Client::export_to_path), bytes);
//! [`Client::export_rows`] streams a live `export-v2.php` export through a
//! pipe, the download running on a second thread, so memory stays
//! constant whatever the size of the export. Columns are matched by the
//! header's names (`#[serde(rename = "org_id->name")]`).

use std::{
    io::{self, Read},
    marker::PhantomData,
    thread::JoinHandle,
};

use serde::de::DeserializeOwned;

use crate::{Client, Error, ExportOutcome, ExportRequest, Result};

/// A row that could not be read or decoded.
#[derive(Debug, thiserror::Error)]
#[error("data row {row} (line {line})")]
pub struct RowError {
    /// The 0-based data row.
    pub row: u64,
    /// The 1-based line of the CSV where the row starts.
    pub line: u64,
    /// What went wrong: [`Error::Csv`] for bad data, the export's error
    /// when the download failed.
    #[source]
    pub source: Error,
}

/// The rows of a CSV (header first), lent one at a time: each [`Row`] is
/// valid until the next call, and can be decoded into a type that
/// borrows from it, which saves an allocation per text field. Rows whose
/// fields are owned are simpler with [`TypedRows`].
///
/// ```
/// use itop_core::rows::RowReader;
///
/// #[derive(serde::Deserialize)]
/// struct Person<'a> {
///     email: &'a str,
///     #[serde(rename = "org_id->name")]
///     org: &'a str,
/// }
///
/// let csv = "\"email\",\"org_id->name\"\n\"a@x\",\"Org A\"\n\"b@x\",\"Org B\"\n";
/// let mut rows = RowReader::new(csv.as_bytes())?;
/// let mut orgs = Vec::new();
/// while let Some(row) = rows.next_row() {
///     let person: Person<'_> = row?.decode()?;
///     orgs.push(person.org.to_owned());
/// }
/// assert_eq!(orgs, ["Org A", "Org B"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct RowReader<R> {
    reader: csv::Reader<R>,
    headers: csv::ByteRecord,
    record: csv::ByteRecord,
    row: u64,
    done: bool,
}

impl<R> std::fmt::Debug for RowReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowReader")
            .field("row", &self.row)
            .finish_non_exhaustive()
    }
}

/// One data row lent by [`RowReader::next_row`].
#[derive(Debug, Clone, Copy)]
pub struct Row<'r> {
    record: &'r csv::ByteRecord,
    headers: &'r csv::ByteRecord,
    /// The 0-based data row.
    pub row: u64,
    /// The 1-based line of the CSV where the row starts.
    pub line: u64,
}

impl<'r> Row<'r> {
    /// Decodes the row as `T`, matching fields to the header's names;
    /// `T` may borrow from the row (`&'r str` fields).
    ///
    /// # Errors
    ///
    /// A [`RowError`] with [`Error::Csv`] when a cell does not fit `T`.
    pub fn decode<T: serde::Deserialize<'r>>(&self) -> std::result::Result<T, RowError> {
        self.record
            .deserialize(Some(self.headers))
            .map_err(|err| RowError {
                row: self.row,
                line: self.line,
                source: Error::Csv(err),
            })
    }

    /// The cells, as the CSV holds them.
    pub fn cells(&self) -> &'r csv::ByteRecord {
        self.record
    }
}

impl<R: Read> RowReader<R> {
    /// Rows of `reader` with separator `,` and qualifier `"` (export-v2's
    /// defaults).
    ///
    /// # Errors
    ///
    /// [`Error::Csv`] when the header cannot be read.
    pub fn new(reader: R) -> Result<RowReader<R>> {
        RowReader::with_dialect(reader, b',', b'"')
    }

    /// Rows of `reader` with this separator and qualifier.
    ///
    /// # Errors
    ///
    /// [`Error::Csv`] when the header cannot be read.
    pub fn with_dialect(reader: R, separator: u8, qualifier: u8) -> Result<RowReader<R>> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(separator)
            .quote(qualifier)
            .has_headers(true)
            .flexible(false)
            .from_reader(reader);
        let headers = reader.byte_headers()?.clone();
        Ok(RowReader {
            reader,
            headers,
            record: csv::ByteRecord::new(),
            row: 0,
            done: false,
        })
    }

    /// The header cells.
    pub fn headers(&self) -> &csv::ByteRecord {
        &self.headers
    }

    /// The next row, or `None` after the last one. A CSV that cannot be
    /// read further gives one error, then `None`.
    pub fn next_row(&mut self) -> Option<std::result::Result<Row<'_>, RowError>> {
        if self.done {
            return None;
        }
        let line = self.reader.position().line();
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => {}
            Ok(false) => {
                self.done = true;
                return None;
            }
            Err(err) => {
                self.done = true;
                return Some(Err(RowError {
                    row: self.row,
                    line,
                    source: Error::Csv(err),
                }));
            }
        }
        let row = Row {
            record: &self.record,
            headers: &self.headers,
            row: self.row,
            line: self.record.position().map_or(line, csv::Position::line),
        };
        self.row += 1;
        Some(Ok(row))
    }
}

/// Rows of a CSV (header first) decoded as `T`.
///
/// Owned rows cost an allocation per text field: [`RowReader`] with a
/// borrowing `T` is faster (docs/performance.md).
// TODO(#5): decoding stays under the 0.8x-of-raw-ByteRecord goal (owned
// 0.31x, borrowing 0.45x on a quiet machine). Raw reading checks nothing,
// while `&str` fields must be valid UTF-8 (about 15% of the time on the
// bench's accented names) and serde's per-field calls add up; a decoder
// by position (fields matched to the header once) was tried and measured
// no better, so it is not here.
///
/// ```
/// use itop_core::rows::TypedRows;
///
/// #[derive(serde::Deserialize)]
/// struct Person {
///     email: String,
///     #[serde(rename = "org_id->name")]
///     org: String,
/// }
///
/// let csv = "\"email\",\"org_id->name\"\n\"a@x\",\"Org A\"\n";
/// let people: Vec<Person> = TypedRows::new(csv.as_bytes())?.collect::<Result<_, _>>()?;
/// assert_eq!(people[0].org, "Org A");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct TypedRows<R, T> {
    rows: RowReader<R>,
    _row: PhantomData<fn() -> T>,
}

impl<R, T> std::fmt::Debug for TypedRows<R, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypedRows")
            .field("row", &self.rows.row)
            .finish_non_exhaustive()
    }
}

impl<R: Read, T: DeserializeOwned> TypedRows<R, T> {
    /// Rows of `reader` with separator `,` and qualifier `"` (export-v2's
    /// defaults).
    ///
    /// # Errors
    ///
    /// [`Error::Csv`] when the header cannot be read.
    pub fn new(reader: R) -> Result<TypedRows<R, T>> {
        TypedRows::with_dialect(reader, b',', b'"')
    }

    /// Rows of `reader` with this separator and qualifier.
    ///
    /// # Errors
    ///
    /// [`Error::Csv`] when the header cannot be read.
    pub fn with_dialect(reader: R, separator: u8, qualifier: u8) -> Result<TypedRows<R, T>> {
        Ok(TypedRows {
            rows: RowReader::with_dialect(reader, separator, qualifier)?,
            _row: PhantomData,
        })
    }

    /// The header cells.
    pub fn headers(&self) -> &csv::ByteRecord {
        self.rows.headers()
    }
}

impl<R: Read, T: DeserializeOwned> Iterator for TypedRows<R, T> {
    type Item = std::result::Result<T, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.rows.next_row()?.and_then(|row| row.decode()))
    }
}

/// A live export decoded row by row; see [`Client::export_rows`].
pub struct ExportRows<T> {
    rows: Option<TypedRows<io::PipeReader, T>>,
    download: Option<JoinHandle<Result<ExportOutcome>>>,
}

impl<T> std::fmt::Debug for ExportRows<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportRows").finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> ExportRows<T> {
    /// Waits for the download; its error, if any, as a row error.
    fn finish(&mut self, row: u64, line: u64) -> Option<std::result::Result<T, RowError>> {
        let download = self.download.take()?;
        let source = match download.join() {
            Ok(Ok(_)) => return None,
            Ok(Err(err)) => err,
            Err(_) => Error::from(io::Error::other("the export thread panicked")),
        };
        Some(Err(RowError { row, line, source }))
    }
}

impl<T: DeserializeOwned> Iterator for ExportRows<T> {
    type Item = std::result::Result<T, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        let rows = self.rows.as_mut()?;
        match rows.next() {
            Some(Ok(value)) => Some(Ok(value)),
            Some(Err(err)) if self.download.as_ref().is_some_and(|d| !d.is_finished()) => {
                Some(Err(err))
            }
            other => {
                let (row, line) = (rows.rows.row, rows.rows.reader.position().line());
                self.rows = None;
                // A failed download explains a cut CSV better than the
                // CSV error it caused.
                self.finish(row, line).or(other)
            }
        }
    }
}

impl Client {
    /// Exports with `export-v2.php` (CSV) and decodes each row as `T`,
    /// while it downloads: constant memory, whatever the export's size.
    /// Use [`ExportRequest::fields`] with codes matching `T`'s fields, and
    /// `no_localize` (the default) so the header holds codes.
    ///
    /// If the download fails, the iterator ends with that error (its row
    /// is the first row not received).
    ///
    /// ```no_run
    /// use itop_core::{Client, ExportRequest};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Person { email: String }
    ///
    /// # fn demo(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let request = ExportRequest::oql("SELECT Person").fields(["email"]);
    /// for person in client.export_rows::<Person>(&request)? {
    ///     println!("{}", person?.email);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for a format other than CSV,
    /// [`Error::Io`] when the pipe cannot be made, and the export's own
    /// errors ([`Error::Auth`], [`Error::BadRequest`]…) when it fails
    /// before the header.
    pub fn export_rows<T: DeserializeOwned>(
        &self,
        request: &ExportRequest,
    ) -> Result<ExportRows<T>> {
        if request.export_format() != crate::ExportFormat::Csv {
            return Err(Error::InvalidRequest {
                field: "format",
                reason: "typed rows need a CSV export".to_owned(),
            });
        }
        let (reader, mut writer) = io::pipe()?;
        let (client, request) = (self.clone(), request.clone());
        let download = std::thread::spawn(move || client.export(&request, &mut writer));
        // An export refused by iTop writes nothing: the header read then
        // ends empty (or fails), and the download's error says why.
        let rows = TypedRows::new(reader);
        if rows.as_ref().is_ok_and(|rows| !rows.headers().is_empty()) {
            return rows.map(|rows| ExportRows {
                rows: Some(rows),
                download: Some(download),
            });
        }
        match download.join() {
            Ok(Err(export_err)) => Err(export_err),
            Err(_) => Err(Error::from(io::Error::other("the export thread panicked"))),
            Ok(Ok(_)) => rows.map(|rows| ExportRows {
                rows: Some(rows),
                download: None,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Person {
        name: String,
        #[serde(rename = "org_id")]
        org: u32,
        function: Option<String>,
    }

    #[test]
    fn decodes_rows_by_header_name() {
        let csv =
            "\"function\",\"name\",\"org_id\"\n\"Boss\",\"Ann\",3\n\"\",\"Bob \"\"B\"\"\",4\n";
        let rows: Vec<Person> = TypedRows::new(csv.as_bytes())
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(
            rows[0],
            Person {
                name: "Ann".into(),
                org: 3,
                function: Some("Boss".into())
            }
        );
        assert_eq!(
            rows[1],
            Person {
                name: "Bob \"B\"".into(),
                org: 4,
                function: None
            }
        );
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Lent<'a> {
        name: &'a str,
        #[serde(rename = "org_id")]
        org: u32,
    }

    #[test]
    fn lent_rows_decode_borrowed_fields_with_their_place() {
        let csv = "name,org_id\nAnn,1\n\"Bob\nBrown\",2\nCid,oops\nDan,4\n";
        let mut rows = RowReader::new(csv.as_bytes()).unwrap();
        let mut seen = Vec::new();
        while let Some(row) = rows.next_row() {
            let row = row.unwrap();
            let decoded = row.decode::<Lent<'_>>();
            seen.push((
                row.row,
                row.line,
                decoded
                    .map(|p| (p.name.to_owned(), p.org))
                    .map_err(|e| (e.row, e.line)),
            ));
        }
        assert_eq!(
            seen,
            vec![
                (0, 2, Ok(("Ann".to_owned(), 1))),
                (1, 3, Ok(("Bob\nBrown".to_owned(), 2))),
                (2, 5, Err((2, 5))),
                (3, 6, Ok(("Dan".to_owned(), 4))),
            ]
        );
    }

    #[test]
    fn a_csv_error_ends_the_lent_rows() {
        // A row with one cell too many: the csv crate refuses it.
        let csv = "name,org_id\nAnn,1\nBob,2,extra\nCid,3\n";
        let mut rows = RowReader::new(csv.as_bytes()).unwrap();
        assert_eq!(
            rows.next_row().unwrap().unwrap().cells().get(0),
            Some(&b"Ann"[..])
        );
        let err = rows.next_row().unwrap().unwrap_err();
        assert_eq!((err.row, err.line), (1, 3));
        assert!(rows.next_row().is_none());
    }

    #[test]
    fn errors_name_the_row_and_the_line() {
        let csv = "name,org_id,function\nAnn,1,x\n\"multi\nline\",2,y\nCid,oops,z\nDan,4,w\n";
        let rows: Vec<_> = TypedRows::<_, Person>::new(csv.as_bytes())
            .unwrap()
            .collect();
        assert_eq!(rows.len(), 4);
        let err = rows[2].as_ref().unwrap_err();
        assert_eq!((err.row, err.line), (2, 5));
        assert!(matches!(err.source, Error::Csv(_)));
        assert_eq!(rows[3].as_ref().unwrap().name, "Dan");
    }
}
