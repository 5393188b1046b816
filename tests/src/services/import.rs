//! `webservices/import.php` (PROTOCOL.md §5): parameters, the input checks
//! in iTop's order, and the `summary` / `details` / `retcode` report as a
//! plain-text page with the one-byte-short `Content-Length`.

use crate::bulk::{self, Column, Job, Outcome, RowResult};
use crate::charset::Charset;
use crate::csv_in::{self, Cell};
use crate::dates;
use crate::http::Response;
use crate::model::{self, Class};
use crate::pages;

use super::{Ctx, LoginStyle, logged_in};

const USAGE_SAMPLE: &str = include_str!("../../fixtures/import/http_post_missing_class.resp");
const FATAL: &str = "An error occurred, check server error log for more information.";

/// The checked parameters of one import.
#[derive(Debug)]
struct Settings {
    class: &'static Class,
    output: String,
    separator: String,
    qualifier: String,
    charset_name: String,
    charset: Charset,
    date_format: Option<String>,
    localized: bool,
    simulate: bool,
    keys: String,
    comment: String,
}

/// Answers one request.
pub(crate) fn handle(ctx: &Ctx<'_>) -> Response {
    let account = match logged_in(ctx, LoginStyle::PlainText) {
        Ok(account) => account,
        Err(response) => return response,
    };
    if ctx.params.raw("class").is_none() {
        let usage = USAGE_SAMPLE
            .split_once("\r\n\r\n")
            .map_or("", |(_, body)| body);
        return pages::plain_text(usage);
    }
    // iTop's order (webservices/import.php): no data at all, then the
    // class, the separator, the qualifier, the output mode.
    let raw = ctx.params.body_bytes("csvdata").unwrap_or_default();
    if raw.is_empty() {
        return pages::plain_text("#Missing data - at least one line is expected");
    }
    let settings = match settings(ctx) {
        Ok(settings) => settings,
        Err(response) => return response,
    };
    let mut text = settings.charset.decode(raw);
    if settings.charset_name == "UTF-8" {
        text = text
            .strip_prefix('\u{feff}')
            .map(str::to_owned)
            .unwrap_or(text);
    }
    let rows = csv_in::parse(
        &text,
        settings.separator.as_bytes()[0],
        settings.qualifier.as_bytes()[0],
    );
    // TODO(#2): iTop goes on with data that holds only blank lines (to
    // the column checks); the imitation stops here as for no data.
    if rows.is_empty() {
        return pages::plain_text("#Missing data - at least one line is expected");
    }
    let mut report = header_lines(&settings, raw.len());
    if !account.can_bulk_modify(settings.class.name) {
        let message = format!(
            "You are not allowed to perform a bulk update of objects of class {}",
            settings.class.name
        );
        return failure(&settings, report, &message);
    }
    run(ctx, &settings, &rows, &mut report)
}

