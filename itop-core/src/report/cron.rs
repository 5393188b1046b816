//! `webservices/cron.php`: a run between `Starting:` and `Exiting:`, or the
//! task status table (PROTOCOL §2.2, decision rule §2.3).

use std::fmt;

use crate::answer::RawAnswer;
use crate::error::Result;

use super::classify::{Kind, fail, interpret, message_kind, strip_error_prefix};

/// One row of the task status table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CronTaskStatus {
    /// The task class, cut by iTop to 25 characters.
    pub class: String,
    /// `active`, `paused` or `removed`.
    pub status: String,
    /// Last run (`Y-m-d H:i:s`, server time zone), if any.
    pub last_run: Option<String>,
    /// Next planned run, if any.
    pub next_run: Option<String>,
    /// How many times the task ran.
    pub runs: u64,
    /// Average duration of a run, in seconds.
    pub avg_seconds: f64,
}

/// What `cron.php` printed.
///
/// A run has `exited` set, or `already_running` (another run held the lock:
/// skipped, not failed). A status-only call has the `status_table` (over
/// HTTP iTop answers `status_only=1` with an empty page: the report is then
/// empty, and only the caller knows whether that was expected).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct CronReport {
    /// Unix time of the `Starting:` line.
    pub started: Option<i64>,
    /// Unix time of the `Exiting:` line.
    pub exited: Option<i64>,
    /// `Already running...`: nothing was done.
    pub already_running: bool,
    /// The 6-column status table (the last one printed).
    pub status_table: Vec<CronTaskStatus>,
    /// Lines starting with `ERROR` or `Error:` in a run that went on (a task
    /// threw; the loop continued): a partial failure.
    pub errors: Vec<String>,
    /// Every line, as printed (verbose progress included).
    pub lines: Vec<String>,
}

impl CronReport {
    /// True when the report holds nothing (HTTP `status_only=1`).
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// True when a run ended normally and no task reported an error.
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }
}

impl fmt::Display for CronReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.already_running {
            writeln!(f, "skipped: another cron run is active")?;
        } else if let (Some(start), Some(end)) = (self.started, self.exited) {
            writeln!(f, "cron ran {}s ({start} -> {end})", end - start)?;
        } else if self.is_empty() {
            writeln!(f, "cron: empty answer")?;
        } else if self.status_table.is_empty() && self.errors.is_empty() {
            // The status table's frame came, without rows.
            writeln!(
                f,
                "cron: no background task has run yet (empty status table)"
            )?;
        }
        for task in &self.status_table {
            let last = task.last_run.as_deref().unwrap_or("-");
            let next = task.next_run.as_deref().unwrap_or("-");
            writeln!(
                f,
                "{:<25} {:<7} last {last:<19} next {next:<19} runs {:>6} avg {:.3} s",
                task.class, task.status, task.runs, task.avg_seconds
            )?;
        }
        for error in &self.errors {
            writeln!(f, "error: {error}")?;
        }
        Ok(())
    }
}

/// Interprets a `cron.php` answer.
///
/// Success: an `Exiting:` line (a run; task errors are kept in
/// [`CronReport::errors`]), `Already running...`, a status table, or an empty
/// HTTP page (`status_only=1`).
///
/// # Errors
///
/// [`Error::Auth`](crate::Error::Auth) for wrong credentials or a login page,
/// [`Error::NotAllowed`](crate::Error::NotAllowed) for a non-administrator,
/// [`Error::BadRequest`](crate::Error::BadRequest) for the usage text,
/// [`Error::Server`](crate::Error::Server) for a run that stopped without
/// `Exiting:`, read-only or maintenance mode, a fatal error or exit 254/255,
/// [`Error::Unexpected`](crate::Error::Unexpected) otherwise.
pub fn interpret_cron(answer: &RawAnswer) -> Result<CronReport> {
    interpret(answer, |lines| {
        let report = read_report(lines);
        decide(answer, report)
    })
}

