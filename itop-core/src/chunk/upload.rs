//! The chunked uploads as `Client` methods: `import.php` chunk by chunk,
//! and the collector pattern for `synchro_import.php` (every chunk loaded
//! with `synchronize=0`, then one `synchro_exec.php`).

use std::time::{Duration, Instant};

use super::{ChunkOptions, ChunkedImport, ChunkedSynchroImport, Interruption, Splitter};
use crate::csv_data::Spooled;
use crate::services::Request;
use crate::{
    Client, CsvData, CsvOptions, Error, ImportRequest, Result, SynchroExecRequest,
    SynchroImportRequest,
};

/// Where a chunked upload stands, given after each chunk.
// TODO(#5): progress within a chunk needs a byte-counting hook in the
// transport; per chunk is enough for a progress bar with default limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Chunks sent and reported on.
    pub chunks: u64,
    /// Data rows sent and reported on.
    pub rows: u64,
    /// Bytes of the input read.
    pub bytes_read: u64,
    /// Size of the input, when known (files and bytes).
    pub bytes_total: Option<u64>,
    /// Time since the upload started.
    pub elapsed: Duration,
    /// The 1-based line of the input where the next record not yet sent
    /// starts: what to give [`ChunkOptions::resume_from_line`] if the
    /// process stops now (past the last line when everything is sent).
    pub next_line: u64,
}

impl Progress {
    /// Input bytes per second so far.
    pub fn rate(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds > 0.0 {
            self.bytes_read as f64 / seconds
        } else {
            0.0
        }
    }

    /// Estimated time left, when the size is known and some bytes are done.
    pub fn eta(&self) -> Option<Duration> {
        let total = self.bytes_total?;
        let rate = self.rate();
        if rate <= 0.0 {
            return None;
        }
        let left = total.saturating_sub(self.bytes_read) as f64 / rate;
        Some(Duration::from_secs_f64(left))
    }
}

/// The state of one chunked upload.
struct Run<'a> {
    splitter: Splitter<Spooled>,
    header_len: u64,
    bytes_total: Option<u64>,
    started: Instant,
    progress: &'a mut dyn FnMut(&Progress),
    /// The first row of this run, and the row after the last one reported.
    first_row: u64,
    done_rows: u64,
    chunks: u64,
}

impl<'a> Run<'a> {
    /// Validates the request's dialect and opens the input.
    fn open(
        csv: CsvData,
        dialect: &CsvOptions,
        options: ChunkOptions,
        progress: &'a mut dyn FnMut(&Progress),
    ) -> Result<Run<'a>> {
        options.check()?;
        let separator = one_byte("separator", dialect.separator)?;
        let qualifier = one_byte("qualifier", dialect.qualifier)?;
        let mut data = csv.open()?;
        // The whole input is checked before the first chunk leaves: a bad
        // row near the end must not stop an upload half committed.
        if dialect.is_utf8() {
            data.check_utf8()?;
        }
        data.rewind(dialect.is_utf8())?;
        let origin = data.origin();
        super::shape::check_shape(&mut data, separator, qualifier, &origin)?;
        data.rewind(false)?;
        let bytes_total = input_size(&data);
        let splitter = Splitter::new(data, separator, qualifier, dialect.is_utf8(), options);
        Ok(Run {
            splitter,
            header_len: 0,
            bytes_total,
            started: Instant::now(),
            progress,
            first_row: 0,
            done_rows: 0,
            chunks: 0,
        })
    }

    /// The next chunk. An error before anything was sent is returned to
    /// the caller; a later one becomes an [`Interruption`].
    fn next(&mut self) -> Result<Option<super::Chunk>> {
        let next = self.splitter.next().transpose();
        if self.chunks == 0 {
            self.header_len = self.splitter.header().len() as u64;
        }
        match next {
            Ok(Some(chunk)) => {
                if self.chunks == 0 {
                    self.first_row = chunk.first_row;
                    self.done_rows = chunk.first_row;
                }
                Ok(Some(chunk))
            }
            other => other,
        }
    }

    fn stopped(&self, chunk: Option<&super::Chunk>, error: Error) -> Interruption {
        let committed = self.first_row..self.done_rows;
        match chunk {
            Some(chunk) => Interruption {
                chunk: Some(chunk.index),
                // iTop refuses a login, a right or a request before it
                // touches a row: then nothing of the chunk was written.
                uncertain: if refused_before_any_row(&error) {
                    chunk.first_row..chunk.first_row
                } else {
                    chunk.first_row..chunk.end_row()
                },
                error,
                committed,
                resume_from_line: Some(chunk.first_line()),
            },
            None => Interruption {
                chunk: None,
                error,
                committed,
                uncertain: self.done_rows..self.done_rows,
                resume_from_line: Some(self.splitter.next_line()),
            },
        }
    }

    fn reported(&mut self, chunk: &super::Chunk) {
        self.chunks += 1;
        self.done_rows = chunk.end_row();
        let progress = Progress {
            chunks: self.chunks,
            rows: self.done_rows - self.first_row,
            bytes_read: chunk.input_offset,
            bytes_total: self.bytes_total,
            elapsed: self.started.elapsed(),
            next_line: chunk.end_line,
        };
        (self.progress)(&progress);
    }
}

