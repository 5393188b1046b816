//! The thread's last error: message (with the whole cause chain) and
//! iTop's raw answer.

use std::cell::RefCell;
use std::ffi::c_char;

use crate::guard::Failure;
use crate::ptr::TextOut;
use crate::status::itop_status;

thread_local! {
    static LAST: RefCell<Option<Failure>> = const { RefCell::new(None) };
}

/// Forgets the last error (every call starts so).
pub(crate) fn clear() {
    LAST.with(|last| last.borrow_mut().take());
}

/// Records `failure` as the last error.
pub(crate) fn set(failure: Failure) {
    LAST.with(|last| *last.borrow_mut() = Some(failure));
}

/// The last error's message, empty when the last call succeeded.
pub(crate) fn message() -> String {
    LAST.with(|last| {
        last.borrow()
            .as_ref()
            .map(|f| f.message.clone())
            .unwrap_or_default()
    })
}

/// The last error's raw answer, empty when there is none.
fn raw() -> String {
    LAST.with(|last| {
        last.borrow()
            .as_ref()
            .and_then(|f| f.raw.clone())
            .unwrap_or_default()
    })
}

/// Copies `text` to the caller's buffer; never touches the last error.
fn copy_out(text: &str, buf: *mut c_char, len: usize, written: *mut usize) -> itop_status {
    let outcome = std::panic::catch_unwind(|| match TextOut::new(buf, len, written) {
        Ok(out) => {
            out.write(text);
            itop_status::Ok
        }
        Err(failure) => failure.status,
    });
    outcome.unwrap_or(itop_status::Panic)
}

/// Copies the message of the last failed call on this thread (the error
/// and all its causes, e.g. `import: authentication failed: Invalid
/// login`; with file, line and column for a parameters file) into `buf`.
///
/// Every other function but the `_free` ones resets it, so read it right
/// after the failure.
/// `buf` gets at most `len - 1` bytes and a NUL; `*written` gets the full
/// length (without NUL): the text was cut when `*written >= len`. Pass
/// `buf = NULL, len = 0` to ask for the length. The message is empty after
/// a successful call. Calling this function does not change the last error.
///
/// Returns `ITOP_STATUS_NULL_ARGUMENT` when `written` is NULL, or `buf` is
/// NULL with `len > 0`.
#[unsafe(no_mangle)]
pub extern "C" fn itop_last_error_message(
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> itop_status {
    copy_out(&message(), buf, len, written)
}

/// Copies iTop's raw answer behind the last failed call on this thread
/// (the page or text that iTop sent, at most 256 KiB), or an empty string
/// when the failure did not come from an answer. Same buffer rules as
/// `itop_last_error_message`.
#[unsafe(no_mangle)]
pub extern "C" fn itop_last_error_raw(
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> itop_status {
    copy_out(&raw(), buf, len, written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(len: usize) -> (itop_status, String, usize) {
        let mut buf = vec![b'x' as c_char; len.max(1)];
        let mut written = 0usize;
        let status = itop_last_error_message(buf.as_mut_ptr(), len, &mut written);
        let end = buf.iter().position(|&c| c == 0).unwrap_or(0);
        let text: Vec<u8> = buf[..end].iter().map(|&c| c as u8).collect();
        (status, String::from_utf8(text).unwrap_or_default(), written)
    }

    #[test]
    fn message_is_cut_on_a_character_boundary() {
        set(Failure::new(itop_status::Io, "héllo"));
        assert_eq!(read(64), (itop_status::Ok, "héllo".to_owned(), 6));
        // 3 bytes of room: `h` and the two bytes of `é` would need 3 + NUL.
        assert_eq!(read(3), (itop_status::Ok, "h".to_owned(), 6));
        assert_eq!(read(1), (itop_status::Ok, String::new(), 6));
    }

    #[test]
    fn length_question_and_null_arguments() {
        set(Failure::new(itop_status::Io, "abc"));
        let mut written = 0usize;
        let status = itop_last_error_message(std::ptr::null_mut(), 0, &mut written);
        assert_eq!((status, written), (itop_status::Ok, 3));
        let status = itop_last_error_message(std::ptr::null_mut(), 5, &mut written);
        assert_eq!(status, itop_status::NullArgument);
        let status = itop_last_error_raw(std::ptr::null_mut(), 0, std::ptr::null_mut());
        assert_eq!(status, itop_status::NullArgument);
        assert_eq!(message(), "abc", "reading the error keeps it");
    }
}
