//! Writing a response the way PHP's built-in server does: status line,
//! `Host`, `Date`, `Connection: close`, `X-Powered-By`, the session
//! cookie, the page's own headers, then the body; the connection is closed
//! after it, so a body without `Content-Length` ends at close.

use std::io::{self, Write};

use crate::dates;

/// A response to write.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub status: u16,
    /// `HTTP/1.0` status line (iTop forces it for 401 and 500).
    pub http10: bool,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Sent as `Content-Length` when set (may differ from the body length).
    pub content_length: Option<usize>,
}

impl Response {
    /// An empty response with that status.
    pub fn new(status: u16) -> Response {
        Response {
            status,
            http10: false,
            headers: Vec::new(),
            body: Vec::new(),
            content_length: None,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Adds several headers.
    pub fn headers(mut self, pairs: &[(&str, &str)]) -> Response {
        for (name, value) in pairs {
            self.headers.push(((*name).to_owned(), (*value).to_owned()));
        }
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Response {
        self.body = body.into();
        self
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        401 => "Unauthorized",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// The bytes of `response`, with `host` echoed and the session cookie.
pub(crate) fn write_response(
    writer: &mut impl Write,
    response: &Response,
    host: &str,
    cookie: &str,
) -> io::Result<()> {
    let version = if response.http10 { "1.0" } else { "1.1" };
    let mut head = format!(
        "HTTP/{version} {} {}\r\n",
        response.status,
        reason(response.status)
    );
    head.push_str(&format!("Host: {host}\r\n"));
    head.push_str(&format!(
        "Date: {}\r\n",
        dates::http_date(dates::unix_now())
    ));
    head.push_str("Connection: close\r\nX-Powered-By: PHP/8.2.36\r\n");
    head.push_str(&format!("Set-Cookie: {cookie}; path=/\r\n"));
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(length) = response.content_length {
        head.push_str(&format!("Content-Length: {length}\r\n"));
    }
    head.push_str("\r\n");
    writer.write_all(head.as_bytes())?;
    writer.write_all(&response.body)?;
    writer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_status_headers_and_short_length() {
        let mut response = Response::new(200)
            .header("Content-type", "text/plain")
            .body("0\n");
        response.content_length = Some(1);
        let mut out = Vec::new();
        write_response(&mut out, &response, "127.0.0.1:1", "itop-ab=cd").expect("writes");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.starts_with("HTTP/1.1 200 OK\r\nHost: 127.0.0.1:1\r\nDate: "));
        assert!(text.contains("\r\nConnection: close\r\nX-Powered-By: PHP/8.2.36\r\n"));
        assert!(text.contains("Set-Cookie: itop-ab=cd; path=/\r\nContent-type: text/plain\r\n"));
        assert!(text.ends_with("Content-Length: 1\r\n\r\n0\n"));
    }

    #[test]
    fn writes_http10_status_line() {
        let mut response = Response::new(401);
        response.http10 = true;
        let mut out = Vec::new();
        write_response(&mut out, &response, "h", "c=d").expect("writes");
        assert!(out.starts_with(b"HTTP/1.0 401 Unauthorized\r\n"));
    }
}
