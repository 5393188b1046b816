//! The panic guard around every export, and the failure it reports.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::last_error;
use crate::status::itop_status;

/// Why a call failed: its status, the full message, and iTop's raw answer
/// when there is one.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) status: itop_status,
    pub(crate) message: String,
    pub(crate) raw: Option<String>,
}

impl Failure {
    /// A failure with a message and no raw answer.
    pub(crate) fn new(status: itop_status, message: impl Into<String>) -> Failure {
        Failure {
            status,
            message: message.into(),
            raw: None,
        }
    }

    /// A required pointer was NULL.
    pub(crate) fn null(what: &str) -> Failure {
        Failure::new(itop_status::NullArgument, format!("{what} is NULL"))
    }

    /// A string was not UTF-8.
    pub(crate) fn utf8(what: &str) -> Failure {
        Failure::new(
            itop_status::InvalidUtf8,
            format!("{what} is not valid UTF-8"),
        )
    }

    /// A value out of its set.
    pub(crate) fn invalid(what: &str, reason: impl std::fmt::Display) -> Failure {
        Failure::new(
            itop_status::InvalidRequest,
            format!("invalid {what}: {reason}"),
        )
    }

    /// An index past the end, or a key not defined.
    pub(crate) fn not_found(message: impl Into<String>) -> Failure {
        Failure::new(itop_status::NotFound, message)
    }
}

impl From<itop_core::Error> for Failure {
    fn from(err: itop_core::Error) -> Failure {
        Failure {
            status: itop_status::of(&err),
            message: chain(&err),
            raw: err.raw_response().map(str::to_owned),
        }
    }
}

impl From<itop_core::params::ParamsError> for Failure {
    fn from(err: itop_core::params::ParamsError) -> Failure {
        Failure::from(itop_core::Error::from(err))
    }
}

/// The error and its causes, joined by `: `.
pub(crate) fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Runs `body`: clears the last error, catches a panic, and turns a
/// failure into its status and the thread's last error.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), Failure>) -> itop_status {
    last_error::clear();
    let outcome = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| {
        Err(Failure::new(
            itop_status::Panic,
            format!("panic: {}", panic_text(&*payload)),
        ))
    });
    match outcome {
        Ok(()) => itop_status::Ok,
        Err(failure) => {
            let status = failure.status;
            last_error::set(failure);
            status
        }
    }
}

/// Runs a `_free` body: nothing to report, and the last error is kept (C
/// code often frees before it reads the error), but a panic must not cross
/// into C.
pub(crate) fn guard_free(body: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(body));
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&str>() {
        return text;
    }
    payload
        .downcast_ref::<String>()
        .map_or("unknown cause", String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_the_panic_status() {
        let status = guard(|| panic!("boom {}", 7));
        assert_eq!(status, itop_status::Panic);
        assert_eq!(last_error::message(), "panic: boom 7");
    }

    #[test]
    fn a_failure_sets_the_last_error_and_success_clears_it() {
        let status = guard(|| Err(Failure::null("client")));
        assert_eq!(status, itop_status::NullArgument);
        assert_eq!(last_error::message(), "client is NULL");
        guard_free(|| panic!("in a free"));
        assert_eq!(last_error::message(), "client is NULL", "kept by _free");
        assert_eq!(guard(|| Ok(())), itop_status::Ok);
        assert_eq!(last_error::message(), "");
    }

    #[test]
    fn the_chain_lists_every_cause() {
        let err = itop_core::Error::Io {
            path: Some("/tmp/x.csv".into()),
            source: std::io::Error::other("disk full"),
        };
        assert_eq!(chain(&err), "i/o error on /tmp/x.csv: disk full");
    }
}
