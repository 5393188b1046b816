//! The shapes shared by the request and result functions: change a
//! handle, read a value or a text out of one, pick an item of a list.

use std::ffi::c_char;

use crate::client::itop_client;
use crate::guard::{Failure, guard};
use crate::ptr::{self, Out, TextOut};
use crate::status::itop_status;

/// A request handle: an `itop-core` request builder, changed by value.
pub(crate) trait Request {
    /// The builder.
    type Builder: Clone;
    /// The builder inside the handle.
    fn builder(&mut self) -> &mut Self::Builder;
}

/// A result handle holding a report that prints as text and as JSON.
pub(crate) trait Report {
    /// The report.
    type Report: std::fmt::Display + serde::Serialize;
    /// The report inside the handle.
    fn report(&self) -> &Self::Report;
}

/// Implements [`Request`] for the handle type `$handle` of builder type
/// `$builder`, kept in its field `request`.
macro_rules! impl_request {
    ($handle:ty, $builder:ty) => {
        impl $crate::handles::Request for $handle {
            type Builder = $builder;
            fn builder(&mut self) -> &mut $builder {
                &mut self.request
            }
        }
    };
}
pub(crate) use impl_request;

/// Implements [`Report`] for the handle type `$handle` of report type
/// `$report`, kept in its field `report`.
macro_rules! impl_report {
    ($handle:ty, $report:ty) => {
        impl $crate::handles::Report for $handle {
            type Report = $report;
            fn report(&self) -> &$report {
                &self.report
            }
        }
    };
}
pub(crate) use impl_report;

/// Stores a new handle, `value()`, in `*out` (named `what` in errors);
/// `value` runs first, so its argument errors come before `out`'s.
pub(crate) fn new<T>(
    out: *mut *mut T,
    what: &str,
    value: impl FnOnce() -> Result<T, Failure>,
) -> itop_status {
    guard(|| {
        let value = value()?;
        let out = Out::new(out, what)?;
        ptr::write_box(out, value);
        Ok(())
    })
}

/// Replaces the builder of the request at `request` by `step(builder)`.
pub(crate) fn set<H: Request>(
    request: *mut H,
    step: impl FnOnce(H::Builder) -> Result<H::Builder, Failure>,
) -> itop_status {
    change(request, "request", |r| {
        let builder = r.builder();
        *builder = step(builder.clone())?;
        Ok(())
    })
}

/// Runs `call(client, request)` and stores its result as a new handle in
/// `*result_out`; the pointers are checked first, in that order.
pub(crate) fn call<Q, R>(
    client: *const itop_client,
    request: *const Q,
    result_out: *mut *mut R,
    call: impl FnOnce(&itop_core::Client, &Q) -> Result<R, Failure>,
) -> itop_status {
    guard(|| {
        let client = ptr::as_ref(client, "client")?;
        let request = ptr::as_ref(request, "request")?;
        let out = Out::new(result_out, "result_out")?;
        ptr::write_box(out, call(&client.client, request)?);
        Ok(())
    })
}

/// As [`call`], for a call that can fail after doing part of its work:
/// `call` returns the result and, when it stopped early, the failure. The
/// result is stored in `*result_out` in both cases, and the failure is
/// returned; a failure of `call` itself leaves `*result_out` alone.
pub(crate) fn call_partial<Q, R>(
    client: *const itop_client,
    request: *const Q,
    result_out: *mut *mut R,
    call: impl FnOnce(&itop_core::Client, &Q) -> Result<(R, Option<Failure>), Failure>,
) -> itop_status {
    guard(|| {
        let client = ptr::as_ref(client, "client")?;
        let request = ptr::as_ref(request, "request")?;
        let out = Out::new(result_out, "result_out")?;
        let (result, stopped) = call(&client.client, request)?;
        ptr::write_box(out, result);
        stopped.map_or(Ok(()), Err)
    })
}

/// Applies `change` to the handle at `handle` (named `what` in errors).
pub(crate) fn change<T>(
    handle: *mut T,
    what: &str,
    change: impl FnOnce(&mut T) -> Result<(), Failure>,
) -> itop_status {
    guard(|| change(ptr::as_mut(handle, what)?))
}

/// Stores `value(handle)` in `*out`, only when it succeeds.
pub(crate) fn get<T, V>(
    handle: *const T,
    what: &str,
    out: *mut V,
    value: impl FnOnce(&T) -> Result<V, Failure>,
) -> itop_status {
    guard(|| {
        let handle = ptr::as_ref(handle, what)?;
        let out = Out::new(out, "out")?;
        out.write(value(handle)?);
        Ok(())
    })
}

/// A caller's buffer for a text: `buf`, `len`, `written`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Buffer {
    pub(crate) buf: *mut c_char,
    pub(crate) len: usize,
    pub(crate) written: *mut usize,
}

/// Copies `text(handle)` into the caller's buffer (see `TextOut::write`).
pub(crate) fn get_text<T>(
    handle: *const T,
    what: &str,
    buffer: Buffer,
    text: impl FnOnce(&T) -> Result<String, Failure>,
) -> itop_status {
    guard(|| {
        let handle = ptr::as_ref(handle, what)?;
        let out = TextOut::new(buffer.buf, buffer.len, buffer.written)?;
        out.write(&text(handle)?);
        Ok(())
    })
}

