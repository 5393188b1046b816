//! `synchro/synchro_exec.php`: one block per data source (PROTOCOL §3.2,
//! decision rule §3.4).

use std::fmt;

use crate::answer::RawAnswer;
use crate::error::Result;

use super::classify::{Kind, fail, interpret, message_kind, strip_error_prefix};
use super::counters::{CounterReader, LAST_LABEL, SynchroCounters};

/// The synchronization of one data source.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceRun {
    /// The data source id.
    pub id: u32,
    /// Its name (HTML entities decoded).
    pub name: String,
    /// The `ERROR:` text of a run that failed. Always `None` in a report
    /// returned by [`interpret_synchro_exec`], which fails instead.
    pub error: Option<String>,
    /// `#…` trace lines (config `synchro_trace` on), without the `#`.
    pub traces: Vec<String>,
    /// The 14 counters.
    pub counters: SynchroCounters,
}

/// What `synchro_exec.php` did, one entry per data source, in the order
/// requested.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SynchroExecReport {
    /// One run per data source.
    pub sources: Vec<SourceRun>,
    /// Lines kept for information (`Unable to send mail: …`).
    pub notes: Vec<String>,
}

impl SynchroExecReport {
    /// The sum of the `… errors` counters of every source.
    pub fn error_total(&self) -> u64 {
        self.sources
            .iter()
            .map(|run| run.counters.error_total())
            .sum()
    }

    /// True when some object could not be created, updated, deleted… (a
    /// partial failure to report).
    pub fn has_errors(&self) -> bool {
        self.error_total() > 0
    }
}

impl fmt::Display for SynchroExecReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for run in &self.sources {
            writeln!(f, "data source {} ({}): {}", run.id, run.name, run.counters)?;
        }
        for note in &self.notes {
            writeln!(f, "note: {note}")?;
        }
        Ok(())
    }
}

/// Interprets a `synchro_exec.php` answer for the ids `requested`.
///
/// Each requested id must have a block of 14 counters without `ERROR:`;
/// `… errors` counters above zero are a partial failure, reported in the
/// counters (see [`SynchroExecReport::has_errors`]).
///
/// iTop goes on after a source that fails with `ERROR:`, and stops at an
/// unknown id after synchronizing the sources before it (PROTOCOL §3.2).
/// The error then says what was done all the same: its message goes on with
/// one line per source synchronized (`data source 1 (<name>) synchronized:
/// <counters>`), per other failure, and per requested source not run.
///
/// # Errors
///
/// [`Error::Auth`](crate::Error::Auth) for login failures,
/// [`Error::BadRequest`](crate::Error::BadRequest) for an unknown data source
/// or the usage text, [`Error::NotAllowed`](crate::Error::NotAllowed) when a
/// source may not be run by this account, [`Error::Server`](crate::Error::Server)
/// for any other `ERROR:` of a source or a PHP fatal error,
/// [`Error::Unexpected`](crate::Error::Unexpected) when a requested id has no
/// complete block or a line is not understood. The first failure in the
/// output gives the variant.
pub fn interpret_synchro_exec(answer: &RawAnswer, requested: &[u32]) -> Result<SynchroExecReport> {
    interpret(answer, |lines| {
        let reading = read_blocks(lines);
        check_report(answer, reading, requested)
    })
}

/// A block being read.
#[derive(Debug)]
struct Block {
    id: u32,
    name: String,
    error: Option<String>,
    traces: Vec<String>,
    counters: CounterReader,
    done: bool,
}

/// Why the reading stopped before the end of the answer.
#[derive(Debug)]
struct Stop {
    kind: Kind,
    message: String,
}

/// What the answer holds: the blocks read, the lines kept as notes, and
/// what stopped the reading, if anything did.
#[derive(Debug, Default)]
struct Reading {
    blocks: Vec<Block>,
    notes: Vec<String>,
    stop: Option<Stop>,
}

