//! Chunked `synchro_import.php` (the collector pattern):
//! `itop_client_synchro_import_chunked_*` and
//! `itop_synchro_import_result_chunks`.

use std::ffi::{c_char, c_void};

use itop_core::{ChunkedSynchroImport, SynchroImportReport};

use crate::chunked::{self, Counts, itop_chunk_options, itop_chunk_summary};
use crate::client::itop_client;
use crate::csv_input::Input;
use crate::guard::Failure;
use crate::handles;
use crate::ptr::{ProgressCallback, itop_progress_callback};
use crate::status::itop_status;
use crate::synchro_import::{itop_synchro_import_request, itop_synchro_import_result};

fn run(
    client: *const itop_client,
    request: *const itop_synchro_import_request,
    input: impl FnOnce() -> Result<Input<'static>, Failure>,
    options: *const itop_chunk_options,
    progress: ProgressCallback,
    result_out: *mut *mut itop_synchro_import_result,
) -> itop_status {
    handles::call_partial(client, request, result_out, |client, request| {
        let (input, options) = (input()?, chunked::options(options)?);
        let core = &request.request;
        let mut report =
            |p: &itop_core::Progress| progress.call(p.chunks, p.rows, p.bytes_read, p.next_line);
        let done = client.synchro_import_chunked(core, input.csv_data(), options, &mut report)?;
        let counts = Counts {
            chunks: done.chunks,
            rows: done.rows,
            first_row: done.first_row,
        };
        let stop = done.interrupted.as_ref();
        let (summary, failure) = (chunked::summary(counts, stop), stop.map(chunked::failure));
        let result = itop_synchro_import_result {
            report: merged(done, core.data_source_id()),
            chunks: Some(summary),
        };
        Ok((result, failure))
    })
}

/// The load report with the counters of the synchronization that followed
/// it, as a single `synchro_import.php` call reports them.
fn merged(done: ChunkedSynchroImport, source: u32) -> SynchroImportReport {
    let mut report = done.load;
    if let Some(exec) = done.synchro {
        let run = exec.sources.iter().find(|run| run.id == source);
        report.synchro = run.map(|run| run.counters);
        report
            .traces
            .extend(run.iter().flat_map(|run| run.traces.clone()));
        report.notes.extend(exec.notes);
    }
    report
}

/// Loads the CSV file at `csv_path` into the data source in chunks
/// (`options`: NULL for 1 000 rows and 4 MiB a chunk), each with
/// `synchronize=0`, then — when the request synchronizes, the default —
/// runs `synchro_exec.php` once for the source (synchronizing after each
/// chunk could obsolete or delete the replicas of the chunks not loaded
/// yet). The merged report goes to `*result_out`: the load counters added
/// up, and the synchronization counters in
/// `itop_synchro_import_result_synchro_counters`.
///
/// `progress` and the failures are as for `itop_client_import_chunked_file`:
/// a chunk that fails stops the load, its status is returned, and
/// `*result_out` is set anyway with what was loaded and the line to resume
/// from (`itop_synchro_import_result_chunks`). The synchronization is
/// then not run. When only the synchronization fails, its status is
/// returned, `*result_out` is set, and `resume_from_line` is 0: the load is
/// complete, run `itop_client_synchro_exec` again.
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_synchro_import_chunked_file(
    client: *const itop_client,
    request: *const itop_synchro_import_request,
    csv_path: *const c_char,
    options: *const itop_chunk_options,
    progress: itop_progress_callback,
    user: *mut c_void,
    result_out: *mut *mut itop_synchro_import_result,
) -> itop_status {
    let progress = ProgressCallback::new(progress, user);
    let input = || Input::file(csv_path);
    run(client, request, input, options, progress, result_out)
}

/// As `itop_client_synchro_import_chunked_file`, with the CSV as `len`
/// bytes at `data` (NULL is allowed when `len` is 0).
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments, reason = "the C call takes them all")]
pub extern "C" fn itop_client_synchro_import_chunked_bytes(
    client: *const itop_client,
    request: *const itop_synchro_import_request,
    data: *const u8,
    len: usize,
    options: *const itop_chunk_options,
    progress: itop_progress_callback,
    user: *mut c_void,
    result_out: *mut *mut itop_synchro_import_result,
) -> itop_status {
    let progress = ProgressCallback::new(progress, user);
    let input = || Input::bytes(data, len);
    run(client, request, input, options, progress, result_out)
}

/// Fills `*summary_out` with how the chunked load behind `result` went
/// (see `itop_chunk_summary`). `ITOP_STATUS_NOT_FOUND` for the result of a
/// single upload.
#[unsafe(no_mangle)]
pub extern "C" fn itop_synchro_import_result_chunks(
    result: *const itop_synchro_import_result,
    summary_out: *mut itop_chunk_summary,
) -> itop_status {
    handles::get(result, "result", summary_out, |r| {
        r.chunks
            .ok_or_else(|| Failure::not_found("not a chunked synchro import"))
    })
}

#[cfg(test)]
mod tests {
    use std::ptr::{null, null_mut};

    use super::*;

    #[test]
    fn null_arguments_leave_the_result_alone() {
        let mut result: *mut itop_synchro_import_result = null_mut();
        let path = c"/tmp/x.csv".as_ptr();
        let status = itop_client_synchro_import_chunked_file(
            null(),
            null(),
            path,
            null(),
            None,
            null_mut(),
            &mut result,
        );
        assert_eq!(status, itop_status::NullArgument);
        assert!(result.is_null());
    }
}
