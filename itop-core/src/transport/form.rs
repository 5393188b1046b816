//! `application/x-www-form-urlencoded` bodies, with the CSV streamed.
//!
//! iTop reads `csvdata` only as an ordinary field of a form POST, so a CSV
//! upload is a form body whose last field is the whole file, percent-encoded
//! on the fly. The body's length is computed beforehand (one pass over the
//! data) so the request carries a `Content-Length`: some PHP front ends
//! refuse chunked request bodies.

use std::io::{self, Read};

use crate::{csv_data::Spooled, utf8_check::Utf8Check};

/// How each byte travels in a form body: 0 as itself, 1 as `+` (space),
/// 2 as `%XX`.
const CLASS: [u8; 256] = {
    let mut table = [2u8; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        if b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_') {
            table[byte] = 0;
        }
        byte += 1;
    }
    table[b' ' as usize] = 1;
    table
};

/// Appends the form encoding of `bytes` to `out`: runs of bytes that
/// travel as themselves are copied at once.
pub(crate) fn encode_into(bytes: &[u8], out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.reserve(bytes.len() + bytes.len() / 2);
    let mut run_start = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        let class = CLASS[usize::from(byte)];
        if class == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[run_start..at]);
        run_start = at + 1;
        if class == 1 {
            out.push(b'+');
        } else {
            out.extend_from_slice(&[
                b'%',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 15)],
            ]);
        }
    }
    out.extend_from_slice(&bytes[run_start..]);
}

/// The length of the form encoding of `bytes`.
fn encoded_len(bytes: &[u8]) -> u64 {
    let escaped = bytes
        .iter()
        .filter(|&&b| CLASS[usize::from(b)] == 2)
        .count() as u64;
    bytes.len() as u64 + 2 * escaped
}

/// Encodes `name=value&...` pairs.
pub(crate) fn encode_fields<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push(b'&');
        }
        encode_into(name.as_bytes(), &mut out);
        out.push(b'=');
        encode_into(value.as_bytes(), &mut out);
    }
    out
}

/// A form body: encoded fields, then `csvdata=` and the encoded CSV.
pub(crate) struct FormBody {
    head: io::Cursor<Vec<u8>>,
    data: Option<Spooled>,
    pending: Vec<u8>,
    pending_at: usize,
    raw: Vec<u8>,
}

impl FormBody {
    /// A body of fields only.
    pub(crate) fn fields(encoded: Vec<u8>) -> (FormBody, u64) {
        let len = encoded.len() as u64;
        let body = FormBody {
            head: io::Cursor::new(encoded),
            data: None,
            pending: Vec::new(),
            pending_at: 0,
            raw: Vec::new(),
        };
        (body, len)
    }

    /// A body of fields followed by `csvdata` read from `data`, which must be
    /// positioned at its start; it is read once here to size the body, then
    /// positioned back with `rewind`.
    ///
    /// With `utf8`, a leading BOM is skipped and the data is checked to be
    /// UTF-8 in the same pass.
    pub(crate) fn with_csv(
        mut encoded: Vec<u8>,
        mut data: Spooled,
        utf8: bool,
    ) -> crate::Result<(FormBody, u64)> {
        let strip_bom = utf8;
        let origin = data.origin();
        let mut check = Utf8Check::new();
        if !encoded.is_empty() {
            encoded.push(b'&');
        }
        encoded.extend_from_slice(b"csvdata=");
        data.rewind(strip_bom)?;
        let mut len = encoded.len() as u64;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = data.read(&mut buf)?;
            if n == 0 {
                break;
            }
            if utf8 {
                check.feed(&buf[..n], &origin)?;
            }
            len += encoded_len(&buf[..n]);
        }
        if utf8 {
            check.finish(&origin)?;
        }
        data.rewind(strip_bom)?;
        let (mut body, _) = FormBody::fields(encoded);
        body.data = Some(data);
        body.raw = buf;
        Ok((body, len))
    }

    fn refill(&mut self) -> io::Result<bool> {
        let Some(data) = self.data.as_mut() else {
            return Ok(false);
        };
        let n = data.read(&mut self.raw)?;
        if n == 0 {
            self.data = None;
            return Ok(false);
        }
        self.pending.clear();
        self.pending_at = 0;
        encode_into(&self.raw[..n], &mut self.pending);
        Ok(true)
    }
}

impl Read for FormBody {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.head.read(buf)?;
        if n > 0 {
            return Ok(n);
        }
        while self.pending_at == self.pending.len() {
            if !self.refill()? {
                return Ok(0);
            }
        }
        let available = &self.pending[self.pending_at..];
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.pending_at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CsvData;

    #[test]
    fn encodes_like_a_browser_form() {
        let encoded = encode_fields([("class", "Person"), ("comment", "a b&c=d/é")]);
        assert_eq!(encoded, b"class=Person&comment=a+b%26c%3Dd%2F%C3%A9");
    }

    #[test]
    fn announced_length_matches_the_bytes_sent() {
        let csv = "first_name,name\nZoé,Ünal \"Z\"\n".repeat(5000);
        let data = CsvData::bytes(format!("\u{feff}{csv}")).open().unwrap();
        let (mut body, len) = FormBody::with_csv(encode_fields([("a", "1")]), data, true).unwrap();
        let mut sent = Vec::new();
        body.read_to_end(&mut sent).unwrap();
        assert_eq!(sent.len() as u64, len);
        let mut expected = b"a=1&csvdata=".to_vec();
        encode_into(csv.as_bytes(), &mut expected);
        assert_eq!(sent, expected);
    }

    #[test]
    fn data_declared_utf8_must_be_utf8() {
        let data = CsvData::bytes(b"name\nSoci\xE9t\xE9\n".to_vec())
            .open()
            .unwrap();
        let Err(err) = FormBody::with_csv(Vec::new(), data, true) else {
            panic!("Latin-1 bytes were accepted as UTF-8");
        };
        assert!(err.to_string().contains(":2:5: byte 0xE9"), "{err}");
        let data = CsvData::bytes(b"name\nSoci\xE9t\xE9\n".to_vec())
            .open()
            .unwrap();
        assert!(FormBody::with_csv(Vec::new(), data, false).is_ok());
    }
}