fn one_byte(field: &'static str, c: char) -> Result<u8> {
    u8::try_from(c)
        .ok()
        .filter(u8::is_ascii)
        .ok_or_else(|| Error::InvalidRequest {
            field,
            reason: format!("{c:?} is not a one-byte character"),
        })
}

fn input_size(data: &Spooled) -> Option<u64> {
    match data {
        Spooled::File { file, .. } => file.metadata().ok().map(|m| m.len()),
        Spooled::Bytes(cursor) => Some(cursor.get_ref().len() as u64),
    }
}

/// True when `request` asks for a simulation (read from its wire fields).
fn simulates(request: &SynchroImportRequest) -> Result<bool> {
    Ok(request
        .wire_fields()?
        .iter()
        .any(|(name, value)| name == "simulate" && value == "1"))
}

impl Client {
    /// Imports `csv` with `import.php` in chunks of whole records (see
    /// [`ChunkOptions`]), one request each, and merges the reports.
    /// `progress` is called after each chunk.
    ///
    /// The upload stops at the first chunk that fails; the result then
    /// has an [`Interruption`] naming the rows written, those that may be,
    /// and the line to resume from. Use reconciliation keys so that
    /// sending a chunk again is harmless.
    ///
    /// ```no_run
    /// use itop_core::{ChunkOptions, Client, CsvData, ImportRequest};
    ///
    /// # fn demo(client: &Client) -> itop_core::Result<()> {
    /// let request = ImportRequest::new("Person").reconciliation_keys(["email"]);
    /// let options = ChunkOptions::default().rows(2000);
    /// let done = client.import_chunked(&request, CsvData::path("people.csv"), options, &mut |_| {})?;
    /// if let Some(stop) = &done.interrupted {
    ///     eprintln!("{stop}");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// Only failures before anything is sent: [`Error::InvalidRequest`]
    /// (bad options, a record bigger than a chunk, a resume line inside a
    /// record, a CSV without header), [`Error::Io`] (the input cannot be
    /// read). Later failures are reported in
    /// [`ChunkedImport::interrupted`].
    pub fn import_chunked(
        &self,
        request: &ImportRequest,
        csv: CsvData,
        options: ChunkOptions,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<ChunkedImport> {
        request.wire_fields()?;
        let mut run = Run::open(csv, request.csv_options(), options, progress)?;
        let mut merged = ChunkedImport::new(request.output_mode(), 0);
        loop {
            let mut chunk = match run.next() {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(error) if run.chunks == 0 => return Err(error),
                Err(error) => {
                    merged.interrupted = Some(run.stopped(None, error));
                    break;
                }
            };
            merged.first_row = run.first_row;
            if self.cancelled() {
                merged.interrupted = Some(run.stopped(Some(&chunk), Error::Cancelled));
                break;
            }
            match self.import(request, CsvData::bytes(std::mem::take(&mut chunk.data))) {
                Ok(part) => merged.add(&chunk, run.header_len, part),
                Err(error) => {
                    merged.interrupted = Some(run.stopped(Some(&chunk), error));
                    break;
                }
            }
            run.reported(&chunk);
        }
        check_header(&run)?;
        check_resume_line(&run, options)?;
        Ok(merged)
    }

    /// Loads `csv` into a data source in chunks (see [`ChunkOptions`]),
    /// each with `synchronize=0`, then — if `request` synchronizes, the
    /// default — runs `synchro_exec.php` once for that source: the
    /// collector pattern. Synchronizing after each chunk would be wrong:
    /// replicas of the chunks not yet loaded could be obsoleted or deleted.
    ///
    /// # Errors
    ///
    /// As [`Client::import_chunked`]; later failures, of the load or of the
    /// synchronization, are in [`ChunkedSynchroImport::interrupted`].
    pub fn synchro_import_chunked(
        &self,
        request: &SynchroImportRequest,
        csv: CsvData,
        options: ChunkOptions,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<ChunkedSynchroImport> {
        let simulate = simulates(request)?;
        let load_request = request.clone().synchronize(false);
        let mut run = Run::open(csv, request.csv_options(), options, progress)?;
        let mut merged = ChunkedSynchroImport::new(request.output_mode(), 0);
        loop {
            let mut chunk = match run.next() {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(error) if run.chunks == 0 => return Err(error),
                Err(error) => {
                    merged.interrupted = Some(run.stopped(None, error));
                    return Ok(merged);
                }
            };
            merged.first_row = run.first_row;
            if self.cancelled() {
                merged.interrupted = Some(run.stopped(Some(&chunk), Error::Cancelled));
                return Ok(merged);
            }
            match self.synchro_import(
                &load_request,
                CsvData::bytes(std::mem::take(&mut chunk.data)),
            ) {
                Ok(part) => merged.add(&chunk, run.header_len, part),
                Err(error) => {
                    merged.interrupted = Some(run.stopped(Some(&chunk), error));
                    return Ok(merged);
                }
            }
            run.reported(&chunk);
        }
        check_header(&run)?;
        check_resume_line(&run, options)?;
        if request.is_synchronizing() {
            self.synchronize_after_load(request, simulate, &run, &mut merged);
        }
        Ok(merged)
    }

    fn synchronize_after_load(
        &self,
        request: &SynchroImportRequest,
        simulate: bool,
        run: &Run<'_>,
        merged: &mut ChunkedSynchroImport,
    ) {
        let mut exec = SynchroExecRequest::new([request.data_source_id()]).simulate(simulate);
        if let Some(size) = request.max_chunk_size() {
            exec = exec.max_chunk_size(size);
        }
        let ran = if self.cancelled() {
            Err(Error::Cancelled)
        } else {
            self.synchro_exec(&exec)
        };
        match ran {
            Ok(report) => merged.synchro = Some(report),
            Err(error) => {
                merged.interrupted = Some(Interruption {
                    chunk: None,
                    error,
                    committed: run.first_row..run.done_rows,
                    uncertain: run.done_rows..run.done_rows,
                    resume_from_line: None,
                });
            }
        }
    }
}

/// A resume line past the data (a leftover from a longer file, say) is
/// refused rather than taken for a complete upload of nothing; the line
/// right after the last record, the last progress's `next_line`, is fine.
fn check_resume_line(run: &Run<'_>, options: ChunkOptions) -> Result<()> {
    let end = run.splitter.next_line();
    if run.chunks == 0 && options.resume_from_line > end {
        return Err(Error::InvalidRequest {
            field: "resume_from_line",
            reason: format!(
                "line {} is past the data, whose last record ends before line {end}: \
                 nothing was sent",
                options.resume_from_line
            ),
        });
    }
    Ok(())
}

/// A CSV without even a header is refused (iTop: `#Missing data`).
fn check_header(run: &Run<'_>) -> Result<()> {
    if run.splitter.header().is_empty() {
        return Err(Error::InvalidRequest {
            field: "csv",
            reason: "the CSV holds no header line".to_owned(),
        });
    }
    Ok(())
}

/// True for the failures iTop reports before writing any row.
fn refused_before_any_row(error: &Error) -> bool {
    match error {
        Error::Auth { .. }
        | Error::NotAllowed { .. }
        | Error::BadRequest { .. }
        | Error::InvalidRequest { .. }
        | Error::Cancelled => true,
        // No script at that URL: nothing ran.
        Error::Unexpected { message, .. } => message.starts_with("HTTP 404"),
        // No connection was made: nothing was sent.
        Error::Transport { source, .. } => match source.as_ref() {
            ureq::Error::HostNotFound
            | ureq::Error::ConnectionFailed
            | ureq::Error::ConnectProxyFailed(_)
            | ureq::Error::InvalidProxyUrl => true,
            ureq::Error::Io(io) => io.kind() == std::io::ErrorKind::ConnectionRefused,
            _ => false,
        },
        _ => false,
    }
}
