//! Loading the captured `.resp` fixtures as [`RawAnswer`]s (tests only).
//!
//! HTTP fixtures are a status line, headers, CRLF CRLF, then the body; CLI
//! fixtures are an `exit: <n>` line, then stdout (tests/fixtures/README.md).

use std::fs;
use std::path::PathBuf;

use crate::answer::{Channel, RawAnswer};
use crate::error::Error;
use crate::service::Service;

/// The fixture folder of a service.
fn folder(service: Service) -> &'static str {
    match service {
        Service::Cron => "cron",
        Service::SynchroExec => "synchro_exec",
        Service::SynchroImport => "synchro_import",
        Service::Import => "import",
        Service::Export => "export-v2",
        Service::ExportLegacy => "export",
    }
}

fn fixtures_dir(service: Service) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(folder(service))
}

/// Every `.resp` case name of a service, sorted.
pub(crate) fn cases(service: Service) -> Vec<String> {
    let entries = fs::read_dir(fixtures_dir(service)).expect("fixture folder");
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".resp").map(str::to_owned))
        .collect();
    names.sort();
    names
}

/// Loads `tests/fixtures/<service>/<case>.resp`.
pub(crate) fn load(service: Service, case: &str) -> RawAnswer {
    let path = fixtures_dir(service).join(format!("{case}.resp"));
    let bytes = fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    match bytes.strip_prefix(b"exit: ") {
        Some(rest) => cli_answer(service, rest),
        None => http_answer(service, &bytes),
    }
}

fn cli_answer(service: Service, rest: &[u8]) -> RawAnswer {
    let newline = rest.iter().position(|b| *b == b'\n').expect("exit line");
    let code = std::str::from_utf8(&rest[..newline])
        .expect("exit code")
        .trim();
    let channel = Channel::Cli {
        exit_code: Some(code.parse().expect("exit code")),
        stderr: String::new(),
    };
    RawAnswer {
        service,
        channel,
        body: rest[newline + 1..].to_vec(),
    }
}

fn http_answer(service: Service, bytes: &[u8]) -> RawAnswer {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = std::str::from_utf8(&bytes[..split]).expect("ASCII headers");
    let status_line = head.split("\r\n").next().expect("status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .expect("status")
        .parse()
        .expect("status code");
    let header = |name: &str| {
        head.split("\r\n")
            .skip(1)
            .filter_map(|line| line.split_once(':'))
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.trim().to_owned())
    };
    let channel = Channel::Http {
        status,
        content_type: header("content-type"),
        location: header("location"),
        content_disposition: header("content-disposition"),
    };
    RawAnswer {
        service,
        channel,
        body: bytes[split + 4..].to_vec(),
    }
}

/// The variant name of an error, for compact assertions.
pub(crate) fn variant(err: &Error) -> &'static str {
    match err {
        Error::Auth { .. } => "Auth",
        Error::NotAllowed { .. } => "NotAllowed",
        Error::BadRequest { .. } => "BadRequest",
        Error::Server { .. } => "Server",
        Error::Unexpected { .. } => "Unexpected",
        _ => "other",
    }
}

/// The message of an error that comes from an answer.
pub(crate) fn message(err: &Error) -> &str {
    match err {
        Error::Auth { message, .. }
        | Error::NotAllowed { message, .. }
        | Error::BadRequest { message, .. }
        | Error::Server { message, .. }
        | Error::Unexpected { message, .. } => message,
        _ => "",
    }
}

/// Asserts that `err` is `expected`, that its message contains `needle`,
/// and that it keeps the answer's text as `raw`.
pub(crate) fn assert_error(err: &Error, answer: &RawAnswer, expected: &str, needle: &str) {
    assert_eq!(variant(err), expected, "{err:?}");
    assert!(
        message(err).contains(needle),
        "message {:?} lacks {needle:?}",
        message(err)
    );
    assert_eq!(
        err.raw_response(),
        Some(answer.text().as_ref()),
        "raw text not kept"
    );
}
