//! Typed client for the bulk services of Combodo iTop.
//!
//! (Crate documentation is completed as the modules land.)

#![deny(missing_docs)]
#![warn(clippy::unwrap_used)]

mod answer;
mod bom;
pub mod chunk;
mod client;
mod credentials;
mod csv_data;
pub mod csv_out;
mod error;
pub mod params;
pub mod report;
mod retry;
pub mod rows;
mod secret;
mod service;
mod services;
mod transport;

pub use answer::{Channel, RawAnswer};
pub use chunk::{ChunkOptions, ChunkedImport, ChunkedSynchroImport, Interruption, Progress};
pub use client::{Client, ClientBuilder};
pub use credentials::{AuthChannel, Credentials};
pub use csv_data::CsvData;
pub use error::{Error, RAW_KEEP_LIMIT, Result};
pub use report::{CronReport, ImportReport, OutputMode, SynchroExecReport, SynchroImportReport};
pub use secret::Secret;
pub use service::Service;
pub use services::{
    CronRequest, CsvOptions, ExportFormat, ExportQuery, ExportRequest, Field, ImportRequest,
    LegacyExportFormat, LegacyExportRequest, Request, SynchroExecRequest, SynchroImportRequest,
};
pub use transport::{ExportOutcome, http::ProxySetting};
