//! Exports (`export-v2.php`, legacy `export.php`): deciding from the first
//! bytes whether the answer is data to stream, and reading the failure when
//! it is not (PROTOCOL §6.2–§6.4).

use crate::answer::{Channel, RawAnswer};
use crate::error::Error;
use crate::service::Service;

use super::classify::{Kind, fail, is_login_page, message_kind, precheck, with_stderr};
use super::normalize::{PageKind, decode_twice, has_page_container, normalize, strip_tags};

/// Says whether an export answer is data to stream, from its metadata and
/// its first bytes (up to 8 KiB), for the `format` that was asked for
/// (`csv`, `xml`, `xlsx`, `pdf`, `html`, `spreadsheet`).
///
/// HTTP: status 200 and either `Content-Disposition: attachment`, or for
/// `html`/`spreadsheet` (and the legacy plain-text CSV and XML) a page that
/// is neither a login page nor an error. CLI: exit 0 when known (pass
/// `exit_code: None` while the process still runs and check the exit code
/// once it ends) and no `ERROR:`/`Error` text or HTML page instead of data.
/// When this says `false`, read the whole answer (bounded) and call
/// [`interpret_export_failure`].
pub fn export_looks_ok(
    service: Service,
    channel: &Channel,
    first_bytes: &[u8],
    format: &str,
) -> bool {
    let head = String::from_utf8_lossy(first_bytes);
    let page_format = matches!(format, "html" | "spreadsheet");
    // No format is ever empty (a CSV of no rows still has its header).
    if head.is_empty() || starts_like_error(&head) || is_login_page(&head) {
        return false;
    }
    match channel {
        Channel::Cli { exit_code, .. } => {
            let shape_ok = if page_format {
                head.contains("listResults")
            } else {
                !looks_like_html(&head)
            };
            exit_code.is_none_or(|code| code == 0) && shape_ok
        }
        Channel::Http {
            status,
            content_type,
            content_disposition,
            ..
        } => {
            let html = content_type
                .as_deref()
                .is_some_and(|t| t.to_ascii_lowercase().starts_with("text/html"));
            let attachment = content_disposition
                .as_deref()
                .is_some_and(|d| d.trim_start().starts_with("attachment"));
            *status == 200
                && (attachment
                    || (page_format && html && is_export_page(&head) && !page_shows_error(&head))
                    || (service == Service::ExportLegacy && !html && !head.is_empty()))
        }
    }
}

/// The page iTop sends for html and spreadsheet exports: titled
/// `iTop export`, holding a `listResults` table (PROTOCOL.md §6.2). Any
/// other page (a web server's, a proxy's) is not export data.
fn is_export_page(head: &str) -> bool {
    head.contains("<title>iTop export</title>") || head.contains("listResults")
}

fn starts_like_error(head: &str) -> bool {
    let head = head.trim_start();
    [
        "ERROR",
        "Error: ",
        "Access restricted",
        "Access wrong",
        "Missing parameter",
        "<p>iTop: ",
    ]
    .iter()
    .any(|prefix| head.starts_with(prefix))
}

fn looks_like_html(head: &str) -> bool {
    let head = head.trim_start().to_ascii_lowercase();
    head.starts_with("<!doctype") || head.starts_with("<html") || head.starts_with("<p>")
}

/// An error shown in an HTML export page (as far as the first bytes go).
// TODO(#5): an error printed after the first 8 KiB (export-v2's bare
// `Error: …` during a long export) is not seen here; the streaming caller
// would have to watch the tail.
fn page_shows_error(head: &str) -> bool {
    [
        "<p>ERROR:",
        "Error: ",
        "Error the query can not be executed",
    ]
    .iter()
    .any(|marker| head.contains(marker))
}

/// Reads a failed export answer into an error; never a success (an answer
/// that holds no recognisable error is [`Error::Unexpected`]).
///
/// Messages are entity-decoded (twice: export-v2 encodes some parts twice)
/// and stripped of markup, for display.
pub fn interpret_export_failure(answer: &RawAnswer) -> Error {
    let err = match precheck(answer) {
        Err(err) => err,
        Ok(lines) => message_error(answer, &page_lines(answer, lines)),
    };
    match &answer.channel {
        Channel::Cli { stderr, .. } => with_stderr(err, stderr),
        Channel::Http { .. } => err,
    }
}

