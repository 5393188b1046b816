//! A fault-injecting HTTP server on loopback, for the bad-server tests.
//!
//! Unlike [`TestServer`](crate::TestServer), which imitates iTop, a
//! [`FaultServer`] answers every request with a canned [`Reply`] and can
//! break the exchange on purpose: a body shorter or longer than its
//! `Content-Length`, a connection reset while the request is still being
//! uploaded or while the answer is being sent, a huge body streamed in
//! constant memory, a slow answer. Replies are served in order; the last
//! one is repeated (so `[fail, ok]` tests a retry).
//!
//! A reset is a TCP RST, not a clean close: the server closes the socket
//! while request bytes are still unread, which makes Linux send RST. So a
//! reset during the answer leaves the last byte of the request unread.
//!
//! ```no_run
//! use itop_tests::faults::{FaultServer, Reply};
//!
//! let server = FaultServer::start(vec![Reply::new(500, "<p>iTop: boom</p>\n")])?;
//! let url = server.url(); // e.g. "http://127.0.0.1:40123"
//! # let _ = url;
//! # Ok::<(), std::io::Error>(())
//! ```

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long the server waits for a silent client before giving up.
const READ_TIMEOUT: Duration = Duration::from_secs(20);
/// Size of each write of a streamed body.
const WRITE_CHUNK: usize = 64 * 1024;
/// Pause before a reset, so that the client reads what was sent first.
const PAUSE_BEFORE_RESET: Duration = Duration::from_millis(150);

/// What the `Content-Length` header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    /// The body's true length.
    Exact,
    /// No header: the body ends when the connection closes.
    Absent,
    /// This value, whatever the body's length.
    Announce(u64),
}

/// The body of a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// These bytes.
    Bytes(Vec<u8>),
    /// `pattern` repeated up to `len` bytes, streamed without being held in
    /// memory.
    Repeat {
        /// The repeated bytes (not empty).
        pattern: Vec<u8>,
        /// Total length.
        len: u64,
    },
}

impl Body {
    fn len(&self) -> u64 {
        match self {
            Body::Bytes(bytes) => bytes.len() as u64,
            Body::Repeat { len, .. } => *len,
        }
    }
}

/// A canned answer and the way the exchange breaks, if it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// The reason phrase.
    pub reason: String,
    /// Headers other than `Content-Length` and `Connection`.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Body,
    /// What `Content-Length` says.
    pub length: Length,
    /// Wait this long before sending the status line.
    pub delay: Duration,
    /// Reset the connection after reading this many bytes of the request
    /// body (head included), without answering.
    pub reset_in_request: Option<u64>,
    /// Send this many body bytes, then reset the connection.
    pub reset_in_body: Option<u64>,
}

impl Reply {
    /// A `text/html; charset=UTF-8` answer with `status` and `body`.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            reason: reason(status).to_owned(),
            headers: vec![(
                "Content-Type".to_owned(),
                "text/html; charset=UTF-8".to_owned(),
            )],
            body: Body::Bytes(body.into()),
            length: Length::Exact,
            delay: Duration::ZERO,
            reset_in_request: None,
            reset_in_body: None,
        }
    }

    /// A captured response (`tests/fixtures/<service>/<case>.resp`): its
    /// status, headers and body. Its `Content-Length` and `Connection`
    /// headers are dropped; the reply announces the body's true length
    /// when the capture had the header, none otherwise.
    ///
    /// # Errors
    ///
    /// [`io::ErrorKind::InvalidData`] when the bytes are not an HTTP
    /// response (a CLI capture, say).
    pub fn from_capture(bytes: &[u8]) -> io::Result<Reply> {
        let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
        let split = find(bytes, b"\r\n\r\n").ok_or_else(|| invalid("no end of headers"))?;
        let head = String::from_utf8_lossy(&bytes[..split]);
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let mut words = status_line.splitn(3, ' ');
        let status = match (words.next(), words.next()) {
            (Some(version), Some(code)) if version.starts_with("HTTP/") => code.parse().ok(),
            _ => None,
        }
        .ok_or_else(|| invalid("no status line"))?;
        let mut reply = Reply::new(status, bytes[split + 4..].to_vec());
        reply.reason = words.next().unwrap_or_default().to_owned();
        reply.headers.clear();
        reply.length = Length::Absent;
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            match name.to_ascii_lowercase().as_str() {
                "content-length" => reply.length = Length::Exact,
                "connection" => {}
                _ => reply.header(name, value.trim()),
            }
        }
        Ok(reply)
    }

    /// Adds a header.
    pub fn header(&mut self, name: &str, value: &str) {
        self.headers.push((name.to_owned(), value.to_owned()));
    }

    /// Replaces the `Content-Type` header.
    pub fn content_type(mut self, value: &str) -> Reply {
        self.headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("content-type"));
        self.header("Content-Type", value);
        self
    }

    /// Sets what `Content-Length` says.
    pub fn length(mut self, length: Length) -> Reply {
        self.length = length;
        self
    }

    /// Waits `delay` before answering.
    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    /// Resets the connection after `bytes` bytes of the request.
    pub fn reset_in_request(mut self, bytes: u64) -> Reply {
        self.reset_in_request = Some(bytes);
        self
    }

    /// Resets the connection after `bytes` bytes of the body.
    pub fn reset_in_body(mut self, bytes: u64) -> Reply {
        self.reset_in_body = Some(bytes);
        self
    }

    /// Streams `pattern` repeated up to `len` bytes as the body.
    pub fn repeat(mut self, pattern: &[u8], len: u64) -> Reply {
        self.body = Body::Repeat {
            pattern: pattern.to_vec(),
            len,
        };
        self
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        401 => "Unauthorized",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// A request as received (the head and as much of the body as was read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// Request line and headers, as text.
    pub head: String,
    /// The body bytes read.
    pub body: Vec<u8>,
}

