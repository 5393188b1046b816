//! The `output` parameter of `import.php` and `synchro_import.php`.

use std::fmt;

/// What the import services print (their `output` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputMode {
    /// Header lines and counters (the services' default).
    #[default]
    Summary,
    /// The summary plus one line per data row.
    Details,
    /// Only the number of rows not written.
    Retcode,
}

impl OutputMode {
    /// The value to send: `summary`, `details` or `retcode`.
    pub fn as_str(self) -> &'static str {
        match self {
            OutputMode::Summary => "summary",
            OutputMode::Details => "details",
            OutputMode::Retcode => "retcode",
        }
    }
}

impl fmt::Display for OutputMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_the_protocol() {
        assert_eq!(OutputMode::default(), OutputMode::Summary);
        assert_eq!(OutputMode::Details.as_str(), "details");
        assert_eq!(OutputMode::Retcode.to_string(), "retcode");
    }
}
