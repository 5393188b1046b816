//! The legacy `export.php`: `itop_legacy_export_request` and
//! `itop_client_export_legacy_*`, giving an `itop_export_result`.

use std::ffi::{c_char, c_void};
use std::path::Path;

use itop_core::{ExportOutcome, ExportQuery, LegacyExportRequest};

use crate::client::itop_client;
use crate::enums;
use crate::export::itop_export_result;
use crate::guard::{Failure, guard_free};
use crate::handles;
use crate::ptr::{self, CallbackWriter, itop_write_callback};
use crate::status::itop_status;

/// An export through the legacy `export.php` (unmaintained in iTop 3.2:
/// prefer `itop_export_request`). CSV by default, with a UTF-8 header of
/// codes in the data model's order (not the order of `fields`) and `,` as
/// separator. Free with `itop_legacy_export_request_free`.
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug)]
pub struct itop_legacy_export_request {
    request: LegacyExportRequest,
}

handles::impl_request!(itop_legacy_export_request, LegacyExportRequest);

fn new(
    query: impl FnOnce() -> Result<ExportQuery, Failure>,
    request_out: *mut *mut itop_legacy_export_request,
) -> itop_status {
    handles::new(request_out, "request_out", || {
        Ok(itop_legacy_export_request {
            request: LegacyExportRequest::new(query()?),
        })
    })
}

/// Makes a legacy export of the OQL query `oql` in `*request_out`.
#[unsafe(no_mangle)]
pub extern "C" fn itop_legacy_export_request_new(
    oql: *const c_char,
    request_out: *mut *mut itop_legacy_export_request,
) -> itop_status {
    let query = || Ok(ExportQuery::Expression(ptr::as_str(oql, "oql")?.to_owned()));
    new(query, request_out)
}

/// Makes a legacy export of the query phrasebook entry `query_id` (its
/// field list must not hold `->`: `export.php` refuses it).
#[unsafe(no_mangle)]
pub extern "C" fn itop_legacy_export_request_new_phrasebook(
    query_id: *const c_char,
    request_out: *mut *mut itop_legacy_export_request,
) -> itop_status {
    let query = || {
        let id = ptr::as_str(query_id, "query_id")?;
        Ok(ExportQuery::Phrasebook(id.to_owned()))
    };
    new(query, request_out)
}

/// Frees a legacy export request. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn itop_legacy_export_request_free(request: *mut itop_legacy_export_request) {
    guard_free(|| ptr::free_box(request));
}

/// The attribute codes, comma-separated; all by default. No `->`: the
/// call then fails with `ITOP_STATUS_INVALID_REQUEST` (use export-v2).
#[unsafe(no_mangle)]
pub extern "C" fn itop_legacy_export_request_fields(
    request: *mut itop_legacy_export_request,
    fields: *const c_char,
) -> itop_status {
    handles::set(request, |r| {
        Ok(r.fields(handles::list(ptr::as_str(fields, "fields")?)))
    })
}

/// A value for the OQL parameter `:name`.
#[unsafe(no_mangle)]
pub extern "C" fn itop_legacy_export_request_argument(
    request: *mut itop_legacy_export_request,
    name: *const c_char,
    value: *const c_char,
) -> itop_status {
    handles::set(request, |r| {
        Ok(r.argument(ptr::as_str(name, "name")?, ptr::as_str(value, "value")?))
    })
}

/// The format: one of `ITOP_EXPORT_FORMAT_*` but `PDF` (`CSV` by default).
#[unsafe(no_mangle)]
pub extern "C" fn itop_legacy_export_request_format(
    request: *mut itop_legacy_export_request,
    format: u32,
) -> itop_status {
    handles::set(request, |r| {
        Ok(r.format(enums::legacy_export_format(format)?))
    })
}

fn run(
    client: *const itop_client,
    request: *const itop_legacy_export_request,
    result_out: *mut *mut itop_export_result,
    export: impl FnOnce(&itop_core::Client, &LegacyExportRequest) -> Result<ExportOutcome, Failure>,
) -> itop_status {
    handles::call(client, request, result_out, |client, request| {
        let outcome = export(client, &request.request)?;
        Ok(itop_export_result { outcome })
    })
}

/// Exports with `export.php` into the file at `path`, as
/// `itop_client_export_to_path` does: through a temporary file beside it,
/// renamed once the export is complete, so that on failure `path` is left
/// untouched. The BOM iTop puts before UTF-8 CSV is removed. Fails with
/// `ITOP_STATUS_AUTH`, `BAD_REQUEST` (bad OQL, unknown field),
/// `INVALID_REQUEST` (a `->` field), `IO`, `TRANSPORT`...
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_export_legacy_to_path(
    client: *const itop_client,
    request: *const itop_legacy_export_request,
    path: *const c_char,
    result_out: *mut *mut itop_export_result,
) -> itop_status {
    run(client, request, result_out, |client, request| {
        let path = Path::new(ptr::as_str(path, "path")?);
        Ok(client.export_legacy_to_path(request, path)?)
    })
}

/// Exports with `export.php`, calling `callback(userdata, data, len)` for
/// each piece of data, as `itop_client_export_to_callback` does (0 to go
/// on, anything else stops the export, which then fails). On failure, what
/// the callback got is incomplete.
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_export_legacy_to_callback(
    client: *const itop_client,
    request: *const itop_legacy_export_request,
    callback: itop_write_callback,
    userdata: *mut c_void,
    result_out: *mut *mut itop_export_result,
) -> itop_status {
    run(client, request, result_out, |client, request| {
        let mut writer = CallbackWriter::new(callback, userdata)?;
        Ok(client.export_legacy(request, &mut writer)?)
    })
}

#[cfg(test)]
mod tests {
    use std::ptr::{null, null_mut};

    use super::*;

    #[test]
    fn formats_and_nulls_are_checked() {
        let mut request: *mut itop_legacy_export_request = null_mut();
        let status = itop_legacy_export_request_new(c"SELECT Person".as_ptr(), &mut request);
        assert_eq!(status, itop_status::Ok);
        let pdf = itop_legacy_export_request_format(request, 5);
        assert_eq!(pdf, itop_status::InvalidRequest);
        let xml = itop_legacy_export_request_format(request, 1);
        assert_eq!(xml, itop_status::Ok);
        let mut result: *mut itop_export_result = null_mut();
        let status =
            itop_client_export_legacy_to_callback(null(), request, None, null_mut(), &mut result);
        assert_eq!(status, itop_status::NullArgument);
        assert!(result.is_null());
        itop_legacy_export_request_free(request);
    }
}
