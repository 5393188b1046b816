//! Stub.

use crate::http::Response;

use super::Ctx;

/// Answers one request.
pub(crate) fn handle(ctx: &Ctx<'_>) -> Response {
    let _ = ctx;
    Response::new(404)
}
