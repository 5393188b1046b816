//! What the command prints, and the exit code.
//!
//! Exit codes (also in the README and `docs/cli.md`):
//! 0 success, 1 local error, 2 usage, 3 authentication failed, 4 not
//! allowed, 5 request rejected, 6 done with rows or objects in error,
//! 7 transport, 8 server error or unrecognised answer.

use std::{
    io::{self, Write},
    path::Path,
    process::ExitCode,
};

use itop_core::{
    ChunkedImport, ChunkedSynchroImport, CronReport, Error, ExportOutcome, ImportReport,
    Interruption, SynchroExecReport, SynchroImportReport, report::PageKind,
};
use serde_json::{Value, json};

use crate::setup::UsageError;

/// Exit code: done, but some rows or objects are in error.
pub const EXIT_ROWS_IN_ERROR: u8 = 6;

/// The result of a subcommand: a report for people, one for scripts, and
/// the exit code.
pub struct Outcome {
    pub human: String,
    pub json: Value,
    pub exit: u8,
    /// Lines for stderr (errors and hints beside a partial report).
    pub stderr: Vec<String>,
}

impl Outcome {
    fn new(human: String, mut json: Value, in_error: bool) -> Outcome {
        // `ok` says the same as the exit code: rows in error are not ok.
        if in_error {
            json["ok"] = Value::Bool(false);
        }
        Outcome {
            human,
            json,
            exit: if in_error { EXIT_ROWS_IN_ERROR } else { 0 },
            stderr: Vec::new(),
        }
    }

    /// With `verbose` (iTop's own progress asked for), every line iTop
    /// printed comes before the summary.
    pub fn cron(report: CronReport, verbose: bool) -> Outcome {
        let in_error = !report.errors.is_empty();
        let mut human = String::new();
        if verbose {
            for line in &report.lines {
                human.push_str(line);
                human.push('\n');
            }
        }
        human.push_str(&report.to_string());
        Outcome::new(human, json!({"ok": true, "cron": report}), in_error)
    }

    pub fn synchro_exec(report: SynchroExecReport) -> Outcome {
        let in_error = report.has_errors();
        Outcome::new(
            report.to_string(),
            json!({"ok": true, "synchro_exec": report}),
            in_error,
        )
    }

    pub fn synchro_import(report: SynchroImportReport) -> Outcome {
        let synchro_errors = report.synchro.as_ref().is_some_and(|s| s.has_errors());
        let in_error = report.has_issues() || synchro_errors;
        Outcome::new(
            report.to_string(),
            json!({"ok": true, "synchro_import": report}),
            in_error,
        )
    }

    pub fn import(report: ImportReport) -> Outcome {
        let in_error = report.has_issues();
        Outcome::new(
            report.to_string(),
            json!({"ok": true, "import": report}),
            in_error,
        )
    }

    pub fn chunked_import(done: ChunkedImport) -> Outcome {
        let nothing_reported = done.chunks == 0;
        let nothing_to_send = nothing_reported && done.interrupted.is_none();
        let mut outcome = Outcome::import(done.report);
        if nothing_reported {
            // No chunk went through: an empty report would read as success.
            outcome.human.clear();
        }
        if nothing_to_send {
            outcome
                .human
                .push_str("import: the CSV holds a header and no data row: nothing was sent\n");
        }
        add_chunk_story(
            &mut outcome,
            done.chunks,
            &done.notes,
            done.interrupted.as_ref(),
        );
        outcome
    }

    pub fn chunked_synchro_import(done: ChunkedSynchroImport) -> Outcome {
        let has_issues = done.has_issues();
        let mut human = done.load.to_string();
        if done.chunks == 0 && done.interrupted.is_none() {
            human = "synchro-import: the CSV holds a header and no data row: nothing was \
                     loaded\n"
                .to_owned();
        }
        // Told as a single upload tells it (one data source), so that logs
        // read the same whatever the file's size.
        if let Some(synchro) = &done.synchro {
            for run in &synchro.sources {
                human.push_str(&format!("synchronization: {}\n", run.counters));
            }
            for note in &synchro.notes {
                human.push_str(&format!("note: {note}\n"));
            }
        }
        let json = json!({"ok": true, "synchro_import": done.load, "synchro_exec": done.synchro});
        let mut outcome = Outcome::new(human, json, has_issues);
        let story = (done.chunks, &done.notes, done.interrupted.as_ref());
        add_chunk_story(&mut outcome, story.0, story.1, story.2);
        outcome
    }

