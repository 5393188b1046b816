//! The report of `itop params check`: what iTop will read, then every
//! finding.

use std::fmt::Write as _;

use super::finding::Finding;
use super::map::{Origin, Params};
use super::text::{shown_key, shown_value};

/// The text `itop params check` prints: the values iTop will read (secret
/// values as `***`, invisible characters escaped), each with where it
/// comes from, then each finding as `file:line:col: severity: message`,
/// then a count.
///
/// The command should exit non-zero when any finding
/// [`is_change`](Finding::is_change).
///
/// ```
/// use std::path::Path;
/// use itop_core::params::{Params, render_check};
///
/// let params = Params::parse(b"auth_pwd = s3cr#et\n", Path::new("a.params"));
/// let findings = params.lint(None);
/// let report = render_check(&params, &findings);
/// assert!(report.starts_with("auth_pwd = ***  (a.params:1:12)\n"));
/// assert!(report.contains("a.params:1:16: changed: value cut at `#`"));
/// ```
pub fn render_check(params: &Params, findings: &[Finding]) -> String {
    let mut out = String::new();
    let lines: Vec<(String, String)> = params
        .iter()
        .map(|(key, value)| {
            let origin = params.origin(key).map(where_from).unwrap_or_default();
            let shown = format!("{} = {}", shown_key(key), shown_value(key, value));
            (shown.trim_end().to_owned(), origin)
        })
        .collect();
    // Origins line up, but for values too long to be worth the blanks.
    let width = lines
        .iter()
        .map(|(shown, _)| shown.chars().count())
        .filter(|&width| width <= ALIGN_UP_TO)
        .max()
        .unwrap_or(0);
    for (shown, origin) in &lines {
        let pad = " ".repeat(width.saturating_sub(shown.chars().count()));
        // Writing to a String cannot fail.
        let _ = writeln!(out, "{shown}{pad}  ({origin})");
    }
    if lines.is_empty() {
        out.push_str("(iTop reads no value from these files)\n");
    }
    out.push('\n');
    for finding in findings {
        let _ = writeln!(out, "{finding}");
    }
    out.push_str(&summary(findings));
    out
}

/// The widest `key = value` that the origins are aligned after.
const ALIGN_UP_TO: usize = 60;

/// `path:line:col`, or `command line` for values set in code.
fn where_from(origin: &Origin) -> String {
    match &origin.path {
        Some(path) => format!("{}:{}:{}", path.display(), origin.line, origin.column),
        None => "command line".to_owned(),
    }
}

/// The closing count.
fn summary(findings: &[Finding]) -> String {
    let changes = findings.iter().filter(|f| f.is_change()).count();
    let warnings = findings.len() - changes;
    match (changes, warnings) {
        (0, 0) => "no findings: iTop reads what is written\n".to_owned(),
        (0, _) => format!("{warnings} warning(s); iTop does what is written\n"),
        _ => format!(
            "{changes} finding(s) where iTop will not do what is written, {warnings} \
             warning(s)\n"
        ),
    }
}
