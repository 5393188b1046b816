//! `synchro/synchro_import.php` over HTTP (PROTOCOL.md §4): CSV rows into
//! the replica table of a data source, then by default the
//! synchronization, reported as a fragment page.

use crate::auth::Account;
use crate::charset::Charset;
use crate::csv_in::{self, Cell};
use crate::dates;
use crate::http::Response;
use crate::model::Kind;
use crate::pages::{self, Fragment};
use crate::store::{Replica, Store};
use crate::sync::{self, DataSource};

use super::{Ctx, LoginStyle, logged_in};

const USAGE_SAMPLE: &str =
    include_str!("../../fixtures/synchro_import/http_post_missing_data_source_id.resp");
const DASHES: &str = "------------------------------------------------------------";

/// The checked parameters of one call.
#[derive(Debug)]
struct Settings {
    source: &'static DataSource,
    separator: String,
    qualifier: String,
    charset_name: String,
    charset: Charset,
    date_format: String,
    output: String,
    synchronize: bool,
    simulate: bool,
    no_stop: bool,
    comment: String,
    chunked: bool,
}

fn line(message: &str) -> Response {
    let mut fragment = Fragment::default();
    fragment.comment(message);
    pages::fragment_page(&fragment)
}

/// Answers one request.
pub(crate) fn handle(ctx: &Ctx<'_>) -> Response {
    let account = match logged_in(ctx, LoginStyle::Fragment) {
        Ok(account) => account,
        Err(response) => return response,
    };
    if ctx.params.raw("data_source_id").is_none() {
        let usage = USAGE_SAMPLE
            .split_once("\r\n\r\n")
            .map_or("", |(_, body)| body);
        return pages::fragment_page(&{
            let mut fragment = Fragment::default();
            fragment.text(usage);
            fragment
        });
    }
    // iTop checks for data before the data source (synchro_import.php).
    let raw = ctx.params.body_bytes("csvdata").unwrap_or_default();
    if raw.is_empty() {
        return line("Missing data - at least one line is expected");
    }
    let settings = match settings(ctx) {
        Ok(settings) => settings,
        Err(response) => return response,
    };
    let text = settings.charset.decode(raw);
    let rows = csv_in::parse(
        &text,
        settings.separator.as_bytes()[0],
        settings.qualifier.as_bytes()[0],
    );
    let Some((header, data)) = rows.split_first() else {
        return line("Missing data - at least one line is expected");
    };
    let columns: Vec<String> = header
        .iter()
        .map(|cell| cell.clone().unwrap_or_default())
        .collect();
    if let Err(message) = check_columns(&settings, &columns) {
        return line(&message);
    }
    let job = Job {
        settings: &settings,
        account,
        columns: &columns,
        data,
        data_size: raw.len(),
    };
    let fragment = if settings.simulate {
        let mut scratch = ctx.state.read(Clone::clone);
        job.run(&mut scratch)
    } else {
        ctx.state.write(|store| job.run(store))
    };
    pages::fragment_page(&fragment)
}

fn settings(ctx: &Ctx<'_>) -> Result<Settings, Response> {
    let params = &ctx.params;
    let id = params.trimmed("data_source_id").unwrap_or_default();
    let source =
        sync::source(&id).ok_or_else(|| line(&format!("Unknown data source id: '{id}'")))?;
    let separator = params
        .trimmed("separator")
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| ";".into());
    let separator = if separator.eq_ignore_ascii_case("tab") {
        "\t".to_owned()
    } else {
        separator
    };
    if separator.len() > 1 {
        return Err(line(&format!(
            "Separator is limited to one character, found '{separator}'"
        )));
    }
    let qualifier = params
        .trimmed("qualifier")
        .filter(|q| !q.is_empty())
        .unwrap_or_else(|| "\"".into());
    if qualifier.len() > 1 {
        return Err(line(&format!(
            "Text qualifier is limited to one character, found '{qualifier}'"
        )));
    }
    let output = params.filtered("output", "summary");
    if !["summary", "details", "retcode"].contains(&output.as_str()) {
        return Err(line(&format!("Unknown output format: '{output}'")));
    }
    let charset_name = params
        .trimmed("charset")
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "UTF-8".into());
    // TODO(#7): iTop fails with SQL error 1366 on invalid UTF-8; we drop the bytes.
    let charset = Charset::from_name(&charset_name).ok_or_else(|| {
        pages::fatal("An error occurred, check server error log for more information.")
    })?;
    let date_format = params
        .trimmed("date_format")
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| "Y-m-d H:i:s".into());
    Ok(Settings {
        source,
        separator,
        qualifier,
        charset_name,
        charset,
        date_format: dates::from_strftime(&date_format),
        output,
        synchronize: params.flag("synchronize", true),
        simulate: params.flag("simulate", false),
        no_stop: params.flag("no_stop_on_import_error", false),
        comment: params.trimmed("comment").unwrap_or_default(),
        chunked: params
            .filtered("max_chunk_size", "0")
            .parse::<u64>()
            .unwrap_or(0)
            > 0,
    })
}