fn read_report(lines: &[String]) -> CronReport {
    let mut report = CronReport {
        lines: lines.to_vec(),
        ..CronReport::default()
    };
    for line in lines {
        if let Some(rest) = line.strip_prefix("Starting: ") {
            report.started = report.started.or_else(|| unix_time(rest));
        } else if let Some(rest) = line.strip_prefix("Exiting: ") {
            report.exited = unix_time(rest);
        } else if line == "Already running..." {
            report.already_running = true;
        } else if line.starts_with("ERROR") || line.starts_with("Error:") {
            report.errors.push(line.clone());
        } else if is_status_header(line) {
            report.status_table.clear();
        } else if let Some(task) = status_row(line) {
            report.status_table.push(task);
        }
    }
    report
}

fn decide(answer: &RawAnswer, report: CronReport) -> Result<CronReport> {
    if report.exited.is_some() || report.already_running {
        return Ok(report);
    }
    if report.started.is_some() {
        let why = report
            .errors
            .last()
            .map_or("the run stopped before `Exiting:`", String::as_str);
        return Err(fail(answer, Kind::Server(None), why));
    }
    let has_table = report.lines.iter().any(|line| is_status_header(line));
    if (has_table && report.errors.is_empty()) || (report.is_empty() && answer.is_http()) {
        return Ok(report);
    }
    let Some(first) = report.lines.iter().find(|line| !line.trim().is_empty()) else {
        return Err(fail(answer, Kind::Unexpected, "empty output"));
    };
    let message = strip_error_prefix(first);
    let fallback = match first.as_str() {
        "iTop is read-only. Exiting..." | "iTop is not yet installed. Exiting..." => {
            Kind::Server(None)
        }
        _ if first.starts_with("ERROR") || first.starts_with("Error:") => Kind::Server(None),
        _ => Kind::Unexpected,
    };
    Err(fail(
        answer,
        message_kind(message).unwrap_or(fallback),
        message,
    ))
}

/// `<unix> (<date>)`.
fn unix_time(rest: &str) -> Option<i64> {
    rest.split_whitespace().next()?.parse().ok()
}

fn is_status_header(line: &str) -> bool {
    line.starts_with("| Task Class") && line.contains("| Avg. Dur. |")
}

