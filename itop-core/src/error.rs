//! The error type of the crate.
//!
//! Variants are grouped by what the caller can do about them: fix the
//! credentials ([`Error::Auth`]), ask for rights ([`Error::NotAllowed`]), fix
//! the request ([`Error::BadRequest`], [`Error::InvalidRequest`]), tell the
//! iTop administrator ([`Error::Server`]), or retry later
//! ([`Error::Transport`]). Every variant that comes from an answer of iTop
//! keeps the server's raw text, available through [`Error::raw_response`].

use std::{io, path::PathBuf};

use crate::service::Service;

/// Shorthand for `Result<T, itop_core::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Longest raw answer kept in an error, in bytes; the rest is cut.
pub const RAW_KEEP_LIMIT: usize = 256 * 1024;

/// Everything that can go wrong when calling an iTop service.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// iTop refused the credentials: login page, `Invalid login`, HTTP 401,
    /// a redirection to the portal, `Access restricted or wrong credentials`.
    #[error("{service}: authentication failed: {message}")]
    Auth {
        /// The service called.
        service: Service,
        /// What iTop said, or what we recognised.
        message: String,
        /// The server's raw answer.
        raw: String,
    },

    /// Logged in, but the account lacks a right (administrator, bulk
    /// modify, bulk read, data source owner).
    #[error("{service}: not allowed: {message}")]
    NotAllowed {
        /// The service called.
        service: Service,
        /// iTop's own message.
        message: String,
        /// The server's raw answer.
        raw: String,
    },

    /// iTop rejected the request: unknown class, column or data source, bad
    /// OQL, missing parameter, bad CSV.
    #[error("{service}: request rejected: {message}")]
    BadRequest {
        /// The service called.
        service: Service,
        /// iTop's own message.
        message: String,
        /// The server's raw answer.
        raw: String,
    },

    /// iTop failed: PHP fatal error (HTTP 500, exit 255), maintenance mode,
    /// an exception. Work done before the failure may have been committed.
    #[error("{service}: server error{}: {message}", status_suffix(*status))]
    Server {
        /// The service called.
        service: Service,
        /// The HTTP status or the exit code, when there is one.
        status: Option<u16>,
        /// iTop's own message.
        message: String,
        /// The server's raw answer.
        raw: String,
    },

    /// The answer is not one this crate recognises as a success; it is kept
    /// whole so that nothing is taken for a success by mistake.
    #[error("{service}: unrecognised answer: {message}")]
    Unexpected {
        /// The service called.
        service: Service,
        /// What did not fit.
        message: String,
        /// The server's raw answer.
        raw: String,
    },

    /// The request never got an answer: connection, TLS, timeout.
    #[error("{service}: transport failed")]
    Transport {
        /// The service called.
        service: Service,
        /// The cause.
        #[source]
        source: Box<ureq::Error>,
    },

    /// The local PHP process could not be run or did not finish (CLI mode).
    #[error("{service}: running php failed: {message}")]
    Process {
        /// The service called.
        service: Service,
        /// What happened.
        message: String,
        /// The cause, if any.
        #[source]
        source: Option<io::Error>,
    },

    /// Reading or writing a local file failed.
    #[error("{}", io_message(path.as_deref()))]
    Io {
        /// The file, when there is one.
        path: Option<PathBuf>,
        /// The cause.
        #[source]
        source: io::Error,
    },

    /// The work was stopped by the cancel flag (a signal, say) before it
    /// was done; see [`ClientBuilder::cancel_flag`](crate::ClientBuilder::cancel_flag).
    #[error("stopped on request (a signal or the cancel flag)")]
    Cancelled,

    /// Reading or writing CSV failed.
    #[error("csv")]
    Csv(#[from] csv::Error),

    /// A parameters file could not be used.
    #[error(transparent)]
    Params(#[from] crate::params::ParamsError),

    /// The request was refused before anything was sent.
    #[error("invalid {field}: {reason}")]
    InvalidRequest {
        /// The parameter at fault.
        field: &'static str,
        /// Why it is refused.
        reason: String,
    },
}

impl Error {
    /// The server's raw answer (possibly cut at [`RAW_KEEP_LIMIT`]), for
    /// the variants that come from one.
    pub fn raw_response(&self) -> Option<&str> {
        match self {
            Error::Auth { raw, .. }
            | Error::NotAllowed { raw, .. }
            | Error::BadRequest { raw, .. }
            | Error::Server { raw, .. }
            | Error::Unexpected { raw, .. } => Some(raw),
            _ => None,
        }
    }

    /// The service the error belongs to, when there is one.
    pub fn service(&self) -> Option<Service> {
        match self {
            Error::Auth { service, .. }
            | Error::NotAllowed { service, .. }
            | Error::BadRequest { service, .. }
            | Error::Server { service, .. }
            | Error::Unexpected { service, .. }
            | Error::Transport { service, .. }
            | Error::Process { service, .. } => Some(*service),
            _ => None,
        }
    }

    /// Wraps an I/O error with the file it concerns.
    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Io {
            path: Some(path.into()),
            source,
        }
    }
}

impl From<io::Error> for Error {
    fn from(source: io::Error) -> Error {
        Error::Io { path: None, source }
    }
}

fn status_suffix(status: Option<u16>) -> String {
    status.map(|s| format!(" ({s})")).unwrap_or_default()
}

fn io_message(path: Option<&std::path::Path>) -> String {
    match path {
        Some(path) => format!("i/o error on {}", path.display()),
        None => "i/o error".to_owned(),
    }
}

/// Cuts a raw answer to at most [`RAW_KEEP_LIMIT`] bytes, on a character
/// boundary, saying so at the end.
pub(crate) fn keep_raw(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() <= RAW_KEEP_LIMIT {
        return text.into_owned();
    }
    let mut end = RAW_KEEP_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}\n[... {} more bytes cut]",
        &text[..end],
        text.len() - end
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_stays_small() {
        assert!(
            std::mem::size_of::<Error>() <= 88,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn keep_raw_cuts_long_answers() {
        let long = vec![b'a'; RAW_KEEP_LIMIT + 10];
        let kept = keep_raw(&long);
        assert!(kept.ends_with("[... 10 more bytes cut]"));
    }
}
