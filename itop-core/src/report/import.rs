//! `webservices/import.php`: header lines, counters, optional `details`
//! table; or the bare `retcode` number (PROTOCOL §5.3, decision rule §5.4).

use std::fmt;

use crate::answer::RawAnswer;
use crate::error::Result;

use super::classify::{Kind, fail, fail_with_message, interpret, message_kind, strip_error_prefix};
use super::import_rows::{ImportRow, RowStatus, read_table};
use super::normalize::comma_list;
use super::output::OutputMode;

/// The header lines and counters of a `summary` or `details` report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    /// `#Output format:` as printed.
    pub output_format: String,
    /// `#Class:`.
    pub class: String,
    /// `#Separator:` (a real TAB for `tab`).
    pub separator: String,
    /// `#Qualifier:`.
    pub qualifier: String,
    /// `#Charset Encoding:`, the effective input charset.
    pub charset: String,
    /// `#Date and time format:` without its quotes; `None` without
    /// `date_format` (`#Date format: <none>`).
    pub datetime_format: Option<String>,
    /// `#Date format:` (date-only part) without its quotes; `None` for `<none>`.
    pub date_format: Option<String>,
    /// `#Localize: yes`: headers and values were labels.
    pub localize: bool,
    /// `#Data Size:`, bytes of the input.
    pub data_size: u64,
    /// `#Data Lines:`, data rows.
    pub data_lines: u64,
    /// `#Simulate: 1`: nothing was written.
    pub simulate: bool,
    /// `#Columns:`, internal names.
    pub columns: Vec<String>,
    /// `#Reconciliation Keys:`, e.g. `email` or `org_id (name)`.
    pub reconciliation_keys: Vec<String>,
    /// `#Warning:` lines, without the prefix.
    pub warning_lines: Vec<String>,
    /// `#Change tracking comment:`.
    pub comment: String,
    /// `#Warnings:`: cell problems in rows that were written.
    pub warnings: u64,
    /// `#Created:`.
    pub created: u64,
    /// `#Updated:`.
    pub updated: u64,
    /// `#Unchanged:`.
    pub unchanged: u64,
}

/// What `import.php` did.
///
/// In `retcode` mode iTop prints only the number of rows not written: then
/// `summary` is `None` and only [`ImportReport::issues`] is known.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    /// The output mode asked for.
    pub output: OutputMode,
    /// Rows not written (`#Issues:`, or the `retcode` number).
    pub issues: u64,
    /// Header lines and the other counters (`summary` and `details`).
    pub summary: Option<ImportSummary>,
    /// The `details` table header, split on `;`.
    pub table_header: Vec<String>,
    /// The `details` table rows.
    pub rows: Vec<ImportRow>,
    /// Lines this crate did not recognise, kept for the reader.
    pub unknown_lines: Vec<String>,
}

impl ImportReport {
    /// True when every data line is accounted for: `created + updated +
    /// unchanged + issues = data lines`, and in `details` mode one table row
    /// per data line. Always true in `retcode` mode (nothing to check).
    pub fn is_complete(&self) -> bool {
        let Some(summary) = &self.summary else {
            return true;
        };
        let counted = summary.created + summary.updated + summary.unchanged + self.issues;
        let rows_ok =
            self.output != OutputMode::Details || self.rows.len() as u64 == summary.data_lines;
        counted == summary.data_lines && rows_ok
    }

    /// True when some rows were not written (`#Issues:` above zero).
    pub fn has_issues(&self) -> bool {
        self.issues > 0
    }

