//! What every answer goes through before its service's parser: HTTP 500,
//! 503, login failures, PHP fatal errors, CLI exit codes (PROTOCOL §1.5.3,
//! §1.7, §1.11, §1.12, §8 "Responses"), and the mapping of iTop's own
//! messages to error variants.

use crate::answer::{Channel, RawAnswer};
use crate::error::{Error, Result, keep_raw};

use super::normalize::{PageKind, decode_twice, has_page_container, normalize, strip_tags};

/// Which [`Error`] variant a failure becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Auth,
    NotAllowed,
    BadRequest,
    Server(Option<u16>),
    Unexpected,
}

/// Builds the error of `kind` for `answer`, keeping its raw text.
pub(crate) fn fail(answer: &RawAnswer, kind: Kind, message: impl Into<String>) -> Error {
    let service = answer.service;
    let message = message.into();
    let raw = keep_raw(&answer.body);
    match kind {
        Kind::Auth => Error::Auth {
            service,
            message,
            raw,
        },
        Kind::NotAllowed => Error::NotAllowed {
            service,
            message,
            raw,
        },
        Kind::BadRequest => Error::BadRequest {
            service,
            message,
            raw,
        },
        Kind::Server(status) => Error::Server {
            service,
            status,
            message,
            raw,
        },
        Kind::Unexpected => Error::Unexpected {
            service,
            message,
            raw,
        },
    }
}

/// Builds the error iTop's `message` stands for; `fallback` when the text is
/// not one we know.
pub(crate) fn fail_with_message(answer: &RawAnswer, message: &str, fallback: Kind) -> Error {
    let kind = message_kind(message).unwrap_or(fallback);
    fail(answer, kind, message)
}

/// Messages of a logged-in user lacking a right (PROTOCOL §1.6, §6.3).
// TODO(#7): iTop translates some of these for users whose language is not
// English; only the English texts are known, the others end up Unexpected
// (still a failure, with iTop's text kept).
const NOT_ALLOWED: &[&str] = &[
    "Access restricted to administrators",
    "You are not allowed to perform a bulk update",
    "Only adminstrators or the user specified in the data source",
    "You do not have enough permissions to bulk read",
    "The user account is not authorized to access the archives",
];

/// Messages of a request iTop rejected (usage, validation, OQL).
const BAD_REQUEST: &[&str] = &[
    "Missing argument",
    "Missing parameter",
    "Missing data",
    "Missing reconciliation column",
    "Missing query argument",
    "Unknown class",
    "Unknown column",
    "Unknown data source id",
    "Unknown output format",
    "Unknown reconciliation key",
    "Reconciliation key not found in the input columns",
    "No reconciliation scheme could be defined",
    "Separator is limited to one character",
    "Text qualifier is limited to one character",
    "Input file could not be found or could not be read",
    "Invalid OQL query",
    "Invalid output format",
    "Invalid query phrasebook identifier",
    "Invalid field specification",
    "Wrong field specification",
    "Unsupported format",
    "Unexpected token",
    "The data source (id=",
];

/// The variant an iTop message (without `#`, `ERROR: ` or `Error: `)
/// stands for, if it is one we know.
pub(crate) fn message_kind(message: &str) -> Option<Kind> {
    let message = message.trim_start_matches('#').trim_start();
    let message = strip_error_prefix(message);
    if auth_message(message) {
        Some(Kind::Auth)
    } else if NOT_ALLOWED.iter().any(|known| message.starts_with(known)) {
        Some(Kind::NotAllowed)
    } else if BAD_REQUEST.iter().any(|known| message.starts_with(known)) {
        Some(Kind::BadRequest)
    } else if is_exception(message) {
        Some(Kind::Server(None))
    } else {
        None
    }
}

/// Removes a leading `ERROR: `, `ERROR : ` or `Error: `.
pub(crate) fn strip_error_prefix(text: &str) -> &str {
    ["ERROR: ", "ERROR : ", "Error: "]
        .iter()
        .find_map(|prefix| text.strip_prefix(prefix))
        .unwrap_or(text)
}

/// `<Name>Exception: …`, the text of an uncaught PHP exception.
pub(crate) fn is_exception(text: &str) -> bool {
    let text = text.trim_start_matches('#');
    text.split_once(": ").is_some_and(|(name, _)| {
        name.ends_with("Exception")
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '\\')
    })
}

/// Login-failure texts of the return scripts and of the CLI (§1.5).
fn auth_message(text: &str) -> bool {
    const EXACT: &[&str] = &[
        "Invalid login",
        "Portal user is not allowed",
        "Missing parameter 'auth_user'",
        "Missing parameter 'auth_pwd'",
    ];
    const PREFIXES: &[&str] = &[
        "Access restricted or wrong credentials",
        "Access wrong credentials",
        "This user is not authorized to use the web services",
        "Unknown authentication error (retCode=",
    ];
    EXACT.contains(&text) || PREFIXES.iter().any(|prefix| text.starts_with(prefix))
}

