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
/// # Errors
///
/// [`Error::Auth`](crate::Error::Auth) for login failures,
/// [`Error::BadRequest`](crate::Error::BadRequest) for an unknown data source
/// or the usage text, [`Error::NotAllowed`](crate::Error::NotAllowed) when a
/// source may not be run by this account, [`Error::Server`](crate::Error::Server)
/// for any other `ERROR:` of a source or a PHP fatal error,
/// [`Error::Unexpected`](crate::Error::Unexpected) when a requested id has no
/// complete block or a line is not understood.
pub fn interpret_synchro_exec(answer: &RawAnswer, requested: &[u32]) -> Result<SynchroExecReport> {
    interpret(answer, |lines| {
        let (blocks, notes) = read_blocks(answer, lines)?;
        check_report(answer, blocks, notes, requested)
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

/// Reads the blocks, and the lines kept as notes.
// TODO(#7): iTop 2.6 prints no `Working on` line (unlabelled blocks in list
// order); such answers are refused as Unexpected for now.
fn read_blocks(answer: &RawAnswer, lines: &[String]) -> Result<(Vec<Block>, Vec<String>)> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut notes = Vec::new();
    for line in lines {
        if let Some(block) = start_block(line) {
            blocks.push(block);
        } else if is_unknown_source(line) {
            return Err(fail(answer, Kind::BadRequest, strip_error_prefix(line)));
        } else if line.starts_with("Unable to send mail") {
            notes.push(line.clone());
        } else {
            match blocks.last_mut() {
                Some(block) => block_line(answer, block, line)?,
                None => return Err(before_blocks(answer, line)),
            }
        }
    }
    Ok((blocks, notes))
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

/// A line inside a block: trace, `ERROR:` (and its continuation lines),
/// counter, or unrecognised text (an exception printed raw: an error).
fn block_line(answer: &RawAnswer, block: &mut Block, line: &str) -> Result<()> {
    if block.done {
        return Err(fail(
            answer,
            Kind::Unexpected,
            format!("unexpected line: {line}"),
        ));
    }
    if block.counters.take(line) {
        block.done = line.trim_start_matches('#').starts_with(LAST_LABEL);
        return Ok(());
    }
    if block.counters.started() {
        return Err(fail(
            answer,
            Kind::Unexpected,
            format!("unexpected line: {line}"),
        ));
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
fn before_blocks(answer: &RawAnswer, line: &str) -> crate::Error {
    let message = strip_error_prefix(line);
    let fallback = if line.starts_with("ERROR") {
        Kind::Server(None)
    } else {
        Kind::Unexpected
    };
    fail(answer, message_kind(message).unwrap_or(fallback), message)
}

/// The decision rule of §3.4 over the blocks read.
fn check_report(
    answer: &RawAnswer,
    blocks: Vec<Block>,
    notes: Vec<String>,
    requested: &[u32],
) -> Result<SynchroExecReport> {
    if let Some(block) = blocks.iter().find(|block| block.error.is_some()) {
        let error = block.error.as_deref().unwrap_or_default();
        let kind = match message_kind(error) {
            Some(Kind::NotAllowed) => Kind::NotAllowed,
            _ => Kind::Server(None),
        };
        let message = format!("data source {} ({}): {error}", block.id, block.name);
        return Err(fail(answer, kind, message));
    }
    if let Some(id) = requested
        .iter()
        .find(|id| !blocks.iter().any(|block| block.id == **id))
    {
        return Err(fail(
            answer,
            Kind::Unexpected,
            format!("no report for data source {id}"),
        ));
    }
    if blocks.is_empty() {
        return Err(fail(
            answer,
            Kind::Unexpected,
            "no data source was processed",
        ));
    }
    let sources = blocks
        .into_iter()
        .map(|block| finish_block(answer, block))
        .collect::<Result<Vec<_>>>()?;
    Ok(SynchroExecReport { sources, notes })
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