    /// True when written rows had cell problems (`#Warnings:` above zero).
    pub fn has_warnings(&self) -> bool {
        self.summary
            .as_ref()
            .is_some_and(|summary| summary.warnings > 0)
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(s) = &self.summary else {
            return writeln!(f, "import: {} row(s) not written", self.issues);
        };
        let simulated = if s.simulate { " (simulation)" } else { "" };
        writeln!(
            f,
            "import {}{simulated}: {} line(s): created {}, updated {}, unchanged {}, issues {}, warnings {}",
            s.class, s.data_lines, s.created, s.updated, s.unchanged, self.issues, s.warnings
        )?;
        for warning in &s.warning_lines {
            writeln!(f, "warning: {warning}")?;
        }
        for row in &self.rows {
            writeln!(f, "{row}")?;
            if matches!(row.status, RowStatus::Issue { .. }) {
                // Say where: each cell of the row under its column's name.
                let columns = self.table_header.iter().skip(4);
                for (column, cell) in columns.zip(&row.cells) {
                    writeln!(f, "         {column}: {cell}")?;
                }
            }
        }
        Ok(())
    }
}

/// Interprets an `import.php` answer for the `output` mode that was sent.
///
/// Completed ⇔ a `#Unchanged:` line (`summary`, `details`) or a bare number
/// (`retcode`). Rows not written are a partial failure reported in
/// [`ImportReport::issues`].
///
/// # Errors
///
/// [`Error::Auth`](crate::Error::Auth) (`Invalid login`, portal user, CLI
/// credentials), [`Error::NotAllowed`](crate::Error::NotAllowed) (no bulk
/// modify right), [`Error::BadRequest`](crate::Error::BadRequest) (usage,
/// unknown class or column, reconciliation keys, separator, missing data),
/// [`Error::Server`](crate::Error::Server) (HTTP 500, exceptions, exit 255),
/// [`Error::Unexpected`](crate::Error::Unexpected) otherwise.
pub fn interpret_import(answer: &RawAnswer, output: OutputMode) -> Result<ImportReport> {
    interpret(answer, |lines| match output {
        OutputMode::Retcode => read_retcode(answer, lines),
        OutputMode::Summary | OutputMode::Details => read_report(answer, lines, output),
    })
}

fn read_retcode(answer: &RawAnswer, lines: &[String]) -> Result<ImportReport> {
    let text = lines.join("\n");
    let text = text.trim();
    if let Ok(issues) = text.parse::<u64>() {
        let report = ImportReport {
            output: OutputMode::Retcode,
            issues,
            summary: None,
            table_header: Vec::new(),
            rows: Vec::new(),
            unknown_lines: Vec::new(),
        };
        return Ok(report);
    }
    Err(error_of(answer, lines).unwrap_or_else(|| {
        fail(
            answer,
            Kind::Unexpected,
            "expected the number of rows not written",
        )
    }))
}

/// The error an unfinished report shows: the usage text, or the first `#`
/// line that is not a header line.
fn error_of(answer: &RawAnswer, lines: &[String]) -> Option<crate::Error> {
    let first = lines.iter().find(|line| !line.trim().is_empty())?;
    if first.starts_with("ERROR") {
        return Some(fail_with_message(
            answer,
            strip_error_prefix(first),
            Kind::BadRequest,
        ));
    }
    if message_kind(first).is_some() && !first.starts_with('#') {
        return Some(fail_with_message(answer, first, Kind::Unexpected));
    }
    let line = lines.iter().find(|line| {
        line.starts_with('#') && !key_value(line).is_some_and(|(key, _)| is_header_key(key))
    })?;
    Some(fail_with_message(answer, &line[1..], Kind::Unexpected))
}

fn read_report(answer: &RawAnswer, lines: &[String], output: OutputMode) -> Result<ImportReport> {
    let Some(end) = lines
        .iter()
        .position(|line| line.starts_with("#Unchanged:"))
    else {
        return Err(error_of(answer, lines).unwrap_or_else(|| {
            fail(
                answer,
                Kind::Unexpected,
                "no `#Unchanged:` line: the import did not complete",
            )
        }));
    };
    let mut unknown_lines = Vec::new();
    let (summary, issues) = read_summary(&lines[..=end], &mut unknown_lines).ok_or_else(|| {
        fail(
            answer,
            Kind::Unexpected,
            "incomplete or unreadable counters",
        )
    })?;
    let table = read_table(&lines[end + 1..], summary.data_lines);
    unknown_lines.extend(table.unknown);
    Ok(ImportReport {
        output,
        issues,
        summary: Some(summary),
        table_header: table.header,
        rows: table.rows,
        unknown_lines,
    })
}