/// The lines of a full error page even in CLI mode (legacy `export.php`
/// prints its HTML error page on stdout).
fn page_lines(answer: &RawAnswer, lines: Vec<String>) -> Vec<String> {
    let text = answer.text();
    if has_page_container(&text) {
        normalize(&text, PageKind::FullPage)
    } else {
        lines
    }
}

/// The error of the normalised lines: the first `ERROR:`/`Error:` line and
/// its continuation lines (up to the usage text), or a known message.
fn message_error(answer: &RawAnswer, lines: &[String]) -> Error {
    let Some(start) = lines.iter().position(|line| is_message_start(line)) else {
        return fail(answer, Kind::Unexpected, unknown_message(answer, lines));
    };
    let first = &lines[start];
    let legacy = first.starts_with("Error the query can not be executed");
    let skip = usize::from(legacy);
    let message: Vec<String> = lines[start + skip..]
        .iter()
        .take_while(|line| !is_usage(line))
        .map(|line| display(line))
        .collect();
    let message = message.join("\n");
    let message = strip_prefix(&message);
    let fallback = if legacy {
        Kind::BadRequest
    } else {
        Kind::Server(None)
    };
    let kind = message_kind(message).unwrap_or(fallback);
    fail(answer, kind, message)
}

fn is_message_start(line: &str) -> bool {
    line.starts_with("ERROR")
        || line.starts_with("Error")
        || line.starts_with("Missing parameter")
        || line.starts_with("Unsupported format")
}

fn is_usage(line: &str) -> bool {
    line.starts_with("Usage:")
        || line.starts_with("USAGE:")
        || line.starts_with("Parameters:")
        || line.starts_with(" * ")
        || line.starts_with("General purpose export page")
}

fn strip_prefix(message: &str) -> &str {
    ["ERROR: ", "Error: "]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix))
        .unwrap_or(message)
        .trim()
}

/// A line as shown to a person: entities decoded twice, tags removed.
fn display(line: &str) -> String {
    decode_twice(&strip_tags(line)).trim_end().to_owned()
}

