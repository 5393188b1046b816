//! `import.php`: `itop_import_request`, `itop_client_import_*` and
//! `itop_import_result`.

use std::ffi::c_char;

use itop_core::{CsvData, ImportReport, ImportRequest};

use crate::chunked::itop_chunk_summary;
use crate::client::itop_client;
use crate::csv_input;
use crate::enums::{self, itop_row_status};
use crate::guard::{Failure, guard_free};
use crate::handles::{self, Buffer};
use crate::ptr;
use crate::status::itop_status;

/// An import into one class. Free with `itop_import_request_free`.
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug)]
pub struct itop_import_request {
    pub(crate) request: ImportRequest,
}

/// What an import did. Free with `itop_import_result_free`.
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug)]
pub struct itop_import_result {
    pub(crate) report: ImportReport,
    /// How the upload went, for a chunked one.
    pub(crate) chunks: Option<itop_chunk_summary>,
}

/// The counters of an import report.
#[repr(C)]
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct itop_import_summary {
    /// False in `RETCODE` mode: only `issues` is known, the rest is 0.
    pub has_summary: bool,
    /// Data rows read by iTop.
    pub data_lines: u64,
    /// Objects created.
    pub created: u64,
    /// Objects updated.
    pub updated: u64,
    /// Objects unchanged.
    pub unchanged: u64,
    /// Rows not written (a partial failure when above 0).
    pub issues: u64,
    /// Cell problems in rows that were written.
    pub warnings: u64,
    /// True when every data line is accounted for.
    pub complete: bool,
}

/// One row of a `DETAILS` import report.
#[repr(C)]
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct itop_import_row {
    /// The data row, 0-based, as iTop prints it.
    pub line: u64,
    /// What happened to it.
    pub status: itop_row_status,
    /// Columns changed (`UPDATED`, `DISAPPEARED`), else 0.
    pub changed_columns: u32,
    /// False when iTop printed no object id (`n/a`).
    pub has_object_id: bool,
    /// The object id (0 for a simulated creation).
    pub object_id: u64,
}

handles::impl_request!(itop_import_request, ImportRequest);
handles::impl_report!(itop_import_result, ImportReport);

/// Makes an import into `class_name` (e.g. `"Person"`) in `*request_out`,
/// with iTop's codes as headers, `,` as separator, UTF-8, `SUMMARY` output.
#[unsafe(no_mangle)]
pub extern "C" fn itop_import_request_new(
    class_name: *const c_char,
    request_out: *mut *mut itop_import_request,
) -> itop_status {
    handles::new(request_out, "request_out", || {
        Ok(itop_import_request {
            request: ImportRequest::new(ptr::as_str(class_name, "class_name")?),
        })
    })
}

/// Frees an import request. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn itop_import_request_free(request: *mut itop_import_request) {
    guard_free(|| ptr::free_box(request));
}

/// The reconciliation keys, comma-separated (e.g. `"email"`). None by
/// default: iTop then uses the class's own keys.
#[unsafe(no_mangle)]
pub extern "C" fn itop_import_request_reconciliation_keys(
    request: *mut itop_import_request,
    keys: *const c_char,
) -> itop_status {
    handles::set(request, |r| {
        Ok(r.reconciliation_keys(handles::list(ptr::as_str(keys, "keys")?)))
    })
}

/// The report's detail: one of `ITOP_OUTPUT_MODE_*` (`SUMMARY` by default).
#[unsafe(no_mangle)]
pub extern "C" fn itop_import_request_output(
    request: *mut itop_import_request,
    mode: u32,
) -> itop_status {
    handles::set(request, |r| Ok(r.output(enums::output_mode(mode)?)))
}

/// The CSV separator, `,` by default (`'\t'` for TAB).
#[unsafe(no_mangle)]
pub extern "C" fn itop_import_request_separator(
    request: *mut itop_import_request,
    separator: c_char,
) -> itop_status {
    handles::set(request, |r| {
        Ok(r.separator(enums::ascii(separator, "separator")?))
    })
}

