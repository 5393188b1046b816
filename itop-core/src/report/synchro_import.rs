//! `synchro/synchro_import.php`: row lines, the import summary, then the
//! synchronization summary; or the `retcode` number (PROTOCOL §4.2,
//! decision rule §4.4).

use std::fmt;

use crate::answer::RawAnswer;
use crate::error::{Error, Result};

use super::classify::{
    Kind, fail, fail_with_message, interpret, is_exception, message_kind, strip_error_prefix,
};
use super::counters::{CounterReader, SynchroCounters};
use super::import::key_value;
use super::normalize::comma_list;
use super::output::OutputMode;

/// The import summary of `synchro_import.php` (`summary` and `details`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SynchroImportSummary {
    /// `#Data Source:`.
    pub data_source_id: u32,
    /// `#Synchronize: 1`: the synchronization was asked for.
    pub synchronize: bool,
    /// `#Class:`, the target class.
    pub class: String,
    /// `#Separator:` (a real TAB for `tab`).
    pub separator: String,
    /// `#Qualifier:`.
    pub qualifier: String,
    /// `#Charset Encoding:`.
    pub charset: String,
    /// `#Date and time format:`, without its quotes.
    pub datetime_format: String,
    /// The DateTime input columns the format was applied to.
    pub datetime_columns: Vec<String>,
    /// `#Date only format:`, without its quotes.
    pub date_format: String,
    /// The Date input columns the format was applied to.
    pub date_columns: Vec<String>,
    /// `#Data Size:`, bytes of the input.
    pub data_size: u64,
    /// `#Data Lines:`, data rows.
    pub data_lines: u64,
    /// `#Columns:`, the header names as given.
    pub columns: Vec<String>,
    /// `#Output format:`.
    pub output_format: String,
    /// `#Simulate: 1`: everything was rolled back.
    pub simulate: bool,
    /// `#Change tracking comment:`.
    pub comment: String,
    /// `#Created (before synchro):`, INSERTs attempted.
    pub created: u64,
    /// `#Updated (before synchro):`, UPDATEs attempted.
    pub updated: u64,
}

/// The kind of a row line (`<row>: …`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SynchroRowKind {
    /// `New entry, reconciliation: …` (`details`).
    New,
    /// `Update entry, reconciliation: …` (`details`).
    Update,
    /// `Wrong format for DATE column …` (or DATETIME; `details`).
    WrongDateFormat,
    /// `Error - Failed to reconcile, found <n> rows having …`.
    FailedToReconcile,
    /// `Import error '<SQL error>' (continuing)...`.
    ImportError,
    /// A row line this crate does not know.
    Unrecognized,
}

/// One row line of the import phase.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SynchroImportRow {
    /// The data row, 0-based.
    pub row: u64,
    /// What the line says.
    pub kind: SynchroRowKind,
    /// The text after `<row>: `.
    pub text: String,
}

/// What `synchro_import.php` did.
///
/// The load is done when this is returned, and the synchronization, when
/// it was asked for, ran (`synchro`). A synchronization that printed
/// `ERROR:` (rights, chunks over HTTP…) makes the call fail instead.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SynchroImportReport {
    /// The output mode asked for.
    pub output: OutputMode,
    /// Import issues (`#Issues (before synchro):`, or the `retcode`
    /// number): failed reconciliations and continued SQL errors.
    pub issues: u64,
    /// The import summary (`None` in `retcode` mode).
    pub import: Option<SynchroImportSummary>,
    /// Row lines of the import phase.
    pub rows: Vec<SynchroImportRow>,
    /// `#` trace lines of the synchronization phase (`details`), without `#`.
    pub traces: Vec<String>,
    /// The synchronization counters, when a synchronization summary came.
    pub synchro: Option<SynchroCounters>,
    /// Lines kept for information (`Unable to send mail: …`).
    pub notes: Vec<String>,
}

impl SynchroImportReport {
    /// True on import issues (failed reconciliations, continued SQL errors)
    /// or synchronization `… errors` counters above zero.
    pub fn has_issues(&self) -> bool {
        self.issues > 0 || self.synchro.is_some_and(|counters| counters.has_errors())
    }
}

