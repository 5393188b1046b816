//! `itop`: the command-line client for iTop's bulk services.
//!
//! `main` parses the options, builds a client, runs one subcommand through
//! `itop-core` and turns the outcome into a report on stdout and an exit
//! code that means something (see the `report` module).

mod args;
mod chunked;
mod commands;
mod logger;
mod params_cmd;
mod report;
mod setup;
mod signals;

use std::process::ExitCode;

use clap::Parser;

use crate::{
    args::{Cli, Command},
    report::Outcome,
    setup::BoxError,
};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return bad_arguments(&err),
    };
    logger::init(cli.global.log_level);
    let json = cli.global.json;
    let result = run(cli);
    if signals::interrupted() {
        // What was done before the signal (an upload's story) is told.
        if let Ok(outcome) = result {
            outcome.print(json);
        }
        report::warn(signals::interruption_note());
        return ExitCode::from(130);
    }
    match result {
        Ok(outcome) => outcome.print(json),
        Err(err) => report::print_error(err.as_ref(), json),
    }
}

/// Arguments clap refused: its own output, or with `--json` anywhere on
/// the command line, a JSON error on standard output as for any other
/// usage error (exit 2).
fn bad_arguments(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let asked_json = std::env::args().any(|arg| arg == "--json");
    let help = matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    );
    if !asked_json || help {
        err.exit();
    }
    let message = err.render().to_string();
    let message = message.trim().trim_start_matches("error: ");
    report::print_error(&setup::UsageError(message.to_owned()), true)
}

fn run(cli: Cli) -> Result<Outcome, BoxError> {
    if let Command::Params(command) = &cli.command {
        return params_cmd::run(command, &cli.global);
    }
    let setup = setup::build(&cli.global)?;
    match &cli.command {
        Command::Cron(args) => commands::cron(&setup, args),
        Command::SynchroExec(args) => commands::synchro_exec(&setup, args),
        Command::SynchroImport(args) => commands::synchro_import(&setup, args),
        Command::Import(args) => commands::import(&setup, args),
        Command::Export(args) => commands::export(&setup, args),
        Command::Params(_) => unreachable!("handled above, before credentials are needed"),
    }
}
