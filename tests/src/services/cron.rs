//! `webservices/cron.php` over HTTP (PROTOCOL.md §2): administrators
//! only, a run lasting the configured duration behind a lock (a second
//! caller gets `Already running...`), `status_only` giving an empty page.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::dates;
use crate::http::Response;
use crate::pages::{self, SESSION_HEADERS};

use super::{Ctx, LoginStyle, logged_in};

pub(crate) const TITLE: &str = "iTop - cron";

/// Releases the cron lock when dropped.
struct Lock<'a>(&'a AtomicBool);

impl Drop for Lock<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

fn stamp(word: &str) -> String {
    let now = dates::unix_now();
    format!(
        "{word}: {now} ({})",
        dates::format("Y-m-d H:i:s", &dates::from_unix(now))
    )
}

/// Answers one request.
pub(crate) fn handle(ctx: &Ctx<'_>) -> Response {
    let account = match logged_in(ctx, LoginStyle::Prompt) {
        Ok(account) => account,
        Err(response) => return response,
    };
    if !account.is_admin() {
        return pages::full_page(
            TITLE,
            "<p>Access restricted to administrators</p>",
            &ctx.base_url,
        );
    }
    if ctx.params.truthy("status_only") {
        return Response::new(200)
            .headers(SESSION_HEADERS)
            .header("Content-type", "text/html; charset=UTF-8");
    }
    let mut lines = vec![stamp("Starting")];
    let running = &ctx.state.cron_running;
    if running.swap(true, Ordering::SeqCst) {
        lines.push("Already running...".to_owned());
    } else {
        let _lock = Lock(running);
        let duration = ctx.state.config.cron_duration;
        if ctx.params.truthy("verbose") {
            lines.push(format!("Planned duration = {} seconds", duration.as_secs()));
            lines.push("Loop pause = 2 seconds".to_owned());
        }
        std::thread::sleep(duration);
        if ctx.params.truthy("verbose") {
            lines.push("Reached normal execution time limit (exceeded by 0s)".to_owned());
        }
    }
    lines.push(stamp("Exiting"));
    pages::full_page(TITLE, &pages::paragraphs(&lines), &ctx.base_url)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::testkit::{get, post, replay, sample_body, sample_status};
    use crate::{ADMIN_PWD, ADMIN_USER, ServerConfig, TestServer};

    #[test]
    fn replays_the_refusal_samples() {
        let server = TestServer::start(ServerConfig::default()).expect("starts");
        for case in [
            "cron/http_basic_reader_not_admin",
            "cron/http_no_credentials",
            "cron/http_get_basic_status_only",
            "cron/http_basic_portal_user",
        ] {
            let response = replay(&server, case);
            assert_eq!(response.status_line, sample_status(case), "{case}");
            assert_eq!(response.text(), sample_body(case), "{case}");
        }
    }

    #[test]
    fn a_second_concurrent_run_is_skipped() {
        let config = ServerConfig::default().cron_duration(Duration::from_millis(600));
        let server = TestServer::start(config).expect("starts");
        let fields = [("auth_user", ADMIN_USER), ("auth_pwd", ADMIN_PWD)];
        let first = std::thread::scope(|scope| {
            let first =
                scope.spawn(|| post(&server, "/webservices/cron.php", None, &fields).text());
            std::thread::sleep(Duration::from_millis(200));
            let second = get(
                &server,
                "/webservices/cron.php",
                Some((ADMIN_USER, ADMIN_PWD)),
                &[],
            )
            .text();
            assert!(
                second.contains("</p><p>Already running...</p><p>Exiting: "),
                "{second}"
            );
            first.join().expect("first run")
        });
        assert!(
            first.contains("<p>Starting: ") && first.contains("</p><p>Exiting: "),
            "{first}"
        );
        assert!(!first.contains("Already running"));
    }
}
