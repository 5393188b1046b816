//! What a stopped chunked upload tells: which rows are committed, which
//! may be, and where to start again.

use std::{fmt, ops::Range};

use crate::Error;

/// Why a chunked upload stopped before its end, and how to finish it.
///
/// Rows before [`Interruption::uncertain`] were reported written by iTop
/// (or belong to an earlier run, before the resume line). The rows of the
/// failed chunk may be partly committed (iTop has no transaction: a PHP
/// fatal error keeps what was done). Nothing after was sent. Sending again
/// from [`Interruption::resume_from_line`] with the same reconciliation
/// keys is safe: rows already written come back `unchanged`.
#[derive(Debug)]
pub struct Interruption {
    /// The 0-based chunk that failed; `None` when the failure came between
    /// chunks (reading the input) or after the load (synchronization).
    pub chunk: Option<usize>,
    /// What went wrong.
    pub error: Error,
    /// Data rows (0-based, of the whole file) confirmed written by this run.
    pub committed: Range<u64>,
    /// Data rows that may or may not have been written.
    pub uncertain: Range<u64>,
    /// The 1-based line of the original file to resume from; `None` when
    /// the whole load is done (only the synchronization failed).
    pub resume_from_line: Option<u64>,
}

impl Interruption {
    /// The first data row not known to be committed.
    pub fn first_uncommitted_row(&self) -> u64 {
        self.uncertain.start
    }
}

impl fmt::Display for Interruption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.chunk {
            Some(chunk) if matches!(self.error, Error::Cancelled) => {
                write!(f, "chunk {} not sent: {}", chunk + 1, chain(&self.error))?;
            }
            Some(chunk) => write!(f, "chunk {} failed: {}", chunk + 1, chain(&self.error))?,
            None => write!(f, "stopped: {}", chain(&self.error))?,
        }
        let (done, open) = (&self.committed, &self.uncertain);
        if done.is_empty() {
            write!(f, "; no row confirmed written")?;
        } else {
            write!(f, "; rows {}-{} written", done.start, done.end - 1)?;
        }
        if !open.is_empty() {
            write!(
                f,
                "; rows {}-{} may be partly written",
                open.start,
                open.end - 1
            )?;
        }
        match self.resume_from_line {
            Some(line) => write!(f, "; resume from line {line}"),
            None => write!(f, "; the load itself is complete"),
        }
    }
}

/// The error and its sources, joined by `: `.
fn chain(error: &Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_what_is_written_and_where_to_resume() {
        let interruption = Interruption {
            chunk: Some(2),
            error: Error::InvalidRequest {
                field: "x",
                reason: "boom".to_owned(),
            },
            committed: 0..2000,
            uncertain: 2000..3000,
            resume_from_line: Some(2002),
        };
        assert_eq!(
            interruption.to_string(),
            "chunk 3 failed: invalid x: boom; rows 0-1999 written; \
             rows 2000-2999 may be partly written; resume from line 2002"
        );
        assert_eq!(interruption.first_uncommitted_row(), 2000);
    }
}
