//! `synchro_exec.php`: `itop_synchro_exec_request`,
//! `itop_client_synchro_exec` and `itop_synchro_exec_result`.

use std::ffi::c_char;

use itop_core::{SynchroExecReport, SynchroExecRequest};

use crate::client::itop_client;
use crate::counters::itop_synchro_counters;
use crate::guard::guard_free;
use crate::handles::{self, Buffer};
use crate::ptr;
use crate::status::itop_status;

/// The synchronization of data sources. Free with
/// `itop_synchro_exec_request_free`.
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug)]
pub struct itop_synchro_exec_request {
    request: SynchroExecRequest,
}

/// What a synchronization did, one source after the other. Free with
/// `itop_synchro_exec_result_free`.
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug)]
pub struct itop_synchro_exec_result {
    report: SynchroExecReport,
}

handles::impl_request!(itop_synchro_exec_request, SynchroExecRequest);
handles::impl_report!(itop_synchro_exec_result, SynchroExecReport);

/// Makes the synchronization of the `count` data sources at `ids`, in
/// that order, in `*request_out`.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_exec_request_new(
    ids: *const u32,
    count: usize,
    request_out: *mut *mut itop_synchro_exec_request,
) -> itop_status {
    handles::new(request_out, "request_out", || {
        let ids = ptr::as_slice(ids, count, "ids")?.to_vec();
        Ok(itop_synchro_exec_request {
            request: SynchroExecRequest::new(ids),
        })
    })
}

/// Frees a synchro exec request. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_exec_request_free(request: *mut itop_synchro_exec_request) {
    guard_free(|| ptr::free_box(request));
}

/// Roll each source back after computing the report. Off by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_exec_request_simulate(
    request: *mut itop_synchro_exec_request,
    simulate: bool,
) -> itop_status {
    handles::set(request, |r| Ok(r.simulate(simulate)))
}

/// Synchronize in child processes of at most `size` replicas
/// (command-line mode only). Unset by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_exec_request_max_chunk_size(
    request: *mut itop_synchro_exec_request,
    size: u32,
) -> itop_status {
    handles::set(request, |r| Ok(r.max_chunk_size(size)))
}

/// Runs the synchronization and puts the report in `*result_out`. Error
/// counters above 0 are not a failure: check `error_total`.
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_synchro_exec(
    client: *const itop_client,
    request: *const itop_synchro_exec_request,
    result_out: *mut *mut itop_synchro_exec_result,
) -> itop_status {
    handles::call(client, request, result_out, |client, request| {
        let report = client.synchro_exec(&request.request)?;
        Ok(itop_synchro_exec_result { report })
    })
}

/// Frees a synchro exec result. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_exec_result_free(result: *mut itop_synchro_exec_result) {
    guard_free(|| ptr::free_box(result));
}

/// Stores the number of data sources run.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_exec_result_source_count(
    result: *const itop_synchro_exec_result,
    count_out: *mut usize,
) -> itop_status {
    handles::get(result, "result", count_out, |r| Ok(r.report.sources.len()))
}

/// Stores the id of source `index`; `NOT_FOUND` past the end.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_exec_result_source_id(
    result: *const itop_synchro_exec_result,
    index: usize,
    id_out: *mut u32,
) -> itop_status {
    handles::get(result, "result", id_out, |r| {
        Ok(handles::item(&r.report.sources, index, "source")?.id)
    })
}

/// Copies the name of source `index`.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_exec_result_source_name(
    result: *const itop_synchro_exec_result,
    index: usize,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> itop_status {
    handles::get_text(result, "result", Buffer { buf, len, written }, |r| {
        Ok(handles::item(&r.report.sources, index, "source")?
            .name
            .clone())
    })
}

/// Fills `*counters_out` with the counters of source `index`.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_exec_result_source_counters(
    result: *const itop_synchro_exec_result,
    index: usize,
    counters_out: *mut itop_synchro_counters,
) -> itop_status {
    handles::get(result, "result", counters_out, |r| {
        Ok((&handles::item(&r.report.sources, index, "source")?.counters).into())
    })
}

/// Stores the sum of the error counters of every source.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_exec_result_error_total(
    result: *const itop_synchro_exec_result,
    total_out: *mut u64,
) -> itop_status {
    handles::get(result, "result", total_out, |r| Ok(r.report.error_total()))
}

/// Copies the report as text for people.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_exec_result_text(
    result: *const itop_synchro_exec_result,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> itop_status {
    handles::report_text(result, Buffer { buf, len, written })
}

/// Copies the whole report as JSON (traces and notes included).
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_exec_result_json(
    result: *const itop_synchro_exec_result,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> itop_status {
    handles::report_json(result, Buffer { buf, len, written })
}