fn check_columns(settings: &Settings, columns: &[String]) -> Result<(), String> {
    let class = settings.source.target();
    let unknown = columns
        .iter()
        .find(|c| *c != "primary_key" && !class.attribute(c).is_some_and(|a| a.is_writable()));
    if let Some(name) = unknown {
        return Err(format!("Unknown column '{name}' (class: '{}')", class.name));
    }
    if !columns.iter().any(|c| c == "primary_key") {
        return Err("Missing reconciliation column 'primary_key'".to_owned());
    }
    Ok(())
}

/// Counts of the load phase.
#[derive(Debug, Default)]
struct Load {
    issues: usize,
    created: usize,
    updated: usize,
}

/// One call's work.
struct Job<'a> {
    settings: &'a Settings,
    account: &'static Account,
    columns: &'a [String],
    data: &'a [Vec<Cell>],
    data_size: usize,
}

fn sql_text(value: &Cell) -> String {
    value.as_ref().map_or("NULL".to_owned(), |v| {
        format!("'{}'", v.replace('\'', "\\'"))
    })
}

impl Job<'_> {
    fn details(&self) -> bool {
        self.settings.output == "details"
    }

    fn run(&self, store: &mut Store) -> Fragment {
        let mut fragment = Fragment::default();
        if self.details() {
            for text in [DASHES, " Import phase", DASHES] {
                fragment.comment(text);
            }
        }
        let Some(load) = self.load(store, &mut fragment) else {
            return fragment;
        };
        if self.settings.output != "retcode" {
            self.summary(&load, &mut fragment);
        }
        if self.settings.synchronize {
            self.synchronize(store, &mut fragment);
        }
        if self.settings.output == "retcode" {
            fragment.text(&load.issues.to_string());
        }
        fragment
    }

    /// Loads every row; `None` after an SQL error that stops the call.
    fn load(&self, store: &mut Store, fragment: &mut Fragment) -> Option<Load> {
        let mut load = Load::default();
        let key_index = self
            .columns
            .iter()
            .position(|c| c == "primary_key")
            .unwrap_or(0);
        for (row_number, row) in self.data.iter().enumerate() {
            let key = row.get(key_index).cloned().flatten().unwrap_or_default();
            let table = store.replicas.entry(self.settings.source.id).or_default();
            let existing = table.get(&key).cloned();
            if self.details() {
                let verb = if existing.is_some() { "Update" } else { "New" };
                fragment.text(&format!(
                    "{row_number}: {verb} entry, reconciliation: '`primary_key` = {}'",
                    sql_text(&Some(key.clone()))
                ));
            }
            *(if existing.is_some() {
                &mut load.updated
            } else {
                &mut load.created
            }) += 1;
            let values = match self.row_values(row_number, row, existing.is_some(), fragment) {
                Ok(values) => values,
                Err(error) if self.settings.no_stop => {
                    fragment.text(&format!(
                        "{row_number}: Import error '{error}' (continuing)..."
                    ));
                    load.issues += 1;
                    continue;
                }
                Err(error) => {
                    fragment.comment(&self.exception(row, &error, existing.as_ref()));
                    return None;
                }
            };
            self.store_replica(store, key, existing, values);
        }
        Some(load)
    }

    /// The replica values of a row; `Err` is an SQL error text.
    fn row_values(
        &self,
        row_number: usize,
        row: &[Cell],
        update: bool,
        fragment: &mut Fragment,
    ) -> Result<Vec<(String, Cell)>, String> {
        let class = self.settings.source.target();
        let mut values = Vec::new();
        for (index, (column, cell)) in self.columns.iter().zip(row).enumerate() {
            let attribute = class.attribute(column);
            let mut cell = cell.clone();
            match (attribute.map(|a| a.kind), cell.as_deref()) {
                (Some(Kind::Enum(_)), Some(value))
                    if !value.is_empty()
                        && attribute
                            .and_then(|a| a.enum_code(value, false))
                            .is_none_or(|code| code != value) =>
                {
                    return Err(format!(
                        "mysql_errno = 1265, mysql_error = Data truncated for column '{column}' at row 1"
                    ));
                }
                (Some(Kind::Date), Some(value)) if !value.is_empty() => {
                    let format = dates::date_part(&self.settings.date_format);
                    match dates::parse(&format, value) {
                        Some(date) => cell = Some(dates::format("Y-m-d", &date)),
                        None => {
                            if self.details() {
                                fragment.text(&format!("{row_number}: Wrong format for DATE column {index}: '{value}' does not match the expected format: '{format}' (column skipped)"));
                            }
                            if update {
                                continue;
                            }
                            cell = Some(String::new());
                        }
                    }
                }
                _ => {}
            }
            values.push((column.clone(), cell));
        }
        Ok(values)
    }

    fn exception(&self, row: &[Cell], error: &str, existing: Option<&Replica>) -> String {
        let table = self.settings.source.table;
        let query = match existing {
            None => {
                let names: Vec<String> = self.columns.iter().map(|c| format!("`{c}`")).collect();
                let values: Vec<String> = row.iter().map(sql_text).collect();
                format!(
                    "INSERT INTO `{table}` ({}) VALUES ({})",
                    names.join(", "),
                    values.join(", ")
                )
            }
            Some(replica) => {
                let sets: Vec<String> = self
                    .columns
                    .iter()
                    .zip(row)
                    .map(|(c, v)| format!("`{c}` = {}", sql_text(v)))
                    .collect();
                format!(
                    "UPDATE `{table}` SET {} WHERE `id` = {}",
                    sets.join(", "),
                    replica.id
                )
            }
        };
        format!(
            "MySQLException: Failed to issue SQL query: query = {query}, {error} in <itop>/core/cmdbsource.class.inc.php:626\nStack trace:\n#0 <itop>/core/cmdbsource.class.inc.php(580): CMDBSource::DBQuery()\n#1 <itop>/synchro/synchro_import.php(586): CMDBSource::Query()\n#2 {{main}}"
        )
    }

    fn store_replica(
        &self,
        store: &mut Store,
        key: String,
        existing: Option<Replica>,
        values: Vec<(String, Cell)>,
    ) {
        let mut replica = existing.unwrap_or_else(|| {
            store.next_replica_id += 1;
            Replica {
                id: store.next_replica_id,
                ..Replica::default()
            }
        });
        replica.values.extend(values);
        replica.touched = true;
        store
            .replicas
            .entry(self.settings.source.id)
            .or_default()
            .insert(key, replica);
    }

    fn applied_to(&self, kind: Kind) -> String {
        let class = self.settings.source.target();
        let dated = self
            .columns
            .iter()
            .filter(|c| class.attribute(c).is_some_and(|a| a.kind == kind));
        let dated: Vec<&str> = dated.map(String::as_str).collect();
        if dated.is_empty() {
            String::new()
        } else {
            format!(", applied to columns [{}]", dated.join(", "))
        }
    }

    fn summary(&self, load: &Load, fragment: &mut Fragment) {
        let settings = self.settings;
        let lines = [
            DASHES.to_owned(),
            " Import phase summary".to_owned(),
            DASHES.to_owned(),
            format!("Data Source: {}", settings.source.id),
            format!("Synchronize: {}", u8::from(settings.synchronize)),
            format!("Class: {}", settings.source.class),
            format!("Separator: {}", settings.separator),
            format!("Qualifier: {}", settings.qualifier),
            format!("Charset Encoding:{}", settings.charset_name),
            // TODO(#5): no DateTime attribute is modelled, so this suffix is always empty.
            format!("Date and time format: '{}' ", settings.date_format),
            format!(
                "Date only format: '{}' {}",
                dates::date_part(&settings.date_format),
                self.applied_to(Kind::Date)
            ),
            format!("Data Size: {}", self.data_size),
            format!("Data Lines: {}", self.data.len()),
            format!("Columns: {}", self.columns.join(", ")),
            format!("Output format: {}", settings.output),
            format!("Simulate: {}", u8::from(settings.simulate)),
            format!("Change tracking comment: {}", settings.comment),
            format!("Issues (before synchro): {}", load.issues),
            format!("Created (before synchro): {}", load.created),
            format!("Updated (before synchro): {}", load.updated),
        ];
        lines.iter().for_each(|text| fragment.comment(text));
    }

    fn synchronize(&self, store: &mut Store, fragment: &mut Fragment) {
        let source = self.settings.source;
        if self.details() {
            for text in [DASHES, " Synchronization phase", DASHES] {
                fragment.comment(text);
            }
            fragment.comment(" No traces. (To activate the traces set \"synchro_trace\" => true in the configuration file)");
        }
        let counters = if !source.allows(self.account) {
            fragment.paragraph("ERROR: Only adminstrators or the user specified in the data source can execute this operation. Operation cancelled.");
            sync::not_started(store, source)
        } else if self.settings.chunked {
            fragment.paragraph(
                "ERROR: The synchronization can be executed in chunks only if run in mode CLI",
            );
            sync::not_started(store, source)
        } else {
            sync::synchronize(store, source)
        };
        for text in [DASHES, " Synchronization phase summary", DASHES] {
            fragment.comment(text);
        }
        counters
            .lines()
            .iter()
            .for_each(|text| fragment.comment(text));
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::{get, post, replay, sample_body, sample_status};
    use crate::{ADMIN_PWD, ADMIN_USER, SYNC_PWD, SYNC_USER, ServerConfig, TestServer};

    fn server() -> TestServer {
        TestServer::start(ServerConfig::default()).expect("starts")
    }

    /// The sample with the counters our fresh replica table gives.
    fn adapted(case: &str, replacements: &[(&str, &str)]) -> String {
        replacements
            .iter()
            .fold(sample_body(case), |text, (from, to)| text.replace(from, to))
    }

    #[test]
    fn replays_error_samples_byte_for_byte() {
        let server = server();
        for case in [
            "synchro_import/http_basic_wrong_password",
            "synchro_import/http_post_portal_user",
            "synchro_import/http_post_unknown_data_source",
            "synchro_import/http_post_missing_data_source_id",
            "synchro_import/http_post_bom_default_utf8",
            "synchro_import/http_post_sql_error_stop",
        ] {
            let response = replay(&server, case);
            assert_eq!(response.status_line, sample_status(case), "{case}");
            assert_eq!(response.text(), sample_body(case), "{case}");
        }
    }

    #[test]
    fn missing_data_is_told_before_an_unknown_data_source() {
        let server = server();
        let body = crate::testkit::post(
            &server,
            "/synchro/synchro_import.php",
            Some(("admin", "Adm1n-secret")),
            &[("data_source_id", "abc")],
        )
        .text();
        assert!(
            body.contains("#Missing data - at least one line is expected"),
            "{body}"
        );
        assert!(!body.contains("Unknown data source"), "{body}");
    }

    #[test]
    fn details_load_then_synchronize_like_the_sample() {
        let server = server();
        let body = replay(
            &server,
            "synchro_import/http_post_basic_details_synchronize",
        )
        .text();
        let expected = adapted(
            "synchro_import/http_post_basic_details_synchronize",
            &[
                ("Update entry", "New entry"),
                (
                    "#Created (before synchro): 0",
                    "#Created (before synchro): 3",
                ),
                (
                    "#Updated (before synchro): 3",
                    "#Updated (before synchro): 0",
                ),
                ("#Replicas: 10", "#Replicas: 3"),
                ("#Objects created: 0", "#Objects created: 2"),
                (
                    "#Objects reconciled (updated): 0",
                    "#Objects reconciled (updated): 1",
                ),
            ],
        );
        assert_eq!(body, expected);
        let retcode = replay(&server, "synchro_import/http_post_basic_retcode").text();
        let expected = adapted(
            "synchro_import/http_post_basic_retcode",
            &[("#Replicas: 10", "#Replicas: 3")],
        );
        assert_eq!(retcode, expected);
        assert!(retcode.ends_with("no action taken: 0<br/>\n  0"));
    }

    #[test]
    fn reader_loads_but_cannot_synchronize() {
        let server = server();
        let body = replay(&server, "synchro_import/http_post_reader_not_owner").text();
        let expected = adapted(
            "synchro_import/http_post_reader_not_owner",
            &[
                (
                    "#Created (before synchro): 0",
                    "#Created (before synchro): 3",
                ),
                (
                    "#Updated (before synchro): 3",
                    "#Updated (before synchro): 0",
                ),
                ("#Replicas: 10", "#Replicas: 3"),
            ],
        );
        assert_eq!(body, expected);
        assert_eq!(server.count("Person"), 8);
    }

    #[test]
    fn server_dates_are_checked_in_details() {
        let server = server();
        let body = replay(&server, "synchro_import/http_post_server_date_format").text();
        assert!(body.contains("\n  1: Wrong format for DATE column 4: '2024-12-25' does not match the expected format: 'd/m/Y' (column skipped)\n"), "{body}");
        assert!(
            body.contains("#Date only format: 'd/m/Y' , applied to columns [move2production]<br/>"),
            "{body}"
        );
        assert!(body.contains("#Objects created: 2 (0 warnings)"), "{body}");
    }

    #[test]
    fn synchronized_change_shows_in_the_export() {
        let server = server();
        let csv = "primary_key;first_name;name;email;org_id;function\nP-1;Alice;Anderson;alice.anderson@lab.example;Lab Org B;Synced lead\n";
        let fields = [("data_source_id", "1"), ("csvdata", csv)];
        let body = post(
            &server,
            "/synchro/synchro_import.php",
            Some((SYNC_USER, SYNC_PWD)),
            &fields,
        )
        .text();
        assert!(
            body.contains("#Objects reconciled (updated): 1 (0 warnings)"),
            "{body}"
        );
        let query = [
            ("expression", "SELECT Person WHERE email = :mail"),
            ("arg_mail", "alice.anderson@lab.example"),
            ("format", "csv"),
            ("fields", "first_name,function,org_id->name"),
        ];
        let export = get(
            &server,
            "/webservices/export-v2.php",
            Some((ADMIN_USER, ADMIN_PWD)),
            &query,
        )
        .text();
        assert_eq!(
            export,
            "\"First Name\",\"Function\",\"Organization->Name\"\n\"Alice\",\"Synced lead\",\"Lab Org B\"\n"
        );
    }

    #[test]
    fn chunks_are_refused_over_http_after_the_load() {
        let server = server();
        let fields = [
            ("data_source_id", "2"),
            ("max_chunk_size", "2"),
            ("csvdata", "primary_key;name;org_id\nS1;srv-1;Lab Org A\n"),
        ];
        let body = post(
            &server,
            "/synchro/synchro_import.php",
            Some((ADMIN_USER, ADMIN_PWD)),
            &fields,
        )
        .text();
        assert!(body.contains("#Updated (before synchro): 0<br/><p>ERROR: The synchronization can be executed in chunks only if run in mode CLI</p>\n  #---"), "{body}");
        assert_eq!(server.count("Server"), 0);
    }
}
