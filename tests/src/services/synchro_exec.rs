//! `synchro/synchro_exec.php` over HTTP (PROTOCOL.md §3): the
//! synchronization of each listed data source, one `<p>` per line in the
//! `Execution of the synchronization` page.

use crate::http::Response;
use crate::pages;
use crate::params::html_encode;
use crate::sync;

use super::{Ctx, LoginStyle, SYNCHRO_TITLE, logged_in};

/// Answers one request.
pub(crate) fn handle(ctx: &Ctx<'_>) -> Response {
    let account = match logged_in(ctx, LoginStyle::SynchroPage) {
        Ok(account) => account,
        Err(response) => return response,
    };
    let Some(list) = ctx
        .params
        .trimmed("data_sources")
        .filter(|list| !list.is_empty())
    else {
        let usage = "<p>ERROR: Missing argument 'data_sources'\n</p><p>The parameter 'data_sources' is mandatory, and must contain a comma separated list of data sources\n</p>";
        return pages::full_page(SYNCHRO_TITLE, usage, &ctx.base_url);
    };
    let simulate = ctx.params.flag("simulate", false);
    let chunked = ctx
        .params
        .filtered("max_chunk_size", "0")
        .parse::<u64>()
        .unwrap_or(0)
        > 0;
    let mut lines = Vec::new();
    for item in list.split(',') {
        let Some(source) = sync::source(item) else {
            lines.push(format!(
                "ERROR: The data source (id={}) does not exist. Exiting...",
                html_encode(item)
            ));
            break;
        };
        lines.push(format!(
            "Working on {} (id={})...",
            html_encode(source.name),
            source.id
        ));
        let refusal = if !source.allows(account) {
            Some(
                "ERROR: Only adminstrators or the user specified in the data source can execute this operation. Operation cancelled.",
            )
        } else if chunked {
            Some("ERROR: The synchronization can be executed in chunks only if run in mode CLI")
        } else {
            None
        };
        let counters = match refusal {
            Some(message) => {
                lines.push(message.to_owned());
                ctx.state.read(|store| sync::not_started(store, source))
            }
            None if simulate => ctx
                .state
                .read(|store| sync::synchronize(&mut store.clone(), source)),
            None => ctx.state.write(|store| sync::synchronize(store, source)),
        };
        lines.extend(counters.lines());
    }
    pages::full_page(SYNCHRO_TITLE, &pages::paragraphs(&lines), &ctx.base_url)
}

#[cfg(test)]
mod tests {
    use crate::testkit::{get, replay, sample_body, sample_status};
    use crate::{ServerConfig, TestServer};

    fn content(body: &str) -> String {
        let marker = "<div id=\"ibo-page-container\">\n            ";
        let start = body.find(marker).map_or(0, |at| at + marker.len());
        let end = body[start..]
            .find("\n        </div>")
            .map_or(body.len(), |at| at + start);
        body[start..end].to_owned()
    }

    #[test]
    fn replays_the_page_samples() {
        let server = TestServer::start(ServerConfig::default()).expect("starts");
        for case in [
            "synchro_exec/http_basic_wrong_password",
            "synchro_exec/http_get_basic_missing_data_sources",
        ] {
            let response = replay(&server, case);
            assert_eq!(response.status_line, sample_status(case), "{case}");
            assert_eq!(response.text(), sample_body(case), "{case}");
        }
        let not_owner = replay(&server, "synchro_exec/http_get_basic_reader_not_owner").text();
        let expected = content(&sample_body("synchro_exec/http_get_basic_reader_not_owner"))
            .replace("Replicas: 10", "Replicas: 0");
        assert_eq!(content(&not_owner), expected);
    }

    #[test]
    fn stops_at_an_unknown_source() {
        let server = TestServer::start(ServerConfig::default()).expect("starts");
        let text = get(
            &server,
            "/synchro/synchro_exec.php",
            Some((crate::ADMIN_USER, crate::ADMIN_PWD)),
            &[("data_sources", "1,999,2")],
        )
        .text();
        let body = content(&text);
        assert!(
            body.starts_with("<p>Working on Lab Person Source (id=1)...</p><p>Replicas: 0</p>"),
            "{body}"
        );
        assert!(body.ends_with("<p>Replica disappeared, no action taken: 0</p><p>ERROR: The data source (id=999) does not exist. Exiting...</p>"), "{body}");
        assert!(!body.contains("Lab Server Source"));
    }
}