impl fmt::Display for SynchroImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(import) = &self.import {
            let simulated = if import.simulate { " (simulation)" } else { "" };
            writeln!(
                f,
                "load into data source {} ({}){simulated}: {} line(s), created {}, updated {}, issues {}",
                import.data_source_id,
                import.class,
                import.data_lines,
                import.created,
                import.updated,
                self.issues
            )?;
        } else {
            writeln!(f, "load: {} issue(s)", self.issues)?;
        }
        for row in &self.rows {
            writeln!(f, "{:>5}: {}", row.row, row.text)?;
        }
        match &self.synchro {
            Some(counters) => writeln!(f, "synchronization: {counters}"),
            None => Ok(()),
        }
    }
}

/// Interprets a `synchro_import.php` answer for the `output` mode sent.
///
/// # Errors
///
/// [`Error::Auth`] (`Invalid login`, portal user, CLI credentials),
/// [`Error::BadRequest`] (usage, unknown data source or column, separator,
/// missing data), [`Error::Server`] (`#…Exception:` such as an SQL error,
/// a synchronization `ERROR:` without counters, fatal errors),
/// [`Error::NotAllowed`] when only the rights message came,
/// [`Error::Unexpected`] for a missing summary or an unknown line.
pub fn interpret_synchro_import(
    answer: &RawAnswer,
    output: OutputMode,
) -> Result<SynchroImportReport> {
    interpret(answer, |lines| {
        let (body, retcode) = split_retcode(lines, output);
        let mut reader = Reader::new(answer);
        for line in body {
            reader.line(line)?;
        }
        reader.finish(output, retcode)
    })
}

/// In `retcode` mode, the last line must be the issue count.
fn split_retcode(lines: &[String], output: OutputMode) -> (&[String], Option<u64>) {
    if output != OutputMode::Retcode {
        return (lines, None);
    }
    match lines.split_last() {
        Some((last, body)) => match last.trim().parse() {
            Ok(count) => (body, Some(count)),
            Err(_) => (lines, None),
        },
        None => (lines, None),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Import,
    SyncPhase,
    SyncSummary,
}

/// Reads the lines one by one.
#[derive(Debug)]
struct Reader<'a> {
    answer: &'a RawAnswer,
    section: Section,
    fields: Vec<(String, String)>,
    rows: Vec<SynchroImportRow>,
    traces: Vec<String>,
    counters: CounterReader,
    error: Option<String>,
    in_error: bool,
    notes: Vec<String>,
}

const SUMMARY_KEYS: &[&str] = &[
    "Data Source",
    "Synchronize",
    "Class",
    "Separator",
    "Qualifier",
    "Charset Encoding",
    "Date and time format",
    "Date only format",
    "Data Size",
    "Data Lines",
    "Columns",
    "Output format",
    "Simulate",
    "Change tracking comment",
    "Issues (before synchro)",
    "Created (before synchro)",
    "Updated (before synchro)",
];

