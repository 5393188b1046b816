//! Helpers shared by the fuzz targets: turning fuzz bytes into the inputs
//! of `itop-core`'s parsers.

use itop_core::{Channel, RawAnswer, Service};

/// The content types an HTTP answer is tried with.
const CONTENT_TYPES: [Option<&str>; 5] = [
    None,
    Some("text/html; charset=UTF-8"),
    Some("text/plain; charset=utf-8"),
    Some("text/csv;charset=utf-8"),
    Some("application/octet-stream"),
];

/// HTTP statuses iTop answers (PROTOCOL §1.8) and a few it does not.
const STATUSES: [u16; 8] = [200, 200, 200, 302, 401, 500, 503, 404];

/// CLI exit codes iTop gives (PROTOCOL §1.7), and a kill (`None`).
const EXIT_CODES: [Option<i32>; 5] = [Some(0), Some(0), Some(254), Some(255), None];

/// Builds a [`RawAnswer`] for `service` from fuzz bytes: the first byte
/// picks the channel (HTTP or CLI) and its metadata, the rest is the body
/// (HTTP) or stdout (CLI). A CLI answer's stderr is the body's first line.
pub fn answer(service: Service, data: &[u8]) -> RawAnswer {
    let (selector, body) = match data.split_first() {
        Some((first, rest)) => (*first, rest),
        None => (0, data),
    };
    let channel = if selector & 1 == 0 {
        let index = usize::from(selector >> 1);
        Channel::Http {
            status: STATUSES[index % STATUSES.len()],
            content_type: CONTENT_TYPES[(index / 8) % CONTENT_TYPES.len()].map(str::to_owned),
            location: (selector & 0x40 != 0)
                .then(|| "http://h/pages/exec.php?portal_id=itop-portal".to_owned()),
            content_disposition: (selector & 0x80 != 0).then(|| "attachment".to_owned()),
        }
    } else {
        let first_line = body.split(|&b| b == b'\n').next().unwrap_or_default();
        Channel::Cli {
            exit_code: EXIT_CODES[usize::from(selector >> 1) % EXIT_CODES.len()],
            stderr: String::from_utf8_lossy(first_line).into_owned(),
        }
    };
    RawAnswer {
        service,
        channel,
        body: body.to_vec(),
    }
}

/// Checks the promise every interpreter makes: an error that comes from
/// an answer keeps that answer's text (cut at `RAW_KEEP_LIMIT`).
pub fn check_error(result: Result<String, itop_core::Error>) {
    if let Err(err) = result {
        let _ = err.to_string();
        if let Some(raw) = err.raw_response() {
            assert!(raw.len() <= itop_core::RAW_KEEP_LIMIT + 64);
        }
    }
}
