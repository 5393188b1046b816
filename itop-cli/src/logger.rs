//! A small stderr logger behind `-v` (debug) and `-vv` (trace).
//!
//! The core logs requests, statuses and timings, never credentials.

use log::{Level, LevelFilter, Log, Metadata, Record};

struct StderrLogger;

static LOGGER: StderrLogger = StderrLogger;

impl Log for StderrLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) && keep(record) {
            eprintln!(
                "{}: {}",
                record.level().as_str().to_lowercase(),
                record.args()
            );
        }
    }

    fn flush(&self) {}
}

/// Our own crates log at every level; dependencies only warnings.
fn keep(record: &Record<'_>) -> bool {
    let target = record.target();
    target.starts_with("itop") || record.level() <= Level::Warn
}

/// Installs the logger: warnings by default, more with each `-v`.
pub fn init(verbosity: u8) {
    let level = match verbosity {
        0 => LevelFilter::Off,
        1 => LevelFilter::Debug,
        _ => LevelFilter::Trace,
    };
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(level);
    }
}
