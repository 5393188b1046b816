//! Large uploads from the command line: chunk options, and a progress line
//! on a terminal (nothing when stderr is piped).

use std::{
    io::{IsTerminal, Write},
    time::{Duration, Instant},
};

use itop_core::{ChunkOptions, Progress};

use crate::{args::ChunkArgs, setup::UsageError};

/// Checks the chunk options given on the command line.
pub fn check(args: &ChunkArgs) -> Result<(), UsageError> {
    let bad = |what: &str| Err(UsageError(what.to_owned()));
    match (args.chunk_rows, args.chunk_bytes, args.resume_from_line) {
        (Some(0), _, _) => bad("--chunk-rows must be at least 1"),
        (_, Some(bytes), _) if bytes < 1024 => bad("--chunk-bytes must be at least 1024"),
        (_, _, Some(0)) => bad("--resume-from-line counts from 1"),
        _ => Ok(()),
    }
}

/// The chunk options, from the command line or the defaults.
pub fn options(args: &ChunkArgs) -> ChunkOptions {
    let mut options = ChunkOptions::default();
    if let Some(rows) = args.chunk_rows {
        options = options.rows(rows);
    }
    if let Some(bytes) = args.chunk_bytes {
        options = options.bytes(bytes);
    }
    if let Some(line) = args.resume_from_line {
        options = options.resume_from_line(line);
    }
    options
}

/// A one-line progress display on stderr, redrawn at most 10 times a
/// second: bytes, rows, chunks, rate, time left.
pub struct ProgressLine {
    enabled: bool,
    drawn: bool,
    last: Option<Instant>,
}

impl ProgressLine {
    /// Shown only when stderr is a terminal.
    pub fn new() -> ProgressLine {
        ProgressLine {
            enabled: std::io::stderr().is_terminal(),
            drawn: false,
            last: None,
        }
    }

    pub fn update(&mut self, progress: &Progress) {
        let due = self
            .last
            .is_none_or(|t| t.elapsed() >= Duration::from_millis(100));
        if !self.enabled || !due {
            return;
        }
        self.last = Some(Instant::now());
        self.drawn = true;
        let line = render(progress);
        let _ = write!(std::io::stderr().lock(), "\r{line}\x1b[K");
    }

    /// Ends the line so that what follows starts on its own.
    pub fn finish(&mut self) {
        if self.drawn {
            let _ = writeln!(std::io::stderr().lock());
            self.drawn = false;
        }
    }
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn render(p: &Progress) -> String {
    let total = p
        .bytes_total
        .map_or(String::new(), |t| format!(" of {:.1}", mib(t)));
    let eta = p
        .eta()
        .map_or(String::new(), |d| format!(", {}s left", d.as_secs()));
    format!(
        "{:.1}{total} MiB, {} rows, {} chunks, {:.1} MiB/s{eta}",
        mib(p.bytes_read),
        p.rows,
        p.chunks,
        p.rate() / (1024.0 * 1024.0),
    )
}
