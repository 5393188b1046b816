//! The page kinds of PROTOCOL.md §1.9 and the special answers (login page,
//! 401, 302, PHP fatal error), with the headers each captured sample
//! carries. Full pages and the login page reuse the captured HTML around
//! the content, with the sample's base URL replaced by ours.

use crate::http::{Request, Response};
use crate::params::{Params, html_encode};

const SAMPLE_PAGE: &str = include_str!("../fixtures/cron/http_basic_reader_not_admin.resp");
const SAMPLE_LOGIN: &str = include_str!("../fixtures/export-v2/http_post_form_wrong_password.resp");
const SAMPLE_BASE_URL: &str = "http://127.0.0.1:8080";
const CONTAINER: &str = "<div id=\"ibo-page-container\">\n            ";
const CONTAINER_END: &str = "\n        </div>";

/// Headers of the pages that start a PHP session.
pub(crate) const SESSION_HEADERS: &[(&str, &str)] = &[
    ("Expires", "Thu, 19 Nov 1981 08:52:00 GMT"),
    ("Cache-Control", "no-store, no-cache, must-revalidate"),
    ("Pragma", "no-cache"),
];

/// Headers of iTop's own no-cache pages.
pub(crate) const NO_CACHE_HEADERS: &[(&str, &str)] = &[
    ("Cache-control", "no-cache, no-store, must-revalidate"),
    ("Pragma", "no-cache"),
    ("Expires", "0"),
    ("X-Frame-Options", "SAMEORIGIN"),
];

const HTML: (&str, &str) = ("Content-type", "text/html; charset=UTF-8");

/// The body of a captured response.
fn sample_body(sample: &str) -> &str {
    sample
        .split_once("\r\n\r\n")
        .map_or(sample, |(_, body)| body)
}

/// A full HTML page titled `title` around `content`.
pub(crate) fn full_page_html(title: &str, content: &str, base_url: &str) -> String {
    let body = sample_body(SAMPLE_PAGE);
    let (head, rest) = body.split_once(CONTAINER).unwrap_or((body, ""));
    let tail = rest.find(CONTAINER_END).map_or("", |at| &rest[at..]);
    let head = head.replace(
        "<title>iTop - cron</title>",
        &format!("<title>{title}</title>"),
    );
    format!("{head}{CONTAINER}{content}{tail}").replace(SAMPLE_BASE_URL, base_url)
}

/// A full page as `synchro_exec.php` and `cron.php` send it.
pub(crate) fn full_page(title: &str, content: &str, base_url: &str) -> Response {
    let response = Response::new(200).headers(SESSION_HEADERS).headers(&[HTML]);
    response.body(full_page_html(title, content, base_url))
}

/// Lines as `<p>` paragraphs of a full page.
pub(crate) fn paragraphs(lines: &[String]) -> String {
    lines.iter().map(|line| format!("<p>{line}</p>")).collect()
}

/// An `export-v2.php` error page.
pub(crate) fn export_page(title: &str, content: &str, base_url: &str) -> Response {
    let response = Response::new(200).headers(SESSION_HEADERS);
    let response = response.headers(&[
        ("X-Frame-Options", "SAMEORIGIN"),
        ("X-Content-Type-Options", "nosniff"),
        HTML,
    ]);
    response.body(full_page_html(title, content, base_url))
}

/// The plain-text page: trimmed report + `\n`, `Content-Length` one short.
pub(crate) fn plain_text(report: &str) -> Response {
    let content_type = ("Content-type", "text/plain; charset=utf-8");
    let response = Response::new(200)
        .headers(&[content_type])
        .headers(NO_CACHE_HEADERS);
    let response = response.header("X-Content-Type-Options", "nosniff");
    short_length(
        response,
        report.trim_matches(crate::params::PHP_BLANKS).as_bytes(),
    )
}

/// Sets `body` + `\n` with a `Content-Length` of `body` alone (§1.10).
pub(crate) fn short_length(mut response: Response, body: &[u8]) -> Response {
    response.content_length = Some(body.len());
    response.body = [body, b"\n"].concat();
    response
}

/// A fragment page (`synchro_import.php`).
pub(crate) fn fragment_page(fragment: &Fragment) -> Response {
    let response = Response::new(200).headers(SESSION_HEADERS).headers(&[HTML]);
    response.body(fragment.render())
}

/// A PHP fatal error: 500 and one `<p>iTop: …</p>` line.
pub(crate) fn fatal(message: &str) -> Response {
    let mut response = Response::new(500).headers(SESSION_HEADERS).headers(&[HTML]);
    response.http10 = true;
    response.body(format!("<p>iTop: {message}</p>\n"))
}

/// The 401 answered to wrong Basic credentials by the prompt scripts.
pub(crate) fn unauthorized() -> Response {
    let mut response = Response::new(401).headers(SESSION_HEADERS);
    response.http10 = true;
    let response = response.header("WWW-Authenticate", "Basic realm=\"iTop version 3.2.0-dev");
    let response = response.header("Content-type", "text/html; charset=utf-8");
    response.body("<p><strong>iTop access to this page is restricted. Please, contact an iTop administrator.</strong></p>")
}

