//! Parameters files, read exactly as iTop reads them.

use std::path::PathBuf;

/// A parameters file could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}:{column}: {message}", path.display())]
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
