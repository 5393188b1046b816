//! `synchro_import.php`: `itop_synchro_import_request`,
//! `itop_client_synchro_import_*` and `itop_synchro_import_result`.

use std::ffi::c_char;

use itop_core::{CsvData, SynchroImportReport, SynchroImportRequest};

use crate::chunked::itop_chunk_summary;
use crate::client::itop_client;
use crate::counters::itop_synchro_counters;
use crate::csv_input;
use crate::enums::{self, itop_synchro_row_kind};
use crate::guard::{Failure, guard_free};
use crate::handles::{self, Buffer};
use crate::ptr;
use crate::status::itop_status;

/// A load of CSV rows into one synchronization data source. Free with
/// `itop_synchro_import_request_free`.
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug)]
pub struct itop_synchro_import_request {
    pub(crate) request: SynchroImportRequest,
}

/// What a synchro import did. Free with `itop_synchro_import_result_free`.
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug)]
pub struct itop_synchro_import_result {
    pub(crate) report: SynchroImportReport,
    /// How the upload went, for a chunked one.
    pub(crate) chunks: Option<itop_chunk_summary>,
}

/// The verdict and counters of a synchro import.
#[repr(C)]
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct itop_synchro_import_summary {
    /// Import issues (failed reconciliations, continued SQL errors).
    pub issues: u64,
    /// False in `RETCODE` mode: the next three fields are then 0.
    pub has_import: bool,
    /// Data rows read.
    pub data_lines: u64,
    /// Replicas created before the synchronization.
    pub created: u64,
    /// Replicas updated before the synchronization.
    pub updated: u64,
    /// True when a synchronization summary came: see
    /// `itop_synchro_import_result_synchro_counters`.
    pub has_synchro: bool,
    /// True on import issues or synchronization error counters above 0.
    pub has_issues: bool,
}

/// One row line of the import phase.
#[repr(C)]
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct itop_synchro_import_row {
    /// The data row, 0-based.
    pub row: u64,
    /// What the line says.
    pub kind: itop_synchro_row_kind,
}

handles::impl_request!(itop_synchro_import_request, SynchroImportRequest);
handles::impl_report!(itop_synchro_import_result, SynchroImportReport);

/// Makes a load into data source `data_source_id` in `*request_out`,
/// synchronized right after, `;` as separator, UTF-8, `SUMMARY` output.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_import_request_new(
    data_source_id: u32,
    request_out: *mut *mut itop_synchro_import_request,
) -> itop_status {
    handles::new(request_out, "request_out", || {
        Ok(itop_synchro_import_request {
            request: SynchroImportRequest::new(data_source_id),
        })
    })
}

/// Frees a synchro import request. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_import_request_free(request: *mut itop_synchro_import_request) {
    guard_free(|| ptr::free_box(request));
}

/// Synchronize right after the load. On by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_import_request_synchronize(
    request: *mut itop_synchro_import_request,
    synchronize: bool,
) -> itop_status {
    handles::set(request, |r| Ok(r.synchronize(synchronize)))
}

/// The report's detail: one of `ITOP_OUTPUT_MODE_*` (`SUMMARY` by default).
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_import_request_output(
    request: *mut itop_synchro_import_request,
    mode: u32,
) -> itop_status {
    handles::set(request, |r| Ok(r.output(enums::output_mode(mode)?)))
}

/// The CSV separator, `;` by default (`'\t'` for TAB).
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_import_request_separator(
    request: *mut itop_synchro_import_request,
    separator: c_char,
) -> itop_status {
    handles::set(request, |r| {
        Ok(r.separator(enums::ascii(separator, "separator")?))
    })
}

/// The input encoding, `UTF-8` by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_import_request_charset(
    request: *mut itop_synchro_import_request,
    charset: *const c_char,
) -> itop_status {
    handles::set(request, |r| Ok(r.charset(ptr::as_str(charset, "charset")?)))
}

/// Roll everything back at the end. Off by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_import_request_simulate(
    request: *mut itop_synchro_import_request,
    simulate: bool,
) -> itop_status {
    handles::set(request, |r| Ok(r.simulate(simulate)))
}

/// On a row's SQL error, report it and go on. Off by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_import_request_no_stop_on_import_error(
    request: *mut itop_synchro_import_request,
    on: bool,
) -> itop_status {
    handles::set(request, |r| Ok(r.no_stop_on_import_error(on)))
}