impl<'a> Reader<'a> {
    fn new(answer: &'a RawAnswer) -> Reader<'a> {
        Reader {
            answer,
            section: Section::Import,
            fields: Vec::new(),
            rows: Vec::new(),
            traces: Vec::new(),
            counters: CounterReader::default(),
            error: None,
            in_error: false,
            notes: Vec::new(),
        }
    }

    fn line(&mut self, line: &str) -> Result<()> {
        if self.in_error && !line.starts_with('#') {
            self.push_error_line(line);
            return Ok(());
        }
        self.in_error = false;
        if line.starts_with("#---") || line.starts_with("# No traces.") {
            return Ok(());
        }
        if let Some(section) = section_title(line) {
            self.section = section;
            return Ok(());
        }
        if let Some(text) = line.strip_prefix("ERROR: ") {
            return self.error_line(line, text);
        }
        if line.starts_with("Unable to send mail") {
            self.notes.push(line.to_owned());
            return Ok(());
        }
        if is_exception(line) {
            return Err(fail(
                self.answer,
                Kind::Server(None),
                line.trim_start_matches('#'),
            ));
        }
        match self.section {
            Section::Import => self.import_line(line),
            Section::SyncPhase => self.trace_line(line),
            Section::SyncSummary => self.counter_line(line),
        }
    }

    fn push_error_line(&mut self, line: &str) {
        if let Some(error) = &mut self.error {
            error.push('\n');
            error.push_str(line);
        }
    }

    fn error_line(&mut self, line: &str, text: &str) -> Result<()> {
        if message_kind(text) == Some(Kind::BadRequest) {
            return Err(fail(
                self.answer,
                Kind::BadRequest,
                strip_error_prefix(line),
            ));
        }
        self.error = Some(text.to_owned());
        self.in_error = true;
        Ok(())
    }

    fn import_line(&mut self, line: &str) -> Result<()> {
        if let Some(row) = row_line(line) {
            self.rows.push(row);
            return Ok(());
        }
        match key_value(line) {
            Some((key, value)) if SUMMARY_KEYS.contains(&key) => {
                self.fields.push((key.to_owned(), value.to_owned()));
                Ok(())
            }
            _ if line.starts_with('#') => {
                Err(fail_with_message(self.answer, &line[1..], Kind::Unexpected))
            }
            _ => Err(self.unexpected(line)),
        }
    }

    fn trace_line(&mut self, line: &str) -> Result<()> {
        match line.strip_prefix('#') {
            Some(trace) => {
                self.traces.push(trace.to_owned());
                Ok(())
            }
            None => Err(self.unexpected(line)),
        }
    }

    fn counter_line(&mut self, line: &str) -> Result<()> {
        if self.counters.take(line) {
            Ok(())
        } else {
            Err(self.unexpected(line))
        }
    }

    fn unexpected(&self, line: &str) -> Error {
        if message_kind(line).is_some() {
            return fail_with_message(self.answer, line, Kind::Unexpected);
        }
        fail(
            self.answer,
            Kind::Unexpected,
            format!("unexpected line: {line}"),
        )
    }
}

/// `# Import phase`, `# Import phase summary`, `# Synchronization phase`,
/// `# Synchronization phase summary`.
fn section_title(line: &str) -> Option<Section> {
    match line.trim_end() {
        "# Import phase" | "# Import phase summary" => Some(Section::Import),
        "# Synchronization phase" => Some(Section::SyncPhase),
        "# Synchronization phase summary" => Some(Section::SyncSummary),
        _ => None,
    }
}

/// `<row>: <text>`.
fn row_line(line: &str) -> Option<SynchroImportRow> {
    let (number, text) = line.split_once(": ")?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let kind = if text.starts_with("New entry") {
        SynchroRowKind::New
    } else if text.starts_with("Update entry") {
        SynchroRowKind::Update
    } else if text.starts_with("Wrong format for DATE") {
        SynchroRowKind::WrongDateFormat
    } else if text.starts_with("Error - Failed to reconcile") {
        SynchroRowKind::FailedToReconcile
    } else if text.starts_with("Import error") {
        SynchroRowKind::ImportError
    } else {
        SynchroRowKind::Unrecognized
    };
    Some(SynchroImportRow {
        row: number.parse().ok()?,
        kind,
        text: text.to_owned(),
    })
}

impl Reader<'_> {
    /// The decision rule of §4.4 once every line is read.
    fn finish(self, output: OutputMode, retcode: Option<u64>) -> Result<SynchroImportReport> {
        let synchro = self.counters.finish();
        if self.counters.started() && synchro.is_none() {
            let message = "incomplete synchronization summary";
            return Err(fail(self.answer, Kind::Unexpected, message));
        }
        let import = self.import_part(output, retcode);
        if let Some(error) = &self.error {
            let loaded = import
                .as_ref()
                .ok()
                .and_then(|(summary, _)| summary.as_ref());
            return Err(self.synchro_failure(error, loaded));
        }
        let (import, issues) = import?;
        if import.as_ref().is_some_and(|import| import.synchronize) && synchro.is_none() {
            let message = "synchronization summary missing";
            return Err(fail(self.answer, Kind::Unexpected, message));
        }
        Ok(SynchroImportReport {
            output,
            issues,
            import,
            rows: self.rows,
            traces: self.traces,
            synchro,
            notes: self.notes,
        })
    }