/// Runs the common checks, then `parse` on the CLI lines, then the CLI
/// exit-code and stderr rules.
pub(crate) fn interpret<T>(
    answer: &RawAnswer,
    parse: impl FnOnce(&[String]) -> Result<T>,
) -> Result<T> {
    let result = precheck(answer).and_then(|lines| parse(&lines));
    match &answer.channel {
        Channel::Http { .. } => result,
        Channel::Cli { exit_code, stderr } => cli_outcome(answer, *exit_code, stderr, result),
    }
}

/// The page kind of an answer: CLI text, or by the web content type.
pub(crate) fn page_kind(answer: &RawAnswer, text: &str) -> PageKind {
    match &answer.channel {
        Channel::Cli { .. } => PageKind::CliText,
        Channel::Http { content_type, .. } if is_html(content_type.as_deref()) => {
            if has_page_container(text) {
                PageKind::FullPage
            } else {
                PageKind::Fragment
            }
        }
        Channel::Http { .. } => PageKind::PlainText,
    }
}

fn is_html(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|value| value.to_ascii_lowercase().starts_with("text/html"))
}

/// Transport-level classification, in the order of PROTOCOL §8: 500, 503,
/// 401/302/login page, login messages; then the normalised lines.
pub(crate) fn precheck(answer: &RawAnswer) -> Result<Vec<String>> {
    let text = answer.text();
    if let Channel::Http {
        status,
        content_type,
        location,
        ..
    } = &answer.channel
    {
        http_status_check(answer, *status, location.as_deref(), &text)?;
        if is_html(content_type.as_deref()) && is_login_page(&text) {
            return Err(fail(answer, Kind::Auth, login_page_message(&text)));
        }
    }
    if let Channel::Cli {
        exit_code: None, ..
    } = &answer.channel
    {
        return Err(fail(
            answer,
            Kind::Server(None),
            "php was killed by a signal",
        ));
    }
    let lines = normalize(&text, page_kind(answer, &text));
    body_check(answer, &lines)?;
    Ok(lines)
}

fn http_status_check(
    answer: &RawAnswer,
    status: u16,
    location: Option<&str>,
    text: &str,
) -> Result<()> {
    match status {
        200..=299 => Ok(()),
        500 => Err(fail(answer, Kind::Server(Some(500)), fatal_message(text))),
        503 => Err(fail(
            answer,
            Kind::Server(Some(503)),
            maintenance_message(text),
        )),
        401 => Err(fail(answer, Kind::Auth, "wrong credentials (HTTP 401)")),
        300..=399 if location.is_some_and(|to| to.contains("portal")) => Err(fail(
            answer,
            Kind::Auth,
            "portal-only account: redirected to the user portal",
        )),
        300..=399 => Err(fail(
            answer,
            Kind::Unexpected,
            format!(
                "redirected (HTTP {status}) to {}",
                location.unwrap_or("nowhere")
            ),
        )),
        501..=502 | 504.. => Err(fail(
            answer,
            Kind::Server(Some(status)),
            format!("HTTP {status}"),
        )),
        404 => Err(fail(
            answer,
            Kind::Unexpected,
            format!(
                "HTTP 404: no {} there; is the URL iTop's base (the folder holding \
                 webservices/ and synchro/)?",
                answer.service.script()
            ),
        )),
        _ => Err(fail(answer, Kind::Unexpected, format!("HTTP {status}"))),
    }
}

/// iTop's login form, shown instead of the service (prompt scripts).
pub(crate) fn is_login_page(text: &str) -> bool {
    text.contains("name=\"loginop\"") || text.contains("<title>iTop login</title>")
}

fn login_page_message(text: &str) -> &'static str {
    if text.contains("Incorrect login/password") {
        "login page: Incorrect login/password, please try again."
    } else {
        "login page: iTop asked for credentials"
    }
}

/// The text of the `<p>iTop: …</p>` line of a PHP fatal error (§1.11).
fn fatal_message(text: &str) -> String {
    let line = text
        .lines()
        .find(|line| line.contains("iTop: "))
        .or_else(|| text.lines().find(|line| !line.trim().is_empty()));
    match line {
        Some(line) => strip_tags(line).trim().to_owned(),
        None => "PHP fatal error (empty answer)".to_owned(),
    }
}

const MAINTENANCE: &str = "This application is currently under maintenance.";

fn maintenance_message(text: &str) -> String {
    if text.contains(MAINTENANCE) {
        format!("maintenance mode: {MAINTENANCE}")
    } else {
        "maintenance mode (HTTP 503)".to_owned()
    }
}