    pub fn export(outcome: ExportOutcome, path: Option<&Path>) -> Outcome {
        // Data went to stdout: say nothing more there.
        let human = match path {
            Some(path) => format!("exported {} bytes to {}\n", outcome.bytes, path.display()),
            None => String::new(),
        };
        let json = json!({
            "ok": true,
            "export": {"bytes": outcome.bytes, "path": path, "content_type": outcome.content_type},
        });
        let mut outcome = Outcome::new(human, json, false);
        if path.is_none() {
            // The export itself is on stdout; JSON would corrupt it.
            outcome.json = Value::Null;
        }
        outcome
    }

    /// Prints the report and gives the exit code. A closed stdout (`| head`)
    /// is not an error.
    pub fn print(self, json: bool) -> ExitCode {
        let text = if json && !self.json.is_null() {
            format!("{}\n", self.json)
        } else {
            self.human
        };
        let mut stdout = io::stdout().lock();
        let written = stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush());
        drop(stdout);
        for line in &self.stderr {
            warn(line);
        }
        match written {
            Err(err) if err.kind() != io::ErrorKind::BrokenPipe => {
                warn(&format!("error: writing the report: {err}"));
                ExitCode::from(1)
            }
            _ => ExitCode::from(self.exit),
        }
    }
}

/// Adds what the chunks tell to an outcome: notes, and where an
/// interrupted upload stopped (then the exit code is the failure's).
fn add_chunk_story(
    outcome: &mut Outcome,
    chunks: u64,
    notes: &[String],
    stop: Option<&Interruption>,
) {
    for note in notes {
        outcome.human.push_str(&format!("note: {note}\n"));
    }
    outcome.json["chunks"] = json!(chunks);
    outcome.json["notes"] = json!(notes);
    let Some(stop) = stop else { return };
    // Nothing went through: the failure is told as for a single call.
    let whole_story = chunks > 0 || !stop.committed.is_empty() || !stop.uncertain.is_empty();
    if whole_story {
        outcome.stderr.push(format!("error: {stop}"));
        // The counters above cover only what got through: say so where
        // they are read (a log of stdout alone), not only on stderr.
        outcome.human.push_str(&format!("INCOMPLETE: {stop}\n"));
    } else {
        outcome
            .stderr
            .push(format!("error: {}", chain(&stop.error)));
    }
    if let Some(raw) = stop.error.raw_response() {
        outcome.stderr.push(format!(
            "--- iTop answered:\n{}\n---",
            excerpt(raw.trim_end())
        ));
    }
    if let Some(line) = stop.resume_from_line.filter(|_| !stop.committed.is_empty()) {
        outcome
            .stderr
            .push(format!("hint: run again with --resume-from-line {line}"));
    }
    let (code, kind) = classify(&stop.error);
    if kind == "transport"
        && let Some(hint) = transport_hint(&chain(&stop.error))
    {
        outcome.stderr.push(hint);
    }
    outcome.exit = code.max(1);
    outcome.json["ok"] = json!(false);
    outcome.json["error"] = error_json(&stop.error, kind);
    outcome.json["interrupted"] = json!({
        "chunk": stop.chunk,
        "kind": kind,
        "error": chain(&stop.error),
        "raw": stop.error.raw_response(),
        "committed_rows": [stop.committed.start, stop.committed.end],
        "uncertain_rows": [stop.uncertain.start, stop.uncertain.end],
        "resume_from_line": stop.resume_from_line,
    });
}