    /// The import summary and issue count, or the `retcode` number.
    fn import_part(
        &self,
        output: OutputMode,
        retcode: Option<u64>,
    ) -> Result<(Option<SynchroImportSummary>, u64)> {
        match (output, retcode) {
            (OutputMode::Retcode, Some(count)) => Ok((None, count)),
            (OutputMode::Retcode, None) => Err(fail(
                self.answer,
                Kind::Unexpected,
                "expected the number of import issues",
            )),
            _ => self.import_summary(),
        }
    }

    /// A synchronization `ERROR:`: NotAllowed for the rights message, Server
    /// otherwise; the message says what the load did.
    fn synchro_failure(&self, error: &str, loaded: Option<&SynchroImportSummary>) -> Error {
        let kind = match message_kind(error) {
            Some(Kind::NotAllowed) => Kind::NotAllowed,
            _ => Kind::Server(None),
        };
        let message = match loaded {
            Some(load) => format!(
                "load done (created {}, updated {}), synchronization failed: {error}",
                load.created, load.updated
            ),
            None => format!("synchronization failed: {error}"),
        };
        fail(self.answer, kind, message)
    }

    fn import_summary(&self) -> Result<(Option<SynchroImportSummary>, u64)> {
        read_summary(&self.fields)
            .map(|(summary, issues)| (Some(summary), issues))
            .ok_or_else(|| {
                fail(
                    self.answer,
                    Kind::Unexpected,
                    "no import summary: the load did not complete",
                )
            })
    }
}