/// The text qualifier, `"` by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_import_request_qualifier(
    request: *mut itop_import_request,
    qualifier: c_char,
) -> itop_status {
    handles::set(request, |r| {
        Ok(r.qualifier(enums::ascii(qualifier, "qualifier")?))
    })
}

/// The input encoding, `UTF-8` by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_import_request_charset(
    request: *mut itop_import_request,
    charset: *const c_char,
) -> itop_status {
    handles::set(request, |r| Ok(r.charset(ptr::as_str(charset, "charset")?)))
}

/// The PHP format of date cells (e.g. `d/m/Y`); unset by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_import_request_date_format(
    request: *mut itop_import_request,
    format: *const c_char,
) -> itop_status {
    handles::set(request, |r| {
        Ok(r.date_format(ptr::as_str(format, "format")?))
    })
}

/// Report what would happen without writing. Off by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_import_request_simulate(
    request: *mut itop_import_request,
    simulate: bool,
) -> itop_status {
    handles::set(request, |r| Ok(r.simulate(simulate)))
}

/// Headers and values as labels of the user's language. Off by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_import_request_localize(
    request: *mut itop_import_request,
    localize: bool,
) -> itop_status {
    handles::set(request, |r| Ok(r.localize(localize)))
}

/// A comment for iTop's change log. None by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_import_request_comment(
    request: *mut itop_import_request,
    comment: *const c_char,
) -> itop_status {
    handles::set(request, |r| Ok(r.comment(ptr::as_str(comment, "comment")?)))
}

fn run(
    client: *const itop_client,
    request: *const itop_import_request,
    result_out: *mut *mut itop_import_result,
    csv: impl FnOnce() -> Result<CsvData, Failure>,
) -> itop_status {
    handles::call(client, request, result_out, |client, request| {
        let report = client.import(&request.request, csv()?)?;
        Ok(itop_import_result {
            report,
            chunks: None,
        })
    })
}

/// Imports the CSV file at `csv_path` (streamed, a UTF-8 BOM removed) and
/// puts the report in `*result_out`.
///
/// Rows iTop could not write are not a failure: see `issues` in
/// `itop_import_result_summary`. Fails with `ITOP_STATUS_AUTH`,
/// `NOT_ALLOWED`, `BAD_REQUEST` (unknown class or column), `SERVER`
/// (some rows may have been written), `IO` (the file), `TRANSPORT`...
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_import_file(
    client: *const itop_client,
    request: *const itop_import_request,
    csv_path: *const c_char,
    result_out: *mut *mut itop_import_result,
) -> itop_status {
    run(client, request, result_out, || csv_input::file(csv_path))
}

/// As `itop_client_import_file`, with the CSV as `len` bytes at `data`
/// (copied; NULL is allowed when `len` is 0).
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_import_bytes(
    client: *const itop_client,
    request: *const itop_import_request,
    data: *const u8,
    len: usize,
    result_out: *mut *mut itop_import_result,
) -> itop_status {
    run(client, request, result_out, || csv_input::bytes(data, len))
}

/// Frees an import result. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn itop_import_result_free(result: *mut itop_import_result) {
    guard_free(|| ptr::free_box(result));
}

/// Fills `*summary_out` with the counters.
#[unsafe(no_mangle)]
pub extern "C" fn itop_import_result_summary(
    result: *const itop_import_result,
    summary_out: *mut itop_import_summary,
) -> itop_status {
    handles::get(result, "result", summary_out, |r| Ok(summary(&r.report)))
}

fn summary(report: &ImportReport) -> itop_import_summary {
    let mut out = itop_import_summary {
        issues: report.issues,
        complete: report.is_complete(),
        ..itop_import_summary::default()
    };
    if let Some(s) = &report.summary {
        out.has_summary = true;
        (out.data_lines, out.created, out.updated) = (s.data_lines, s.created, s.updated);
        (out.unchanged, out.warnings) = (s.unchanged, s.warnings);
    }
    out
}

