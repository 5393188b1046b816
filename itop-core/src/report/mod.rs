//! Interpreters of what the services answer.
//!
//! A transport gives a [`RawAnswer`](crate::RawAnswer); the `interpret_*`
//! functions here turn it into a typed report or an [`Error`](crate::Error).
//! Success is decided from the body (and the exit code in CLI mode), never
//! from HTTP 200 or exit 0 (PROTOCOL §0). Every answer is classified in the
//! order of PROTOCOL §8: HTTP 500 → 503 → login failure → the service's own
//! decision rule. Web pages are first brought to CLI lines by [`normalize`].
//!
//! Partial failures are successes with something to report: rows not
//! written by an import ([`ImportReport::has_issues`]), `… errors` counters
//! of a synchronization ([`SynchroCounters::has_errors`]), a failed
//! synchronization after a load ([`SynchroImportReport::is_complete`]), task
//! errors of a cron run ([`CronReport::is_clean`]).

mod classify;
mod counters;
mod cron;
mod export;
mod import;
mod import_rows;
mod normalize;
mod output;
mod synchro_exec;
mod synchro_import;
#[cfg(test)]
mod testutil;

pub use counters::SynchroCounters;
pub use cron::{CronReport, CronTaskStatus, interpret_cron};
pub use export::{export_looks_ok, interpret_export_failure};
pub use import::{ImportReport, ImportSummary, interpret_import};
pub use import_rows::{ImportRow, RowStatus};
pub use normalize::{PageKind, normalize};
pub use output::OutputMode;
pub use synchro_exec::{SourceRun, SynchroExecReport, interpret_synchro_exec};
pub use synchro_import::{
    SynchroImportReport, SynchroImportRow, SynchroImportSummary, SynchroRowKind,
    interpret_synchro_import,
};