fn read_summary(fields: &[(String, String)]) -> Option<(SynchroImportSummary, u64)> {
    let text = |key: &str| {
        fields
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let owned = |key: &str| text(key).unwrap_or_default().to_owned();
    let number = |key: &str| text(key).and_then(|v| v.trim().parse::<u64>().ok());
    let (datetime_format, datetime_columns) = date_format(text("Date and time format"));
    let (date_format, date_columns) = date_format(text("Date only format"));
    let summary = SynchroImportSummary {
        data_source_id: text("Data Source")?.trim().parse().ok()?,
        synchronize: text("Synchronize") == Some("1"),
        class: owned("Class"),
        separator: owned("Separator"),
        qualifier: owned("Qualifier"),
        charset: owned("Charset Encoding"),
        datetime_format,
        datetime_columns,
        date_format,
        date_columns,
        data_size: number("Data Size").unwrap_or_default(),
        data_lines: number("Data Lines").unwrap_or_default(),
        columns: comma_list(text("Columns")),
        output_format: owned("Output format"),
        simulate: text("Simulate") == Some("1"),
        comment: owned("Change tracking comment"),
        created: number("Created (before synchro)")?,
        updated: number("Updated (before synchro)")?,
    };
    Some((summary, number("Issues (before synchro)")?))
}

/// `'<fmt>' ` or `'<fmt>' , applied to columns [<c1>, <c2>]`.
fn date_format(value: Option<&str>) -> (String, Vec<String>) {
    let value = value.unwrap_or_default();
    let Some(quoted) = value.strip_prefix('\'') else {
        return (value.trim().to_owned(), Vec::new());
    };
    let (format, rest) = quoted.split_once('\'').unwrap_or((quoted, ""));
    let columns = rest
        .split_once("applied to columns [")
        .and_then(|(_, list)| list.strip_suffix(']'))
        .map(|list| list.split(", ").map(str::to_owned).collect())
        .unwrap_or_default();
    (format.to_owned(), columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::{assert_error, cases, load};
    use crate::{Channel, Service};

    fn report(case: &str, output: OutputMode) -> SynchroImportReport {
        interpret_synchro_import(&load(Service::SynchroImport, case), output).expect(case)
    }

    fn failure(case: &str, output: OutputMode, expected: &str, needle: &str) {
        let answer = load(Service::SynchroImport, case);
        let err = interpret_synchro_import(&answer, output).expect_err(case);
        assert_error(&err, &answer, expected, needle);
    }

    fn clean_synchro(replicas: u64, touched: u64) -> SynchroCounters {
        SynchroCounters {
            replicas,
            replicas_touched: touched,
            ..SynchroCounters::default()
        }
    }

    #[test]
    fn every_fixture_has_a_test() {
        let tested = [
            "cli_max_chunk_size_syncuser_special_pwd",
            "cli_ok_summary",
            "cli_retcode",
            "http_basic_wrong_password",
            "http_post_basic_details_synchronize",
            "http_post_basic_retcode",
            "http_post_basic_synchronize0",
            "http_post_bom_default_utf8",
            "http_post_missing_data_source_id",
            "http_post_portal_user",
            "http_post_reader_not_owner",
            "http_post_server_date_format",
            "http_post_sql_error_stop",
            "http_post_unknown_data_source",
        ];
        assert_eq!(cases(Service::SynchroImport), tested);
    }

    #[test]
    fn cli_summary_gives_load_and_synchro() {
        let report = report("cli_ok_summary", OutputMode::Summary);
        let import = report.import.as_ref().expect("summary");
        assert_eq!(
            (
                import.data_source_id,
                import.synchronize,
                import.class.as_str()
            ),
            (1, true, "Person")
        );
        assert_eq!(
            (
                import.separator.as_str(),
                import.qualifier.as_str(),
                import.charset.as_str()
            ),
            (";", "\"", "UTF-8")
        );
        assert_eq!(
            (import.datetime_format.as_str(), import.date_format.as_str()),
            ("Y-m-d H:i:s", "Y-m-d")
        );
        assert!(import.datetime_columns.is_empty());
        assert_eq!((import.data_size, import.data_lines), (308, 3));
        assert_eq!(import.columns.len(), 8);
        assert_eq!(
            (
                import.output_format.as_str(),
                import.simulate,
                import.comment.as_str()
            ),
            ("summary", false, "")
        );
        assert_eq!((report.issues, import.created, import.updated), (0, 0, 3));
        assert_eq!(report.synchro, Some(clean_synchro(10, 3)));
        assert!(!report.has_issues());
    }

    #[test]
    fn details_give_rows_and_both_phases() {
        let report = report("http_post_basic_details_synchronize", OutputMode::Details);
        assert_eq!(report.rows.len(), 3);
        assert_eq!(report.rows[2].row, 2);
        assert_eq!(report.rows[2].kind, SynchroRowKind::Update);
        assert_eq!(
            report.rows[0].text,
            "Update entry, reconciliation: '`primary_key` = 'P-100''"
        );
        let import = report.import.as_ref().expect("summary");
        assert_eq!(import.comment, "lab synchro (details)");
        assert_eq!(import.updated, 3);
        assert!(report.traces.is_empty());
        assert_eq!(report.synchro, Some(clean_synchro(10, 3)));
        assert!(!report.has_issues());
    }

    #[test]
    fn date_format_row_and_columns() {
        let report = report("http_post_server_date_format", OutputMode::Details);
        let import = report.import.as_ref().expect("summary");
        assert_eq!(
            (import.data_source_id, import.class.as_str()),
            (2, "Server")
        );
        assert_eq!(import.date_format, "d/m/Y");
        assert_eq!(import.date_columns, ["move2production"]);
        assert!(import.datetime_columns.is_empty());
        assert_eq!(report.rows.len(), 3);
        assert_eq!(
            (report.rows[2].row, report.rows[2].kind),
            (1, SynchroRowKind::WrongDateFormat)
        );
        assert_eq!(report.synchro, Some(clean_synchro(3, 2)));
    }

    #[test]
    fn synchronize0_has_no_synchro() {
        let report = report("http_post_basic_synchronize0", OutputMode::Summary);
        let import = report.import.as_ref().expect("summary");
        assert!(!import.synchronize);
        assert_eq!((import.data_lines, import.updated), (1, 1));
        assert_eq!(report.synchro, None);
    }

    #[test]
    fn retcode_follows_the_synchro_summary() {
        for case in ["cli_retcode", "http_post_basic_retcode"] {
            let report = report(case, OutputMode::Retcode);
            assert_eq!((report.issues, report.import.clone()), (0, None), "{case}");
            assert_eq!(report.synchro, Some(clean_synchro(10, 3)), "{case}");
            assert!(!report.has_issues(), "{case}");
        }
    }

    #[test]
    fn refused_synchronization_is_not_allowed_and_tells_the_load() {
        let needle = "load done (created 0, updated 3), synchronization failed: \
                      Only adminstrators or the user specified in the data source";
        failure(
            "http_post_reader_not_owner",
            OutputMode::Summary,
            "NotAllowed",
            needle,
        );
    }

    #[test]
    fn chunk_child_error_keeps_its_continuation_line() {
        let needle = "synchronization failed: Encountered an error in an underspinned process:\n\
                      -> Access restricted or wrong credentials ('syncuser')";
        let case = "cli_max_chunk_size_syncuser_special_pwd";
        failure(case, OutputMode::Summary, "Server", needle);
    }

    #[test]
    fn failures_are_classified() {
        failure(
            "http_basic_wrong_password",
            OutputMode::Summary,
            "Auth",
            "Invalid login",
        );
        failure(
            "http_post_portal_user",
            OutputMode::Summary,
            "Auth",
            "Portal user is not allowed",
        );
        failure(
            "http_post_missing_data_source_id",
            OutputMode::Summary,
            "BadRequest",
            "Missing argument 'data_source_id'",
        );
        failure(
            "http_post_unknown_data_source",
            OutputMode::Summary,
            "BadRequest",
            "Unknown data source id: '999'",
        );
        failure(
            "http_post_bom_default_utf8",
            OutputMode::Summary,
            "BadRequest",
            "Unknown column '\u{feff}primary_key'",
        );
        failure(
            "http_post_sql_error_stop",
            OutputMode::Details,
            "Server",
            "MySQLException: Failed to issue SQL query",
        );
    }

    fn cli(text: &str) -> RawAnswer {
        RawAnswer {
            service: Service::SynchroImport,
            channel: Channel::Cli {
                exit_code: Some(0),
                stderr: String::new(),
            },
            body: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn retcode_error_line_replaces_the_number() {
        let answer = cli("#Unknown data source id: '7'");
        let err = interpret_synchro_import(&answer, OutputMode::Retcode).expect_err("error");
        assert_error(&err, &answer, "BadRequest", "Unknown data source id: '7'");
    }

    #[test]
    fn missing_synchro_summary_is_unexpected() {
        let text = load(Service::SynchroImport, "cli_ok_summary")
            .text()
            .replace("#Replica disappeared, no action taken: 0\n", "");
        let answer = cli(&text);
        let err = interpret_synchro_import(&answer, OutputMode::Summary).expect_err("truncated");
        assert_error(
            &err,
            &answer,
            "Unexpected",
            "incomplete synchronization summary",
        );
    }

    #[test]
    fn synchro_error_without_counters_is_an_error() {
        let answer = cli("ERROR: There is no attribute to update\n0");
        let err = interpret_synchro_import(&answer, OutputMode::Retcode).expect_err("no counters");
        assert_error(&err, &answer, "Server", "There is no attribute to update");
    }

    #[test]
    fn display_is_compact() {
        let text = report("http_post_server_date_format", OutputMode::Details).to_string();
        assert_eq!(
            text,
            "load into data source 2 (Server): 2 line(s), created 0, updated 2, issues 0\n\
             \x20   0: Update entry, reconciliation: '`primary_key` = 'SRV-1''\n\
             \x20   1: Update entry, reconciliation: '`primary_key` = 'SRV-2''\n\
             \x20   1: Wrong format for DATE column 4: '2024-12-25' does not match the expected \
             format: 'd/m/Y' (column skipped)\n\
             synchronization: replicas 3 (touched 2), created 0, updated 0, reconciled 0+0, \
             deleted 0, obsoleted 0, errors 0\n"
        );
    }
}
