//! Typed client for the bulk services of Combodo iTop.
//!
//! (Crate documentation is completed as the modules land.)

#![deny(missing_docs)]

mod answer;
mod error;
pub mod params;
pub mod report;
mod secret;
mod service;

pub use answer::{Channel, RawAnswer};
pub use error::{Error, RAW_KEEP_LIMIT, Result};
pub use secret::Secret;
pub use service::Service;