/// Reads the blocks up to the end, an unknown data source (iTop exits
/// there) or a line that does not fit.
// TODO(#7): iTop 2.6 prints no `Working on` line (unlabelled blocks in list
// order); such answers are refused as Unexpected for now.
fn read_blocks(lines: &[String]) -> Reading {
    let mut reading = Reading::default();
    for line in lines {
        let stop = if let Some(block) = start_block(line) {
            reading.blocks.push(block);
            None
        } else if is_unknown_source(line) {
            Some(Stop {
                kind: Kind::BadRequest,
                message: strip_error_prefix(line).to_owned(),
            })
        } else if line.starts_with("Unable to send mail") {
            reading.notes.push(line.clone());
            None
        } else {
            match reading.blocks.last_mut() {
                Some(block) => block_line(block, line).err(),
                None => Some(before_blocks(line)),
            }
        };
        if stop.is_some() {
            reading.stop = stop;
            break;
        }
    }
    reading
}

/// `Working on <name> (id=<id>)...`
fn start_block(line: &str) -> Option<Block> {
    let rest = line.strip_prefix("Working on ")?.strip_suffix(")...")?;
    let (name, id) = rest.rsplit_once(" (id=")?;
    Some(Block {
        id: id.parse().ok()?,
        name: name.to_owned(),
        error: None,
        traces: Vec::new(),
        counters: CounterReader::default(),
        done: false,
    })
}

fn is_unknown_source(line: &str) -> bool {
    line.starts_with("ERROR: The data source (id=") && line.contains("does not exist")
}

fn unexpected_line(line: &str) -> Stop {
    Stop {
        kind: Kind::Unexpected,
        message: format!("unexpected line: {line}"),
    }
}

/// A line inside a block: trace, `ERROR:` (and its continuation lines),
/// counter, or unrecognised text (an exception printed raw: an error).
fn block_line(block: &mut Block, line: &str) -> std::result::Result<(), Stop> {
    if block.done {
        return Err(unexpected_line(line));
    }
    if block.counters.take(line) {
        block.done = line.trim_start_matches('#').starts_with(LAST_LABEL);
        return Ok(());
    }
    if block.counters.started() {
        return Err(unexpected_line(line));
    }
    match (&mut block.error, line.strip_prefix("ERROR: ")) {
        (None, Some(text)) => block.error = Some(text.to_owned()),
        (Some(error), _) => {
            error.push('\n');
            error.push_str(line);
        }
        (None, None) => match line.strip_prefix('#') {
            Some(trace) => block.traces.push(trace.to_owned()),
            None => block.error = Some(line.to_owned()),
        },
    }
    Ok(())
}

/// A line before any `Working on`: the usage text or an unknown answer.
fn before_blocks(line: &str) -> Stop {
    let message = strip_error_prefix(line);
    let fallback = if line.starts_with("ERROR") {
        Kind::Server(None)
    } else {
        Kind::Unexpected
    };
    Stop {
        kind: message_kind(message).unwrap_or(fallback),
        message: message.to_owned(),
    }
}

/// The decision rule of §3.4 over the blocks read.
fn check_report(
    answer: &RawAnswer,
    reading: Reading,
    requested: &[u32],
) -> Result<SynchroExecReport> {
    if let Some(failure) = first_failure(&reading) {
        let message = failure_message(&reading, failure.message, requested);
        return Err(fail(answer, failure.kind, message));
    }
    if let Some(id) = requested
        .iter()
        .find(|id| !reading.blocks.iter().any(|block| block.id == **id))
    {
        return Err(fail(
            answer,
            Kind::Unexpected,
            format!("no report for data source {id}"),
        ));
    }
    if reading.blocks.is_empty() {
        return Err(fail(
            answer,
            Kind::Unexpected,
            "no data source was processed",
        ));
    }
    let sources = reading
        .blocks
        .into_iter()
        .map(|block| finish_block(answer, block))
        .collect::<Result<Vec<_>>>()?;
    Ok(SynchroExecReport {
        sources,
        notes: reading.notes,
    })
}

