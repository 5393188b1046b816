//! Decoding form fields: `application/x-www-form-urlencoded` (also used for
//! query strings) and the text fields of `multipart/form-data`. Values stay
//! bytes: CSV data may be Latin-1.

/// One decoded field.
pub(crate) type Field = (String, Vec<u8>);

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Percent-decoding with `+` as a blank, like PHP's `urldecode`.
fn url_decode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut index = 0;
    while index < input.len() {
        let byte = input[index];
        let high = input.get(index + 1).copied().and_then(hex_value);
        let low = input.get(index + 2).copied().and_then(hex_value);
        match (byte, high, low) {
            (b'%', Some(high), Some(low)) => {
                out.push(high * 16 + low);
                index += 3;
                continue;
            }
            (b'+', _, _) => out.push(b' '),
            _ => out.push(byte),
        }
        index += 1;
    }
    out
}

/// Splits `a=1&b=2` into decoded pairs, in order (a key without `=` has
/// an empty value; empty pieces are skipped).
pub(crate) fn parse_urlencoded(input: &[u8]) -> Vec<Field> {
    let pieces = input.split(|byte| *byte == b'&');
    let pieces = pieces.filter(|piece| !piece.is_empty());
    let to_field = |piece: &[u8]| {
        let equal = piece.iter().position(|byte| *byte == b'=');
        let (key, value) = match equal {
            Some(at) => (&piece[..at], &piece[at + 1..]),
            None => (piece, &b""[..]),
        };
        let key = String::from_utf8_lossy(&url_decode(key)).into_owned();
        (key, url_decode(value))
    };
    pieces.map(to_field).collect()
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let rest = haystack.get(from..)?;
    let found = rest
        .windows(needle.len())
        .position(|window| window == needle);
    found.map(|at| at + from)
}

/// The value of `name="..."` in a Content-Disposition header.
fn disposition_param(headers: &str, name: &str) -> Option<String> {
    let marker = format!("{name}=\"");
    let lower = headers.to_ascii_lowercase();
    let start = lower
        .find(&format!(" {marker}"))
        .or_else(|| lower.find(&format!(";{marker}")))?;
    let value_start = start + 1 + marker.len();
    let end = headers[value_start..].find('"')? + value_start;
    Some(headers[value_start..end].to_owned())
}

/// One part of a multipart body: its field, unless it is a file part.
fn multipart_field(part: &[u8]) -> Option<Field> {
    let split = find(part, b"\r\n\r\n", 0)?;
    let headers = String::from_utf8_lossy(&part[..split]);
    if disposition_param(&headers, "filename").is_some() {
        return None;
    }
    let name = disposition_param(&headers, "name")?;
    Some((name, part[split + 4..].to_vec()))
}

/// The text fields of a `multipart/form-data` body (file parts are left
/// out, as PHP puts them in `$_FILES`, not `$_POST`).
pub(crate) fn parse_multipart(body: &[u8], boundary: &str) -> Vec<Field> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut fields = Vec::new();
    let Some(mut start) = find(body, &delimiter, 0) else {
        return fields;
    };
    let next_delimiter = [b"\r\n".as_slice(), &delimiter].concat();
    while let Some(end) = find(body, &next_delimiter, start + delimiter.len()) {
        let part = &body[start + delimiter.len()..end];
        if let Some(part) = part.strip_prefix(b"\r\n") {
            fields.extend(multipart_field(part));
        }
        start = end + 2;
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plus_percent_and_keeps_bytes() {
        let fields = parse_urlencoded(b"a=x+y%2Cz&b&c=%E9%zz&&d=1=2");
        let expected: Vec<Field> = vec![
            ("a".into(), b"x y,z".to_vec()),
            ("b".into(), b"".to_vec()),
            ("c".into(), b"\xe9%zz".to_vec()),
            ("d".into(), b"1=2".to_vec()),
        ];
        assert_eq!(fields, expected);
    }

    #[test]
    fn keeps_multipart_text_fields_only() {
        let body = b"--XY\r\nContent-Disposition: form-data; name=\"class\"\r\n\r\nPerson\r\n--XY\r\nContent-Disposition: form-data; name=\"csvdata\"; filename=\"a.csv\"\r\nContent-Type: text/csv\r\n\r\na,b\r\n--XY\r\nContent-Disposition: form-data; name=\"output\"\r\n\r\ndetails\r\n--XY--\r\n";
        let fields = parse_multipart(body, "XY");
        let expected: Vec<Field> = vec![
            ("class".into(), b"Person".to_vec()),
            ("output".into(), b"details".to_vec()),
        ];
        assert_eq!(fields, expected);
    }
}
