//! `webservices/cron.php`: run iTop's background tasks.

use super::{Field, Request};
use crate::{Result, Service};

/// A run of the background tasks (administrators only). A normal run lasts
/// the server's `cron_max_execution_time` (600 s by default).
///
/// Flags are sent only when on, as `1`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CronRequest {
    verbose: bool,
    debug: bool,
    status_only: bool,
}

impl CronRequest {
    /// A normal, quiet run.
    pub fn new() -> CronRequest {
        CronRequest::default()
    }

    /// Print detailed progress lines. Off by default.
    pub fn verbose(mut self, verbose: bool) -> CronRequest {
        self.verbose = verbose;
        self
    }

    /// Print stack traces with errors. Off by default.
    pub fn debug(mut self, debug: bool) -> CronRequest {
        self.debug = debug;
        self
    }

    /// Print the task status table and stop. Off by default. iTop answers
    /// an empty page over HTTP: the table exists in command-line mode only.
    pub fn status_only(mut self, status_only: bool) -> CronRequest {
        self.status_only = status_only;
        self
    }

    /// True when only the status is asked for.
    pub fn is_status_only(&self) -> bool {
        self.status_only
    }
}

impl Request for CronRequest {
    fn service(&self) -> Service {
        Service::Cron
    }

    fn wire_fields(&self) -> Result<Vec<Field>> {
        let mut fields = Vec::new();
        for (name, on) in [
            ("verbose", self.verbose),
            ("debug", self.debug),
            ("status_only", self.status_only),
        ] {
            if on {
                fields.push((name.into(), "1".to_owned()));
            }
        }
        Ok(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_flags_that_are_on_are_sent() {
        let fields = CronRequest::new().status_only(true).wire_fields().unwrap();
        assert_eq!(fields, vec![("status_only".into(), "1".to_owned())]);
        assert!(CronRequest::new().wire_fields().unwrap().is_empty());
    }
}
