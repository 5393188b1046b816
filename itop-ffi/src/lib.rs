//! A C API over `itop-core`, for C and for PHP's FFI (see `docs/c.md`,
//! `docs/php.md` and the header `include/itop.h`).
//!
//! Conventions, for every function:
//!
//! * Objects are opaque handles made by an `itop_<type>_new` function (or
//!   a call that returns a result) and freed by `itop_<type>_free`, which
//!   accepts NULL.
//! * Every function but the `_free` ones returns an [`itop_status`]: 0
//!   (`ITOP_STATUS_OK`) on success. After a failure,
//!   [`itop_last_error_message`] gives the error with its whole cause chain
//!   and [`itop_last_error_raw`] iTop's raw answer; both are per thread,
//!   reset by the next call (`_free` calls excepted).
//! * Strings in are NUL-terminated UTF-8 (`INVALID_UTF8` otherwise).
//!   Strings out go to a caller's buffer `(buf, len, &written)` with
//!   `snprintf` rules: the text is cut to fit and NUL-terminated, and
//!   `written` receives its full length.
//! * A NULL pointer where a value is required gives
//!   `ITOP_STATUS_NULL_ARGUMENT`, never a crash; out-parameters are written
//!   only on success, with one exception: a chunked upload that stopped
//!   after it began also stores its result (what got through, and the line
//!   to resume from) beside the failure status.
//! * Every function runs behind a panic guard: a bug in this library gives
//!   `ITOP_STATUS_PANIC`, not an abort.
//!
//! All raw-pointer work is in the private `ptr` module.

#![deny(missing_docs)]

mod chunked;
mod client;
mod counters;
mod cron;
mod csv_input;
mod enums;
mod export;
mod export_legacy;
mod guard;
mod handles;
mod import;
mod import_chunked;
mod last_error;
mod params;
mod ptr;
mod status;
mod synchro_exec;
mod synchro_import;
mod synchro_import_chunked;

pub use chunked::{itop_chunk_options, itop_chunk_summary};
pub use client::*;
pub use counters::*;
pub use cron::*;
pub use enums::{
    itop_auth_channel, itop_export_format, itop_output_mode, itop_row_status, itop_service,
    itop_severity, itop_synchro_row_kind,
};
pub use export::*;
pub use export_legacy::*;
pub use import::*;
pub use import_chunked::*;
pub use last_error::{itop_last_error_message, itop_last_error_raw};
pub use params::*;
pub use ptr::{itop_progress_callback, itop_write_callback};
pub use status::{itop_status, itop_status_name};
pub use synchro_exec::*;
pub use synchro_import::*;
pub use synchro_import_chunked::*;