/// Stores the number of rows of the `DETAILS` table (0 in other modes).
#[unsafe(no_mangle)]
pub extern "C" fn itop_import_result_row_count(
    result: *const itop_import_result,
    count_out: *mut usize,
) -> itop_status {
    handles::get(result, "result", count_out, |r| Ok(r.report.rows.len()))
}

/// Fills `*row_out` with row `index` (0-based); `ITOP_STATUS_NOT_FOUND`
/// past the end.
#[unsafe(no_mangle)]
pub extern "C" fn itop_import_result_row(
    result: *const itop_import_result,
    index: usize,
    row_out: *mut itop_import_row,
) -> itop_status {
    handles::get(result, "result", row_out, |r| {
        let row = handles::item(&r.report.rows, index, "row")?;
        let (status, changed_columns) = enums::row_status(&row.status);
        Ok(itop_import_row {
            line: row.line,
            status,
            changed_columns,
            has_object_id: row.object_id.is_some(),
            object_id: row.object_id.unwrap_or_default(),
        })
    })
}

/// Copies the status text of row `index` as iTop printed it (e.g.
/// `Issue: Unexpected attribute value(s)`). Buffer rules as
/// `itop_last_error_message`.
#[unsafe(no_mangle)]
pub extern "C" fn itop_import_result_row_status_text(
    result: *const itop_import_result,
    index: usize,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> itop_status {
    handles::get_text(result, "result", Buffer { buf, len, written }, |r| {
        Ok(handles::item(&r.report.rows, index, "row")?
            .status_text
            .clone())
    })
}

/// Copies row `index` exactly as iTop printed it.
#[unsafe(no_mangle)]
pub extern "C" fn itop_import_result_row_raw(
    result: *const itop_import_result,
    index: usize,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> itop_status {
    handles::get_text(result, "result", Buffer { buf, len, written }, |r| {
        Ok(handles::item(&r.report.rows, index, "row")?.raw.clone())
    })
}

/// Copies the report as text for people (counters, warnings, rows).
#[unsafe(no_mangle)]
pub extern "C" fn itop_import_result_text(
    result: *const itop_import_result,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> itop_status {
    handles::report_text(result, Buffer { buf, len, written })
}

/// Copies the whole report as JSON (every header line, counter and row).
#[unsafe(no_mangle)]
pub extern "C" fn itop_import_result_json(
    result: *const itop_import_result,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> itop_status {
    handles::report_json(result, Buffer { buf, len, written })
}

#[cfg(test)]
mod tests {
    use std::ptr::{null, null_mut};

    use super::*;

    #[test]
    fn requests_are_checked_when_built_and_set() {
        let mut request: *mut itop_import_request = null_mut();
        assert_eq!(
            itop_import_request_new(null(), &mut request),
            itop_status::NullArgument
        );
        assert!(request.is_null());
        assert_eq!(
            itop_import_request_new(c"Person".as_ptr(), &mut request),
            itop_status::Ok
        );
        assert_eq!(
            itop_import_request_output(request, 3),
            itop_status::InvalidRequest
        );
        assert_eq!(
            itop_import_request_separator(request, 0xA7u8 as c_char),
            itop_status::InvalidRequest
        );
        assert_eq!(
            itop_import_request_reconciliation_keys(request, c"email, name".as_ptr()),
            itop_status::Ok
        );
        itop_import_request_free(request);
    }

    #[test]
    fn results_need_every_pointer() {
        let mut summary = itop_import_summary::default();
        assert_eq!(
            itop_import_result_summary(null(), &mut summary),
            itop_status::NullArgument
        );
        let mut result: *mut itop_import_result = null_mut();
        let status = itop_client_import_bytes(null(), null(), null(), 0, &mut result);
        assert_eq!(status, itop_status::NullArgument);
        assert!(result.is_null());
        itop_import_result_free(null_mut());
    }
}
