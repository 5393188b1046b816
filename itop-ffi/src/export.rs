//! `export-v2.php`: `itop_export_request`, `itop_client_export_*` and
//! `itop_export_result`.

use std::ffi::{c_char, c_void};
use std::path::Path;

use itop_core::{ExportOutcome, ExportQuery, ExportRequest};

use crate::client::itop_client;
use crate::enums;
use crate::guard::{Failure, guard_free};
use crate::handles::{self, Buffer};
use crate::ptr::{self, CallbackWriter, itop_write_callback};
use crate::status::itop_status;

/// An export of the objects an OQL query (or a phrasebook entry) selects.
/// Free with `itop_export_request_free`.
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug)]
pub struct itop_export_request {
    request: ExportRequest,
}

/// What an export (export-v2 or legacy) wrote. Free with
/// `itop_export_result_free`.
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug)]
pub struct itop_export_result {
    pub(crate) outcome: ExportOutcome,
}

handles::impl_request!(itop_export_request, ExportRequest);

fn new(
    query: impl FnOnce() -> Result<ExportQuery, Failure>,
    request_out: *mut *mut itop_export_request,
) -> itop_status {
    handles::new(request_out, "request_out", || {
        Ok(itop_export_request {
            request: ExportRequest::new(query()?),
        })
    })
}

/// Makes a CSV export of the OQL query `oql` (e.g. `"SELECT Person"`) in
/// `*request_out`. CSV needs `itop_export_request_fields`.
#[unsafe(no_mangle)]
pub extern "C" fn itop_export_request_new(
    oql: *const c_char,
    request_out: *mut *mut itop_export_request,
) -> itop_status {
    new(
        || Ok(ExportQuery::Expression(ptr::as_str(oql, "oql")?.to_owned())),
        request_out,
    )
}

/// Makes a CSV export of the query phrasebook entry `query_id`.
#[unsafe(no_mangle)]
pub extern "C" fn itop_export_request_new_phrasebook(
    query_id: *const c_char,
    request_out: *mut *mut itop_export_request,
) -> itop_status {
    new(
        || {
            Ok(ExportQuery::Phrasebook(
                ptr::as_str(query_id, "query_id")?.to_owned(),
            ))
        },
        request_out,
    )
}

/// Frees an export request. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn itop_export_request_free(request: *mut itop_export_request) {
    guard_free(|| ptr::free_box(request));
}

/// The columns, comma-separated, e.g. `"first_name,name,org_id->name"`.
#[unsafe(no_mangle)]
pub extern "C" fn itop_export_request_fields(
    request: *mut itop_export_request,
    fields: *const c_char,
) -> itop_status {
    handles::set(request, |r| {
        Ok(r.fields(handles::list(ptr::as_str(fields, "fields")?)))
    })
}

/// A value for the OQL parameter `:name`.
#[unsafe(no_mangle)]
pub extern "C" fn itop_export_request_argument(
    request: *mut itop_export_request,
    name: *const c_char,
    value: *const c_char,
) -> itop_status {
    handles::set(request, |r| {
        Ok(r.argument(ptr::as_str(name, "name")?, ptr::as_str(value, "value")?))
    })
}

/// The format: one of `ITOP_EXPORT_FORMAT_*` (`CSV` by default).
#[unsafe(no_mangle)]
pub extern "C" fn itop_export_request_format(
    request: *mut itop_export_request,
    format: u32,
) -> itop_status {
    handles::set(request, |r| Ok(r.format(enums::export_format(format)?)))
}

/// Headers and values as labels of the user's language. Off by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_export_request_localize(
    request: *mut itop_export_request,
    localize: bool,
) -> itop_status {
    handles::set(request, |r| Ok(r.localize(localize)))
}

/// Include archived objects. Off by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_export_request_with_archive(
    request: *mut itop_export_request,
    with_archive: bool,
) -> itop_status {
    handles::set(request, |r| Ok(r.with_archive(with_archive)))
}

/// The CSV separator, `,` by default (`'\t'` for TAB).
#[unsafe(no_mangle)]
pub extern "C" fn itop_export_request_separator(
    request: *mut itop_export_request,
    separator: c_char,
) -> itop_status {
    handles::set(request, |r| {
        Ok(r.separator(enums::ascii(separator, "separator")?))
    })
}