const HEADER_KEYS: &[&str] = &[
    "Output format",
    "Class",
    "Separator",
    "Qualifier",
    "Charset Encoding",
    "Date format",
    "Date and time format",
    "Localize",
    "Data Size",
    "Data Lines",
    "Simulate",
    "Columns",
    "Reconciliation Keys",
    "Warning",
    "Change tracking comment",
    "Issues",
    "Warnings",
    "Created",
    "Updated",
    "Unchanged",
];

fn is_header_key(key: &str) -> bool {
    HEADER_KEYS.contains(&key)
}

/// `#<key>:<value>`, one blank after the colon removed (not a TAB: the
/// separator may be one).
pub(crate) fn key_value(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.strip_prefix('#')?.split_once(':')?;
    Some((key, value.strip_prefix(' ').unwrap_or(value)))
}

/// The header lines up to `#Unchanged:`; the issue count beside.
fn read_summary(lines: &[String], unknown: &mut Vec<String>) -> Option<(ImportSummary, u64)> {
    let mut fields: Vec<(&str, &str)> = Vec::new();
    let mut warning_lines = Vec::new();
    for line in lines {
        match key_value(line) {
            Some(("Warning", text)) => warning_lines.push(text.to_owned()),
            Some((key, value)) if is_header_key(key) => fields.push((key, value)),
            _ => unknown.push(line.clone()),
        }
    }
    let text = |key: &str| {
        fields
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    };
    let owned = |key: &str| text(key).unwrap_or_default().to_owned();
    let number = |key: &str| text(key).and_then(|v| v.trim().parse::<u64>().ok());
    let summary = ImportSummary {
        output_format: owned("Output format"),
        class: owned("Class"),
        separator: owned("Separator"),
        qualifier: owned("Qualifier"),
        charset: owned("Charset Encoding"),
        datetime_format: text("Date and time format").map(unquote),
        date_format: text("Date format").filter(|v| *v != "<none>").map(unquote),
        localize: text("Localize") == Some("yes"),
        data_size: number("Data Size").unwrap_or_default(),
        data_lines: number("Data Lines")?,
        simulate: text("Simulate") == Some("1"),
        columns: comma_list(text("Columns")),
        reconciliation_keys: comma_list(text("Reconciliation Keys")),
        warning_lines,
        comment: owned("Change tracking comment"),
        warnings: number("Warnings")?,
        created: number("Created")?,
        updated: number("Updated")?,
        unchanged: number("Unchanged")?,
    };
    Some((summary, number("Issues")?))
}