/// Checks on the normalised lines shared by every service: login messages,
/// fatal-error line, maintenance, unmet requirements.
fn body_check(answer: &RawAnswer, lines: &[String]) -> Result<()> {
    let Some(first) = lines.iter().find(|line| !line.trim().is_empty()) else {
        return Ok(());
    };
    let first = first.trim();
    let cli = !answer.is_http();
    if first == "Portal user is not allowed" {
        let message = "Portal user is not allowed (a portal-only account cannot use this service)";
        return Err(fail(answer, Kind::Auth, message));
    }
    if auth_message(strip_error_prefix(first)) {
        return Err(fail(answer, Kind::Auth, decode_twice(first)));
    }
    if first.starts_with(MAINTENANCE) {
        return Err(fail(
            answer,
            Kind::Server(None),
            format!("maintenance mode: {MAINTENANCE}"),
        ));
    }
    if first.starts_with("Error: Requirements are not met") {
        return Err(fail(answer, Kind::Server(None), first));
    }
    if cli && let Some(fatal) = lines.iter().find(|line| line.starts_with("<p>iTop: ")) {
        return Err(fail(answer, Kind::Server(Some(255)), strip_tags(fatal)));
    }
    Ok(())
}

/// CLI rules after parsing: a non-zero exit turns a success into a failure
/// (§1.7), and PHP's stderr is added to the message of any failure.
fn cli_outcome<T>(
    answer: &RawAnswer,
    exit_code: Option<i32>,
    stderr: &str,
    result: Result<T>,
) -> Result<T> {
    let result = match (result, exit_code) {
        (Ok(_), Some(code)) if code != 0 => Err(exit_code_error(answer, code)),
        (other, _) => other,
    };
    result.map_err(|err| with_stderr(err, stderr))
}

fn exit_code_error(answer: &RawAnswer, code: i32) -> Error {
    match code {
        254 => fail(
            answer,
            Kind::BadRequest,
            "php exited with 254 (usage or parameter file)",
        ),
        _ => fail(
            answer,
            Kind::Server(u16::try_from(code).ok()),
            format!("php exited with {code}"),
        ),
    }
}

/// Longest part of stderr added to a message, in bytes (its end is kept:
/// that is where PHP puts the fatal error).
const STDERR_KEEP: usize = 2000;

/// Adds PHP's stderr (its end, when long) to the message of an error.
pub(crate) fn with_stderr(mut err: Error, stderr: &str) -> Error {
    let stderr = stderr.trim();
    if stderr.is_empty() {
        return err;
    }
    let mut start = stderr.len().saturating_sub(STDERR_KEEP);
    while !stderr.is_char_boundary(start) {
        start += 1;
    }
    if let Some(message) = message_mut(&mut err) {
        message.push_str(&format!(" (php stderr: {})", &stderr[start..]));
    }
    err
}

fn message_mut(err: &mut Error) -> Option<&mut String> {
    match err {
        Error::Auth { message, .. }
        | Error::NotAllowed { message, .. }
        | Error::BadRequest { message, .. }
        | Error::Server { message, .. }
        | Error::Unexpected { message, .. } => Some(message),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Service;

    fn cli(body: &str, exit: i32, stderr: &str) -> RawAnswer {
        RawAnswer {
            service: Service::Import,
            channel: Channel::Cli {
                exit_code: Some(exit),
                stderr: stderr.to_owned(),
            },
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn known_messages_map_to_variants() {
        assert_eq!(message_kind("#Unknown class: 'X'"), Some(Kind::BadRequest));
        assert_eq!(
            message_kind("ERROR: Only adminstrators or the user specified in the data source can"),
            Some(Kind::NotAllowed)
        );
        assert_eq!(
            message_kind("#MySQLException: Failed"),
            Some(Kind::Server(None))
        );
        assert_eq!(message_kind("Invalid login"), Some(Kind::Auth));
        assert_eq!(message_kind("something else"), None);
    }

    #[test]
    fn exception_names_are_single_words() {
        assert!(is_exception("#Combodo\\Core\\CoreException: x"));
        assert!(!is_exception("No Exception: here"));
    }

    #[test]
    fn non_zero_exit_fails_a_parsed_success() {
        let answer = cli("0", 254, "");
        let err = interpret(&answer, |_| Ok(())).expect_err("failure");
        assert!(matches!(err, Error::BadRequest { .. }), "{err:?}");
    }

    #[test]
    fn stderr_is_added_to_failures() {
        let answer = cli(
            "<p>iTop: An error occurred</p>\n",
            255,
            "PHP Fatal error: boom",
        );
        let err = interpret(&answer, |_| Ok(())).expect_err("failure");
        let Error::Server {
            status,
            message,
            raw,
            ..
        } = err
        else {
            panic!("{err:?}")
        };
        assert_eq!(status, Some(255));
        assert_eq!(
            message,
            "iTop: An error occurred (php stderr: PHP Fatal error: boom)"
        );
        assert!(raw.starts_with("<p>iTop"));
    }

    #[test]
    fn killed_process_is_a_server_error() {
        let mut answer = cli("Starting", 0, "");
        answer.channel = Channel::Cli {
            exit_code: None,
            stderr: String::new(),
        };
        assert!(matches!(
            precheck(&answer),
            Err(Error::Server { status: None, .. })
        ));
    }

    #[test]
    fn maintenance_sentence_without_newline_is_a_failure() {
        let answer = cli(MAINTENANCE, 0, "");
        assert!(matches!(precheck(&answer), Err(Error::Server { .. })));
    }
}
