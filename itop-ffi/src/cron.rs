//! `cron.php`: `itop_cron_request`, `itop_client_cron` and
//! `itop_cron_result`.

use std::ffi::c_char;

use itop_core::{CronReport, CronRequest};

use crate::client::itop_client;
use crate::guard::guard_free;
use crate::handles::{self, Buffer};
use crate::ptr;
use crate::status::itop_status;

/// A run of the background tasks (administrators only). Free with
/// `itop_cron_request_free`.
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug)]
pub struct itop_cron_request {
    request: CronRequest,
}

/// What `cron.php` printed. Free with `itop_cron_result_free`.
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug)]
pub struct itop_cron_result {
    report: CronReport,
}

/// The verdict of a cron run.
#[repr(C)]
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct itop_cron_summary {
    /// True when a `Starting:` line came; `started` is then its Unix time.
    pub has_started: bool,
    /// Unix time of the start.
    pub started: i64,
    /// True when an `Exiting:` line came; `exited` is then its Unix time.
    pub has_exited: bool,
    /// Unix time of the end.
    pub exited: i64,
    /// Another run held the lock: nothing was done (not a failure).
    pub already_running: bool,
    /// A run ended normally and no task reported an error.
    pub clean: bool,
    /// Nothing printed (HTTP `status_only`).
    pub empty: bool,
    /// Task error lines (see `itop_cron_result_error`).
    pub error_count: usize,
    /// Rows of the task status table (in the JSON report).
    pub task_count: usize,
    /// Lines printed (see `itop_cron_result_line`).
    pub line_count: usize,
}

handles::impl_request!(itop_cron_request, CronRequest);
handles::impl_report!(itop_cron_result, CronReport);

/// Makes a normal, quiet run in `*request_out`.
#[unsafe(no_mangle)]
pub extern "C" fn itop_cron_request_new(request_out: *mut *mut itop_cron_request) -> itop_status {
    handles::new(request_out, "request_out", || {
        Ok(itop_cron_request {
            request: CronRequest::new(),
        })
    })
}

/// Frees a cron request. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn itop_cron_request_free(request: *mut itop_cron_request) {
    guard_free(|| ptr::free_box(request));
}

/// Print detailed progress lines. Off by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_cron_request_verbose(
    request: *mut itop_cron_request,
    verbose: bool,
) -> itop_status {
    handles::set(request, |r| Ok(r.verbose(verbose)))
}

/// Print stack traces with errors. Off by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_cron_request_debug(
    request: *mut itop_cron_request,
    debug: bool,
) -> itop_status {
    handles::set(request, |r| Ok(r.debug(debug)))
}

/// Print the task status table and stop (command-line mode; over HTTP
/// iTop answers an empty page). Off by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_cron_request_status_only(
    request: *mut itop_cron_request,
    status_only: bool,
) -> itop_status {
    handles::set(request, |r| Ok(r.status_only(status_only)))
}

/// Runs `cron.php` and puts the report in `*result_out`. A normal run
/// lasts the server's `cron_max_execution_time` (600 s by default).
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_cron(
    client: *const itop_client,
    request: *const itop_cron_request,
    result_out: *mut *mut itop_cron_result,
) -> itop_status {
    handles::call(client, request, result_out, |client, request| {
        let report = client.cron(&request.request)?;
        Ok(itop_cron_result { report })
    })
}

/// Frees a cron result. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn itop_cron_result_free(result: *mut itop_cron_result) {
    guard_free(|| ptr::free_box(result));
}

/// Fills `*summary_out` with the verdict.
#[unsafe(no_mangle)]
pub extern "C" fn itop_cron_result_summary(
    result: *const itop_cron_result,
    summary_out: *mut itop_cron_summary,
) -> itop_status {
    handles::get(result, "result", summary_out, |r| {
        let report = &r.report;
        Ok(itop_cron_summary {
            has_started: report.started.is_some(),
            started: report.started.unwrap_or_default(),
            has_exited: report.exited.is_some(),
            exited: report.exited.unwrap_or_default(),
            already_running: report.already_running,
            clean: report.is_clean(),
            empty: report.is_empty(),
            error_count: report.errors.len(),
            task_count: report.status_table.len(),
            line_count: report.lines.len(),
        })
    })
}

/// Copies task error line `index`; `NOT_FOUND` past the end.
#[unsafe(no_mangle)]
pub extern "C" fn itop_cron_result_error(
    result: *const itop_cron_result,
    index: usize,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> itop_status {
    handles::get_text(result, "result", Buffer { buf, len, written }, |r| {
        Ok(handles::item(&r.report.errors, index, "error line")?.clone())
    })
}

/// Copies printed line `index`; `NOT_FOUND` past the end.
#[unsafe(no_mangle)]
pub extern "C" fn itop_cron_result_line(
    result: *const itop_cron_result,
    index: usize,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> itop_status {
    handles::get_text(result, "result", Buffer { buf, len, written }, |r| {
        Ok(handles::item(&r.report.lines, index, "line")?.clone())
    })
}

/// Copies the whole report as JSON (the task status table included).
#[unsafe(no_mangle)]
pub extern "C" fn itop_cron_result_json(
    result: *const itop_cron_result,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> itop_status {
    handles::report_json(result, Buffer { buf, len, written })
}
