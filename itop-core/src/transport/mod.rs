//! How a request reaches iTop: over HTTP, or by running `php` on the host.

pub(crate) mod cli;
pub(crate) mod complete;
pub(crate) mod form;
pub(crate) mod http;
mod process;

use crate::{RawAnswer, Result, credentials::Credentials, csv_data::Spooled, services::Field};

/// Everything a transport needs for one call.
pub(crate) struct Call<'a> {
    pub(crate) service: crate::Service,
    pub(crate) fields: Vec<Field>,
    pub(crate) credentials: Option<&'a Credentials>,
    /// The CSV to upload, and whether it is declared UTF-8 (then a leading
    /// BOM is skipped and the bytes are checked).
    pub(crate) csv: Option<(Spooled, bool)>,
    pub(crate) max_chunk_size: Option<u32>,
}

impl Call<'_> {
    /// Bytes of CSV data to upload (0 without data).
    pub(crate) fn upload_size(&self) -> u64 {
        self.csv.as_ref().map_or(0, |(data, _)| data.len())
    }
}

/// What a streamed export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOutcome {
    /// Bytes written to the destination.
    pub bytes: u64,
    /// The `Content-Type` iTop announced (HTTP only).
    pub content_type: Option<String>,
}

/// A transport: HTTP, or `php` on the iTop host.
#[derive(Debug)]
pub(crate) enum Transport {
    Http(http::HttpTransport),
    Cli(cli::CliTransport),
}

impl Transport {
    pub(crate) fn call(&self, call: Call<'_>) -> Result<RawAnswer> {
        match self {
            Transport::Http(http) => http.call(call),
            Transport::Cli(cli) => cli.call(call),
        }
    }

    pub(crate) fn export(
        &self,
        call: Call<'_>,
        format: &str,
        out: &mut dyn std::io::Write,
    ) -> Result<ExportOutcome> {
        match self {
            Transport::Http(http) => http.export(call, format, out),
            Transport::Cli(cli) => cli.export(call, format, out),
        }
    }
}

/// Copies `reader` to `out`, telling a failure to read (the server or php:
/// `read_error`) from a failure to write (the caller's destination, e.g. a
/// closed pipe: [`Error::Io`](crate::Error::Io)).
pub(crate) fn copy_split_errors(
    reader: &mut dyn std::io::Read,
    out: &mut dyn std::io::Write,
    read_error: impl Fn(std::io::Error) -> crate::Error,
) -> Result<u64> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut copied = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => return Ok(copied),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_error(e)),
        };
        out.write_all(&buf[..n])?;
        copied += n as u64;
    }
}