/// The CSV text qualifier, `"` by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_export_request_text_qualifier(
    request: *mut itop_export_request,
    qualifier: c_char,
) -> itop_status {
    handles::set(request, |r| {
        Ok(r.text_qualifier(enums::ascii(qualifier, "qualifier")?))
    })
}

/// The CSV output encoding, `UTF-8` by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_export_request_charset(
    request: *mut itop_export_request,
    charset: *const c_char,
) -> itop_status {
    handles::set(request, |r| Ok(r.charset(ptr::as_str(charset, "charset")?)))
}

/// Keep the HTML markup of formatted texts. iTop decides by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_export_request_formatted_text(
    request: *mut itop_export_request,
    formatted_text: bool,
) -> itop_status {
    handles::set(request, |r| Ok(r.formatted_text(formatted_text)))
}

/// The PHP date format (iTop's default: `Y-m-d H:i:s`).
#[unsafe(no_mangle)]
pub extern "C" fn itop_export_request_date_format(
    request: *mut itop_export_request,
    format: *const c_char,
) -> itop_status {
    handles::set(request, |r| {
        Ok(r.date_format(ptr::as_str(format, "format")?))
    })
}

fn run(
    client: *const itop_client,
    request: *const itop_export_request,
    result_out: *mut *mut itop_export_result,
    export: impl FnOnce(&itop_core::Client, &ExportRequest) -> Result<ExportOutcome, Failure>,
) -> itop_status {
    handles::call(client, request, result_out, |client, request| {
        let outcome = export(client, &request.request)?;
        Ok(itop_export_result { outcome })
    })
}

/// Exports into the file at `path`, through a temporary file renamed
/// once complete: on failure `path` is left untouched. Fails with
/// `ITOP_STATUS_AUTH`, `NOT_ALLOWED`, `BAD_REQUEST` (bad OQL, missing
/// fields), `IO`, `TRANSPORT`...
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_export_to_path(
    client: *const itop_client,
    request: *const itop_export_request,
    path: *const c_char,
    result_out: *mut *mut itop_export_result,
) -> itop_status {
    run(client, request, result_out, |client, request| {
        let path = Path::new(ptr::as_str(path, "path")?);
        Ok(client.export_to_path(request, path)?)
    })
}

/// Exports by calling `callback(userdata, data, len)` for each piece of
/// data, in order, on the calling thread; `callback` returns 0 to go on,
/// anything else to stop the export (which then fails with
/// `ITOP_STATUS_TRANSPORT` or `IO`, the message naming the value). The
/// data is streamed: on failure, what the callback got is incomplete.
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_export_to_callback(
    client: *const itop_client,
    request: *const itop_export_request,
    callback: itop_write_callback,
    userdata: *mut c_void,
    result_out: *mut *mut itop_export_result,
) -> itop_status {
    run(client, request, result_out, |client, request| {
        let mut writer = CallbackWriter::new(callback, userdata)?;
        Ok(client.export(request, &mut writer)?)
    })
}

/// Frees an export result. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn itop_export_result_free(result: *mut itop_export_result) {
    guard_free(|| ptr::free_box(result));
}

/// Stores the number of bytes written.
#[unsafe(no_mangle)]
pub extern "C" fn itop_export_result_bytes(
    result: *const itop_export_result,
    bytes_out: *mut u64,
) -> itop_status {
    handles::get(result, "result", bytes_out, |r| Ok(r.outcome.bytes))
}

/// Copies the `Content-Type` iTop declared (empty when none).
#[unsafe(no_mangle)]
pub extern "C" fn itop_export_result_content_type(
    result: *const itop_export_result,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> itop_status {
    handles::get_text(result, "result", Buffer { buf, len, written }, |r| {
        Ok(r.outcome.content_type.clone().unwrap_or_default())
    })
}

#[cfg(test)]
mod tests {
    use std::ptr::{null, null_mut};

    use super::*;

    #[test]
    fn a_missing_callback_is_a_null_argument() {
        let mut request: *mut itop_export_request = null_mut();
        assert_eq!(
            itop_export_request_new(c"SELECT Person".as_ptr(), &mut request),
            itop_status::Ok
        );
        assert_eq!(
            itop_export_request_format(request, 6),
            itop_status::InvalidRequest
        );
        let mut result: *mut itop_export_result = null_mut();
        let status = itop_client_export_to_callback(null(), request, None, null_mut(), &mut result);
        assert_eq!(status, itop_status::NullArgument);
        assert!(result.is_null());
        itop_export_request_free(request);
    }
}
