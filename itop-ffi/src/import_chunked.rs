//! Chunked `import.php`: `itop_client_import_chunked_*` and
//! `itop_import_result_chunks`.

use std::ffi::{c_char, c_void};

use crate::chunked::{self, Counts, itop_chunk_options, itop_chunk_summary};
use crate::client::itop_client;
use crate::csv_input::Input;
use crate::guard::Failure;
use crate::handles;
use crate::import::{itop_import_request, itop_import_result};
use crate::ptr::{ProgressCallback, itop_progress_callback};
use crate::status::itop_status;

fn run(
    client: *const itop_client,
    request: *const itop_import_request,
    input: impl FnOnce() -> Result<Input<'static>, Failure>,
    options: *const itop_chunk_options,
    progress: ProgressCallback,
    result_out: *mut *mut itop_import_result,
) -> itop_status {
    handles::call_partial(client, request, result_out, |client, request| {
        let (input, options) = (input()?, chunked::options(options)?);
        let core = &request.request;
        let mut report =
            |p: &itop_core::Progress| progress.call(p.chunks, p.rows, p.bytes_read, p.next_line);
        let done = client.import_chunked(core, input.csv_data(), options, &mut report)?;
        let counts = Counts {
            chunks: done.chunks,
            rows: done.rows,
            first_row: done.first_row,
        };
        let stop = done.interrupted.as_ref();
        let result = itop_import_result {
            chunks: Some(chunked::summary(counts, stop)),
            report: done.report,
        };
        Ok((result, stop.map(chunked::failure)))
    })
}

/// Imports the CSV file at `csv_path` in chunks of whole records, one
/// request each (`options`: NULL for 1 000 rows and 4 MiB a chunk), and
/// puts the merged report in `*result_out`: the `itop_import_result_*`
/// functions read it (counters added up, `DETAILS` rows numbered in the
/// whole file) and `itop_import_result_chunks` tells how the upload went.
///
/// The whole file is checked (UTF-8, unclosed quotes, cell counts) before
/// the first chunk is sent. `progress` (may be NULL) is called on this
/// thread after each chunk with `user`, the chunks and data rows done so
/// far, the input bytes read, and the line to resume from if the upload
/// stopped there (save it to restart after a crash).
///
/// The upload stops at the first chunk that fails. It then returns that
/// chunk's status (`ITOP_STATUS_SERVER`, `AUTH`, `TRANSPORT`...), with a
/// last error message such as `chunk 3 failed: ...; rows 0-399 written;
/// rows 400-599 may be partly written; resume from line 402`, and
/// **`*result_out` is set anyway**: the report of the chunks that got
/// through, and in `itop_import_result_chunks` the rows written and
/// `resume_from_line`. So set `*result_out` to NULL before the call and
/// free it whatever the status. Failures before anything is sent
/// (`NULL_ARGUMENT`, `INVALID_REQUEST` for bad options, a resume line
/// inside a record or a record bigger than a chunk, `IO`, `CSV`) leave
/// `*result_out` untouched.
///
/// Resuming from that line with the same request (use reconciliation
/// keys) sends the uncertain rows again: those already written come back
/// unchanged.
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_import_chunked_file(
    client: *const itop_client,
    request: *const itop_import_request,
    csv_path: *const c_char,
    options: *const itop_chunk_options,
    progress: itop_progress_callback,
    user: *mut c_void,
    result_out: *mut *mut itop_import_result,
) -> itop_status {
    let progress = ProgressCallback::new(progress, user);
    let input = || Input::file(csv_path);
    run(client, request, input, options, progress, result_out)
}

/// As `itop_client_import_chunked_file`, with the CSV as `len` bytes at
/// `data` (NULL is allowed when `len` is 0).
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments, reason = "the C call takes them all")]
pub extern "C" fn itop_client_import_chunked_bytes(
    client: *const itop_client,
    request: *const itop_import_request,
    data: *const u8,
    len: usize,
    options: *const itop_chunk_options,
    progress: itop_progress_callback,
    user: *mut c_void,
    result_out: *mut *mut itop_import_result,
) -> itop_status {
    let progress = ProgressCallback::new(progress, user);
    let input = || Input::bytes(data, len);
    run(client, request, input, options, progress, result_out)
}

/// Fills `*summary_out` with how the chunked import behind `result` went:
/// chunks and rows sent, the rows written and uncertain, and the line to
/// resume from. `ITOP_STATUS_NOT_FOUND` for the result of a single upload
/// (`itop_client_import_file`, `_bytes`).
#[unsafe(no_mangle)]
pub extern "C" fn itop_import_result_chunks(
    result: *const itop_import_result,
    summary_out: *mut itop_chunk_summary,
) -> itop_status {
    handles::get(result, "result", summary_out, |r| {
        r.chunks
            .ok_or_else(|| Failure::not_found("not a chunked import"))
    })
}

#[cfg(test)]
mod tests {
    use std::ptr::{null, null_mut};

    use super::*;

    #[test]
    fn null_arguments_leave_the_result_alone() {
        let mut result: *mut itop_import_result = null_mut();
        let status = itop_client_import_chunked_bytes(
            null(),
            null(),
            null(),
            0,
            null(),
            None,
            null_mut(),
            &mut result,
        );
        assert_eq!(status, itop_status::NullArgument);
        assert!(result.is_null());
        let mut summary = std::mem::MaybeUninit::<itop_chunk_summary>::uninit();
        let status = itop_import_result_chunks(null(), summary.as_mut_ptr());
        assert_eq!(status, itop_status::NullArgument);
    }
}
