//! Every raw-pointer operation of the crate, in one place.
//!
//! The exported functions are safe Rust functions that C calls with raw
//! pointers; they hand those pointers to the helpers here, which check for
//! NULL, dereference, and write out-parameters. Each `unsafe` block states
//! the part of the C contract (documented in `itop.h`) it relies on.

use std::ffi::{CStr, c_char, c_int, c_void};

use crate::guard::Failure;

/// Borrows `*ptr`, or fails with `NULL_ARGUMENT` naming `what`.
pub(crate) fn as_ref<'a, T>(ptr: *const T, what: &str) -> Result<&'a T, Failure> {
    // SAFETY: C passes either NULL or a pointer obtained from this library
    // (or to a live, aligned value of `T`) that it does not free during the
    // call, as every function's documentation requires.
    unsafe { ptr.as_ref() }.ok_or_else(|| Failure::null(what))
}

/// Borrows `*ptr` mutably, or fails with `NULL_ARGUMENT` naming `what`.
pub(crate) fn as_mut<'a, T>(ptr: *mut T, what: &str) -> Result<&'a mut T, Failure> {
    // SAFETY: as `as_ref`; C also promises no other thread uses the object
    // during the call (the handles that are changed are not thread-safe).
    unsafe { ptr.as_mut() }.ok_or_else(|| Failure::null(what))
}

/// Reads a NUL-terminated UTF-8 string, or fails with `NULL_ARGUMENT` or
/// `INVALID_UTF8` naming `what`.
pub(crate) fn as_str<'a>(ptr: *const c_char, what: &str) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(Failure::null(what));
    }
    // SAFETY: non-NULL, and C passes a NUL-terminated string that stays
    // unchanged during the call.
    let text = unsafe { CStr::from_ptr(ptr) };
    text.to_str().map_err(|_| Failure::utf8(what))
}

/// Borrows `len` bytes at `data`; NULL is accepted only when `len` is 0.
pub(crate) fn as_bytes<'a>(data: *const u8, len: usize, what: &str) -> Result<&'a [u8], Failure> {
    if len == 0 {
        return Ok(&[]);
    }
    if data.is_null() {
        return Err(Failure::null(what));
    }
    // SAFETY: non-NULL, and C passes `len` readable bytes that stay
    // unchanged during the call.
    Ok(unsafe { std::slice::from_raw_parts(data, len) })
}

/// Borrows `count` values at `data`; NULL is accepted only when `count` is 0.
pub(crate) fn as_slice<'a, T>(
    data: *const T,
    count: usize,
    what: &str,
) -> Result<&'a [T], Failure> {
    if count == 0 {
        return Ok(&[]);
    }
    if data.is_null() {
        return Err(Failure::null(what));
    }
    // SAFETY: non-NULL, and C passes `count` initialised, aligned values.
    Ok(unsafe { std::slice::from_raw_parts(data, count) })
}

/// An out-parameter checked for NULL before any work is done; written
/// only by [`Out::write`], once the call has succeeded.
#[derive(Debug)]
pub(crate) struct Out<T>(*mut T);

impl<T> Out<T> {
    /// Checks `ptr`.
    pub(crate) fn new(ptr: *mut T, what: &str) -> Result<Out<T>, Failure> {
        if ptr.is_null() {
            return Err(Failure::null(what));
        }
        Ok(Out(ptr))
    }

    /// Stores `value` (the previous content is not dropped: it belongs to
    /// C and may be uninitialised).
    pub(crate) fn write(self, value: T) {
        // SAFETY: non-NULL (checked in `new`), and C passes a writable,
        // aligned location for a `T`.
        unsafe { self.0.write(value) }
    }
}

/// Moves `value` to the heap and stores the pointer in `out`.
pub(crate) fn write_box<T>(out: Out<*mut T>, value: T) {
    out.write(Box::into_raw(Box::new(value)));
}

/// Frees a handle made by [`write_box`]; NULL does nothing.
pub(crate) fn free_box<T>(ptr: *mut T) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: C passes a pointer this library returned through
    // `write_box` for this very type and never uses it again.
    drop(unsafe { Box::from_raw(ptr) });
}

/// A caller's text buffer: `buf` of `len` bytes, and `written`.
#[derive(Debug)]
pub(crate) struct TextOut {
    buf: *mut c_char,
    len: usize,
    written: Out<usize>,
}

