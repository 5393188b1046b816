//! Checking, as the data streams by, that CSV declared UTF-8 is UTF-8.
//!
//! iTop does not check: `import.php` silently drops the bytes that are not
//! valid (`Société` sent as Latin-1 is stored as `Socit`) and
//! `synchro_import.php` fails with an SQL error. Sending such data and
//! reporting success would lose it, so the client refuses it first, saying
//! where the first bad byte is.

use crate::{Error, Result};

/// A streaming UTF-8 validator that knows lines and columns.
#[derive(Debug, Default)]
pub(crate) struct Utf8Check {
    /// The start of a character cut by the previous buffer's end.
    carry: Vec<u8>,
    /// 1-based line of the next byte.
    line: u64,
    /// 1-based byte column of the next byte.
    column: u64,
}

impl Utf8Check {
    pub(crate) fn new() -> Utf8Check {
        Utf8Check {
            carry: Vec::new(),
            line: 1,
            column: 1,
        }
    }

    /// Checks the next bytes; `origin` names the data in the error.
    pub(crate) fn feed(&mut self, buf: &[u8], origin: &str) -> Result<()> {
        let joined;
        let data = if self.carry.is_empty() {
            buf
        } else {
            joined = [self.carry.as_slice(), buf].concat();
            &joined
        };
        match std::str::from_utf8(data) {
            Ok(_) => {
                self.advance(data);
                self.carry.clear();
                Ok(())
            }
            Err(e) if e.error_len().is_none() => {
                let (good, tail) = data.split_at(e.valid_up_to());
                self.advance(good);
                self.carry = tail.to_vec();
                Ok(())
            }
            Err(e) => {
                self.advance(&data[..e.valid_up_to()]);
                Err(self.error(data[e.valid_up_to()], origin))
            }
        }
    }

    /// Checks that the data did not end inside a character.
    pub(crate) fn finish(&self, origin: &str) -> Result<()> {
        match self.carry.first() {
            Some(&byte) => Err(self.error(byte, origin)),
            None => Ok(()),
        }
    }

    fn advance(&mut self, valid: &[u8]) {
        for &byte in valid {
            if byte == b'\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
    }

    fn error(&self, byte: u8, origin: &str) -> Error {
        Error::InvalidRequest {
            field: "csv",
            reason: format!(
                "{origin}:{}:{}: byte 0x{byte:02X} is not UTF-8, but the data is declared \
                 UTF-8 (iTop would drop or refuse it); give its real charset, e.g. ISO-8859-1",
                self.line, self.column
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(chunks: &[&[u8]]) -> Result<()> {
        let mut check = Utf8Check::new();
        for chunk in chunks {
            check.feed(chunk, "people.csv")?;
        }
        check.finish("people.csv")
    }

    #[test]
    fn accepts_characters_cut_between_buffers() {
        let text = "name\nSociété Zoë\n".as_bytes();
        for cut in 0..text.len() {
            check(&[&text[..cut], &text[cut..]]).unwrap();
        }
    }

    #[test]
    fn says_where_the_first_bad_byte_is() {
        let err = check(&[b"name\nSoci", b"\xE9t\xE9\n"]).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("people.csv:2:5: byte 0xE9"), "{message}");
    }

    #[test]
    fn data_ending_inside_a_character_is_refused() {
        let err = check(&[b"abc\xC3"]).unwrap_err();
        assert!(err.to_string().contains(":1:4: byte 0xC3"), "{err}");
    }
}
