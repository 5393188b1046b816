//! Parameters files, read exactly as iTop reads them.
//!
//! iTop's services take defaults from `param_file=a,b`: files of
//! `key = value` lines (PROTOCOL.md §1.4). Its reader has quirks that a
//! writer rarely expects, and it never complains; this module reproduces
//! them byte for byte and reports them:
//!
//! * lines are split on `\n` only (a bare CR does not end a line) and
//!   trimmed of space, TAB, CR, NUL and vertical tab (not form feed);
//! * everything from the first `#` is dropped, even inside a value;
//! * the key is the first blank-free word when blanks and `=` follow it,
//!   otherwise that word cut before its **last** `=`: `a=b=c` defines
//!   `a=b`, `k = a=b` defines `k`;
//! * a line that does not fit is ignored silently; quotes are kept; a
//!   UTF-8 BOM becomes part of the first key; later duplicates win.
//!
//! [`Params`] holds what iTop would read, each value with its [`Origin`];
//! [`Params::lint`] lists the [`Finding`]s; [`write_params_file`] writes
//! files that iTop reads back as given; [`render_check`] is the report of
//! `itop params check`. See `docs/parameters-files.md`.
//!
//! ```
//! use std::path::Path;
//! use itop_core::Service;
//! use itop_core::params::Params;
//!
//! let text = b"auth_user = admin\nauth_pwd = s3cr#et\nauth_login = x\n";
//! let params = Params::parse(text, Path::new("creds.params"));
//! assert_eq!(params.get("auth_pwd"), Some("s3cr"));
//! let findings = params.lint(Some(Service::Import));
//! assert_eq!(findings.len(), 2);
//! assert_eq!((findings[0].line, findings[0].column), (2, 16));
//! assert!(findings[1].message.contains("did you mean `auth_user`?"));
//! ```

use std::path::PathBuf;

mod check;
mod finding;
mod grammar;
mod keys;
mod map;
mod reader;
mod service_lint;
mod syntax_lint;
mod text;
mod writer;

#[cfg(test)]
mod tests;

pub use check::render_check;
pub use finding::{Finding, Severity};
pub use keys::known_keys;
pub use map::{Origin, Params};
pub use text::{is_secret_key, shown_key, shown_value};
pub use writer::{check_representable, write_params_file};

/// A parameters file could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", where_in(path, *line, *column))]
pub struct ParamsError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line (0 when the whole file is concerned).
    pub line: usize,
    /// 1-based column (0 when the whole line is concerned).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// `path:line:col`, or `path:line`, or `path` when the whole file (line 0)
/// or the whole line (column 0) is concerned.
fn where_in(path: &std::path::Path, line: usize, column: usize) -> String {
    match (line, column) {
        (0, _) => path.display().to_string(),
        (line, 0) => format!("{}:{line}", path.display()),
        (line, column) => format!("{}:{line}:{column}", path.display()),
    }
}
