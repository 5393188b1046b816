//! One function per subcommand: options → typed request → one core call.

use std::{
    io::{self, Write},
    path::Path,
};

use itop_core::{
    CronRequest, CsvData, CsvOptions, ExportFormat, ExportQuery, ExportRequest, ImportRequest,
    OutputMode, SynchroExecRequest, SynchroImportRequest, params::Params,
};

use crate::{
    args::{
        ChunkArgs, CronArgs, CsvArgs, ExportArgs, Format, ImportArgs, Output, SynchroExecArgs,
        SynchroImportArgs,
    },
    chunked::{self, ProgressLine},
    report::Outcome,
    setup::{BoxError, Setup, UsageError, pick, pick_flag},
};

fn usage(message: impl Into<String>) -> BoxError {
    Box::new(UsageError(message.into()))
}

fn one_char(name: &str, value: &str) -> Result<char, BoxError> {
    if value.eq_ignore_ascii_case("tab") {
        return Ok('\t');
    }
    let mut chars = value.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(usage(format!(
            "--{name} takes one character or \"tab\", not {value:?}"
        ))),
    }
}

fn output_mode(flag: Option<Output>, params: &Params) -> Result<OutputMode, BoxError> {
    let name = match flag {
        Some(Output::Summary) => return Ok(OutputMode::Summary),
        Some(Output::Details) => return Ok(OutputMode::Details),
        Some(Output::Retcode) => return Ok(OutputMode::Retcode),
        None => params.get("output").unwrap_or("summary"),
    };
    match name {
        "summary" => Ok(OutputMode::Summary),
        "details" => Ok(OutputMode::Details),
        "retcode" => Ok(OutputMode::Retcode),
        other => Err(usage(format!(
            "output {other:?} is not summary, details or retcode"
        ))),
    }
}

/// The CSV dialect from the options (or the parameters files), starting
/// from the service's defaults.
fn dialect(args: &CsvArgs, params: &Params, defaults: &CsvOptions) -> Result<CsvOptions, BoxError> {
    let mut options = defaults.clone();
    if let Some(sep) = pick(args.separator.as_deref(), params, "separator") {
        options.separator = one_char("separator", &sep)?;
    }
    if let Some(q) = pick(args.qualifier.as_deref(), params, "qualifier") {
        options.qualifier = one_char("qualifier", &q)?;
    }
    if let Some(charset) = pick(args.charset.as_deref(), params, "charset") {
        options.charset = charset;
    }
    if let Some(format) = pick(args.date_format.as_deref(), params, "date_format") {
        options.date_format = Some(format);
    }
    Ok(options)
}

/// Whether a synchro-import goes in chunks: asked for, or over HTTP with a
/// file larger than one chunk. (Chunks change the call: each is loaded with
/// synchronize=0, then synchro_exec runs once.)
fn chunking_wanted(setup: &Setup, args: &ChunkArgs, file: Option<&Path>) -> bool {
    if args.is_given() {
        return true;
    }
    let size = file
        .filter(|f| *f != Path::new("-"))
        .and_then(|f| std::fs::metadata(f).ok())
        .map_or(0, |m| m.len());
    !setup.local && size > chunked::options(args).bytes / 3
}

/// A resume line past the last row sends nothing: say so rather than
/// report an empty success.
fn nothing_from(args: &ChunkArgs) -> Result<(), BoxError> {
    match args.resume_from_line {
        Some(line) if line > 1 => Err(usage(format!(
            "--resume-from-line {line}: no data row starts at or after that line; nothing was sent"
        ))),
        _ => Ok(()),
    }
}

fn csv_data(args: &CsvArgs, params: &Params) -> Result<CsvData, BoxError> {
    let path = match &args.csv {
        Some(path) => path.clone(),
        None => params
            .get("csvfile")
            .map(Into::into)
            .ok_or_else(|| usage("no CSV given: use --csv FILE (or - for standard input)"))?,
    };
    if path == Path::new("-") {
        return Ok(CsvData::reader(io::stdin()));
    }
    Ok(CsvData::path(path))
}

pub fn cron(setup: &Setup, args: &CronArgs) -> Result<Outcome, BoxError> {
    let params = &setup.params;
    let request = CronRequest::new()
        .verbose(pick_flag(args.verbose, params, "verbose"))
        .debug(pick_flag(args.debug, params, "debug"))
        .status_only(pick_flag(args.status_only, params, "status_only"));
    let verbose = pick_flag(args.verbose, params, "verbose");
    Ok(Outcome::cron(setup.client.cron(&request)?, verbose))
}

pub fn synchro_exec(setup: &Setup, args: &SynchroExecArgs) -> Result<Outcome, BoxError> {
    let params = &setup.params;
    let mut ids = args.data_sources.clone();
    if ids.is_empty() {
        let listed = params
            .get("data_sources")
            .ok_or_else(|| usage("no data source: give --data-sources 1,2"))?;
        ids = listed
            .split(',')
            .map(|id| id.trim().parse::<u32>())
            .collect::<Result<_, _>>()
            .map_err(|_| usage(format!("data_sources {listed:?} is not a list of ids")))?;
    }
    let mut request =
        SynchroExecRequest::new(ids).simulate(pick_flag(args.simulate, params, "simulate"));
    if let Some(size) = args.max_chunk_size {
        request = request.max_chunk_size(size);
    }
    Ok(Outcome::synchro_exec(setup.client.synchro_exec(&request)?))
}

