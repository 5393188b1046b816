//! Reading one HTTP/1.1 request: request line, headers, and a body framed
//! by `Content-Length` or `Transfer-Encoding: chunked`.

use std::io::{self, BufRead, Read, Write};

/// Longest request line or header line accepted.
const MAX_LINE: usize = 64 * 1024;
/// Most header lines accepted.
const MAX_HEADERS: usize = 200;
/// Hard cap on a body, whatever the configuration (memory safety).
const MAX_BODY: usize = 256 * 1024 * 1024;

/// One parsed request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Request {
    pub method: String,
    pub path: String,
    pub query_string: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The last header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let found = self.headers.iter().rev();
        let mut found = found.filter(|(key, _)| key.eq_ignore_ascii_case(name));
        found.next().map(|(_, value)| value.as_str())
    }
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_owned())
}

/// Reads one line ending in `\n`, without it and without a final `\r`.
fn read_line(reader: &mut impl BufRead) -> io::Result<String> {
    let mut buf = Vec::new();
    let read = reader.take(MAX_LINE as u64).read_until(b'\n', &mut buf)?;
    if read == 0 {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "closed"));
    }
    if buf.last() != Some(&b'\n') {
        return Err(invalid("line too long or truncated"));
    }
    buf.pop();
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

fn read_head(reader: &mut impl BufRead) -> io::Result<Request> {
    let line = read_line(reader)?;
    let mut parts = line.split(' ');
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().ok_or_else(|| invalid("no target"))?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut request = Request {
        method,
        path: path.to_owned(),
        query_string: query.to_owned(),
        ..Request::default()
    };
    loop {
        let line = read_line(reader)?;
        if line.is_empty() {
            return Ok(request);
        }
        if request.headers.len() >= MAX_HEADERS {
            return Err(invalid("too many headers"));
        }
        if let Some((name, value)) = line.split_once(':') {
            let pair = (name.trim().to_owned(), value.trim().to_owned());
            request.headers.push(pair);
        }
    }
}

/// Reads a chunked body; `None` when it exceeds `limit` (read anyway).
fn read_chunked(reader: &mut impl BufRead, limit: usize) -> io::Result<Option<Vec<u8>>> {
    let mut body = Vec::new();
    let mut too_big = false;
    loop {
        let size_line = read_line(reader)?;
        let size_text = size_line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| invalid("bad chunk"))?;
        if size == 0 {
            while !read_line(reader)?.is_empty() {}
            return Ok(if too_big { None } else { Some(body) });
        }
        if body.len() + size > MAX_BODY {
            return Err(invalid("body too large"));
        }
        let mut chunk = vec![0; size];
        reader.read_exact(&mut chunk)?;
        read_line(reader)?;
        too_big = too_big || body.len() + size > limit;
        if !too_big {
            body.extend_from_slice(&chunk);
        }
    }
}

/// Reads `length` bytes; `None` when they exceed `limit` (read anyway).
fn read_sized(
    reader: &mut impl BufRead,
    length: usize,
    limit: usize,
) -> io::Result<Option<Vec<u8>>> {
    if length > MAX_BODY {
        return Err(invalid("body too large"));
    }
    if length > limit {
        io::copy(&mut reader.take(length as u64), &mut io::sink())?;
        return Ok(None);
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(Some(body))
}

/// Reads one request. A body larger than `max_body` is consumed and
/// dropped, as PHP does past `post_max_size`. `writer` receives the
/// `100 Continue` interim answer when the client expects one.
pub(crate) fn read_request(
    reader: &mut impl BufRead,
    writer: &mut impl Write,
    max_body: Option<usize>,
) -> io::Result<Request> {
    let mut request = read_head(reader)?;
    let limit = max_body.unwrap_or(MAX_BODY);
    let expects = request.header("expect");
    if expects.is_some_and(|value| value.eq_ignore_ascii_case("100-continue")) {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        writer.flush()?;
    }
    let chunked = request.header("transfer-encoding");
    let chunked = chunked.is_some_and(|value| value.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        read_chunked(reader, limit)?
    } else {
        let length = request.header("content-length").unwrap_or("0");
        let length = length.parse().map_err(|_| invalid("bad content-length"))?;
        read_sized(reader, length, limit)?
    };
    request.body = body.unwrap_or_default();
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &[u8], max: Option<usize>) -> (Request, Vec<u8>) {
        let mut out = Vec::new();
        let request = read_request(&mut &raw[..], &mut out, max).expect("parses");
        (request, out)
    }

    #[test]
    fn reads_content_length_body_and_query() {
        let raw = b"POST /a/b.php?x=1&y=2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcdef";
        let (request, _) = parse(raw, None);
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/a/b.php");
        assert_eq!(request.query_string, "x=1&y=2");
        assert_eq!(request.header("HOST"), Some("h"));
        assert_eq!(request.body, b"abc");
    }

    #[test]
    fn decodes_chunked_body_and_answers_expect() {
        let raw = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
        let (request, out) = parse(raw, None);
        assert_eq!(request.body, b"abcde");
        assert_eq!(out, b"HTTP/1.1 100 Continue\r\n\r\n");
    }

    #[test]
    fn drops_a_body_over_the_limit() {
        let raw = b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
        assert_eq!(parse(raw, Some(4)).0.body, b"");
        assert_eq!(parse(raw, Some(5)).0.body, b"hello");
        let chunked =
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
        assert_eq!(parse(chunked, Some(4)).0.body, b"");
    }
}
