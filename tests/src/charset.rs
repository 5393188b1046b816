//! The few character sets the imitation understands, converted the way
//! iconv does for iTop: Latin-1 family byte-for-byte to UTF-8 (so UTF-8
//! sent as ISO-8859-1 is double-encoded), invalid UTF-8 bytes dropped.

/// A character set iTop was asked to read or write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Charset {
    Utf8,
    /// ISO-8859-1 and its look-alikes (ISO-8859-15, Windows-1252, ASCII),
    /// all treated as ISO-8859-1.
    Latin1,
}

impl Charset {
    /// Recognises a charset name (case-insensitive, like iconv); `None`
    /// for a name iconv would refuse.
    pub fn from_name(name: &str) -> Option<Charset> {
        match name.to_ascii_uppercase().as_str() {
            "UTF-8" | "UTF8" => Some(Charset::Utf8),
            "ISO-8859-1" | "ISO8859-1" | "LATIN1" | "ISO-8859-15" | "WINDOWS-1252" | "CP1252"
            | "ASCII" | "US-ASCII" => Some(Charset::Latin1),
            _ => None,
        }
    }

    /// Input bytes in this charset → UTF-8 text.
    pub fn decode(self, bytes: &[u8]) -> String {
        match self {
            Charset::Utf8 => bytes.utf8_chunks().map(|chunk| chunk.valid()).collect(),
            Charset::Latin1 => bytes.iter().map(|byte| char::from(*byte)).collect(),
        }
    }

    /// UTF-8 text → bytes in this charset (`?` for what Latin-1 lacks).
    pub fn encode(self, text: &str) -> Vec<u8> {
        match self {
            Charset::Utf8 => text.as_bytes().to_vec(),
            Charset::Latin1 => text
                .chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_reading_double_encodes_utf8() {
        let text = Charset::Latin1.decode("é".as_bytes());
        assert_eq!(text, "Ã©");
        assert_eq!(Charset::Latin1.decode(b"\xEF\xBB\xBFa"), "ï»¿a");
    }

    #[test]
    fn utf8_reading_drops_invalid_bytes() {
        assert_eq!(Charset::Utf8.decode(b"Soci\xe9t\xe9"), "Socit");
    }

    #[test]
    fn recognises_names_and_encodes_latin1() {
        assert_eq!(Charset::from_name("utf-8"), Some(Charset::Utf8));
        assert_eq!(Charset::from_name("KLINGON"), None);
        assert_eq!(Charset::Latin1.encode("é€"), vec![0xE9, b'?']);
    }
}
