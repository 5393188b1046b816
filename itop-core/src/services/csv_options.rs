//! The CSV dialect options shared by `import.php` and `synchro_import.php`.

use super::Field;
use crate::{Error, Result};

/// How the uploaded CSV is written. iTop's defaults differ per service
/// (separator `,` for `import.php`, `;` for `synchro_import.php`; charset
/// from the server's configuration for `import.php`), so every value is
/// always sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOptions {
    /// One ASCII character; TAB is sent as `tab`.
    pub separator: char,
    /// One ASCII character, `"` by default.
    pub qualifier: char,
    /// Input encoding, `UTF-8` by default. A UTF-8 byte-order mark is
    /// removed before sending when the charset is UTF-8.
    pub charset: String,
    /// PHP date format of Date/DateTime cells, e.g. `d/m/Y H:i:s`; unset by
    /// default (iTop's internal `Y-m-d H:i:s`).
    pub date_format: Option<String>,
}

impl CsvOptions {
    /// Options with this separator, `"` as qualifier, UTF-8, no date format.
    pub fn with_separator(separator: char) -> CsvOptions {
        CsvOptions {
            separator,
            qualifier: '"',
            charset: "UTF-8".to_owned(),
            date_format: None,
        }
    }

    /// True when the data is declared UTF-8 (any case).
    pub fn is_utf8(&self) -> bool {
        self.charset.eq_ignore_ascii_case("UTF-8") || self.charset.eq_ignore_ascii_case("UTF8")
    }

    pub(crate) fn fields(&self, fields: &mut Vec<Field>) -> Result<()> {
        fields.push(("separator".into(), wire_char("separator", self.separator)?));
        if self.qualifier == '\t' {
            return Err(Error::InvalidRequest {
                field: "qualifier",
                reason: "a TAB cannot be a text qualifier".to_owned(),
            });
        }
        fields.push(("qualifier".into(), wire_char("qualifier", self.qualifier)?));
        if self.charset.trim().is_empty() || self.charset.trim() != self.charset {
            return Err(Error::InvalidRequest {
                field: "charset",
                reason: format!("{:?} is not a charset name", self.charset),
            });
        }
        // iTop strips a BOM only for exactly `UTF-8`; we strip it ourselves
        // and always send the canonical spelling.
        let charset = if self.is_utf8() {
            "UTF-8".to_owned()
        } else {
            self.charset.clone()
        };
        fields.push(("charset".into(), charset));
        if let Some(format) = &self.date_format {
            fields.push(("date_format".into(), format.clone()));
        }
        Ok(())
    }
}

/// A one-byte character as iTop wants it on the wire (`tab` for TAB).
fn wire_char(field: &'static str, c: char) -> Result<String> {
    if c == '\t' {
        return Ok("tab".to_owned());
    }
    if !c.is_ascii() || c.is_ascii_control() || c == ' ' {
        return Err(Error::InvalidRequest {
            field,
            reason: format!("{c:?} is not a one-byte printable character (iTop trims blanks)"),
        });
    }
    Ok(c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_is_sent_as_the_word_tab() {
        let mut fields = Vec::new();
        CsvOptions::with_separator('\t')
            .fields(&mut fields)
            .unwrap();
        assert_eq!(fields[0], ("separator".into(), "tab".to_owned()));
        assert_eq!(fields[2], ("charset".into(), "UTF-8".to_owned()));
    }

    #[test]
    fn multibyte_separator_is_refused() {
        let mut fields = Vec::new();
        let err = CsvOptions::with_separator('§')
            .fields(&mut fields)
            .unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidRequest {
                field: "separator",
                ..
            }
        ));
    }

    #[test]
    fn lower_case_utf8_is_sent_canonical() {
        let mut options = CsvOptions::with_separator(',');
        options.charset = "utf-8".to_owned();
        let mut fields = Vec::new();
        options.fields(&mut fields).unwrap();
        assert_eq!(fields[2].1, "UTF-8");
    }
}
