//! `webservices/import.php`: header lines, counters, optional `details`
//! table; or the bare `retcode` number (PROTOCOL §5.3, decision rule §5.4).

use std::fmt;

use crate::answer::RawAnswer;
use crate::error::Result;

use super::classify::{Kind, fail, fail_with_message, interpret, strip_error_prefix};
use super::import_rows::{ImportRow, read_table};
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
    let table = read_table(&lines[end + 1..]);
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
        columns: list(text("Columns")),
        reconciliation_keys: list(text("Reconciliation Keys")),
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

fn list(value: Option<&str>) -> Vec<String> {
    match value.map(str::trim) {
        Some(value) if !value.is_empty() => value.split(", ").map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}
