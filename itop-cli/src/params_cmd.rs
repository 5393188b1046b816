//! `itop params check`: what iTop will read from parameters files, and
//! where it will not do what the writer meant.

use itop_core::{
    Service,
    params::{Finding, Params, render_check},
};
use serde_json::json;

use crate::{
    args::{Global, ParamsCommand},
    report::Outcome,
    setup::{BoxError, UsageError},
};

/// Exit code when iTop would silently not do what a file says.
const EXIT_FINDINGS: u8 = 1;

fn service(name: &str) -> Result<Service, BoxError> {
    let service = match name.trim_end_matches(".php") {
        "cron" => Service::Cron,
        "synchro_exec" | "synchro-exec" => Service::SynchroExec,
        "synchro_import" | "synchro-import" => Service::SynchroImport,
        "import" => Service::Import,
        "export" | "export-v2" | "export_v2" => Service::Export,
        "export-legacy" | "export_legacy" => Service::ExportLegacy,
        other => {
            return Err(Box::new(UsageError(format!(
                "unknown service {other:?}: cron, synchro_exec, synchro_import, import, export, \
                 export-legacy"
            ))));
        }
    };
    Ok(service)
}

pub fn run(command: &ParamsCommand, global: &Global) -> Result<Outcome, BoxError> {
    let ParamsCommand::Check {
        files,
        service: name,
    } = command;
    let service = name.as_deref().map(service).transpose()?;
    let params = Params::load(files)?;
    let findings = params.lint(service);
    let changes = findings.iter().filter(|f| f.is_change()).count();
    let exit = if changes > 0 { EXIT_FINDINGS } else { 0 };
    // Only the output asked for is built: a file with a million findings
    // would otherwise hold both in memory.
    let (human, json) = if global.json {
        (String::new(), as_json(&params, &findings, changes == 0))
    } else {
        let mut human = render_check(&params, &findings);
        if !human.ends_with('\n') {
            human.push('\n');
        }
        (human, serde_json::Value::Null)
    };
    Ok(Outcome {
        human,
        json,
        exit,
        // Not iTop's reading, but what the file exposes: told apart.
        stderr: crate::setup::exposed_secret_files(&params),
    })
}

/// The `--json` form of the check: values (secrets as `***`), findings.
fn as_json(params: &Params, findings: &[Finding], ok: bool) -> serde_json::Value {
    let listed: Vec<_> = findings
        .iter()
        .map(|f| {
            json!({
                "path": f.path, "line": f.line, "column": f.column,
                "severity": f.severity.as_str(), "message": f.message,
            })
        })
        .collect();
    let values: Vec<_> = params
        .iter()
        .map(|(key, value)| {
            let shown = itop_core::params::shown_value(key, value);
            json!({"key": itop_core::params::shown_key(key), "value": shown})
        })
        .collect();
    json!({"ok": ok, "values": values, "findings": listed})
}