/// A comment echoed in the report. None by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_import_request_comment(
    request: *mut itop_synchro_import_request,
    comment: *const c_char,
) -> itop_status {
    handles::set(request, |r| Ok(r.comment(ptr::as_str(comment, "comment")?)))
}

fn run(
    client: *const itop_client,
    request: *const itop_synchro_import_request,
    result_out: *mut *mut itop_synchro_import_result,
    csv: impl FnOnce() -> Result<CsvData, Failure>,
) -> itop_status {
    handles::call(client, request, result_out, |client, request| {
        let report = client.synchro_import(&request.request, csv()?)?;
        Ok(itop_synchro_import_result {
            report,
            chunks: None,
        })
    })
}

/// Loads the CSV file at `csv_path` (a UTF-8 BOM removed) into the data
/// source, and puts the report in `*result_out`. A failed
/// synchronization is a failure (`ITOP_STATUS_SERVER`, `NOT_ALLOWED`...):
/// the load may then be done.
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_synchro_import_file(
    client: *const itop_client,
    request: *const itop_synchro_import_request,
    csv_path: *const c_char,
    result_out: *mut *mut itop_synchro_import_result,
) -> itop_status {
    run(client, request, result_out, || csv_input::file(csv_path))
}

/// As `itop_client_synchro_import_file`, with `len` bytes at `data`.
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_synchro_import_bytes(
    client: *const itop_client,
    request: *const itop_synchro_import_request,
    data: *const u8,
    len: usize,
    result_out: *mut *mut itop_synchro_import_result,
) -> itop_status {
    run(client, request, result_out, || csv_input::bytes(data, len))
}

/// Frees a synchro import result. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_import_result_free(result: *mut itop_synchro_import_result) {
    guard_free(|| ptr::free_box(result));
}

/// Fills `*summary_out` with the verdict and import counters.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_import_result_summary(
    result: *const itop_synchro_import_result,
    summary_out: *mut itop_synchro_import_summary,
) -> itop_status {
    handles::get(result, "result", summary_out, |r| {
        let report = &r.report;
        let mut out = itop_synchro_import_summary {
            issues: report.issues,
            has_synchro: report.synchro.is_some(),
            has_issues: report.has_issues(),
            ..itop_synchro_import_summary::default()
        };
        if let Some(import) = &report.import {
            (out.has_import, out.data_lines) = (true, import.data_lines);
            (out.created, out.updated) = (import.created, import.updated);
        }
        Ok(out)
    })
}

/// Fills `*counters_out` with the synchronization counters;
/// `ITOP_STATUS_NOT_FOUND` when no synchronization summary came.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_import_result_synchro_counters(
    result: *const itop_synchro_import_result,
    counters_out: *mut itop_synchro_counters,
) -> itop_status {
    handles::get(result, "result", counters_out, |r| {
        let counters = r.report.synchro.as_ref();
        counters
            .map(Into::into)
            .ok_or_else(|| Failure::not_found("no synchronization summary"))
    })
}

/// Stores the number of row lines of the import phase.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_import_result_row_count(
    result: *const itop_synchro_import_result,
    count_out: *mut usize,
) -> itop_status {
    handles::get(result, "result", count_out, |r| Ok(r.report.rows.len()))
}

/// Fills `*row_out` with row line `index`; `NOT_FOUND` past the end.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_import_result_row(
    result: *const itop_synchro_import_result,
    index: usize,
    row_out: *mut itop_synchro_import_row,
) -> itop_status {
    handles::get(result, "result", row_out, |r| {
        let row = handles::item(&r.report.rows, index, "row")?;
        Ok(itop_synchro_import_row {
            row: row.row,
            kind: enums::synchro_row_kind(row.kind),
        })
    })
}

/// Copies the text of row line `index` (after `<row>: `).
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_import_result_row_text(
    result: *const itop_synchro_import_result,
    index: usize,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> itop_status {
    handles::get_text(result, "result", Buffer { buf, len, written }, |r| {
        Ok(handles::item(&r.report.rows, index, "row")?.text.clone())
    })
}

/// Copies the report as text for people.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_import_result_text(
    result: *const itop_synchro_import_result,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> itop_status {
    handles::report_text(result, Buffer { buf, len, written })
}

/// Copies the whole report as JSON.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_import_result_json(
    result: *const itop_synchro_import_result,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> itop_status {
    handles::report_json(result, Buffer { buf, len, written })
}
