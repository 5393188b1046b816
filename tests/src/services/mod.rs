//! One handler per iTop script, and what they share: the request context
//! and the per-service shapes of a failed login (PROTOCOL.md §1.5.3).

mod cron;
mod export_legacy;
mod export_v2;
mod import;
mod synchro_exec;
mod synchro_import;

use crate::auth::{self, Account, Login};
use crate::http::{Request, Response};
use crate::pages;
use crate::params::Params;
use crate::server::State;

/// What a handler gets.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub state: &'a State,
    pub request: &'a Request,
    pub params: Params,
    /// The base URL the client used.
    pub base_url: String,
}

/// How a script reports a failed login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LoginStyle {
    /// `import.php`: plain text.
    PlainText,
    /// `synchro_import.php`: a fragment.
    Fragment,
    /// `synchro_exec.php`: a full page.
    SynchroPage,
    /// `cron.php` and the exports: login page, 401 or 302.
    Prompt,
}

// TODO(#7): maintenance mode (`.maintenance` file, HTTP 503) is not imitated.
/// Dispatches a request on its path.
pub(crate) fn handle(state: &State, request: &Request) -> Response {
    let mut params = Params::from_request(request);
    // Every script but export-v2.php reads `param_file` over HTTP too: a
    // file on this host whose values are request defaults (PROTOCOL.md
    // §1.4.5). Clients must never send it; the imitation does what iTop
    // does so that a test can tell.
    if request.path != "/webservices/export-v2.php"
        && let Err(message) = params.load_param_files()
    {
        return param_file_error(request, &state.base_url, &format!("Error: {message}"));
    }
    let ctx = Ctx {
        state,
        request,
        params,
        base_url: pages::base_url(request, &state.base_url),
    };
    match request.path.as_str() {
        "/webservices/import.php" => import::handle(&ctx),
        "/webservices/export-v2.php" => export_v2::handle(&ctx),
        "/webservices/export.php" => export_legacy::handle(&ctx),
        "/webservices/cron.php" => cron::handle(&ctx),
        "/synchro/synchro_import.php" => synchro_import::handle(&ctx),
        "/synchro/synchro_exec.php" => synchro_exec::handle(&ctx),
        _ => not_found(&request.path),
    }
}

/// A parameters file that cannot be read, told in each script's own page
/// kind (PROTOCOL.md §1.9): plain text for import.php (observed), with
/// `<br/>` for export.php, a fragment for synchro_import.php, a full page
/// for synchro_exec.php and cron.php.
fn param_file_error(request: &Request, base_url: &str, line: &str) -> Response {
    let base_url = pages::base_url(request, base_url);
    match request.path.as_str() {
        "/webservices/export.php" => pages::plain_text(&format!("{line}<br/>")),
        "/synchro/synchro_import.php" => {
            let mut fragment = pages::Fragment::default();
            fragment.paragraph(line);
            pages::fragment_page(&fragment)
        }
        "/synchro/synchro_exec.php" => {
            pages::full_page(SYNCHRO_TITLE, &format!("<p>{line}</p>"), &base_url)
        }
        "/webservices/cron.php" => {
            pages::full_page(cron::TITLE, &format!("<p>{line}</p>"), &base_url)
        }
        _ => pages::plain_text(line),
    }
}

fn not_found(path: &str) -> Response {
    let body = format!(
        "<!doctype html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>The requested resource <code class=\"url\">{}</code> was not found on this server.</p></body></html>",
        crate::params::html_encode(path)
    );
    Response::new(404)
        .header("Content-Type", "text/html; charset=UTF-8")
        .body(body)
}

/// Synchronization page title.
pub(crate) const SYNCHRO_TITLE: &str = "Execution of the synchronization";

fn refusal(ctx: &Ctx<'_>, style: LoginStyle, message: &str) -> Response {
    match style {
        LoginStyle::PlainText => pages::plain_text(message),
        LoginStyle::Fragment => {
            let mut fragment = pages::Fragment::default();
            fragment.paragraph(message);
            pages::fragment_page(&fragment)
        }
        LoginStyle::SynchroPage => {
            pages::full_page(SYNCHRO_TITLE, &format!("<p>{message}</p>"), &ctx.base_url)
        }
        LoginStyle::Prompt => {
            unreachable!("prompt scripts answer with the login page, 401 or 302 instead")
        }
    }
}

/// Logs the caller in, or gives the answer for a failed login.
pub(crate) fn logged_in(ctx: &Ctx<'_>, style: LoginStyle) -> Result<&'static Account, Response> {
    let login = auth::login(ctx.request, &ctx.params);
    if style == LoginStyle::Prompt {
        return match login {
            Login::Ok(account) => Ok(account),
            Login::Missing => Err(pages::login_page(&ctx.params, None, &ctx.base_url)),
            Login::WrongForm(user) => {
                Err(pages::login_page(&ctx.params, Some(&user), &ctx.base_url))
            }
            Login::WrongBasic => Err(pages::unauthorized()),
            Login::Portal => Err(pages::portal_redirect(&ctx.base_url)),
        };
    }
    match login {
        Login::Ok(account) => Ok(account),
        Login::Portal => Err(refusal(ctx, style, "Portal user is not allowed")),
        Login::Missing | Login::WrongForm(_) | Login::WrongBasic => {
            Err(refusal(ctx, style, "Invalid login"))
        }
    }
}
