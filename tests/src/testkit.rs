//! Test helpers: a tiny raw-socket client and a replayer for the captured
//! `.req` samples (credentials put back, base URL swapped), so responses
//! can be compared with the `.resp` files.

use std::io::{Read, Write};
use std::net::TcpStream;

use base64::Engine;

use crate::TestServer;
use crate::auth::ACCOUNTS;

/// A raw response split into its parts.
#[derive(Debug)]
pub(crate) struct Raw {
    pub status_line: String,
    pub headers: Vec<(String, String)>,
    /// Every byte received after the head (up to the close).
    pub body: Vec<u8>,
}

impl Raw {
    pub fn header(&self, name: &str) -> Option<&str> {
        let found = self
            .headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name));
        found.map(|(_, value)| value.as_str())
    }

    /// The body cut at `Content-Length`, as curl keeps it.
    pub fn curl_body(&self) -> String {
        let length = self.header("content-length").and_then(|v| v.parse().ok());
        let body = &self.body[..length.unwrap_or(self.body.len()).min(self.body.len())];
        String::from_utf8_lossy(body).into_owned()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends raw bytes and reads until the server closes.
pub(crate) fn send_raw(server: &TestServer, bytes: &[u8]) -> Raw {
    let address = server.url().trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(address).expect("connects");
    stream.write_all(bytes).expect("sends");
    let mut received = Vec::new();
    stream.read_to_end(&mut received).expect("reads");
    let split = received
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("head ends");
    let head = String::from_utf8_lossy(&received[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default().to_owned();
    let headers = lines
        .filter_map(|line| line.split_once(": "))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    Raw {
        status_line,
        headers,
        body: received[split + 4..].to_vec(),
    }
}

fn encode(value: &str) -> String {
    let keep = |b: u8| b.is_ascii_alphanumeric() || b"-_.~".contains(&b);
    value
        .bytes()
        .map(|b| {
            if keep(b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A form-encoded body.
pub(crate) fn form(fields: &[(&str, &str)]) -> String {
    let pairs = fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)));
    pairs.collect::<Vec<_>>().join("&")
}

/// `Authorization: Basic` value.
pub(crate) fn basic(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

/// POSTs a form, with Basic credentials when given.
pub(crate) fn post(
    server: &TestServer,
    path: &str,
    basic_auth: Option<(&str, &str)>,
    fields: &[(&str, &str)],
) -> Raw {
    let body = form(fields);
    let auth = basic_auth
        .map(|(u, p)| format!("Authorization: {}\r\n", basic(u, p)))
        .unwrap_or_default();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    send_raw(server, format!("{head}{body}").as_bytes())
}

/// GETs a path with a query string, with Basic credentials when given.
pub(crate) fn get(
    server: &TestServer,
    path: &str,
    basic_auth: Option<(&str, &str)>,
    query: &[(&str, &str)],
) -> Raw {
    let auth = basic_auth
        .map(|(u, p)| format!("Authorization: {}\r\n", basic(u, p)))
        .unwrap_or_default();
    let head = format!(
        "GET {path}?{} HTTP/1.1\r\nHost: x\r\n{auth}\r\n",
        form(query)
    );
    send_raw(server, head.as_bytes())
}

fn password_of(user: &str) -> &'static str {
    ACCOUNTS
        .iter()
        .find(|a| a.login == user)
        .map_or("", |a| a.password)
}

/// Parsed `name=value` / `name<<EOF` lines of a `.req` parameter section.
fn fields(lines: &mut std::str::Lines<'_>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    while let Some(line) = lines.next() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_suffix("<<EOF") {
            let mut value = Vec::new();
            for inner in lines.by_ref() {
                if inner == "EOF" {
                    break;
                }
                value.push(inner);
            }
            out.push((name.to_owned(), value.join("\n")));
        } else if let Some((name, value)) = line.split_once('=') {
            out.push((name.to_owned(), value.to_owned()));
        }
    }
    out
}

/// Replays a captured HTTP request (`<service>/<case>`) against `server`.
pub(crate) fn replay(server: &TestServer, case: &str) -> Raw {
    let path = format!("{}/fixtures/{case}.req", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).expect("sample exists");
    let wrong = case.contains("wrong_password");
    let (head, params) = text.split_once("\n\n").expect("head and parameters");
    let request_line = head
        .lines()
        .find(|l| l.starts_with("GET ") || l.starts_with("POST "))
        .expect("request line");
    let basic_user = head.lines().find_map(|l| {
        l.strip_prefix("Authorization: Basic <base64 of \"")?
            .split(':')
            .next()
    });
    let mut lines = params.lines();
    let body_fields: Vec<(String, String)> = if params.contains("# body fields") {
        fields(&mut lines)
    } else {
        Vec::new()
    };
    let user = body_fields
        .iter()
        .find(|(k, _)| k == "auth_user")
        .map(|(_, v)| v.clone());
    let pwd = |user: &str| {
        if wrong {
            "wrong".to_owned()
        } else {
            password_of(user).to_owned()
        }
    };
    let body_fields: Vec<(String, String)> = body_fields
        .into_iter()
        .map(|(k, v)| {
            let v = if v == "<password>" {
                pwd(user.as_deref().unwrap_or_default())
            } else {
                v
            };
            (k, v)
        })
        .collect();
    let target = request_line.split(' ').nth(1).expect("target");
    let query_user = target
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("auth_user="))
        .unwrap_or_default();
    let target = target.replace("<password>", &encode(&pwd(query_user)));
    let auth = basic_user
        .map(|u| format!("Authorization: {}\r\n", basic(u, &pwd(u))))
        .unwrap_or_default();
    let borrowed: Vec<(&str, &str)> = body_fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let body = form(&borrowed);
    let method = if request_line.starts_with("POST") {
        "POST"
    } else {
        "GET"
    };
    let kind = if method == "POST" {
        "Content-Type: application/x-www-form-urlencoded\r\n"
    } else {
        ""
    };
    let head = format!(
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n{auth}{kind}Content-Length: {}\r\n\r\n",
        body.len()
    );
    send_raw(server, format!("{head}{body}").as_bytes())
}

/// The body of a captured response.
pub(crate) fn sample_body(case: &str) -> String {
    let path = format!("{}/fixtures/{case}.resp", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(path).expect("sample exists");
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("head ends");
    String::from_utf8_lossy(&bytes[split + 4..]).into_owned()
}

/// The status line of a captured response.
pub(crate) fn sample_status(case: &str) -> String {
    let path = format!("{}/fixtures/{case}.resp", env!("CARGO_MANIFEST_DIR"));
    let text = String::from_utf8_lossy(&std::fs::read(path).expect("sample exists")).into_owned();
    text.lines()
        .next()
        .unwrap_or_default()
        .trim_end()
        .to_owned()
}
