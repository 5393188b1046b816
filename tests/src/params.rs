//! Request parameters the PHP way: query string and POST body (the body
//! wins), body-only fields (`csvdata`, form credentials), and iTop's
//! sanitization filters (PROTOCOL.md §1.2, §1.3).

use crate::http::{Request, parse_multipart, parse_urlencoded};

/// The decoded parameters of one request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params {
    pub query: Vec<(String, Vec<u8>)>,
    pub body: Vec<(String, Vec<u8>)>,
    /// Values of the server-side files named by `param_file`: defaults
    /// that the request's own parameters override (PROTOCOL.md §1.4.5).
    pub file: Vec<(String, Vec<u8>)>,
}

/// PHP's `trim()` character set.
pub(crate) const PHP_BLANKS: &[char] = &[' ', '\t', '\n', '\r', '\0', '\x0B'];

fn last<'a>(fields: &'a [(String, Vec<u8>)], name: &str) -> Option<&'a [u8]> {
    let found = fields.iter().rev().find(|(key, _)| key == name);
    found.map(|(_, value)| value.as_slice())
}

impl Params {
    /// Decodes the query string and a form body of `request`.
    pub fn from_request(request: &Request) -> Params {
        let query = parse_urlencoded(request.query_string.as_bytes());
        let content_type = request.header("content-type").unwrap_or_default();
        let lower = content_type.to_ascii_lowercase();
        let body = if request.method != "POST" {
            Vec::new()
        } else if lower.starts_with("application/x-www-form-urlencoded") {
            parse_urlencoded(&request.body)
        } else if lower.starts_with("multipart/form-data") {
            let boundary = content_type.split(';').find_map(|part| {
                let part = part.trim();
                part.strip_prefix("boundary=")
                    .map(|value| value.trim_matches('"').to_owned())
            });
            boundary
                .map(|b| parse_multipart(&request.body, &b))
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        Params {
            query,
            body,
            file: Vec::new(),
        }
    }

    /// Reads the files named by `param_file` on this host, as iTop does
    /// over HTTP too (`,`-separated, pieces trimmed, empty ones and `0`
    /// skipped, later files winning). Their values become defaults; login
    /// still takes the form or Basic credentials only, as with iTop's
    /// default login types. The error is iTop's message.
    pub fn load_param_files(&mut self) -> Result<(), String> {
        let Some(list) = self.raw("param_file") else {
            return Ok(());
        };
        for piece in list.split(',') {
            let path = piece.trim_matches(PHP_BLANKS);
            if path.is_empty() || path == "0" {
                continue;
            }
            let shown = html_encode(path);
            let bytes = match std::fs::read(path) {
                Ok(bytes) => bytes,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                    return Err(format!("Could not find the parameter file: '{shown}'"));
                }
                Err(_) => return Err(format!("Could not load parameter file: '{shown}'")),
            };
            for (key, value) in read_param_file(&bytes) {
                self.file.retain(|(known, _)| *known != key);
                self.file.push((key, value));
            }
        }
        Ok(())
    }

    /// The raw bytes of a parameter (POST body first, then query string,
    /// then the parameters files).
    pub fn bytes(&self, name: &str) -> Option<&[u8]> {
        last(&self.body, name)
            .or_else(|| last(&self.query, name))
            .or_else(|| last(&self.file, name))
    }

    /// A parameter as text (invalid UTF-8 replaced), untrimmed.
    pub fn raw(&self, name: &str) -> Option<String> {
        self.bytes(name)
            .map(|value| String::from_utf8_lossy(value).into_owned())
    }

    /// A parameter, trimmed like PHP's `trim()`.
    pub fn trimmed(&self, name: &str) -> Option<String> {
        self.raw(name)
            .map(|value| value.trim_matches(PHP_BLANKS).to_owned())
    }

    /// A field of the POST body only.
    pub fn body_bytes(&self, name: &str) -> Option<&[u8]> {
        last(&self.body, name)
    }