/// The `error` object of `--json` output.
fn error_json(err: &(dyn std::error::Error + 'static), kind: &str) -> Value {
    let core = err.downcast_ref::<Error>();
    json!({
        "kind": kind,
        "message": chain(err),
        "service": core.and_then(Error::service),
        "raw": core.and_then(Error::raw_response),
    })
}

/// Writes a line on stderr; a closed stderr is not worth a panic (the
/// exit code still tells what happened).
pub fn warn(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// The error and its causes, joined by `: `.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The exit code and a kind name for an error.
fn classify(err: &(dyn std::error::Error + 'static)) -> (u8, &'static str) {
    if err.is::<UsageError>() {
        return (2, "usage");
    }
    if let Some(io) = err.downcast_ref::<io::Error>()
        && io.kind() == io::ErrorKind::BrokenPipe
    {
        return (0, "broken_pipe");
    }
    match err.downcast_ref::<Error>() {
        Some(Error::Auth { .. }) => (3, "auth"),
        Some(Error::NotAllowed { .. }) => (4, "not_allowed"),
        Some(Error::BadRequest { .. } | Error::InvalidRequest { .. }) => (5, "bad_request"),
        Some(Error::Transport { .. } | Error::Process { .. }) => (7, "transport"),
        Some(Error::Server { .. } | Error::Unexpected { .. }) => (8, "server"),
        Some(Error::Cancelled) => (130, "interrupted"),
        Some(Error::Io { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => {
            (0, "broken_pipe")
        }
        _ => (1, "local"),
    }
}

/// The first lines of a long answer (login pages run to 12 KB).
fn excerpt(raw: &str) -> String {
    const KEEP: usize = 1500;
    // iTop's full pages put the message in the page container, among
    // kilobytes of scripts and styles: show its text only (`--json` keeps
    // the whole answer).
    const CONTAINER: &str = "<div id=\"ibo-page-container\">";
    let text;
    let raw = if raw.contains(CONTAINER) {
        text = itop_core::report::normalize(raw, PageKind::FullPage).join("\n");
        if text.trim().is_empty() {
            raw
        } else {
            text.as_str()
        }
    } else {
        raw
    };
    if raw.len() <= KEEP {
        return raw.to_owned();
    }
    let mut end = KEEP;
    while !raw.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}\n[... {} more bytes; --json shows them all]",
        &raw[..end],
        raw.len() - end
    )
}

/// The iTop the command talks to (its URL), for transport hints.
static TARGET: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Records the iTop the command talks to (see [`transport_hint`]).
pub fn set_target(url: &str) {
    let _ = TARGET.set(url.to_owned());
}

/// What to check when the transport failed: the transport's own words
/// name neither the URL nor the time limit.
fn transport_hint(message: &str) -> Option<String> {
    if message.contains("timeout") {
        return Some(
            "hint: no complete answer in the time allowed: give more with --timeout SECONDS"
                .to_owned(),
        );
    }
    let target = TARGET.get()?;
    Some(format!(
        "hint: could not talk to {target}: check --url, the network, and the proxy \
         (--proxy, --no-proxy, HTTPS_PROXY)"
    ))
}

/// The name of the OQL argument iTop says is missing (`Missing parameter
/// '--arg_<name>'`, as export-v2.php puts it).
fn missing_oql_argument(message: &str) -> Option<&str> {
    let rest = message.split("Missing parameter '--arg_").nth(1)?;
    rest.split('\'').next().filter(|name| !name.is_empty())
}

/// Prints an error on stderr (and as JSON on stdout with `--json`); gives
/// the exit code.
pub fn print_error(err: &(dyn std::error::Error + 'static), json: bool) -> ExitCode {
    let (code, kind) = classify(err);
    if code == 0 {
        return ExitCode::SUCCESS;
    }
    let message = chain(err);
    let core = err.downcast_ref::<Error>();
    warn(&format!("error: {message}"));
    if let Some(raw) = core.and_then(Error::raw_response) {
        warn(&format!(
            "--- iTop answered:\n{}\n---",
            excerpt(raw.trim_end())
        ));
    }
    if kind == "transport"
        && let Some(hint) = transport_hint(&message)
    {
        warn(&hint);
    }
    if let Some(name) = missing_oql_argument(&message) {
        warn(&format!(
            "hint: give the query's :{name} with --arg {name}=VALUE"
        ));
    }
    if json {
        let value = json!({"ok": false, "error": error_json(err, kind)});
        let mut stdout = io::stdout().lock();
        let _ = writeln!(stdout, "{value}");
    }
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::missing_oql_argument;

    #[test]
    fn a_timeout_hints_at_the_time_limit() {
        let hint = super::transport_hint("cron: transport failed: timeout: global");
        assert!(hint.is_some_and(|h| h.contains("--timeout")));
    }

    #[test]
    fn the_missing_oql_argument_is_named() {
        let message = "export-v2: request rejected: Invalid OQL query: 'SELECT Person WHERE \
                       org_id = :org'.\nMissing parameter '--arg_org'";
        assert_eq!(missing_oql_argument(message), Some("org"));
        assert_eq!(
            missing_oql_argument("Missing parameter '--auth_user'"),
            None
        );
        assert_eq!(missing_oql_argument("Missing parameter '--arg_'"), None);
    }
}
