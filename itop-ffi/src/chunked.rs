//! What the chunked uploads share: `itop_chunk_options` in, and
//! `itop_chunk_summary` out, with the failure of an interrupted upload.

use itop_core::{ChunkOptions, Interruption};

use crate::guard::Failure;
use crate::ptr;
use crate::status::itop_status;

/// How a chunked upload is cut, and where it starts. A field left at 0
/// keeps its default; pass NULL for all the defaults.
#[repr(C)]
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct itop_chunk_options {
    /// Most data rows per chunk; 0 for 1 000 (iTop needs tens of KiB of
    /// PHP memory per row).
    pub rows: u64,
    /// Most bytes per chunk, header included, counted form-encoded as PHP's
    /// `post_max_size` counts them (a `,` weighs 3 bytes); 0 for 4 MiB.
    /// At least 64.
    pub bytes: u64,
    /// The 1-based line of the file to start from: the `resume_from_line`
    /// of an interrupted upload, or the `next_line` of its last progress
    /// call; 0 for the start. Records before it are read (rows keep their
    /// numbers in the whole file) but not sent.
    pub resume_from_line: u64,
}

/// How a chunked upload went. Rows are 0-based data rows of the whole
/// file (the header is not a row); a range `[start, end)` is empty when
/// `start == end`.
#[repr(C)]
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct itop_chunk_summary {
    /// True when every chunk (and the synchronization, if asked for) went
    /// through; the call then returned `ITOP_STATUS_OK`.
    pub complete: bool,
    /// The status the call returned: `ITOP_STATUS_OK`, or the failure that
    /// stopped the upload.
    pub status: itop_status,
    /// Chunks iTop reported on.
    pub chunks: u64,
    /// Data rows of those chunks.
    pub rows: u64,
    /// The first data row sent (above 0 when resuming).
    pub first_row: u64,
    /// True when a chunk failed; `failed_chunk` is then its 0-based index.
    pub has_failed_chunk: bool,
    /// The 0-based chunk that failed (0 when none did).
    pub failed_chunk: u64,
    /// First data row confirmed written by this call.
    pub committed_start: u64,
    /// The row after the last one confirmed written.
    pub committed_end: u64,
    /// First data row that may or may not have been written (the failed
    /// chunk's: iTop has no transaction).
    pub uncertain_start: u64,
    /// The row after the last uncertain one.
    pub uncertain_end: u64,
    /// The 1-based line of the file to resume from (put it in
    /// `itop_chunk_options.resume_from_line`, same request and file); 0
    /// when there is nothing to resume: the upload is complete, or only
    /// the synchronization after a complete load failed.
    pub resume_from_line: u64,
}

/// The options at `options`, NULL meaning the defaults.
pub(crate) fn options(options: *const itop_chunk_options) -> Result<ChunkOptions, Failure> {
    let mut core = ChunkOptions::default();
    if options.is_null() {
        return Ok(core);
    }
    let given = ptr::as_ref(options, "options")?;
    if given.rows > 0 {
        core = core.rows(given.rows);
    }
    if given.bytes > 0 {
        core = core.bytes(given.bytes);
    }
    if given.resume_from_line > 0 {
        core = core.resume_from_line(given.resume_from_line);
    }
    Ok(core)
}

/// The counts of a chunked upload: chunks and rows reported on, first row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Counts {
    pub(crate) chunks: u64,
    pub(crate) rows: u64,
    pub(crate) first_row: u64,
}

/// The summary of an upload with `counts`, stopped by `stop` if any.
pub(crate) fn summary(counts: Counts, stop: Option<&Interruption>) -> itop_chunk_summary {
    let done = counts.first_row + counts.rows;
    let mut out = itop_chunk_summary {
        complete: stop.is_none(),
        status: itop_status::Ok,
        chunks: counts.chunks,
        rows: counts.rows,
        first_row: counts.first_row,
        has_failed_chunk: false,
        failed_chunk: 0,
        committed_start: counts.first_row,
        committed_end: done,
        uncertain_start: done,
        uncertain_end: done,
        resume_from_line: 0,
    };
    if let Some(stop) = stop {
        out.status = itop_status::of(&stop.error);
        out.has_failed_chunk = stop.chunk.is_some();
        out.failed_chunk = stop.chunk.map_or(0, |chunk| chunk as u64);
        (out.committed_start, out.committed_end) = (stop.committed.start, stop.committed.end);
        (out.uncertain_start, out.uncertain_end) = (stop.uncertain.start, stop.uncertain.end);
        out.resume_from_line = stop.resume_from_line.unwrap_or(0);
    }
    out
}

/// The failure an interrupted upload returns: the error's status, a
/// message with the error's whole chain, what is written and where to
/// resume, and iTop's answer.
pub(crate) fn failure(stop: &Interruption) -> Failure {
    Failure {
        status: itop_status::of(&stop.error),
        message: stop.to_string(),
        raw: stop.error.raw_response().map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use std::ptr::null;

    use super::*;

    #[test]
    fn zero_keeps_the_default_and_null_is_all_defaults() {
        let defaults = ChunkOptions::default();
        assert_eq!(options(null()).ok(), Some(defaults));
        let given = itop_chunk_options {
            rows: 50,
            ..itop_chunk_options::default()
        };
        let core = options(&given).ok();
        assert_eq!(core, Some(defaults.rows(50)));
        assert_eq!(core.map(|c| c.resume_from_line), Some(1));
    }

    #[test]
    fn an_interruption_gives_its_rows_and_resume_line() {
        let stop = Interruption {
            chunk: Some(2),
            error: itop_core::Error::from(std::io::Error::other("disk")),
            committed: 0..400,
            uncertain: 400..600,
            resume_from_line: Some(402),
        };
        let counts = Counts {
            chunks: 2,
            rows: 400,
            first_row: 0,
        };
        let out = summary(counts, Some(&stop));
        assert!(!out.complete && out.has_failed_chunk);
        assert_eq!((out.status, out.failed_chunk), (itop_status::Io, 2));
        assert_eq!((out.committed_end, out.uncertain_end), (400, 600));
        assert_eq!(out.resume_from_line, 402);
        let failure = failure(&stop);
        assert_eq!(failure.status, itop_status::Io);
        assert!(failure.message.ends_with("resume from line 402"));
    }

    #[test]
    fn a_complete_upload_has_nothing_uncertain() {
        let counts = Counts {
            chunks: 3,
            rows: 250,
            first_row: 100,
        };
        let out = summary(counts, None);
        assert!(out.complete && !out.has_failed_chunk);
        assert_eq!((out.committed_start, out.committed_end), (100, 350));
        assert_eq!((out.uncertain_start, out.uncertain_end), (350, 350));
        assert_eq!((out.status, out.resume_from_line), (itop_status::Ok, 0));
    }
}