/// `| class | status | last | next | runs | avg s |` (6 cells).
fn status_row(line: &str) -> Option<CronTaskStatus> {
    let cells: Vec<&str> = line
        .strip_prefix('|')?
        .strip_suffix('|')?
        .split('|')
        .map(str::trim)
        .collect();
    let [class, status, last_run, next_run, runs, avg] = cells.as_slice() else {
        return None;
    };
    let optional = |cell: &str| (!cell.is_empty()).then(|| cell.to_owned());
    Some(CronTaskStatus {
        class: (*class).to_owned(),
        status: (*status).to_owned(),
        last_run: optional(last_run),
        next_run: optional(next_run),
        runs: runs.parse().ok()?,
        avg_seconds: avg.strip_suffix(" s")?.trim().parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Service;
    use crate::report::testutil::{assert_error, cases, load};

    fn run(case: &str) -> Result<CronReport> {
        interpret_cron(&load(Service::Cron, case))
    }

    fn failure(case: &str, expected: &str, needle: &str) {
        let answer = load(Service::Cron, case);
        let err = interpret_cron(&answer).expect_err(case);
        assert_error(&err, &answer, expected, needle);
    }

    #[test]
    fn every_fixture_has_a_test() {
        let tested = [
            "cli_debug_status_only",
            "cli_missing_auth",
            "cli_quiet_run",
            "cli_second_instance_already_running",
            "cli_verbose_full_run",
            "cli_wrong_password",
            "http_basic_portal_user",
            "http_basic_reader_not_admin",
            "http_get_basic_status_only",
            "http_no_credentials",
            "http_post_form_quiet_run",
        ];
        assert_eq!(cases(Service::Cron), tested);
    }

    #[test]
    fn quiet_run_gives_start_and_exit() {
        let report = run("cli_quiet_run").expect("run");
        assert_eq!(report.started, Some(1_796_393_968));
        assert_eq!(report.exited, Some(1_796_393_988));
        assert!(!report.already_running);
        assert!(report.status_table.is_empty());
        assert!(report.is_clean());
        assert_eq!(report.lines.len(), 2);
    }

    #[test]
    fn http_run_is_read_from_the_page() {
        let report = run("http_post_form_quiet_run").expect("run");
        assert_eq!(report.started, Some(1_796_394_033));
        assert_eq!(report.exited, Some(1_796_394_054));
        assert_eq!(
            report.lines,
            [
                "Starting: 1796394033 (2026-12-04 15:20:33)",
                "Exiting: 1796394054 (2026-12-04 15:20:54)"
            ]
        );
    }

    #[test]
    fn verbose_run_keeps_the_final_status_table() {
        let report = run("cli_verbose_full_run").expect("run");
        assert_eq!(report.started, Some(1_796_393_947));
        assert_eq!(report.exited, Some(1_796_393_967));
        assert_eq!(report.status_table.len(), 10);
        let first = &report.status_table[0];
        assert_eq!(first.class, "InlineImageGC");
        assert_eq!((first.runs, first.avg_seconds), (10, 0.005));
        let backup = &report.status_table[6];
        assert_eq!(backup.class, "BackupExec");
        assert_eq!(backup.last_run, None);
        assert_eq!(backup.next_run.as_deref(), Some("2026-12-04 23:30:00"));
        assert!(report.errors.is_empty());
    }

    #[test]
    fn status_only_gives_the_table() {
        let report = run("cli_debug_status_only").expect("status");
        assert_eq!(report.started, None);
        assert_eq!(report.status_table.len(), 10);
        let noti = &report.status_table[3];
        assert_eq!(noti.class, "Combodo\\iTop\\Service\\Noti");
        assert_eq!(noti.status, "active");
        assert_eq!(noti.last_run.as_deref(), Some("2026-12-04 15:19:07"));
        let exec = &report.status_table[6];
        assert_eq!(
            (exec.class.as_str(), exec.runs, exec.avg_seconds),
            ("ExecAsyncTask", 30, 0.004)
        );
    }

    #[test]
    fn http_status_only_is_an_empty_report() {
        let report = run("http_get_basic_status_only").expect("empty page");
        assert!(report.is_empty());
        assert_eq!(report, CronReport::default());
    }

    #[test]
    fn second_instance_is_skipped_not_failed() {
        let report = run("cli_second_instance_already_running").expect("skip");
        assert!(report.already_running);
        assert_eq!(report.exited, Some(1_796_393_991));
    }

    #[test]
    fn failures_are_classified() {
        failure(
            "cli_wrong_password",
            "Auth",
            "Access wrong credentials ('admin')",
        );
        failure("http_no_credentials", "Auth", "login page");
        failure("http_basic_portal_user", "Auth", "portal");
        failure(
            "http_basic_reader_not_admin",
            "NotAllowed",
            "Access restricted to administrators",
        );
        failure(
            "cli_missing_auth",
            "BadRequest",
            "Missing argument 'auth_user'",
        );
    }

    fn cli(text: &str, exit: i32) -> RawAnswer {
        RawAnswer {
            service: Service::Cron,
            channel: crate::Channel::Cli {
                exit_code: Some(exit),
                stderr: String::new(),
            },
            body: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn task_errors_are_kept_in_a_finished_run() {
        let text = "Starting: 1 (x)\nERROR : an exception was thrown when processing 'T' (i)\nExiting: 5 (y)";
        let report = interpret_cron(&cli(text, 0)).expect("run");
        assert_eq!(
            report.errors,
            ["ERROR : an exception was thrown when processing 'T' (i)"]
        );
        assert!(!report.is_clean());
    }

    #[test]
    fn run_without_exiting_is_a_server_error() {
        let text = "Starting: 1 (x)\nERROR : 'MySQL has gone away' thrown when processing T  (error_code=2006)\n";
        let answer = cli(text, 254);
        let err = interpret_cron(&answer).expect_err("stopped");
        assert_error(&err, &answer, "Server", "MySQL has gone away");
    }

    #[test]
    fn read_only_mode_is_a_server_error() {
        let answer = cli("iTop is read-only. Exiting...\n", 255);
        let err = interpret_cron(&answer).expect_err("read-only");
        assert_error(&err, &answer, "Server", "read-only");
    }

    #[test]
    fn display_is_compact() {
        let text = run("cli_second_instance_already_running")
            .expect("skip")
            .to_string();
        assert_eq!(text, "skipped: another cron run is active\n");
    }
}