#[derive(Debug)]
struct Shared {
    replies: Vec<Reply>,
    received: Mutex<Vec<Received>>,
    stop: AtomicBool,
}

/// A loopback server answering canned, possibly broken, replies. Dropping
/// it stops it and joins its threads.
#[derive(Debug)]
pub struct FaultServer {
    shared: Arc<Shared>,
    address: SocketAddr,
    acceptor: Option<JoinHandle<()>>,
}

impl FaultServer {
    /// Listens on `127.0.0.1:<free port>`; the n-th connection gets the
    /// n-th reply, later ones the last.
    ///
    /// # Errors
    ///
    /// No reply given ([`io::ErrorKind::InvalidInput`]), or the port
    /// cannot be bound.
    pub fn start(replies: Vec<Reply>) -> io::Result<FaultServer> {
        if replies.is_empty() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "no reply"));
        }
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            replies,
            received: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
        });
        let acceptor = {
            let shared = Arc::clone(&shared);
            thread::spawn(move || accept_loop(&listener, &shared))
        };
        Ok(FaultServer {
            shared,
            address,
            acceptor: Some(acceptor),
        })
    }

    /// Serves `reply` to every connection.
    ///
    /// # Errors
    ///
    /// As [`FaultServer::start`].
    pub fn serve(reply: Reply) -> io::Result<FaultServer> {
        FaultServer::start(vec![reply])
    }

    /// The base URL, `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Every request received so far, oldest first.
    pub fn received(&self) -> Vec<Received> {
        self.shared
            .received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How many requests were received.
    pub fn hits(&self) -> usize {
        self.received().len()
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    let mut workers = Vec::new();
    for (index, stream) in listener.incoming().enumerate() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let reply = shared.replies[index.min(shared.replies.len() - 1)].clone();
        let shared = Arc::clone(shared);
        workers.push(thread::spawn(move || {
            if let Err(err) = serve(&shared, stream, &reply) {
                log::debug!("fault server: {err}");
            }
        }));
    }
    for worker in workers {
        let _ = worker.join();
    }
}

/// Reads one line, byte by byte: nothing past it leaves the kernel's
/// buffer, so that unread bytes are still there to make a close a reset.
fn read_line(reader: &mut impl Read) -> io::Result<String> {
    let mut line = Vec::new();
    let mut byte = [0u8];
    while reader.read(&mut byte)? == 1 {
        line.push(byte[0]);
        if byte[0] == b'\n' {
            break;
        }
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}

/// Reads the request head; returns it and the announced body length.
fn read_head(reader: &mut impl Read) -> io::Result<(String, u64)> {
    let mut head = String::new();
    let mut length = 0;
    loop {
        let line = read_line(reader)?;
        if line.is_empty() || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
        head.push_str(&line);
    }
    Ok((head, length))
}

fn serve(shared: &Shared, stream: TcpStream, reply: &Reply) -> io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    let mut reader = stream.try_clone()?;
    let (head, length) = read_head(&mut reader)?;
    // Leave a byte unread when the connection is to be reset: closing a
    // socket with unread data sends RST.
    let keep_unread = u64::from(reply.reset_in_body.is_some() && length > 0);
    let to_read = match reply.reset_in_request {
        Some(limit) => limit.min(length.saturating_sub(1)),
        None => length - keep_unread,
    };
    let mut body = Vec::new();
    (&mut reader).take(to_read).read_to_end(&mut body)?;
    shared
        .received
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(Received { head, body });
    if reply.reset_in_request.is_some() {
        drop(reader);
        return Ok(()); // unread request bytes: the close is a reset
    }
    if !wait(shared, reply.delay) {
        return Ok(());
    }
    let mut writer = stream;
    write_head(&mut writer, reply)?;
    let limit = reply.reset_in_body.unwrap_or(u64::MAX);
    write_body(&mut writer, &reply.body, limit)?;
    writer.flush()?;
    if reply.reset_in_body.is_some() {
        thread::sleep(PAUSE_BEFORE_RESET);
    }
    drop(reader);
    Ok(())
}