/// PHP's `FILTER_SANITIZE_SPECIAL_CHARS` (iTop's `string` filter): `<`,
/// `>`, `&`, `"`, `'` and control characters as numeric references.
fn special_chars(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '<' | '>' | '&' | '"' | '\'') || u32::from(c) < 32 {
            out.push_str(&format!("&#{};", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

fn one_line(message: &str) -> Result<Settings, Response> {
    Err(pages::plain_text(&format!("#{message}")))
}

fn settings(ctx: &Ctx<'_>) -> Result<Settings, Response> {
    let params = &ctx.params;
    let output = special_chars(&params.trimmed("output").unwrap_or_else(|| "summary".into()));
    let class_name = params.trimmed("class").unwrap_or_default();
    let Some(class) = model::class(&class_name) else {
        return one_line(&format!("Unknown class: '{class_name}'"));
    };
    let separator = params
        .trimmed("separator")
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| ",".into());
    let separator = if separator.eq_ignore_ascii_case("tab") {
        "\t".to_owned()
    } else {
        separator
    };
    if separator.len() > 1 {
        return one_line(&format!(
            "Separator is limited to one character, found '{separator}'"
        ));
    }
    let qualifier = params
        .trimmed("qualifier")
        .filter(|q| !q.is_empty())
        .unwrap_or_else(|| "\"".into());
    if qualifier.len() > 1 {
        return one_line(&format!(
            "Text qualifier is limited to one character, found '{qualifier}'"
        ));
    }
    if !["summary", "details", "retcode"].contains(&output.as_str()) {
        return one_line(&format!("Unknown output format: '{output}'"));
    }
    let charset_name = params
        .trimmed("charset")
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "ISO-8859-1".into());
    let Some(charset) = Charset::from_name(&charset_name) else {
        return Err(pages::fatal(FATAL));
    };
    let date_format = params
        .trimmed("date_format")
        .filter(|f| !f.is_empty())
        .map(|f| dates::from_strftime(&f));
    Ok(Settings {
        class,
        output,
        separator,
        qualifier,
        charset_name,
        charset,
        date_format,
        localized: !params.flag("no_localize", false),
        simulate: params.flag("simulate", false),
        keys: params.trimmed("reconciliationkeys").unwrap_or_default(),
        comment: params.trimmed("comment").unwrap_or_default(),
    })
}

/// The lines up to `#Data Size:`.
fn header_lines(settings: &Settings, data_size: usize) -> Vec<String> {
    let mut lines = vec![
        format!("#Output format: {}", settings.output),
        format!("#Class: {}", settings.class.name),
        format!("#Separator: {}", settings.separator),
        format!("#Qualifier: {}", settings.qualifier),
        format!("#Charset Encoding:{}", settings.charset_name),
    ];
    match &settings.date_format {
        None => lines.push("#Date format: <none>".into()),
        Some(format) => {
            lines.push(format!("#Date and time format: '{format}'"));
            lines.push(format!("#Date format: '{}'", dates::date_part(format)));
        }
    }
    lines.push(format!(
        "#Localize: {}",
        if settings.localized { "yes" } else { "no" }
    ));
    lines.push(format!("#Data Size: {data_size}"));
    lines
}

/// An error after the header lines (alone in `retcode` mode).
fn failure(settings: &Settings, mut report: Vec<String>, message: &str) -> Response {
    if settings.output == "retcode" {
        return pages::plain_text(&format!("#{message}"));
    }
    report.push(format!("#{message}"));
    pages::plain_text(&report.join("\n"))
}

fn possible_columns(class: &Class, localized: bool) -> String {
    let names = bulk::all_columns(class)
        .into_iter()
        .map(|column| column.name(localized).to_lowercase());
    names.collect::<Vec<_>>().join(", ")
}

fn match_header(settings: &Settings, header: &[Cell]) -> Result<Vec<Column>, String> {
    let mut columns = Vec::new();
    for cell in header {
        let name = cell.clone().unwrap_or_default();
        let Some(column) = bulk::match_column(settings.class, &name, settings.localized) else {
            let possible = possible_columns(settings.class, settings.localized);
            return Err(format!(
                "Unknown column: '{}'. Possible columns: {possible}",
                name.trim()
            ));
        };
        columns.push(column);
    }
    Ok(columns)
}

fn run(
    ctx: &Ctx<'_>,
    settings: &Settings,
    rows: &[Vec<Cell>],
    report: &mut Vec<String>,
) -> Response {
    let columns = match match_header(settings, &rows[0]) {
        Ok(columns) => columns,
        Err(message) => return failure(settings, report.clone(), &message),
    };
    let keys = match bulk::reconciliation_keys(
        settings.class,
        &settings.keys,
        &columns,
        settings.localized,
    ) {
        Ok(keys) => keys,
        Err(message) => return failure(settings, report.clone(), &message),
    };
    let job = Job {
        class: settings.class,
        columns: &columns,
        keys: &keys,
        localized: settings.localized,
        date_format: settings.date_format.clone(),
        simulate: settings.simulate,
    };
    let data = &rows[1..];
    let results: Vec<RowResult> = if settings.simulate {
        let mut scratch = ctx.state.read(Clone::clone);
        data.iter()
            .map(|row| bulk::import_row(&mut scratch, &job, row))
            .collect()
    } else {
        ctx.state.write(|store| {
            data.iter()
                .map(|row| bulk::import_row(store, &job, row))
                .collect()
        })
    };
    // A row longer than the header breaks iTop's details table (PHP fatal
    // error after the work is done).
    if settings.output == "details" && data.iter().any(|row| row.len() > columns.len()) {
        return pages::fatal(FATAL);
    }
    finish(settings, &columns, &keys, &results, report)
}

fn count(results: &[RowResult], outcome: Outcome) -> usize {
    results
        .iter()
        .filter(|result| result.outcome == outcome)
        .count()
}

fn finish(
    settings: &Settings,
    columns: &[Column],
    keys: &[bulk::Key],
    results: &[RowResult],
    report: &mut Vec<String>,
) -> Response {
    let issues = count(results, Outcome::Issue);
    if settings.output == "retcode" {
        return pages::plain_text(&issues.to_string());
    }
    let names: Vec<String> = columns.iter().map(Column::code).collect();
    let keys: Vec<String> = keys.iter().map(bulk::Key::display).collect();
    report.extend([
        format!("#Data Lines: {}", results.len()),
        format!("#Simulate: {}", u8::from(settings.simulate)),
        format!("#Columns: {}", names.join(", ")),
        format!("#Reconciliation Keys: {}", keys.join(", ")),
        format!("#Change tracking comment: {}", settings.comment),
        format!("#Issues: {issues}"),
        "#Warnings: 0".to_owned(),
        format!("#Created: {}", count(results, Outcome::Created)),
        format!("#Updated: {}", count(results, Outcome::Updated)),
        format!("#Unchanged: {}", count(results, Outcome::Unchanged)),
    ]);
    if settings.output == "details" {
        report.push(bulk::details_header(columns));
        report.extend(
            results
                .iter()
                .enumerate()
                .map(|(line, result)| details_line(settings, line, result)),
        );
    }
    pages::plain_text(&report.join("\n"))
}

fn details_line(settings: &Settings, line: usize, result: &RowResult) -> String {
    let (class, id) = match result.object {
        Some(id) => (settings.class.name.to_owned(), id.to_string()),
        None => ("n/a".to_owned(), "n/a".to_owned()),
    };
    let mut cells = vec![line.to_string(), result.status.clone(), class, id];
    cells.extend(result.cells.iter().cloned());
    cells.join(";")
}

#[cfg(test)]
mod tests {
    use crate::testkit::{replay, sample_body, sample_status, send_raw};
    use crate::{ServerConfig, TestServer};

    fn server() -> TestServer {
        TestServer::start(ServerConfig::default()).expect("starts")
    }

    fn assert_like_sample(server: &TestServer, case: &str) {
        let response = replay(server, case);
        assert_eq!(response.status_line, sample_status(case), "{case}");
        assert_eq!(response.curl_body(), sample_body(case), "{case}");
    }

    #[test]
    fn replays_the_import_sequence_byte_for_byte() {
        let server = server();
        for case in [
            "import/http_post_form_details",
            "import/http_post_basic_summary",
            "import/http_post_basic_retcode_with_errors",
            "import/http_post_details_with_errors",
            "import/http_post_date_format",
            "import/http_post_reader_not_allowed",
            "import/http_post_reader_not_allowed_retcode",
            "import/http_post_missing_class",
            "import/http_post_unknown_class",
            "import/http_post_malformed_csv",
            "import/http_post_portal_user",
            "import/http_post_wrong_password",
            "import/http_basic_wrong_password",
            "import/http_get_query_credentials_default_config",
        ] {
            assert_like_sample(&server, case);
        }
        assert_eq!(server.count("Person"), 11);
        assert_eq!(server.count("Server"), 2);
    }

    #[test]
    fn written_values_are_quoted_with_doubled_quotes_like_itop() {
        use crate::testkit::post;
        let server = server();
        let send = |csv: &str| {
            let fields = [
                ("class", "Person"),
                ("no_localize", "1"),
                ("separator", ";"),
                ("reconciliationkeys", "email"),
                ("output", "details"),
                ("charset", "UTF-8"),
                ("csvdata", csv),
            ];
            post(
                &server,
                "/webservices/import.php",
                Some(("admin", "Adm1n-secret")),
                &fields,
            )
            .curl_body()
        };
        let header = "first_name;name;org_id->name;email;function\n";
        let created = send(&format!(
            "{header}\"Q\";\"Quote\";\"Lab Org A\";\"q@x.example\";\"say \"\"hi\"\"; bye\"\n"
        ));
        let row = created.lines().last().expect("row");
        assert!(row.starts_with("0;created;Person;"), "{created}");
        assert!(
            row.ends_with(";2;\"Q\";\"Quote\";\"q@x.example\";\"say \"\"hi\"\"; bye\""),
            "{row}"
        );
        // Unchanged cells are the raw input; a changed one is quoted again.
        let updated = send(&format!(
            "{header}\"Q\";\"Quote\";\"Lab Org A\";\"q@x.example\";\"a \"\"b\"\"\"\n"
        ));
        let row = updated.lines().last().expect("row");
        assert!(
            row.ends_with(";2;Q;Quote;q@x.example;\"a \"\"b\"\"\"Modified"),
            "{row}"
        );
    }

    #[test]
    fn checks_run_in_itops_order() {
        use crate::testkit::post;
        let server = server();
        let ask = |fields: &[(&str, &str)]| {
            post(
                &server,
                "/webservices/import.php",
                Some(("admin", "Adm1n-secret")),
                fields,
            )
            .curl_body()
        };
        let data = "name\nx\n";
        assert_eq!(
            ask(&[("class", "Nope"), ("csvdata", "")]),
            "#Missing data - at least one line is expected"
        );
        assert_eq!(
            ask(&[
                ("class", "Person"),
                ("separator", "ab"),
                ("output", "xx"),
                ("csvdata", data)
            ]),
            "#Separator is limited to one character, found 'ab'"
        );
        assert_eq!(
            ask(&[("class", "Person"), ("output", "<a'b"), ("csvdata", data)]),
            "#Unknown output format: '&#60;a&#39;b'"
        );
    }

    #[test]
    fn param_file_names_a_server_file_of_defaults() {
        use crate::testkit::post;
        let server = server();
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("import.params");
        std::fs::write(
            &file,
            "class = Organization\noutput = details\ncomment=from the file # not this\n\
             auth_user = admin\nauth_pwd = Adm1n-secret\n",
        )
        .expect("written");
        let path = file.to_str().expect("UTF-8 path");
        let csv = "name,code\nParamFile Org,PFO\n";
        let before = server.count("Organization");
        // The file's values are defaults: class and output come from it.
        let answer = post(
            &server,
            "/webservices/import.php",
            Some(("admin", "Adm1n-secret")),
            &[("param_file", path), ("csvdata", csv)],
        )
        .curl_body();
        assert!(answer.contains("#Class: Organization\n"), "{answer}");
        assert!(answer.contains("#Created: 1\n"), "{answer}");
        assert!(answer.contains("0;created;Organization;"), "{answer}");
        // Its credentials do not log in (iTop's default login types).
        let answer = post(
            &server,
            "/webservices/import.php",
            None,
            &[("param_file", path), ("csvdata", csv)],
        )
        .curl_body();
        assert_eq!(answer, "Invalid login");
        // A file that is not there is iTop's error line.
        let answer = post(
            &server,
            "/webservices/import.php",
            Some(("admin", "Adm1n-secret")),
            &[("param_file", "/no/such/it's.params"), ("csvdata", csv)],
        )
        .curl_body();
        assert_eq!(
            answer,
            "Error: Could not find the parameter file: '/no/such/it&#039;s.params'"
        );
        assert_eq!(server.count("Organization"), before + 1);
    }

    #[test]
    fn second_import_reports_every_row_unchanged() {
        let server = server();
        let first = replay(&server, "import/http_post_form_details").curl_body();
        assert!(
            first.contains("#Created: 2\n#Updated: 1\n#Unchanged: 0\n"),
            "{first}"
        );
        let second = replay(&server, "import/http_post_form_details").curl_body();
        assert!(second.ends_with("#Issues: 0\n#Warnings: 0\n#Created: 0\n#Updated: 0\n#Unchanged: 3\nLine;Status;Object Class;Object Id;org_id (Organization - ext key);first_name (First Name);name (Last Name);email (Email);employee_number (Employee number);function (Function)\n0;unchanged;Person;9;3;Dan;Davis;dan.davis@lab.example;E005;Engineer\n1;unchanged;Person;10;3;Eve;Evans;eve.evans@lab.example;E006;Analyst, senior\n2;unchanged;Person;2;2;Alice;Anderson;alice.anderson@lab.example;E001;Manager"), "{second}");
    }

    #[test]
    fn unknown_columns_and_bom_follow_the_samples_up_to_the_column_list() {
        let server = server();
        for case in [
            "import/http_post_unknown_column",
            "import/http_bom_charset_default",
        ] {
            let body = replay(&server, case).curl_body();
            let sample = sample_body(case);
            let cut = |text: &str| {
                text.split_once("Possible columns: ")
                    .map(|(head, _)| head.to_owned())
            };
            assert_eq!(cut(&body), cut(&sample), "{case}");
            assert!(
                body.contains("Possible columns: name, status, org_id, org_id->name, org_id->code"),
                "{body}"
            );
        }
    }

    #[test]
    fn plain_text_content_length_is_one_byte_short_on_the_wire() {
        let server = server();
        let body = "class=Person&no_localize=1&reconciliationkeys=email&output=retcode&charset=UTF-8&csvdata=first_name%2Cname%2Corg_id-%3Ename%2Cemail%0AAlice%2CAnderson%2CLab+Org+A%2Calice.anderson%40lab.example%0A";
        let auth = crate::testkit::basic(crate::ADMIN_USER, crate::ADMIN_PWD);
        let request = format!(
            "POST /webservices/import.php HTTP/1.1\r\nHost: h\r\nAuthorization: {auth}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let response = send_raw(&server, request.as_bytes());
        assert_eq!(response.header("Content-Length"), Some("1"));
        assert_eq!(response.body, b"0\n");
        assert_eq!(
            response.header("Content-type"),
            Some("text/plain; charset=utf-8")
        );
    }

    #[test]
    fn latin1_default_double_encodes_utf8_input() {
        let server = server();
        let fields = [
            ("class", "Organization"),
            ("no_localize", "1"),
            ("csvdata", "name,code\nSoci\u{e9}t\u{e9},SOC\n"),
        ];
        let body = crate::testkit::post(
            &server,
            "/webservices/import.php",
            Some((crate::ADMIN_USER, crate::ADMIN_PWD)),
            &fields,
        )
        .curl_body();
        assert!(body.contains("#Charset Encoding:ISO-8859-1\n"), "{body}");
        assert!(
            body.contains("#Reconciliation Keys: name, code\n"),
            "{body}"
        );
        let stored = server.state_for_tests(|store| store.find("Organization", "code", "SOC"));
        let name = server.state_for_tests(|store| {
            store
                .get("Organization", stored[0])
                .and_then(|o| o.get("name"))
                .cloned()
        });
        assert_eq!(name.as_deref(), Some("Soci\u{c3}\u{a9}t\u{c3}\u{a9}"));
    }
}
