//! A loopback imitation of iTop 3.2's bulk services, for tests.
//!
//! [`TestServer`] speaks hand-written HTTP/1.1 on `127.0.0.1` and answers
//! `webservices/import.php`, `webservices/export-v2.php`,
//! `webservices/export.php`, `webservices/cron.php`,
//! `synchro/synchro_import.php` and `synchro/synchro_exec.php` the way the
//! captured samples in `tests/fixtures/` and `PROTOCOL.md` describe, quirks
//! included (the one-byte-short `Content-Length`, the per-service login
//! failures, the `retcode` without newline, ...). It is independent of
//! `itop-core` on purpose: it imitates the server, not our client.
//!
//! ```no_run
//! use itop_tests::{ServerConfig, TestServer};
//!
//! let server = TestServer::start(ServerConfig::default())?;
//! let base_url = server.url(); // e.g. "http://127.0.0.1:40123"
//! # let _ = base_url;
//! assert_eq!(server.count("Organization"), 9);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! The standard data set (accounts, organizations, persons, data sources) is
//! described in [`ServerConfig`]. Module map: `http` (wire format), `params`
//! (request parameters and iTop's filters), `auth` (accounts and login),
//! `pages` (page kinds and templates), `model`/`store` (classes and objects),
//! `csv_in`/`charset`/`dates` (input decoding), `services/` (one file per
//! script), `server` (threads and state).

mod auth;
mod bulk;
mod charset;
mod config;
mod csv_in;
mod dates;
mod export_out;
pub mod faults;
mod http;
mod model;
mod oql;
mod pages;
mod params;
mod server;
mod services;
mod store;
mod sync;
#[cfg(test)]
mod testkit;

pub use config::ServerConfig;
pub use server::{RecordedRequest, TestServer};

/// Login of the administrator account (Administrator profile).
pub const ADMIN_USER: &str = "admin";
/// Password of [`ADMIN_USER`].
pub const ADMIN_PWD: &str = "Adm1n-secret";
/// Login of a back-office user that may export but not bulk-modify.
pub const READER_USER: &str = "reader";
/// Password of [`READER_USER`].
pub const READER_PWD: &str = "Re4der-pwd";
/// Login of the owner of data source 1 (its password holds `.` and `!`).
pub const SYNC_USER: &str = "syncuser";
/// Password of [`SYNC_USER`].
pub const SYNC_PWD: &str = "sync.Pass!";
/// Login of a portal-only account, refused by the back-office services.
pub const PORTAL_USER: &str = "portaluser";
/// Password of [`PORTAL_USER`].
pub const PORTAL_PWD: &str = "P0rtal-pwd";
