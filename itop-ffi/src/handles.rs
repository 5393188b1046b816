//! The shapes shared by the request and result functions: change a
//! handle, read a value or a text out of one, pick an item of a list.

use std::ffi::c_char;

use crate::guard::{Failure, guard};
use crate::ptr::{self, Out, TextOut};
use crate::status::itop_status;

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