/// Sleeps `delay` unless the server stops first; false when it stopped.
fn wait(shared: &Shared, delay: Duration) -> bool {
    let end = Instant::now() + delay;
    while Instant::now() < end {
        if shared.stop.load(Ordering::SeqCst) {
            return false;
        }
        thread::sleep(Duration::from_millis(20).min(end - Instant::now()));
    }
    true
}

fn write_head(writer: &mut impl Write, reply: &Reply) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reply.reason);
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    match reply.length {
        Length::Exact => head.push_str(&format!("Content-Length: {}\r\n", reply.body.len())),
        Length::Announce(n) => head.push_str(&format!("Content-Length: {n}\r\n")),
        Length::Absent => {}
    }
    head.push_str("Connection: close\r\n\r\n");
    writer.write_all(head.as_bytes())
}

/// Writes at most `limit` bytes of `body`.
fn write_body(writer: &mut impl Write, body: &Body, limit: u64) -> io::Result<()> {
    match body {
        Body::Bytes(bytes) => {
            let end = usize::try_from(limit).map_or(bytes.len(), |l| l.min(bytes.len()));
            writer.write_all(&bytes[..end])
        }
        Body::Repeat { pattern, len } => {
            let mut block = Vec::with_capacity(WRITE_CHUNK + pattern.len());
            while block.len() < WRITE_CHUNK && !pattern.is_empty() {
                block.extend_from_slice(pattern);
            }
            let mut left = (*len).min(limit);
            while left > 0 && !block.is_empty() {
                let n = usize::try_from(left).map_or(block.len(), |l| l.min(block.len()));
                writer.write_all(&block[..n])?;
                left -= n as u64;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(server: &FaultServer, body: &str) -> io::Result<Vec<u8>> {
        let mut stream = TcpStream::connect(server.address)?;
        let request = format!(
            "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes())?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer)?;
        Ok(answer)
    }

    #[test]
    fn serves_replies_in_order_then_repeats_the_last() {
        let server =
            FaultServer::start(vec![Reply::new(500, "first"), Reply::new(200, "second")]).unwrap();
        let answers: Vec<String> = (0..3)
            .map(|_| String::from_utf8(exchange(&server, "a=1").unwrap()).unwrap())
            .collect();
        assert!(answers[0].starts_with("HTTP/1.1 500 Internal Server Error\r\n"));
        assert!(answers[0].ends_with("Content-Length: 5\r\nConnection: close\r\n\r\nfirst"));
        assert!(answers[1].ends_with("\r\n\r\nsecond"));
        assert!(answers[2].ends_with("\r\n\r\nsecond"));
        let received = server.received();
        assert_eq!(received.len(), 3);
        assert_eq!(received[0].body, b"a=1");
        assert!(received[0].head.starts_with("POST /x HTTP/1.1\r\n"));
    }

    #[test]
    fn announces_a_wrong_length_when_asked() {
        let server =
            FaultServer::serve(Reply::new(200, "abc").length(Length::Announce(10))).unwrap();
        let answer = String::from_utf8(exchange(&server, "a").unwrap()).unwrap();
        assert!(answer.ends_with("Content-Length: 10\r\nConnection: close\r\n\r\nabc"));
    }

    #[test]
    fn streams_a_repeated_body_of_the_given_length() {
        let server = FaultServer::serve(Reply::new(200, "").repeat(b"xyz", 100_001)).unwrap();
        let answer = exchange(&server, "a").unwrap();
        let body = &answer[find(&answer, b"\r\n\r\n").unwrap() + 4..];
        assert_eq!(body.len(), 100_001);
        assert!(body.starts_with(b"xyzxyz"));
    }

    #[test]
    fn resets_during_the_answer() {
        let server = FaultServer::serve(Reply::new(200, "0123456789").reset_in_body(4)).unwrap();
        match exchange(&server, "abc") {
            Err(err) => assert_eq!(err.kind(), io::ErrorKind::ConnectionReset),
            Ok(answer) => panic!("no reset: {}", String::from_utf8_lossy(&answer)),
        }
        assert_eq!(server.received()[0].body, b"ab");
    }

    #[test]
    fn parses_a_capture() {
        let capture = b"HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\r\n\
            Content-Length: 3\r\nContent-type: text/html\r\n\r\n<p>";
        let reply = Reply::from_capture(capture).unwrap();
        assert_eq!((reply.status, reply.reason.as_str()), (401, "Unauthorized"));
        assert_eq!(reply.length, Length::Exact);
        assert_eq!(reply.body, Body::Bytes(b"<p>".to_vec()));
        assert_eq!(reply.headers.len(), 2);
        assert!(Reply::from_capture(b"exit: 0\nhello").is_err());
    }
}
