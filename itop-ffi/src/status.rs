//! The numeric status every function returns.

use std::ffi::c_char;

use itop_core::Error;

/// What a call did: `ITOP_STATUS_OK` (0), or why it failed. The numbers are
/// stable: new statuses are only ever added at the end. After a failure,
/// `itop_last_error_message` tells the whole story.
#[repr(C)]
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum itop_status {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullArgument = 1,
    /// A string argument was not UTF-8.
    InvalidUtf8 = 2,
    /// A value was refused before anything was sent (empty class, bad
    /// separator, unknown enum value, both a URL and an iTop root...).
    InvalidRequest = 3,
    /// iTop refused the credentials.
    Auth = 4,
    /// Logged in, but the account lacks a right.
    NotAllowed = 5,
    /// iTop rejected the request (unknown class, column, data source, bad
    /// OQL...).
    BadRequest = 6,
    /// iTop failed (PHP fatal error, maintenance, exception); some work
    /// may have been committed.
    Server = 7,
    /// iTop's answer was not recognised as a success.
    Unexpected = 8,
    /// No answer: connection, TLS or timeout.
    Transport = 9,
    /// The local `php` could not be run (command-line mode).
    Process = 10,
    /// A local file could not be read or written.
    Io = 11,
    /// Reading or writing CSV failed.
    Csv = 12,
    /// A parameters file could not be read or written.
    Params = 13,
    /// A bug: the library panicked. The object involved should be freed
    /// and not used again.
    Panic = 14,
    /// No such key or index (a parameter not defined, a row past the end).
    NotFound = 15,
}

impl itop_status {
    /// The status of a core error.
    pub(crate) fn of(err: &Error) -> itop_status {
        match err {
            Error::Auth { .. } => itop_status::Auth,
            Error::NotAllowed { .. } => itop_status::NotAllowed,
            Error::BadRequest { .. } => itop_status::BadRequest,
            Error::Server { .. } => itop_status::Server,
            Error::Unexpected { .. } => itop_status::Unexpected,
            Error::Transport { .. } => itop_status::Transport,
            Error::Process { .. } => itop_status::Process,
            Error::Io { .. } => itop_status::Io,
            Error::Csv(_) => itop_status::Csv,
            Error::Params(_) => itop_status::Params,
            Error::InvalidRequest { .. } => itop_status::InvalidRequest,
            // TODO(#6): a variant added to the core lands here until it gets
            // its own number; UNEXPECTED keeps the caller on the safe side.
            _ => itop_status::Unexpected,
        }
    }

    /// The status with this number, if any.
    pub(crate) fn from_number(number: u32) -> Option<itop_status> {
        use itop_status::*;
        let all = [
            Ok,
            NullArgument,
            InvalidUtf8,
            InvalidRequest,
            Auth,
            NotAllowed,
            BadRequest,
            Server,
            Unexpected,
            Transport,
            Process,
            Io,
            Csv,
            Params,
            Panic,
            NotFound,
        ];
        all.into_iter().find(|status| *status as u32 == number)
    }

    /// The constant's name without its prefix, NUL-terminated.
    fn name(self) -> &'static [u8] {
        match self {
            itop_status::Ok => b"OK\0",
            itop_status::NullArgument => b"NULL_ARGUMENT\0",
            itop_status::InvalidUtf8 => b"INVALID_UTF8\0",
            itop_status::InvalidRequest => b"INVALID_REQUEST\0",
            itop_status::Auth => b"AUTH\0",
            itop_status::NotAllowed => b"NOT_ALLOWED\0",
            itop_status::BadRequest => b"BAD_REQUEST\0",
            itop_status::Server => b"SERVER\0",
            itop_status::Unexpected => b"UNEXPECTED\0",
            itop_status::Transport => b"TRANSPORT\0",
            itop_status::Process => b"PROCESS\0",
            itop_status::Io => b"IO\0",
            itop_status::Csv => b"CSV\0",
            itop_status::Params => b"PARAMS\0",
            itop_status::Panic => b"PANIC\0",
            itop_status::NotFound => b"NOT_FOUND\0",
        }
    }
}

/// The name of a status number, e.g. `"AUTH"` for 4, or `"UNKNOWN"`.
/// The string is static: do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn itop_status_name(status: u32) -> *const c_char {
    let name: &'static [u8] = match itop_status::from_number(status) {
        Some(status) => status.name(),
        None => b"UNKNOWN\0",
    };
    name.as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use super::*;

    fn name(status: u32) -> &'static str {
        // SAFETY: the function returns static NUL-terminated strings.
        unsafe { CStr::from_ptr(itop_status_name(status)) }
            .to_str()
            .unwrap_or("?")
    }

    #[test]
    fn numbers_are_stable() {
        assert_eq!(itop_status::Ok as u32, 0);
        assert_eq!(itop_status::Params as u32, 13);
        assert_eq!(itop_status::Panic as u32, 14);
        assert_eq!(itop_status::NotFound as u32, 15);
        for number in 0..16 {
            assert_eq!(
                itop_status::from_number(number).map(|s| s as u32),
                Some(number)
            );
        }
    }

    #[test]
    fn names_match_the_constants() {
        assert_eq!(name(0), "OK");
        assert_eq!(name(4), "AUTH");
        assert_eq!(name(14), "PANIC");
        assert_eq!(name(99), "UNKNOWN");
    }

    #[test]
    fn core_errors_map_to_their_status() {
        let err = Error::InvalidRequest {
            field: "url",
            reason: "x".into(),
        };
        assert_eq!(itop_status::of(&err), itop_status::InvalidRequest);
        let err = Error::from(std::io::Error::other("disk"));
        assert_eq!(itop_status::of(&err), itop_status::Io);
    }
}
