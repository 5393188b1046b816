//! `itop_params` and `itop_findings`: parameters files read, queried,
//! linted and written exactly as iTop reads them.

use std::ffi::c_char;
use std::path::Path;

use itop_core::params::{Finding, Params, Severity, render_check, write_params_file};

use crate::enums::{self, itop_severity};
use crate::guard::{Failure, guard, guard_free};
use crate::handles::{self, Buffer};
use crate::ptr::{self, Out};
use crate::status::itop_status;

/// Parameters as iTop reads them: keys, values, and where each value came
/// from. Free with `itop_params_free`.
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug)]
pub struct itop_params {
    params: Params,
}

/// The lint findings of a set of parameters. Free with
/// `itop_findings_free`.
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug)]
pub struct itop_findings {
    findings: Vec<Finding>,
}

/// Where a finding points, and how serious it is.
#[repr(C)]
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct itop_finding {
    /// 1-based line (lines split on `\n` only, as iTop splits them).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// `WARNING` or `CHANGED` (iTop will not do what is written).
    pub severity: itop_severity,
}

/// Makes an empty set of parameters in `*params_out`.
#[unsafe(no_mangle)]
pub extern "C" fn itop_params_new(params_out: *mut *mut itop_params) -> itop_status {
    guard(|| {
        let out = Out::new(params_out, "params_out")?;
        ptr::write_box(
            out,
            itop_params {
                params: Params::new(),
            },
        );
        Ok(())
    })
}

/// Reads the files of an iTop-style list, `"a.params,b.params"` (a key
/// in a later file replaces the earlier value), into `*params_out`.
/// Lines iTop ignores are not errors: `itop_params_lint` reports them.
/// Fails with `ITOP_STATUS_PARAMS` when a file cannot be read.
#[unsafe(no_mangle)]
pub extern "C" fn itop_params_read(
    paths: *const c_char,
    params_out: *mut *mut itop_params,
) -> itop_status {
    guard(|| {
        let paths = ptr::as_str(paths, "paths")?;
        let out = Out::new(params_out, "params_out")?;
        let params = Params::load(paths)?;
        ptr::write_box(out, itop_params { params });
        Ok(())
    })
}

/// Reads `len` bytes at `text` as one parameters file named `path` (the
/// name only appears in origins and findings) into `*params_out`.
#[unsafe(no_mangle)]
pub extern "C" fn itop_params_parse(
    text: *const u8,
    len: usize,
    path: *const c_char,
    params_out: *mut *mut itop_params,
) -> itop_status {
    guard(|| {
        let text = ptr::as_bytes(text, len, "text")?;
        let path = Path::new(ptr::as_str(path, "path")?);
        let out = Out::new(params_out, "params_out")?;
        ptr::write_box(
            out,
            itop_params {
                params: Params::parse(text, path),
            },
        );
        Ok(())
    })
}

/// Frees parameters. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn itop_params_free(params: *mut itop_params) {
    guard_free(|| ptr::free_box(params));
}