pub fn synchro_import(setup: &Setup, args: &SynchroImportArgs) -> Result<Outcome, BoxError> {
    let params = &setup.params;
    let id = match args.data_source_id {
        Some(id) => id,
        None => params
            .get("data_source_id")
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| usage("no data source: give --data-source-id N"))?,
    };
    let synchronize = !args.no_synchronize && params.get("synchronize") != Some("0");
    let mut request = SynchroImportRequest::new(id)
        .synchronize(synchronize)
        .output(output_mode(args.csv.output, params)?)
        .simulate(pick_flag(args.csv.simulate, params, "simulate"))
        .no_stop_on_import_error(pick_flag(
            args.no_stop_on_import_error,
            params,
            "no_stop_on_import_error",
        ));
    let options = dialect(&args.csv, params, request.csv_options())?;
    request = request.dialect(options);
    if let Some(comment) = pick(args.csv.comment.as_deref(), params, "comment") {
        request = request.comment(comment);
    }
    if let Some(size) = args.max_chunk_size {
        request = request.max_chunk_size(size);
    }
    let data = csv_data(&args.csv, params)?;
    if !chunking_wanted(setup, &args.chunks, args.csv.csv.as_deref()) {
        return Ok(Outcome::synchro_import(
            setup.client.synchro_import(&request, data)?,
        ));
    }
    chunked::check(&args.chunks)?;
    if !setup.local {
        crate::signals::stop_between_chunks();
    }
    let mut progress = ProgressLine::new();
    let options = chunked::options(&args.chunks);
    let done = setup
        .client
        .synchro_import_chunked(&request, data, options, &mut |p| progress.update(p));
    progress.finish();
    let done = done?;
    if done.chunks == 0 && done.interrupted.is_none() {
        nothing_from(&args.chunks)?;
    }
    Ok(Outcome::chunked_synchro_import(done))
}

pub fn import(setup: &Setup, args: &ImportArgs) -> Result<Outcome, BoxError> {
    let params = &setup.params;
    let class = pick(args.class.as_deref(), params, "class")
        .ok_or_else(|| usage("no class: give --class, e.g. --class Person"))?;
    let mut request = ImportRequest::new(class)
        .output(output_mode(args.csv.output, params)?)
        .simulate(pick_flag(args.csv.simulate, params, "simulate"))
        .localize(args.localize);
    if let Some(keys) = pick(
        args.reconciliation_keys.as_deref(),
        params,
        "reconciliationkeys",
    ) {
        request = request.reconciliation_keys(keys.split(',').map(str::trim));
    }
    let options = dialect(&args.csv, params, request.csv_options())?;
    request = request.dialect(options);
    if let Some(comment) = pick(args.csv.comment.as_deref(), params, "comment") {
        request = request.comment(comment);
    }
    let data = csv_data(&args.csv, params)?;
    if setup.local && !args.chunks.is_given() {
        return Ok(Outcome::import(setup.client.import(&request, data)?));
    }
    // Over HTTP every import goes through the chunked path: a small file is
    // one chunk (one request), a large one never meets post_max_size.
    chunked::check(&args.chunks)?;
    if !setup.local {
        crate::signals::stop_between_chunks();
    }
    let mut progress = ProgressLine::new();
    let options = chunked::options(&args.chunks);
    let done = setup
        .client
        .import_chunked(&request, data, options, &mut |p| progress.update(p));
    progress.finish();
    let done = done?;
    if done.chunks == 0 && done.interrupted.is_none() {
        nothing_from(&args.chunks)?;
    }
    Ok(Outcome::chunked_import(done))
}

fn export_format(format: Format) -> ExportFormat {
    match format {
        Format::Csv => ExportFormat::Csv,
        Format::Xml => ExportFormat::Xml,
        Format::Html => ExportFormat::Html,
        Format::Spreadsheet => ExportFormat::Spreadsheet,
        Format::Xlsx => ExportFormat::Xlsx,
        Format::Pdf => ExportFormat::Pdf,
    }
}

fn export_request(args: &ExportArgs, params: &Params) -> Result<ExportRequest, BoxError> {
    let query = match (
        pick(args.expression.as_deref(), params, "expression"),
        &args.query,
    ) {
        (_, Some(id)) => ExportQuery::Phrasebook(id.clone()),
        (Some(oql), None) => ExportQuery::Expression(oql),
        (None, None) => match params.get("query") {
            Some(id) => ExportQuery::Phrasebook(id.to_owned()),
            None => {
                return Err(usage(
                    "nothing to export: give --expression OQL or --query ID",
                ));
            }
        },
    };
    let mut request = ExportRequest::new(query)
        .format(export_format(args.format))
        .localize(args.localize)
        .with_archive(args.with_archive);
    if let Some(fields) = pick(args.fields.as_deref(), params, "fields") {
        request = request.fields(fields.split(',').map(str::trim));
    }
    for arg in &args.args {
        let (name, value) = arg
            .split_once('=')
            .ok_or_else(|| usage(format!("--arg takes NAME=VALUE, not {arg:?}")))?;
        request = request.argument(name, value);
    }
    if let Some(sep) = &args.separator {
        request = request.separator(one_char("separator", sep)?);
    }
    if let Some(charset) = &args.charset {
        request = request.charset(charset.clone());
    }
    if let Some(format) = &args.date_format {
        request = request.date_format(format.clone());
    }
    Ok(request)
}

pub fn export(setup: &Setup, args: &ExportArgs) -> Result<Outcome, BoxError> {
    let request = export_request(args, &setup.params)?;
    let outcome = match &args.output {
        Some(path) => setup.client.export_to_path(&request, path)?,
        None => {
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            let outcome = setup.client.export(&request, &mut out)?;
            out.flush()?;
            outcome
        }
    };
    Ok(Outcome::export(outcome, args.output.as_deref()))
}
