//! Retries with backoff, only where repeating a call cannot change data
//! twice.
//!
//! Exports and `cron.php` with `status_only` read and never write, so a
//! call that failed to connect, or whose connection broke, is tried again
//! (three attempts in all, waiting 200 ms then 400 ms), each retry logged
//! as a warning. An export is retried only while nothing was written to the
//! caller's output, so the output never holds two starts. Imports,
//! synchronizations and full cron runs are never retried: the first attempt
//! may have committed rows before the connection broke.

use std::{cell::Cell, io, thread, time::Duration};

use crate::Error;

/// Attempts in all, the first included.
const ATTEMPTS: u32 = 3;
/// Wait before the first retry; doubled before each next one.
const FIRST_DELAY: Duration = Duration::from_millis(200);

/// True for a failure that happened before the service could answer: no
/// connection, or a connection that broke. A timeout of the whole call is
/// not retried (it would double the wait), nor is any answer of iTop.
pub(crate) fn is_retryable(err: &Error) -> bool {
    let Error::Transport { source, .. } = err else {
        return false;
    };
    match source.as_ref() {
        ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => true,
        ureq::Error::Timeout(timeout) => {
            matches!(timeout, ureq::Timeout::Resolve | ureq::Timeout::Connect)
        }
        ureq::Error::Io(io) => matches!(
            io.kind(),
            io::ErrorKind::ConnectionRefused
                | io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::BrokenPipe
                | io::ErrorKind::UnexpectedEof
        ),
        _ => false,
    }
}

/// Runs `attempt` until it succeeds, fails in a way [`is_retryable`]
/// refuses or `may_retry` vetoes, or [`ATTEMPTS`] are used up.
pub(crate) fn retrying<T>(
    mut attempt: impl FnMut() -> crate::Result<T>,
    may_retry: impl Fn() -> bool,
) -> crate::Result<T> {
    let mut delay = FIRST_DELAY;
    for tried in 1..ATTEMPTS {
        match attempt() {
            Err(err) if is_retryable(&err) && may_retry() => {
                log::warn!(
                    "{err}: attempt {tried} of {ATTEMPTS} failed, retrying in {} ms",
                    delay.as_millis()
                );
                thread::sleep(delay);
                delay *= 2;
            }
            other => return other,
        }
    }
    attempt()
}

/// A writer that counts what went through it.
pub(crate) struct Counting<'a> {
    inner: &'a mut dyn io::Write,
    written: &'a Cell<u64>,
}

impl<'a> Counting<'a> {
    /// Counts into `written` what is written to `inner`.
    pub(crate) fn new(inner: &'a mut dyn io::Write, written: &'a Cell<u64>) -> Counting<'a> {
        Counting { inner, written }
    }
}

impl io::Write for Counting<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written.set(self.written.get() + n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::Service;

    fn transport(kind: io::ErrorKind) -> Error {
        Error::Transport {
            service: Service::Export,
            source: Box::new(ureq::Error::Io(io::Error::from(kind))),
        }
    }

    #[test]
    fn only_connection_failures_are_retryable() {
        assert!(is_retryable(&transport(io::ErrorKind::ConnectionRefused)));
        assert!(is_retryable(&transport(io::ErrorKind::ConnectionReset)));
        assert!(!is_retryable(&transport(io::ErrorKind::PermissionDenied)));
        let global = Error::Transport {
            service: Service::Export,
            source: Box::new(ureq::Error::Timeout(ureq::Timeout::Global)),
        };
        assert!(!is_retryable(&global));
        let server = Error::Server {
            service: Service::Export,
            status: Some(500),
            message: "boom".into(),
            raw: String::new(),
        };
        assert!(!is_retryable(&server));
    }

    #[test]
    fn retries_up_to_three_attempts() {
        let mut calls = 0;
        let result: crate::Result<()> = retrying(
            || {
                calls += 1;
                Err(transport(io::ErrorKind::ConnectionReset))
            },
            || true,
        );
        assert!(result.is_err());
        assert_eq!(calls, ATTEMPTS);
    }

    #[test]
    fn stops_at_the_first_success() {
        let mut calls = 0;
        let result = retrying(
            || {
                calls += 1;
                if calls == 2 {
                    Ok(calls)
                } else {
                    Err(transport(io::ErrorKind::ConnectionRefused))
                }
            },
            || true,
        );
        assert_eq!(result.unwrap(), 2);
    }

    #[test]
    fn a_veto_or_a_final_error_stops_at_once() {
        let mut calls = 0;
        let vetoed: crate::Result<()> = retrying(
            || {
                calls += 1;
                Err(transport(io::ErrorKind::ConnectionReset))
            },
            || false,
        );
        assert!(vetoed.is_err());
        assert_eq!(calls, 1);
        let mut calls = 0;
        let final_error: crate::Result<()> = retrying(
            || {
                calls += 1;
                Err(transport(io::ErrorKind::InvalidData))
            },
            || true,
        );
        assert!(final_error.is_err());
        assert_eq!(calls, 1);
    }

    #[test]
    fn counting_counts_what_was_written() {
        let written = Cell::new(0);
        let mut out = Vec::new();
        let mut counting = Counting::new(&mut out, &written);
        counting.write_all(b"abc").unwrap();
        counting.write_all(b"de").unwrap();
        assert_eq!(written.get(), 5);
        assert_eq!(out, b"abcde");
    }
}