/// The 302 to the portal answered to portal-only accounts.
pub(crate) fn portal_redirect(base_url: &str) -> Response {
    let location = format!(
        "{base_url}/pages/exec.php?exec_module=itop-portal-base&exec_page=index.php&portal_id=itop-portal"
    );
    let response = Response::new(302).headers(SESSION_HEADERS);
    response.header("Location", &location).headers(&[HTML])
}

/// Hidden inputs echoing the POST fields (credentials and login fields
/// excepted), as the login form does.
fn hidden_inputs(params: &Params) -> String {
    let skipped = ["auth_user", "auth_pwd", "login_mode", "loginop"];
    let fields = params
        .body
        .iter()
        .filter(|(name, _)| !skipped.contains(&name.as_str()));
    let input = |(name, value): &(String, Vec<u8>)| {
        let value = html_encode(&String::from_utf8_lossy(value));
        format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{value}\">",
            html_encode(name)
        )
    };
    fields.map(input).collect()
}

/// The interactive login page (200); `wrong_login` after a failed form
/// login.
pub(crate) fn login_page(params: &Params, wrong_login: Option<&str>, base_url: &str) -> Response {
    let mut body = sample_body(SAMPLE_LOGIN).to_owned();
    let login_op = "<input type=\"hidden\" id=\"login_op\" name=\"loginop\" value=\"login\">";
    if let Some(start) = body.find(login_op).map(|at| at + login_op.len()) {
        let end = body[start..].find("</form>").map_or(start, |at| at + start);
        body.replace_range(start..end, &hidden_inputs(params));
    }
    let user_value = "tabindex=\"1\" value=\"admin\"";
    let echoed = html_encode(wrong_login.unwrap_or_default());
    body = body.replacen(user_value, &format!("tabindex=\"1\" value=\"{echoed}\""), 1);
    if wrong_login.is_none() {
        let message = "<p class=\"hilite\">Incorrect login/password, please try again.</p>";
        body = body.replacen(message, "<p>Identify yourself before continuing</p>", 1);
    }
    let response = Response::new(200).headers(NO_CACHE_HEADERS);
    let response = response.headers(&[("X-Content-Type-Options", "nosniff"), HTML]);
    response.body(body.replace(SAMPLE_BASE_URL, base_url))
}

/// The base URL a client used to reach us.
pub(crate) fn base_url(request: &Request, fallback: &str) -> String {
    request
        .header("host")
        .map_or_else(|| fallback.to_owned(), |host| format!("http://{host}"))
}

/// The `synchro_import.php` web output: `#` lines end in `<br/>`,
/// paragraphs are glued to the previous block, blocks are joined by `\n`
/// and two blanks, no final newline.
#[derive(Debug, Default)]
pub(crate) struct Fragment {
    blocks: Vec<String>,
}

impl Fragment {
    /// A comment line (`#text<br/>`).
    pub fn comment(&mut self, text: &str) {
        self.blocks.push(format!("#{text}<br/>"));
    }

    /// Raw text.
    pub fn text(&mut self, text: &str) {
        self.blocks.push(text.to_owned());
    }

    /// A `<p>` paragraph.
    pub fn paragraph(&mut self, text: &str) {
        let paragraph = format!("<p>{text}</p>");
        match self.blocks.last_mut() {
            Some(last) => last.push_str(&paragraph),
            None => self.blocks.push(paragraph),
        }
    }

    /// The page body.
    pub fn render(&self) -> String {
        self.blocks.join("\n  ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragment_glues_paragraphs_and_joins_blocks() {
        let mut fragment = Fragment::default();
        fragment.comment("a");
        fragment.paragraph("ERROR: x");
        fragment.comment("b");
        fragment.text("0");
        assert_eq!(fragment.render(), "#a<br/><p>ERROR: x</p>\n  #b<br/>\n  0");
    }

    #[test]
    fn full_page_reuses_the_sample_around_the_content() {
        let page = full_page_html(
            "Execution of the synchronization",
            "<p>Invalid login</p>",
            "http://127.0.0.1:9",
        );
        let expected = include_str!("../fixtures/synchro_exec/http_basic_wrong_password.resp");
        assert_eq!(
            page,
            sample_body(expected).replace(SAMPLE_BASE_URL, "http://127.0.0.1:9")
        );
    }

    #[test]
    fn login_page_matches_the_wrong_password_sample() {
        let body = "auth_user=admin&auth_pwd=wrong&expression=SELECT+Organization+WHERE+code+LIKE+%27LAB%25%27&format=csv&fields=name";
        let params = Params {
            query: Vec::new(),
            body: crate::http::parse_urlencoded(body.as_bytes()),
            file: Vec::new(),
        };
        let page = login_page(&params, Some("admin"), SAMPLE_BASE_URL);
        assert_eq!(page.body, sample_body(SAMPLE_LOGIN).as_bytes());
    }

    #[test]
    fn login_page_without_credentials_matches_the_cron_sample() {
        let page = login_page(&Params::default(), None, SAMPLE_BASE_URL);
        let expected = include_str!("../fixtures/cron/http_no_credentials.resp");
        assert_eq!(String::from_utf8_lossy(&page.body), sample_body(expected));
    }

    #[test]
    fn plain_text_is_one_byte_short() {
        let page = plain_text("  0\n");
        assert_eq!(page.content_length, Some(1));
        assert_eq!(page.body, b"0\n");
    }
}