/// The first failure in the answer's order: a source's `ERROR:`, else what
/// stopped the reading.
fn first_failure(reading: &Reading) -> Option<Stop> {
    let failed = reading.blocks.iter().find_map(|block| {
        let error = block.error.as_deref()?;
        let kind = match message_kind(error) {
            Some(Kind::NotAllowed) => Kind::NotAllowed,
            _ => Kind::Server(None),
        };
        let message = format!("data source {} ({}): {error}", block.id, block.name);
        Some(Stop { kind, message })
    });
    failed.or_else(|| {
        reading.stop.as_ref().map(|stop| Stop {
            kind: stop.kind,
            message: stop.message.clone(),
        })
    })
}

/// `primary`, then one line per other source: synchronized (with its
/// counters), failed, or not run, so that no work done is hidden.
fn failure_message(reading: &Reading, primary: String, requested: &[u32]) -> String {
    if reading.blocks.is_empty() {
        return primary;
    }
    let mut lines = vec![primary];
    for block in &reading.blocks {
        let line = match (&block.error, block.counters.finish()) {
            (Some(error), _) => format!("data source {} ({}): {error}", block.id, block.name),
            (None, Some(counters)) => format!(
                "data source {} ({}) synchronized: {counters}",
                block.id, block.name
            ),
            (None, None) => format!(
                "data source {} ({}): incomplete report",
                block.id, block.name
            ),
        };
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    let stop = reading.stop.as_ref().map(|stop| stop.message.as_str());
    if let Some(stop) = stop.filter(|stop| !lines.iter().any(|line| line == stop)) {
        lines.push(stop.to_owned());
    }
    for id in not_run(reading, requested) {
        lines.push(format!("data source {id} not run"));
    }
    lines.join("\n")
}

/// The requested ids without a block, but the unknown one iTop stopped at.
fn not_run(reading: &Reading, requested: &[u32]) -> Vec<u32> {
    let stop = reading
        .stop
        .as_ref()
        .map_or("", |stop| stop.message.as_str());
    let mut ids: Vec<u32> = Vec::new();
    for id in requested {
        let has_block = reading.blocks.iter().any(|block| block.id == *id);
        let stopped_at = stop.contains(&format!("(id={id})"));
        if !has_block && !stopped_at && !ids.contains(id) {
            ids.push(*id);
        }
    }
    ids
}

fn finish_block(answer: &RawAnswer, block: Block) -> Result<SourceRun> {
    let Some(counters) = block.counters.finish() else {
        let message = format!("incomplete counters for data source {}", block.id);
        return Err(fail(answer, Kind::Unexpected, message));
    };
    Ok(SourceRun {
        id: block.id,
        name: block.name,
        error: None,
        traces: block.traces,
        counters,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::{assert_error, cases, load};
    use crate::{Channel, Service};

    fn failure(case: &str, requested: &[u32], expected: &str, needle: &str) {
        let answer = load(Service::SynchroExec, case);
        let err = interpret_synchro_exec(&answer, requested).expect_err(case);
        assert_error(&err, &answer, expected, needle);
    }

    fn cli(text: &str) -> RawAnswer {
        RawAnswer {
            service: Service::SynchroExec,
            channel: Channel::Cli {
                exit_code: Some(0),
                stderr: String::new(),
            },
            body: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn every_fixture_has_a_test() {
        let tested = [
            "cli_admin_two_sources",
            "cli_max_chunk_size_syncuser_special_pwd",
            "cli_missing_data_sources",
            "cli_wrong_password",
            "http_basic_wrong_password",
            "http_get_basic_admin_two_sources",
            "http_get_basic_missing_data_sources",
            "http_get_basic_partially_unknown",
            "http_get_basic_reader_not_owner",
        ];
        assert_eq!(cases(Service::SynchroExec), tested);
    }

    #[test]
    fn two_sources_give_two_runs() {
        let answer = load(Service::SynchroExec, "cli_admin_two_sources");
        let report = interpret_synchro_exec(&answer, &[1, 2]).expect("two runs");
        assert_eq!(report.sources.len(), 2);
        let person = &report.sources[0];
        assert_eq!((person.id, person.name.as_str()), (1, "Lab Person Source"));
        assert_eq!(person.error, None);
        assert_eq!(person.counters.replicas, 10);
        assert_eq!(person.counters.replicas_touched, 10);
        assert_eq!(person.counters.creation_errors, 1);
        let server = &report.sources[1];
        assert_eq!((server.id, server.name.as_str()), (2, "Lab Server Source"));
        assert_eq!(server.counters.replicas, 3);
        assert_eq!(server.counters.error_total(), 0);
        assert_eq!(report.error_total(), 1);
        assert!(report.has_errors());
    }

    #[test]
    fn http_page_reads_like_cli() {
        let cli = interpret_synchro_exec(
            &load(Service::SynchroExec, "cli_admin_two_sources"),
            &[1, 2],
        );
        let http = load(Service::SynchroExec, "http_get_basic_admin_two_sources");
        assert_eq!(
            interpret_synchro_exec(&http, &[1, 2]).expect("http"),
            cli.expect("cli")
        );
    }

    #[test]
    fn failures_are_classified() {
        failure(
            "http_get_basic_reader_not_owner",
            &[1],
            "NotAllowed",
            "data source 1 (Lab Person Source): Only adminstrators",
        );
        failure(
            "http_get_basic_partially_unknown",
            &[1, 999, 2],
            "BadRequest",
            "The data source (id=999) does not exist",
        );
        failure(
            "http_get_basic_missing_data_sources",
            &[],
            "BadRequest",
            "Missing argument 'data_sources'",
        );
        failure(
            "cli_missing_data_sources",
            &[],
            "BadRequest",
            "Missing argument 'data_sources'",
        );
        failure(
            "cli_max_chunk_size_syncuser_special_pwd",
            &[1],
            "Server",
            "underspinned process:\n-> Access restricted",
        );
        failure("http_basic_wrong_password", &[1], "Auth", "Invalid login");
        failure(
            "cli_wrong_password",
            &[1],
            "Auth",
            "Access restricted or wrong credentials ('admin')",
        );
    }

    /// The CLI answer of `cli_admin_two_sources` (sources 1 and 2).
    fn two_sources() -> String {
        load(Service::SynchroExec, "cli_admin_two_sources")
            .text()
            .into_owned()
    }

    const PERSON_DONE: &str = "data source 1 (Lab Person Source) synchronized: replicas 10 \
        (touched 10), created 0, updated 0, reconciled 0+0, deleted 0, obsoleted 0, errors 1";

    #[test]
    fn unknown_source_after_a_run_keeps_what_was_done() {
        let answer = load(Service::SynchroExec, "http_get_basic_partially_unknown");
        let err = interpret_synchro_exec(&answer, &[1, 999, 2]).expect_err("999");
        let crate::Error::BadRequest { message, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(
            message.lines().collect::<Vec<_>>(),
            [
                "The data source (id=999) does not exist. Exiting...",
                PERSON_DONE,
                "data source 2 not run",
            ]
        );
        // What the command line prints: the Display says it too.
        let shown = err.to_string();
        assert!(
            shown.starts_with(
                "synchro_exec: request rejected: The data source (id=999) does not exist. Exiting...\n"
            ),
            "{shown}"
        );
        assert!(shown.contains(PERSON_DONE), "{shown}");
    }

    #[test]
    fn unknown_last_source_is_not_listed_as_not_run() {
        let person = two_sources();
        let end = person.find("Working on Lab Server").expect("second block");
        let body = format!(
            "{}ERROR: The data source (id=99) does not exist. Exiting...\n",
            &person[..end]
        );
        let answer = cli(&body);
        let err = interpret_synchro_exec(&answer, &[1, 99]).expect_err("99");
        assert_error(
            &err,
            &answer,
            "BadRequest",
            &format!("The data source (id=99) does not exist. Exiting...\n{PERSON_DONE}"),
        );
        assert!(!err.to_string().contains("not run"), "{err}");
    }

    #[test]
    fn refused_source_does_not_hide_the_next_one() {
        // iTop goes on after a source's ERROR: source 2 was synchronized.
        let refused = "ERROR: Only adminstrators or the user specified in the data source \
            can execute this operation. Operation cancelled.\n";
        let body = two_sources().replacen(
            "Working on Lab Person Source (id=1)...\n",
            &format!("Working on Lab Person Source (id=1)...\n{refused}"),
            1,
        );
        let answer = cli(&body);
        let err = interpret_synchro_exec(&answer, &[1, 2]).expect_err("refused");
        assert_error(
            &err,
            &answer,
            "NotAllowed",
            "data source 1 (Lab Person Source): Only adminstrators",
        );
        assert!(
            err.to_string().ends_with(
                "\ndata source 2 (Lab Server Source) synchronized: replicas 3 (touched 3), \
                 created 0, updated 0, reconciled 0+0, deleted 0, obsoleted 0, errors 0"
            ),
            "{err}"
        );
    }

    #[test]
    fn unknown_text_after_a_run_keeps_what_was_done() {
        let body = two_sources() + "Something else\n";
        let answer = cli(&body);
        let err = interpret_synchro_exec(&answer, &[1, 2]).expect_err("text");
        assert_error(
            &err,
            &answer,
            "Unexpected",
            &format!("unexpected line: Something else\n{PERSON_DONE}\ndata source 2"),
        );
    }

    #[test]
    fn every_requested_id_needs_a_block() {
        let answer = load(Service::SynchroExec, "cli_admin_two_sources");
        let err = interpret_synchro_exec(&answer, &[1, 2, 3]).expect_err("3 missing");
        assert_error(&err, &answer, "Unexpected", "no report for data source 3");
    }

    #[test]
    fn raw_exception_after_working_on_is_an_error() {
        let answer = cli("Working on S (id=4)...\nSomething broke badly");
        let err = interpret_synchro_exec(&answer, &[4]).expect_err("exception");
        assert_error(
            &err,
            &answer,
            "Server",
            "data source 4 (S): Something broke badly",
        );
    }

    #[test]
    fn truncated_block_is_unexpected() {
        let answer =
            cli("Working on S (id=4)...\nReplicas: 3\nReplicas touched since last synchro: 3\n");
        let err = interpret_synchro_exec(&answer, &[4]).expect_err("truncated");
        assert_error(
            &err,
            &answer,
            "Unexpected",
            "incomplete counters for data source 4",
        );
    }

    #[test]
    fn traces_and_mail_notes_are_kept() {
        let body = load(Service::SynchroExec, "cli_admin_two_sources")
            .text()
            .replace(
                "Working on Lab Server Source (id=2)...\n",
                "Working on Lab Server Source (id=2)...\n#,,###### STARTING SYNCHRONIZATION\n",
            )
            + "Unable to send mail: no transport\n";
        let report = interpret_synchro_exec(&cli(&body), &[1, 2]).expect("traces");
        assert_eq!(
            report.sources[1].traces,
            [",,###### STARTING SYNCHRONIZATION"]
        );
        assert_eq!(report.notes, ["Unable to send mail: no transport"]);
    }

    #[test]
    fn display_is_compact() {
        let answer = load(Service::SynchroExec, "cli_admin_two_sources");
        let text = interpret_synchro_exec(&answer, &[1, 2])
            .expect("runs")
            .to_string();
        assert_eq!(
            text,
            "data source 1 (Lab Person Source): replicas 10 (touched 10), created 0, updated 0, \
             reconciled 0+0, deleted 0, obsoleted 0, errors 1\n\
             data source 2 (Lab Server Source): replicas 3 (touched 3), created 0, updated 0, \
             reconciled 0+0, deleted 0, obsoleted 0, errors 0\n"
        );
    }
}