fn unquote(value: &str) -> String {
    let value = value.trim_end();
    value
        .strip_prefix('\'')
        .and_then(|v| v.strip_suffix('\''))
        .unwrap_or(value)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::report::testutil::{assert_error, cases, load};
    use crate::{Channel, Service};

    fn report(case: &str, output: OutputMode) -> ImportReport {
        interpret_import(&load(Service::Import, case), output).expect(case)
    }

    fn failure(case: &str, output: OutputMode, expected: &str, needle: &str) {
        let answer = load(Service::Import, case);
        let err = interpret_import(&answer, output).expect_err(case);
        assert_error(&err, &answer, expected, needle);
    }

    #[test]
    fn every_fixture_has_a_test() {
        let tested = [
            "cli_missing_auth_user",
            "cli_wrong_password",
            "http_20k_rows_create_summary",
            "http_basic_wrong_password",
            "http_bom_charset_default",
            "http_get_query_credentials_default_config",
            "http_post_basic_retcode_with_errors",
            "http_post_basic_summary",
            "http_post_date_format",
            "http_post_details_with_errors",
            "http_post_form_details",
            "http_post_malformed_csv",
            "http_post_missing_class",
            "http_post_portal_user",
            "http_post_reader_not_allowed",
            "http_post_reader_not_allowed_retcode",
            "http_post_unknown_class",
            "http_post_unknown_column",
            "http_post_wrong_password",
            "raw_socket_content_length_mismatch",
        ];
        assert_eq!(cases(Service::Import), tested);
    }

    #[test]
    fn summary_gives_header_and_counters() {
        let report = report("http_post_basic_summary", OutputMode::Summary);
        let summary = report.summary.as_ref().expect("summary");
        assert_eq!(summary.class, "Person");
        assert_eq!(
            (summary.separator.as_str(), summary.qualifier.as_str()),
            (",", "\"")
        );
        assert_eq!(summary.charset, "UTF-8");
        assert_eq!(
            (
                summary.datetime_format.as_deref(),
                summary.date_format.as_deref()
            ),
            (None, None)
        );
        assert!(!summary.localize && !summary.simulate);
        assert_eq!((summary.data_size, summary.data_lines), (246, 3));
        assert_eq!(
            summary.columns,
            [
                "first_name",
                "name",
                "org_id->name",
                "email",
                "employee_number",
                "function"
            ]
        );
        assert_eq!(summary.reconciliation_keys, ["email"]);
        assert_eq!(summary.comment, "");
        assert_eq!(
            (
                report.issues,
                summary.warnings,
                summary.created,
                summary.updated,
                summary.unchanged
            ),
            (0, 0, 0, 0, 3)
        );
        assert!(report.rows.is_empty() && report.is_complete() && !report.has_issues());
    }

    #[test]
    fn details_give_rows() {
        let report = report("http_post_form_details", OutputMode::Details);
        let summary = report.summary.as_ref().expect("summary");
        assert_eq!(
            (summary.created, summary.updated, summary.unchanged),
            (2, 1, 0)
        );
        assert_eq!(summary.comment, "lab import (form creds)");
        assert_eq!(
            report.table_header[..4],
            ["Line", "Status", "Object Class", "Object Id"]
        );
        assert_eq!(report.rows.len(), 3);
        assert_eq!(report.rows[0].status, RowStatus::Created);
        assert_eq!(report.rows[0].object_id, Some(9));
        assert_eq!(
            report.rows[1].cells,
            [
                "3",
                "\"Eve\"",
                "\"Evans\"",
                "\"eve.evans@lab.example\"",
                "\"E006\"",
                "\"Analyst, senior\""
            ]
        );
        let updated = &report.rows[2];
        assert_eq!(updated.status, RowStatus::Updated { cols: 1 });
        assert_eq!(
            (updated.line, updated.status_text.as_str()),
            (2, "updated 1 cols")
        );
        assert_eq!(
            (updated.object_class.as_deref(), updated.object_id),
            (Some("Person"), Some(2))
        );
        assert_eq!(
            updated.cells.last().map(String::as_str),
            Some("\"Manager\"Modified")
        );
        let manager = updated.values().pop().expect("cells");
        assert_eq!(
            (manager.value.as_str(), manager.is_changed()),
            ("Manager", true)
        );
        assert_eq!(updated.values()[1].value, "Alice");
        assert!(report.is_complete());
    }

    #[test]
    fn separator_inside_a_quoted_cell_keeps_the_row_aligned() {
        // The report of `semi.csv` (`;` separator, a function `a; b; c`,
        // an unknown organization), as import.php prints it.
        let text = "#Output format: details\n#Class: Person\n#Separator: ;\n#Qualifier: \"\n\
            #Charset Encoding:UTF-8\n#Date format: <none>\n#Localize: no\n#Data Size: 97\n\
            #Data Lines: 1\n#Simulate: 0\n#Columns: first_name, name, org_id->name, email, function\n\
            #Reconciliation Keys: email\n#Change tracking comment: \n#Issues: 1\n#Warnings: 0\n\
            #Created: 0\n#Updated: 0\n#Unchanged: 0\n\
            Line;Status;Object Class;Object Id;org_id (Organization - ext key);first_name (First Name);\
            name (Last Name);email (Email);function (Function)\n\
            0;Issue: Unexpected attribute value(s);n/a;n/a;No match for value 'Nope Org'. \
            Some possible 'Organization' value(s): Lab Org A, Lab Org B, Lab Org C...;\
            \"Semi\";\"Colon\";\"semi@x.example\";\"a; b; c\"";
        let report = interpret_import(&cli(text, 0), OutputMode::Details).expect("report");
        let row = &report.rows[0];
        assert_eq!(row.cells.len(), report.table_header.len() - 4);
        assert_eq!(row.cells[4], "\"a; b; c\"");
        let values: Vec<String> = row.values().into_iter().map(|cell| cell.value).collect();
        assert_eq!(values[1..], ["Semi", "Colon", "semi@x.example", "a; b; c"]);
        assert!(
            report
                .to_string()
                .ends_with("function (Function): \"a; b; c\"\n")
        );
        assert!(report.is_complete() && report.has_issues());
    }

    #[test]
    fn details_with_errors_give_issue_rows() {
        let report = report("http_post_details_with_errors", OutputMode::Details);
        let summary = report.summary.as_ref().expect("summary");
        assert!(summary.simulate);
        assert_eq!((report.issues, summary.created), (3, 1));
        let issue = RowStatus::Issue {
            reason: "Unexpected attribute value(s)".to_owned(),
        };
        assert_eq!(report.rows[0].status, issue);
        assert_eq!(
            (
                report.rows[0].object_class.as_deref(),
                report.rows[0].object_id
            ),
            (None, None)
        );
        assert!(report.rows[0].cells[0].starts_with("No match for value 'No Such Org'"));
        assert_eq!(
            (report.rows[2].status.clone(), report.rows[2].object_id),
            (issue, Some(11))
        );
        assert_eq!(
            (report.rows[3].status.clone(), report.rows[3].object_id),
            (RowStatus::Created, Some(0))
        );
        assert!(report.has_issues() && report.is_complete());
    }

    #[test]
    fn multi_line_cell_joins_its_row() {
        let report = report("http_post_date_format", OutputMode::Details);
        let summary = report.summary.as_ref().expect("summary");
        assert_eq!(summary.datetime_format.as_deref(), Some("d/m/Y"));
        assert_eq!(summary.date_format.as_deref(), Some("d/m/Y"));
        assert_eq!(report.rows.len(), 2);
        assert_eq!(
            report.rows[0].cells.last().map(String::as_str),
            Some("\"multi\nline description\"")
        );
        assert_eq!(report.rows[1].line, 1);
        assert_eq!(report.rows[1].object_id, Some(2));
        assert!(report.unknown_lines.is_empty() && report.is_complete());
    }

    #[test]
    fn retcode_is_the_issue_count() {
        let report = report("http_post_basic_retcode_with_errors", OutputMode::Retcode);
        assert_eq!((report.issues, report.summary.clone()), (2, None));
        let report = self::report("raw_socket_content_length_mismatch", OutputMode::Retcode);
        assert_eq!(report.issues, 0);
        assert!(report.is_complete() && !report.has_issues());
    }

    #[test]
    fn login_failures_are_auth() {
        for case in [
            "http_basic_wrong_password",
            "http_post_wrong_password",
            "http_get_query_credentials_default_config",
        ] {
            failure(case, OutputMode::Summary, "Auth", "Invalid login");
        }
        failure(
            "http_post_portal_user",
            OutputMode::Summary,
            "Auth",
            "Portal user is not allowed",
        );
        failure(
            "cli_wrong_password",
            OutputMode::Summary,
            "Auth",
            "Access restricted or wrong credentials ('admin')",
        );
    }

    #[test]
    fn rights_errors_are_not_allowed() {
        let needle = "You are not allowed to perform a bulk update of objects of class Person";
        failure(
            "http_post_reader_not_allowed",
            OutputMode::Details,
            "NotAllowed",
            needle,
        );
        failure(
            "http_post_reader_not_allowed_retcode",
            OutputMode::Retcode,
            "NotAllowed",
            needle,
        );
    }

    #[test]
    fn request_errors_are_bad_requests() {
        failure(
            "http_post_missing_class",
            OutputMode::Summary,
            "BadRequest",
            "Missing argument 'class'",
        );
        failure(
            "cli_missing_auth_user",
            OutputMode::Summary,
            "BadRequest",
            "Missing argument 'auth_user'",
        );
        failure(
            "http_post_unknown_class",
            OutputMode::Summary,
            "BadRequest",
            "Unknown class: 'NoSuchClass'",
        );
        failure(
            "http_post_unknown_column",
            OutputMode::Summary,
            "BadRequest",
            "Unknown column: 'no_such_col'",
        );
        failure(
            "http_bom_charset_default",
            OutputMode::Details,
            "BadRequest",
            "Unknown column: '\u{ef}\u{bb}\u{bf}first_name'",
        );
    }

    #[test]
    fn fatal_errors_are_server_500() {
        failure(
            "http_post_malformed_csv",
            OutputMode::Details,
            "Server",
            "iTop: An error occurred",
        );
        failure(
            "http_20k_rows_create_summary",
            OutputMode::Summary,
            "Server",
            "Allowed memory size of 1024M exhausted",
        );
        let err = interpret_import(
            &load(Service::Import, "http_post_malformed_csv"),
            OutputMode::Details,
        );
        assert!(matches!(
            err,
            Err(crate::Error::Server {
                status: Some(500),
                ..
            })
        ));
    }

    fn cli(text: &str, exit: i32) -> RawAnswer {
        RawAnswer {
            service: Service::Import,
            channel: Channel::Cli {
                exit_code: Some(exit),
                stderr: String::new(),
            },
            body: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn exception_text_is_a_server_error() {
        let answer = cli(
            "#Output format: summary\n#Class: Person\n#CoreException: boom\nStack trace:\n#0 x\n",
            0,
        );
        let err = interpret_import(&answer, OutputMode::Summary).expect_err("exception");
        assert_error(&err, &answer, "Server", "CoreException: boom");
    }

    #[test]
    fn retcode_without_newline_and_unknown_text() {
        assert_eq!(
            interpret_import(&cli("7", 0), OutputMode::Retcode)
                .expect("7")
                .issues,
            7
        );
        let answer = cli("hello", 0);
        let err = interpret_import(&answer, OutputMode::Retcode).expect_err("text");
        assert_error(&err, &answer, "Unexpected", "number of rows");
    }

    #[test]
    fn display_is_compact() {
        let text = report("http_post_form_details", OutputMode::Details).to_string();
        assert_eq!(
            text,
            "import Person: 3 line(s): created 2, updated 1, unchanged 0, issues 0, warnings 0\n\
             \x20   0: created (Person 9)\n    1: created (Person 10)\n    2: updated 1 cols (Person 2)\n"
        );
    }

    #[test]
    fn unreadable_csv_file_is_a_bad_request() {
        let answer = cli(
            "Input file could not be found or could not be read: '/tmp/x.csv'\n",
            255,
        );
        let err = interpret_import(&answer, OutputMode::Summary).expect_err("file");
        assert_error(&err, &answer, "BadRequest", "Input file could not be found");
    }
}
