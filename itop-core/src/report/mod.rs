//! Interpreters of what the services answer.
//!
//! A transport gives a [`RawAnswer`](crate::RawAnswer); the `interpret_*`
//! functions here turn it into a typed report or an [`Error`](crate::Error).
//! Success is decided from the body (and the exit code in CLI mode), never
//! from HTTP 200 or exit 0 (PROTOCOL §0). Every answer is classified in the
//! order of PROTOCOL §8: HTTP 500 → 503 → login failure → the service's own
//! decision rule. Web pages are first brought to CLI lines by [`normalize()`].
//!
//! Partial failures are successes with something to report: rows not
//! written by an import ([`ImportReport::has_issues`]), `… errors` counters
//! of a synchronization ([`SynchroCounters::has_errors`],
//! [`SynchroImportReport::has_issues`]), task errors of a cron run
//! ([`CronReport::is_clean`]). A synchronization that printed `ERROR:` is a
//! failure, in `synchro_exec.php` and after a `synchro_import.php` load alike.

mod classify;
mod counters;
mod cron;
mod details_cells;
mod export;
mod import;
mod import_rows;
mod normalize;
mod output;
mod synchro_exec;
mod synchro_import;
#[cfg(test)]
mod testutil;

pub use counters::SynchroCounters;
pub use cron::{CronReport, CronTaskStatus, interpret_cron};
pub use details_cells::DetailsCell;
pub use export::{export_looks_ok, interpret_export_failure};
pub use import::{ImportReport, ImportSummary, interpret_import};
pub use import_rows::{ImportRow, RowStatus};
pub use normalize::{PageKind, normalize};
pub use output::OutputMode;
pub use synchro_exec::{SourceRun, SynchroExecReport, interpret_synchro_exec};
pub use synchro_import::{
    SynchroImportReport, SynchroImportRow, SynchroImportSummary, SynchroRowKind,
    interpret_synchro_import,
};

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::{Channel, RawAnswer, Service};

    const SERVICES: [Service; 6] = [
        Service::Cron,
        Service::SynchroExec,
        Service::SynchroImport,
        Service::Import,
        Service::Export,
        Service::ExportLegacy,
    ];

    /// Runs every interpreter on `answer`; only panics matter here.
    fn interpret_all(answer: &RawAnswer) {
        let _ = interpret_cron(answer);
        let _ = interpret_synchro_exec(answer, &[1, 2]);
        let _ = interpret_import(answer, OutputMode::Details);
        let _ = interpret_import(answer, OutputMode::Retcode);
        let _ = interpret_synchro_import(answer, OutputMode::Summary);
        let _ = interpret_synchro_import(answer, OutputMode::Retcode);
        let _ = export_looks_ok(answer.service, &answer.channel, &answer.body, "csv");
        let _ = interpret_export_failure(answer);
        for kind in [
            PageKind::CliText,
            PageKind::PlainText,
            PageKind::Fragment,
            PageKind::FullPage,
        ] {
            let _ = normalize(&answer.text(), kind);
        }
    }

    fn channels() -> [Channel; 3] {
        [
            Channel::Cli {
                exit_code: Some(0),
                stderr: "PHP Warning: é".to_owned(),
            },
            Channel::Http {
                status: 200,
                content_type: Some("text/html; charset=UTF-8".to_owned()),
                location: None,
                content_disposition: None,
            },
            Channel::Http {
                status: 200,
                content_type: Some("text/plain".to_owned()),
                location: None,
                content_disposition: Some("attachment".to_owned()),
            },
        ]
    }

    /// Pieces of real answers, so that random input reaches deep states.
    const TOKENS: &str = "(#|# Synchronization phase summary|#Unchanged: |#Issues: |ERROR: |Working on |\
        \\(id=1\\)\\.\\.\\.|Replicas: |Objects created: |Replica disappeared, no action taken: |\
        <p>|</p>|<br/>|<div id=\"ibo-page-container\">|</div>|&#0|&amp;|&#x|Starting: |Exiting: |\
        \\| |Line;Status;|0;|1;|updated |cols|[0-9]{1,3}|é|;|: |'|\n|\r| ){0,60}";

    proptest! {
        #[test]
        fn interpreters_never_panic_on_tokens(text in TOKENS, service in 0..SERVICES.len(), channel in 0..3usize) {
            let answer = RawAnswer {
                service: SERVICES[service],
                channel: channels()[channel].clone(),
                body: text.into_bytes(),
            };
            interpret_all(&answer);
        }

        #[test]
        fn interpreters_never_panic_on_bytes(body in proptest::collection::vec(any::<u8>(), 0..512), channel in 0..3usize) {
            let answer = RawAnswer { service: Service::Import, channel: channels()[channel].clone(), body };
            interpret_all(&answer);
        }
    }

    #[test]
    fn truncated_fixtures_never_panic() {
        for service in SERVICES {
            for case in testutil::cases(service) {
                let answer = testutil::load(service, &case);
                let step = (answer.body.len() / 150).max(5);
                for end in (0..=answer.body.len()).step_by(step) {
                    let cut = RawAnswer {
                        body: answer.body[..end].to_vec(),
                        ..answer.clone()
                    };
                    interpret_all(&cut);
                }
            }
        }
    }
}