impl TextOut {
    /// Checks the pointers: `written` is required; `buf` may be NULL only
    /// when `len` is 0 (a question about the length).
    pub(crate) fn new(
        buf: *mut c_char,
        len: usize,
        written: *mut usize,
    ) -> Result<TextOut, Failure> {
        let written = Out::new(written, "written")?;
        if buf.is_null() && len > 0 {
            return Err(Failure::null("buf"));
        }
        Ok(TextOut { buf, len, written })
    }

    /// Copies as much of `text` as fits in `len - 1` bytes (cut on a
    /// character boundary), adds a NUL, and stores the full length of
    /// `text` in `written`, as `snprintf` does.
    pub(crate) fn write(self, text: &str) {
        if self.len > 0 {
            let mut end = text.len().min(self.len - 1);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            // SAFETY: `buf` is non-NULL (checked in `new` since `len > 0`)
            // and C passes `len` writable bytes; we write `end + 1 <= len`.
            unsafe {
                std::ptr::copy_nonoverlapping(text.as_ptr(), self.buf.cast::<u8>(), end);
                self.buf.add(end).write(0);
            }
        }
        self.written.write(text.len());
    }
}

/// A C write callback: `callback(userdata, data, len)` returns 0 when the
/// bytes were taken.
#[allow(non_camel_case_types, reason = "C type name")]
pub type itop_write_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, data: *const u8, len: usize) -> c_int>;

/// An [`std::io::Write`] that hands every buffer to a C callback.
#[derive(Debug)]
pub(crate) struct CallbackWriter {
    callback: unsafe extern "C" fn(*mut c_void, *const u8, usize) -> c_int,
    userdata: *mut c_void,
}

impl CallbackWriter {
    /// Checks that there is a callback.
    pub(crate) fn new(
        callback: itop_write_callback,
        userdata: *mut c_void,
    ) -> Result<CallbackWriter, Failure> {
        let callback = callback.ok_or_else(|| Failure::null("callback"))?;
        Ok(CallbackWriter { callback, userdata })
    }
}

/// A C progress callback, called on the calling thread after each chunk
/// of a chunked upload that iTop reported on: `user` is the caller's
/// pointer, passed back unchanged; `chunks` the chunks done so far (1, 2,
/// ...); `rows` the data rows of those chunks; `bytes_read` the bytes of
/// the input read so far; `next_line` the 1-based line of the file where
/// an upload stopped now would resume (0 when unknown). Saving
/// `next_line` lets a process killed mid-upload start again from there.
/// It must return normally (no `longjmp`, no exception through it).
#[allow(non_camel_case_types, reason = "C type name")]
pub type itop_progress_callback = Option<
    unsafe extern "C" fn(
        user: *mut c_void,
        chunks: u64,
        rows: u64,
        bytes_read: u64,
        next_line: u64,
    ),
>;

/// A progress callback and its `user` pointer; NULL means no callback.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ProgressCallback {
    callback: itop_progress_callback,
    user: *mut c_void,
}

impl ProgressCallback {
    /// Wraps `callback` (may be NULL) and `user` (passed back unchanged).
    pub(crate) fn new(callback: itop_progress_callback, user: *mut c_void) -> ProgressCallback {
        ProgressCallback { callback, user }
    }

    /// Calls the callback, if any, with the four numbers.
    pub(crate) fn call(&self, chunks: u64, rows: u64, bytes_read: u64, next_line: u64) {
        if let Some(callback) = self.callback {
            // SAFETY: C gave a function of this signature, and `user` is
            // its own pointer, passed back unchanged; the call is made on
            // the calling thread during the upload, as documented.
            unsafe { callback(self.user, chunks, rows, bytes_read, next_line) }
        }
    }
}

impl std::io::Write for CallbackWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // SAFETY: C gave a function of this signature, and `userdata` is
        // its own pointer, passed back unchanged; `buf` is valid for the
        // duration of the call, which is all the callback may assume.
        let code = unsafe { (self.callback)(self.userdata, buf.as_ptr(), buf.len()) };
        if code != 0 {
            return Err(std::io::Error::other(format!(
                "the write callback returned {code}"
            )));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