    /// A parameter through the `parameter` filter, trimmed: a value with a
    /// character outside `[ A-Za-z0-9_=-]` becomes `default`.
    pub fn filtered(&self, name: &str, default: &str) -> String {
        let Some(value) = self.raw(name) else {
            return default.to_owned();
        };
        let allowed = |c: char| c.is_ascii_alphanumeric() || " _=-".contains(c);
        if value == default || value.chars().all(allowed) {
            value.trim_matches(PHP_BLANKS).to_owned()
        } else {
            default.to_owned()
        }
    }

    /// A flag through the `parameter` filter: on only for exactly `1`.
    pub fn flag(&self, name: &str, default: bool) -> bool {
        self.filtered(name, if default { "1" } else { "0" }) == "1"
    }

    /// A `parameter`-filtered value tested for PHP truthiness (`cron.php`).
    pub fn truthy(&self, name: &str) -> bool {
        let value = self.filtered(name, "");
        !value.is_empty() && value != "0"
    }

    /// A parameter through the `integer` filter (digits, `+`, `-` kept).
    pub fn integer(&self, name: &str, default: i64) -> i64 {
        let Some(value) = self.raw(name) else {
            return default;
        };
        let kept: String = value
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+' || *c == '-')
            .collect();
        kept.parse().unwrap_or(default)
    }
}

/// The entries of a parameters file the way `utils::ReadParamFile` reads
/// them (PROTOCOL.md §1.4.2), in file order, later duplicates included.
fn read_param_file(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
    let mut out = Vec::new();
    for raw in bytes.split(|&b| b == b'\n') {
        let line = php_trim(raw);
        let line = php_trim(&line[..line.iter().position(|&b| b == b'#').unwrap_or(line.len())]);
        let run = line.iter().position(|&b| blank(b)).unwrap_or(line.len());
        let after = run + line[run..].iter().take_while(|&&b| blank(b)).count();
        let (key, value) = if after > run && line.get(after) == Some(&b'=') {
            (&line[..run], &line[after + 1..])
        } else if let Some(eq) = line[..run].iter().rposition(|&b| b == b'=') {
            (&line[..eq], &line[eq + 1..])
        } else {
            continue;
        };
        let key = String::from_utf8_lossy(key).into_owned();
        out.push((key, php_trim(value).to_vec()));
    }
    out
}

/// PHP's `trim()` on bytes.
fn php_trim(bytes: &[u8]) -> &[u8] {
    let is_blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0 | 0x0B);
    let start = bytes
        .iter()
        .position(|b| !is_blank(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !is_blank(b))
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// HTML special characters encoded like PHP's `htmlentities(ENT_QUOTES)`.
pub(crate) fn html_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#039;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(query: &str, body: &str) -> Params {
        Params {
            query: parse_urlencoded(query.as_bytes()),
            body: parse_urlencoded(body.as_bytes()),
            file: Vec::new(),
        }
    }

    #[test]
    fn body_wins_over_query() {
        let p = params("class=A&x=1", "class=B");
        assert_eq!(p.raw("class").as_deref(), Some("B"));
        assert_eq!(p.raw("x").as_deref(), Some("1"));
        assert_eq!(p.body_bytes("x"), None);
    }

    #[test]
    fn parameter_filter_replaces_bad_values_by_default() {
        let p = params("a=1&b=true&c=1.0&d=x%21&e=+1+", "");
        assert!(p.flag("a", false));
        assert!(!p.flag("b", false));
        assert!(!p.flag("c", false));
        assert!(p.flag("c", true));
        assert_eq!(p.filtered("d", "summary"), "summary");
        assert!(p.flag("e", false));
        assert!(!p.flag("missing", false));
    }

    #[test]
    fn integer_filter_keeps_digits_and_signs() {
        let p = params("n=1x&m=abc", "");
        assert_eq!(p.integer("n", 0), 1);
        assert_eq!(p.integer("m", 0), 0);
    }

    #[test]
    fn encodes_html_entities() {
        assert_eq!(html_encode("a'b\"<&>"), "a&#039;b&quot;&lt;&amp;&gt;");
    }
}
