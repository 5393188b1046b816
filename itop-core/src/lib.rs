//! A typed client for the bulk services of Combodo iTop: CSV import
//! (`import.php`), OQL export (`export-v2.php`, legacy `export.php`), data
//! source loads and synchronizations (`synchro_import.php`,
//! `synchro_exec.php`) and background tasks (`cron.php`).
//!
//! These services answer HTTP 200, and exit with 0 on the command line, for
//! most of their failures; they show a login page instead of data, keep a
//! byte order mark in the first CSV column, take labels in the user's
//! language by default, and more. This crate sends explicit values for
//! everything iTop would otherwise guess, reads every answer to decide
//! whether the work was done, and returns either a typed report or an
//! [`Error`] saying what to do. A failure is never taken for a success.
//!
//! # Quick start
//!
//! ```no_run
//! use itop_core::{Client, Credentials, CsvData, ExportRequest, ImportRequest, Secret};
//!
//! let client = Client::builder()
//!     .url("https://itop.example.com")
//!     .credentials(Credentials::password("admin", Secret::new("secret")))
//!     .build()?;
//!
//! // Create or update people, matched on their email.
//! let request = ImportRequest::new("Person").reconciliation_keys(["email"]);
//! let report = client.import(&request, CsvData::path("people.csv"))?;
//! println!("{report}");
//! if report.has_issues() {
//!     eprintln!("{} row(s) not written", report.issues);
//! }
//!
//! // Export them back, as CSV with attribute codes as headers.
//! let export = ExportRequest::oql("SELECT Person").fields(["first_name", "name", "email"]);
//! client.export_to_path(&export, std::path::Path::new("people-export.csv"))?;
//! # Ok::<(), itop_core::Error>(())
//! ```
//!
//! The same client runs the scripts on the iTop host instead, as
//! `php -q <root>/<script>`, with [`ClientBuilder::itop_root`]: no web time
//! or size limits, credentials passed in a private `0600` parameters file.
//!
//! # Map
//!
//! * [`Client`], [`ClientBuilder`]: one configured iTop (URL or install
//!   folder, [`Credentials`], TLS, proxy, timeouts); a method per service.
//! * Requests, one per service, plain values with setters that name iTop's
//!   default: [`ImportRequest`], [`ExportRequest`], [`LegacyExportRequest`],
//!   [`SynchroImportRequest`], [`SynchroExecRequest`], [`CronRequest`].
//!   [`Request::wire_fields`] shows what each one sends.
//! * Reports: [`ImportReport`], [`SynchroImportReport`],
//!   [`SynchroExecReport`], [`CronReport`], [`ExportOutcome`]; the parsers
//!   behind them are in [`report`].
//! * [`CsvData`]: the CSV to upload (file, bytes, reader), streamed;
//!   [`csv_out`] writes iTop's CSV dialect; [`rows`] reads an export into
//!   your own types.
//! * [`chunk`]: large uploads in chunks, with resume after a failure.
//! * [`params`]: iTop's parameters files, read exactly as iTop reads them,
//!   with a linter and a safe writer.
//!
//! # Errors
//!
//! Every call returns [`Result`]. The [`Error`] variants follow what the
//! caller can do: fix the credentials ([`Error::Auth`]), ask for rights
//! ([`Error::NotAllowed`]), fix the request ([`Error::BadRequest`] from
//! iTop, [`Error::InvalidRequest`] before sending), tell iTop's
//! administrator ([`Error::Server`], [`Error::Unexpected`]), or retry
//! ([`Error::Transport`], [`Error::Process`]). Those that come from an answer
//! keep it ([`Error::raw_response`]). Rows that iTop could not write are not
//! an error: the call did its work, and the report counts them
//! ([`ImportReport::has_issues`], [`SynchroExecReport::has_errors`]).
//!
//! The guide, with a page per service and a troubleshooting page, is in the
//! repository's `docs/` folder.

#![deny(missing_docs)]
#![warn(clippy::unwrap_used)]

// pest is built without its `std` feature (see `params/grammar.rs`); the
// parser it derives names `::alloc::boxed::Box`.
extern crate alloc;

mod answer;
mod bom;
pub mod chunk;
mod client;
mod credentials;
mod csv_data;
pub mod csv_out;
#[cfg(doctest)]
mod docs_tests;
mod error;
pub mod params;
pub mod report;
mod retry;
pub mod rows;
mod secret;
mod service;
mod services;
mod transport;
mod utf8_check;

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
