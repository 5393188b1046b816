//! Typed rows: an iterator of `T: Deserialize` over a CSV export, each
//! error naming the data row and the line it came from.
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

/// Rows of a CSV (header first) decoded as `T`.
///
/// Decoding owned rows runs at about half the speed of the csv crate's raw
/// `ByteRecord` reading (docs/performance.md).
// TODO(#5): a lending `for_each` with borrowed rows (`&str` fields) would
// reach ~0.9x; owned rows are simpler and enough for now.
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
    reader: csv::Reader<R>,
    headers: csv::ByteRecord,
    record: csv::ByteRecord,
    row: u64,
    done: bool,
    _row: PhantomData<fn() -> T>,
}

impl<R, T> std::fmt::Debug for TypedRows<R, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypedRows")
            .field("row", &self.row)
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
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(separator)
            .quote(qualifier)
            .has_headers(true)
            .flexible(false)
            .from_reader(reader);
        let headers = reader.byte_headers()?.clone();
        Ok(TypedRows {
            reader,
            headers,
            record: csv::ByteRecord::new(),
            row: 0,
            done: false,
            _row: PhantomData,
        })
    }

    /// The header cells.
    pub fn headers(&self) -> &csv::ByteRecord {
        &self.headers
    }

    fn fail(&mut self, source: Error, line: u64) -> Option<std::result::Result<T, RowError>> {
        self.done = true;
        Some(Err(RowError {
            row: self.row,
            line,
            source,
        }))
    }
}

impl<R: Read, T: DeserializeOwned> Iterator for TypedRows<R, T> {
    type Item = std::result::Result<T, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
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
            Err(err) => return self.fail(Error::Csv(err), line),
        }
        let line = self.record.position().map_or(line, csv::Position::line);
        let decoded = self.record.deserialize(Some(&self.headers));
        match decoded {
            Ok(value) => {
                self.row += 1;
                Some(Ok(value))
            }
            Err(err) => {
                let item = Err(RowError {
                    row: self.row,
                    line,
                    source: Error::Csv(err),
                });
                self.row += 1;
                Some(item)
            }
        }
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
                let (row, line) = (rows.row, rows.reader.position().line());
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