/// Copies the report of the result at `result` as text for people.
pub(crate) fn report_text<H: Report>(result: *const H, buffer: Buffer) -> itop_status {
    get_text(result, "result", buffer, |r| Ok(r.report().to_string()))
}

/// Copies the report of the result at `result` as JSON.
pub(crate) fn report_json<H: Report>(result: *const H, buffer: Buffer) -> itop_status {
    get_text(result, "result", buffer, |r| json(r.report()))
}

/// Item `index` of `list`, or `NOT_FOUND`.
pub(crate) fn item<'a, T>(list: &'a [T], index: usize, what: &str) -> Result<&'a T, Failure> {
    list.get(index)
        .ok_or_else(|| Failure::not_found(format!("no {what} {index}: there are {}", list.len())))
}

/// `value` as JSON.
pub(crate) fn json(value: &impl serde::Serialize) -> Result<String, Failure> {
    serde_json::to_string(value)
        .map_err(|err| Failure::new(itop_status::Unexpected, format!("json: {err}")))
}

/// Splits a comma-separated list, trimming items and dropping empty ones.
pub(crate) fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_split_and_trimmed() {
        assert_eq!(list(" email , org_id->name,,"), ["email", "org_id->name"]);
        assert!(list("").is_empty());
    }

    #[derive(Debug)]
    struct Handle {
        request: Vec<u8>,
    }
    impl_request!(Handle, Vec<u8>);

    #[test]
    fn new_checks_its_value_before_the_out_pointer() {
        let status = new(std::ptr::null_mut::<*mut u8>(), "out", || {
            Err(Failure::not_found("value first"))
        });
        assert_eq!(status, itop_status::NotFound);
        let status = new(std::ptr::null_mut::<*mut u8>(), "out", || Ok(7));
        assert_eq!(status, itop_status::NullArgument);
        let mut out: *mut u8 = std::ptr::null_mut();
        assert_eq!(new(&mut out, "out", || Ok(7)), itop_status::Ok);
        // SAFETY: `new` succeeded, so `out` is a live box.
        assert_eq!(unsafe { *out }, 7);
        ptr::free_box(out);
    }

    #[test]
    fn set_replaces_the_builder_only_on_success() {
        let mut handle = Handle { request: vec![1] };
        let step = |mut b: Vec<u8>| {
            b.push(2);
            Ok(b)
        };
        assert_eq!(set(&mut handle, step), itop_status::Ok);
        assert_eq!(handle.request, [1, 2]);
        let fail = |_| Err(Failure::not_found("no"));
        assert_eq!(set(&mut handle, fail), itop_status::NotFound);
        assert_eq!(handle.request, [1, 2]);
        let null = std::ptr::null_mut::<Handle>();
        assert_eq!(set(null, step), itop_status::NullArgument);
    }

    #[test]
    fn call_checks_client_request_and_out_in_order() {
        let handle = Handle { request: vec![] };
        let mut out: *mut u8 = std::ptr::null_mut();
        let never = |_: &itop_core::Client, _: &Handle| -> Result<u8, Failure> {
            Err(Failure::not_found("not reached"))
        };
        let status = call(std::ptr::null(), &handle, &mut out, never);
        assert_eq!(status, itop_status::NullArgument);
        assert!(out.is_null());
        assert_eq!(crate::last_error::message(), "client is NULL");
    }

    #[test]
    fn call_partial_stores_the_result_and_returns_the_failure() {
        let client = itop_core::Client::builder()
            .url("http://127.0.0.1:1")
            .build();
        let client = client.map(|client| itop_client { client }).ok();
        let client = client.as_ref().map_or(std::ptr::null(), |c| c as *const _);
        let handle = Handle { request: vec![] };
        let mut out: *mut u8 = std::ptr::null_mut();
        let stopped = |_: &itop_core::Client, _: &Handle| Ok((9, Some(Failure::not_found("stop"))));
        let status = call_partial(client, &handle, &mut out, stopped);
        assert_eq!(status, itop_status::NotFound);
        assert!(!out.is_null(), "the result is written with the failure");
        // SAFETY: written by `call_partial`.
        assert_eq!(unsafe { *out }, 9);
        ptr::free_box(out);
        let mut out: *mut u8 = std::ptr::null_mut();
        let failed =
            |_: &itop_core::Client, _: &Handle| -> Result<(u8, Option<Failure>), Failure> {
                Err(Failure::not_found("before"))
            };
        assert_eq!(
            call_partial(client, &handle, &mut out, failed),
            itop_status::NotFound
        );
        assert!(out.is_null());
    }

    #[test]
    fn items_past_the_end_are_not_found() {
        let failure = item(&[1, 2], 2, "row").err();
        assert_eq!(
            failure.as_ref().map(|f| f.status),
            Some(itop_status::NotFound)
        );
        assert_eq!(
            failure.map(|f| f.message).as_deref(),
            Some("no row 2: there are 2")
        );
    }
}
