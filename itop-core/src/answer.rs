//! What came back from a service, before it is interpreted.
//!
//! Both transports (HTTP and the local `php` command line) produce a
//! [`RawAnswer`]; the parsers in [`crate::report`] turn it into a typed report
//! or an [`Error`](crate::Error). Nothing here decides success.

/// How the answer arrived, with what each mode tells beside the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Channel {
    /// An HTTP response.
    Http {
        /// Status code, e.g. 200, 302, 401, 500, 503.
        status: u16,
        /// `Content-Type` header, if any.
        content_type: Option<String>,
        /// `Location` header, if any (302 to the portal).
        location: Option<String>,
        /// `Content-Disposition` header, if any (exports).
        content_disposition: Option<String>,
    },
    /// A `php -q <script> ...` run on the iTop host.
    Cli {
        /// The exit code; `None` when killed by a signal.
        exit_code: Option<i32>,
        /// What PHP wrote on stderr (warnings, `PHP Fatal error: ...`).
        stderr: String,
    },
}

/// The bytes a service answered and how they came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawAnswer {
    /// The service that answered.
    pub service: crate::Service,
    /// HTTP metadata or CLI exit status.
    pub channel: Channel,
    /// The body (HTTP) or stdout (CLI).
    pub body: Vec<u8>,
}

impl RawAnswer {
    /// True for an HTTP answer.
    pub fn is_http(&self) -> bool {
        matches!(self.channel, Channel::Http { .. })
    }

    /// The body as text, invalid UTF-8 replaced.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}
