//! Typed requests, one per service.
//!
//! A request is plain owned data: the values iTop needs go in `new`, the
//! options are consuming setters whose documentation names iTop's default.
//! Closed sets are enums. [`Request::wire_fields`] lists what goes on the wire,
//! credentials and CSV data excepted: the transport adds those. The client
//! always sends the values that iTop would otherwise take from its own
//! configuration (charset, separator, `no_localize`, output mode), so the
//! same request means the same thing on every iTop.

mod cron;
mod csv_options;
mod export;
mod import;
mod synchro_exec;
mod synchro_import;

pub use cron::CronRequest;
pub use csv_options::CsvOptions;
pub use export::{
    ExportFormat, ExportQuery, ExportRequest, LegacyExportFormat, LegacyExportRequest,
};
pub use import::ImportRequest;
pub use synchro_exec::SynchroExecRequest;
pub use synchro_import::SynchroImportRequest;

use crate::{Result, Service};

/// One `name=value` pair for the wire.
pub type Field = (std::borrow::Cow<'static, str>, String);

/// What every typed request tells the transport.
pub trait Request {
    /// The service this request calls.
    fn service(&self) -> Service;

    /// The parameters to send, without credentials and CSV data, in a stable
    /// order; flags are sent as `1` (and `0` when iTop's default is on).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) when a value
    /// cannot be sent as iTop needs it (e.g. a separator of two bytes).
    fn wire_fields(&self) -> Result<Vec<Field>>;

    /// `max_chunk_size`, which only the command-line mode understands.
    fn max_chunk_size(&self) -> Option<u32> {
        None
    }
}

/// `"1"` or `"0"`.
pub(crate) fn flag(on: bool) -> String {
    if on { "1" } else { "0" }.to_owned()
}
