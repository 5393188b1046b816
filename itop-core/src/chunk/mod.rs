//! Large uploads: a CSV cut into chunks of whole records, each sent as its
//! own request, the reports merged into one.
//!
//! iTop reads a whole upload in memory and has neither chunking nor a
//! transaction: a 20 000-row POST to `import.php` ran out of memory after
//! committing 8 397 rows and returned no report (PROTOCOL.md §5.6), and a
//! body over PHP's `post_max_size` is dropped entirely. So
//! [`Client::import_chunked`](crate::Client::import_chunked) and
//! [`Client::synchro_import_chunked`](crate::Client::synchro_import_chunked)
//! split the input by rows and by bytes ([`ChunkOptions`]), never inside a
//! quoted cell, repeat the header in every chunk, drop a BOM once, and send
//! the chunks one after the other. A failed chunk stops the upload; the
//! [`Interruption`] says which rows are committed, which may be, and the
//! line to resume from ([`ChunkOptions::resume_from_line`]).
//!
//! Parts: `scanner` (where records end), `splitter` ([`Splitter`],
//! [`Chunk`]), `merge` (one report out of many), `resume`
//! ([`Interruption`]), `upload` (the `Client` methods, [`Progress`]).

mod merge;
mod resume;
pub(crate) mod scanner;
pub(crate) mod shape;
mod splitter;
mod upload;

pub use merge::{ChunkedImport, ChunkedSynchroImport};
pub use resume::Interruption;
pub use splitter::{Chunk, Splitter};
pub use upload::Progress;

/// How an upload is cut, and where it starts.
///
/// ```
/// use itop_core::ChunkOptions;
///
/// let options = ChunkOptions::default().rows(500).bytes(2 << 20);
/// assert_eq!(options.resume_from_line, 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkOptions {
    /// Most data rows per chunk.
    pub rows: u64,
    /// Most bytes per chunk, header included, counted form-encoded (as
    /// `post_max_size` counts them: a `,` weighs 3 bytes).
    pub bytes: u64,
    /// The 1-based line of the original file to start from: records that
    /// start before it are read (to number the rows) but not sent.
    pub resume_from_line: u64,
}

/// Default rows per chunk: iTop needs tens of KiB of PHP memory per row
/// (20 000 rows exhausted 1 GiB), so 1 000 stays under a stock 128M
/// `memory_limit`.
pub const DEFAULT_CHUNK_ROWS: u64 = 1000;
/// Default chunk size: 4 MiB form-encoded, half PHP's stock
/// `post_max_size` of 8M, leaving room for the other fields.
pub const DEFAULT_CHUNK_BYTES: u64 = 4 << 20;

impl Default for ChunkOptions {
    fn default() -> ChunkOptions {
        ChunkOptions {
            rows: DEFAULT_CHUNK_ROWS,
            bytes: DEFAULT_CHUNK_BYTES,
            resume_from_line: 1,
        }
    }
}

impl ChunkOptions {
    /// Most data rows per chunk, [`DEFAULT_CHUNK_ROWS`] by default.
    pub fn rows(mut self, rows: u64) -> ChunkOptions {
        self.rows = rows;
        self
    }

    /// Most form-encoded bytes per chunk, header included,
    /// [`DEFAULT_CHUNK_BYTES`] by default.
    pub fn bytes(mut self, bytes: u64) -> ChunkOptions {
        self.bytes = bytes;
        self
    }

    /// Start at this 1-based line of the original file (1 by default: from
    /// the start). It must be the first line of a record, e.g. the line an
    /// [`Interruption`] gives.
    pub fn resume_from_line(mut self, line: u64) -> ChunkOptions {
        self.resume_from_line = line;
        self
    }

    /// Refuses limits that cannot work.
    pub(crate) fn check(&self) -> crate::Result<()> {
        let invalid = |field, reason: &str| crate::Error::InvalidRequest {
            field,
            reason: reason.to_owned(),
        };
        if self.rows == 0 {
            return Err(invalid("chunk_rows", "a chunk holds at least one row"));
        }
        if self.bytes < 64 {
            return Err(invalid("chunk_bytes", "a chunk needs at least 64 bytes"));
        }
        Ok(())
    }
}
