//! Lint findings: what iTop would silently do against the writer's intent.

use std::fmt;
use std::path::PathBuf;

/// How serious a [`Finding`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// iTop does what the file says, but the file may not say what its
    /// writer meant (quotes kept in a value, a duplicate key...).
    Warning,
    /// iTop will not do what you wrote: a line ignored, a value cut or
    /// replaced by a default, a key no service reads.
    Changed,
}

impl Severity {
    /// The word printed before the message: `warning` or `changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Changed => "changed",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One lint finding, positioned on the offending character.
///
/// Lines are 1-based and split on `\n` only, as iTop splits them. Columns
/// are 1-based and count characters (Unicode scalar values) from the start
/// of the line; an invalid UTF-8 sequence counts as one character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The parameters file.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Whether iTop will do something else than what is written.
    pub severity: Severity,
    /// A plain sentence saying what iTop does and what to write instead.
    pub message: String,
}

impl Finding {
    /// True for findings of the "iTop will not do what you wrote" kind.
    pub fn is_change(&self) -> bool {
        self.severity == Severity::Changed
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.severity,
            self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_position_severity_and_message() {
        let finding = Finding {
            path: PathBuf::from("a.params"),
            line: 3,
            column: 14,
            severity: Severity::Changed,
            message: "value cut at `#`".to_owned(),
        };
        assert_eq!(
            finding.to_string(),
            "a.params:3:14: changed: value cut at `#`"
        );
        assert!(finding.is_change());
    }
}
