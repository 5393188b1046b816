//! The wire format, written by hand for byte-level control: reading a
//! request, decoding its form fields, writing a response.

mod form;
mod request;
mod response;

pub(crate) use form::{parse_multipart, parse_urlencoded};
pub(crate) use request::{Request, read_request};
pub(crate) use response::{Response, write_response};