/// Copies the value of `key` (case-sensitive) as iTop would read it;
/// `ITOP_STATUS_NOT_FOUND` when the key is not defined.
#[unsafe(no_mangle)]
pub extern "C" fn itop_params_get(
    params: *const itop_params,
    key: *const c_char,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> itop_status {
    handles::get_text(params, "params", Buffer { buf, len, written }, |p| {
        let key = ptr::as_str(key, "key")?;
        let value = p
            .params
            .get(key)
            .ok_or_else(|| Failure::not_found(format!("no parameter `{key}`")))?;
        Ok(value.to_owned())
    })
}

/// Sets `key` as the command line does: the value wins over every file.
#[unsafe(no_mangle)]
pub extern "C" fn itop_params_set(
    params: *mut itop_params,
    key: *const c_char,
    value: *const c_char,
) -> itop_status {
    handles::change(params, "params", |p| {
        p.params
            .set(ptr::as_str(key, "key")?, ptr::as_str(value, "value")?);
        Ok(())
    })
}

/// Stores the number of keys.
#[unsafe(no_mangle)]
pub extern "C" fn itop_params_count(
    params: *const itop_params,
    count_out: *mut usize,
) -> itop_status {
    handles::get(params, "params", count_out, |p| Ok(p.params.len()))
}

/// Copies key `index`, in order of first definition; `NOT_FOUND` past the
/// end.
#[unsafe(no_mangle)]
pub extern "C" fn itop_params_key(
    params: *const itop_params,
    index: usize,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> itop_status {
    handles::get_text(params, "params", Buffer { buf, len, written }, |p| {
        let keys: Vec<&str> = p.params.iter().map(|(key, _)| key).collect();
        Ok((*handles::item(&keys, index, "key")?).to_owned())
    })
}

/// Lints the parameters for `service` (one of `ITOP_SERVICE_*`;
/// `ITOP_SERVICE_ANY` for no particular one) and puts the findings in
/// `*findings_out`, sorted by file, line and column.
#[unsafe(no_mangle)]
pub extern "C" fn itop_params_lint(
    params: *const itop_params,
    service: u32,
    findings_out: *mut *mut itop_findings,
) -> itop_status {
    guard(|| {
        let params = ptr::as_ref(params, "params")?;
        let service = enums::service(service)?;
        let out = Out::new(findings_out, "findings_out")?;
        ptr::write_box(
            out,
            itop_findings {
                findings: params.params.lint(service),
            },
        );
        Ok(())
    })
}

/// Copies the report of `itop params check`: each value iTop will read
/// (secrets as `***`) with its origin, then each finding, then a count.
#[unsafe(no_mangle)]
pub extern "C" fn itop_params_check_report(
    params: *const itop_params,
    findings: *const itop_findings,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> itop_status {
    handles::get_text(params, "params", Buffer { buf, len, written }, |p| {
        let findings = ptr::as_ref(findings, "findings")?;
        Ok(render_check(&p.params, &findings.findings))
    })
}

/// Writes the keys and values as a parameters file at `path` (mode
/// 0600), only if iTop would read every one back unchanged: a value with
/// `#`, a newline or blanks at its ends fails with `ITOP_STATUS_PARAMS`
/// and writes nothing.
#[unsafe(no_mangle)]
pub extern "C" fn itop_params_write(
    params: *const itop_params,
    path: *const c_char,
) -> itop_status {
    guard(|| {
        let params = ptr::as_ref(params, "params")?;
        let path = Path::new(ptr::as_str(path, "path")?);
        let entries: Vec<(&str, &str)> = params.params.iter().collect();
        Ok(write_params_file(path, &entries)?)
    })
}

/// Frees findings. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn itop_findings_free(findings: *mut itop_findings) {
    guard_free(|| ptr::free_box(findings));
}

/// Stores the number of findings.
#[unsafe(no_mangle)]
pub extern "C" fn itop_findings_count(
    findings: *const itop_findings,
    count_out: *mut usize,
) -> itop_status {
    handles::get(findings, "findings", count_out, |f| Ok(f.findings.len()))
}

/// Fills `*finding_out` with finding `index`; `NOT_FOUND` past the end.
#[unsafe(no_mangle)]
pub extern "C" fn itop_findings_get(
    findings: *const itop_findings,
    index: usize,
    finding_out: *mut itop_finding,
) -> itop_status {
    handles::get(findings, "findings", finding_out, |f| {
        let finding = handles::item(&f.findings, index, "finding")?;
        let severity = match finding.severity {
            Severity::Warning => itop_severity::Warning,
            Severity::Changed => itop_severity::Changed,
        };
        Ok(itop_finding {
            line: finding.line,
            column: finding.column,
            severity,
        })
    })
}

/// Copies the message of finding `index`: what iTop does and what to
/// write instead.
#[unsafe(no_mangle)]
pub extern "C" fn itop_findings_message(
    findings: *const itop_findings,
    index: usize,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> itop_status {
    handles::get_text(findings, "findings", Buffer { buf, len, written }, |f| {
        Ok(handles::item(&f.findings, index, "finding")?
            .message
            .clone())
    })
}

/// Copies the file of finding `index`.
#[unsafe(no_mangle)]
pub extern "C" fn itop_findings_path(
    findings: *const itop_findings,
    index: usize,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> itop_status {
    handles::get_text(findings, "findings", Buffer { buf, len, written }, |f| {
        Ok(handles::item(&f.findings, index, "finding")?
            .path
            .display()
            .to_string())
    })
}

#[cfg(test)]
mod tests {
    use std::ptr::{null, null_mut};

    use super::*;

    fn text(
        status_and_buf: impl FnOnce(*mut c_char, usize, *mut usize) -> itop_status,
    ) -> (itop_status, String) {
        let mut buf = [0 as c_char; 256];
        let mut written = 0usize;
        let status = status_and_buf(buf.as_mut_ptr(), buf.len(), &mut written);
        let bytes: Vec<u8> = buf[..written.min(255)].iter().map(|&c| c as u8).collect();
        (status, String::from_utf8(bytes).unwrap_or_default())
    }

    #[test]
    fn parse_get_and_lint_follow_itop() {
        let data = b"auth_user = admin\nauth_pwd = s3cr#et\nauth_login = x\n";
        let mut params: *mut itop_params = null_mut();
        let status = itop_params_parse(
            data.as_ptr(),
            data.len(),
            c"creds.params".as_ptr(),
            &mut params,
        );
        assert_eq!(status, itop_status::Ok);
        let got = text(|b, l, w| itop_params_get(params, c"auth_pwd".as_ptr(), b, l, w));
        assert_eq!(got, (itop_status::Ok, "s3cr".to_owned()));
        let missing = text(|b, l, w| itop_params_get(params, c"nope".as_ptr(), b, l, w));
        assert_eq!(missing.0, itop_status::NotFound);

        let mut findings: *mut itop_findings = null_mut();
        assert_eq!(itop_params_lint(params, 4, &mut findings), itop_status::Ok);
        let mut first = itop_finding {
            line: 0,
            column: 0,
            severity: itop_severity::Warning,
        };
        assert_eq!(itop_findings_get(findings, 0, &mut first), itop_status::Ok);
        assert_eq!(
            (first.line, first.column, first.severity),
            (2, 16, itop_severity::Changed)
        );
        assert_eq!(
            itop_findings_get(findings, 9, &mut first),
            itop_status::NotFound
        );
        itop_findings_free(findings);
        itop_params_free(params);
    }

    #[test]
    fn null_and_bad_service_are_refused() {
        let mut params: *mut itop_params = null_mut();
        assert_eq!(
            itop_params_read(null(), &mut params),
            itop_status::NullArgument
        );
        assert_eq!(itop_params_new(&mut params), itop_status::Ok);
        let mut findings: *mut itop_findings = null_mut();
        assert_eq!(
            itop_params_lint(params, 42, &mut findings),
            itop_status::InvalidRequest
        );
        assert!(findings.is_null());
        itop_params_free(params);
    }
}