fn unknown_message(answer: &RawAnswer, lines: &[String]) -> String {
    match (&answer.channel, lines.first()) {
        (
            Channel::Cli {
                exit_code: Some(code),
                ..
            },
            _,
        ) if *code != 0 => format!("php exited with {code}"),
        (_, Some(line)) => format!("not an export: {}", display(line)),
        (_, None) => "empty answer instead of export data".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::{assert_error, cases, load};

    const PEEK: usize = 8 * 1024;

    fn looks_ok(service: Service, case: &str, format: &str) -> bool {
        let answer = load(service, case);
        let head = &answer.body[..answer.body.len().min(PEEK)];
        export_looks_ok(service, &answer.channel, head, format)
    }

    fn failure(service: Service, case: &str, format: &str, expected: &str, needle: &str) {
        assert!(!looks_ok(service, case, format), "{case} taken for data");
        let answer = load(service, case);
        let err = interpret_export_failure(&answer);
        assert_error(&err, &answer, expected, needle);
    }

    #[test]
    fn every_fixture_has_a_test() {
        let v2 = [
            "cli_bad_oql",
            "cli_csv_ok",
            "cli_wrong_password",
            "http_basic_reader_user_class_forbidden",
            "http_basic_wrong_password",
            "http_get_basic_bad_oql",
            "http_get_basic_csv_multiline_field",
            "http_get_basic_csv_no_localize",
            "http_get_basic_missing_fields",
            "http_get_basic_xlsx",
            "http_get_basic_xml",
            "http_post_form_wrong_password",
        ];
        assert_eq!(cases(Service::Export), v2);
        let legacy = [
            "http_basic_reader_ok",
            "http_get_basic_bad_oql",
            "http_get_basic_csv_utf8_bom",
            "http_get_basic_xml",
        ];
        assert_eq!(cases(Service::ExportLegacy), legacy);
    }

    #[test]
    fn export_data_is_streamed() {
        assert!(looks_ok(Service::Export, "cli_csv_ok", "csv"));
        assert!(looks_ok(
            Service::Export,
            "http_get_basic_csv_multiline_field",
            "csv"
        ));
        assert!(looks_ok(
            Service::Export,
            "http_get_basic_csv_no_localize",
            "csv"
        ));
        assert!(looks_ok(Service::Export, "http_get_basic_xlsx", "xlsx"));
        assert!(looks_ok(Service::Export, "http_get_basic_xml", "xml"));
        assert!(looks_ok(
            Service::ExportLegacy,
            "http_basic_reader_ok",
            "csv"
        ));
        assert!(looks_ok(
            Service::ExportLegacy,
            "http_get_basic_csv_utf8_bom",
            "csv"
        ));
        assert!(looks_ok(Service::ExportLegacy, "http_get_basic_xml", "xml"));
    }

    #[test]
    fn bad_oql_message_is_decoded_twice() {
        let message = "Invalid OQL query: 'SELEKT Organization'.\n\
                       Unexpected token NAME - found 'Organization' at 7 in 'SELEKT Organization'";
        failure(Service::Export, "cli_bad_oql", "csv", "BadRequest", message);
        failure(
            Service::Export,
            "http_get_basic_bad_oql",
            "csv",
            "BadRequest",
            message,
        );
        let legacy = "Unexpected token NAME, found 'Organization' in: SELEKT Organization";
        failure(
            Service::ExportLegacy,
            "http_get_basic_bad_oql",
            "csv",
            "BadRequest",
            legacy,
        );
    }

    #[test]
    fn login_failures_are_auth() {
        failure(
            Service::Export,
            "cli_wrong_password",
            "csv",
            "Auth",
            "wrong credentials for user 'admin'",
        );
        failure(
            Service::Export,
            "http_basic_wrong_password",
            "csv",
            "Auth",
            "HTTP 401",
        );
        failure(
            Service::Export,
            "http_post_form_wrong_password",
            "csv",
            "Auth",
            "Incorrect login/password",
        );
    }

    #[test]
    fn other_failures_are_classified() {
        let rights = "You do not have enough permissions to bulk read data of class 'UserLocal' (alias: UserLocal)";
        failure(
            Service::Export,
            "http_basic_reader_user_class_forbidden",
            "csv",
            "NotAllowed",
            rights,
        );
        failure(
            Service::Export,
            "http_get_basic_missing_fields",
            "csv",
            "BadRequest",
            "Missing parameter: fields",
        );
    }

    #[test]
    fn html_export_is_data_unless_the_page_shows_an_error() {
        let channel = Channel::Http {
            status: 200,
            content_type: Some("text/html; charset=UTF-8".to_owned()),
            location: None,
            content_disposition: None,
        };
        let page = b"<html><div id=\"ibo-page-container\"><table class=\"listResults\"></table>";
        assert!(export_looks_ok(Service::Export, &channel, page, "html"));
        assert!(!export_looks_ok(Service::Export, &channel, page, "csv"));
        let error = b"<div id=\"ibo-page-container\"><p>ERROR: Invalid OQL query</p>";
        assert!(!export_looks_ok(Service::Export, &channel, error, "html"));
        // A page that is not iTop's export (a web server's welcome page).
        let other = b"<html><head><title>Welcome to nginx!</title></head><body>OK</body>";
        assert!(!export_looks_ok(Service::Export, &channel, other, "html"));
        assert!(!export_looks_ok(
            Service::Export,
            &channel,
            b"OK",
            "spreadsheet"
        ));
    }

    #[test]
    fn cli_exit_code_and_running_process() {
        let running = Channel::Cli {
            exit_code: None,
            stderr: String::new(),
        };
        assert!(export_looks_ok(
            Service::Export,
            &running,
            b"\"name\"\n",
            "csv"
        ));
        let failed = Channel::Cli {
            exit_code: Some(255),
            stderr: String::new(),
        };
        assert!(!export_looks_ok(
            Service::Export,
            &failed,
            b"\"name\"\n",
            "csv"
        ));
        let answer = RawAnswer {
            service: Service::Export,
            channel: failed,
            body: b"\"name\"\n".to_vec(),
        };
        assert_error(
            &interpret_export_failure(&answer),
            &answer,
            "Unexpected",
            "php exited with 255",
        );
    }
}
