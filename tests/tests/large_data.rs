//! Large data end to end: chunked imports under a small body limit,
//! interruption and resume, the collector pattern, typed export rows.

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Itop, people_csv, unique};
use itop_core::{
    ChunkOptions, CsvData, Error, ExportRequest, ImportRequest, OutputMode, SynchroImportRequest,
};
use itop_tests::ServerConfig;

/// Imports the organization of `people_csv` and returns the people CSV.
fn people(itop: &Itop, tag: &str, count: usize) -> (String, String) {
    let org = format!("Org {tag}");
    let (orgs, people) = people_csv(&org, tag, count);
    let request = ImportRequest::new("Organization").reconciliation_keys(["name"]);
    itop.client()
        .import(&request, CsvData::bytes(orgs))
        .expect("organization");
    (org, people)
}

fn person_request() -> ImportRequest {
    ImportRequest::new("Person").reconciliation_keys(["email"])
}

#[test]
fn twenty_thousand_rows_pass_a_small_body_limit_in_chunks() {
    let itop = Itop::start_with(ServerConfig::default().max_body_bytes(Some(256 * 1024)));
    let tag = unique("big");
    let (_, csv) = people(&itop, &tag, 20_000);
    let before = itop.server.as_ref().map(|s| s.count("Person"));

    // In one piece the body is dropped, credentials included.
    let whole = itop
        .client()
        .import(&person_request(), CsvData::bytes(csv.clone()));
    assert!(matches!(whole, Err(Error::Auth { .. })), "{whole:?}");

    let options = ChunkOptions::default().rows(5000).bytes(200 * 1024);
    let mut seen = Vec::new();
    let done = itop
        .client()
        .import_chunked(
            &person_request(),
            CsvData::bytes(csv.clone()),
            options,
            &mut |p| {
                seen.push((p.chunks, p.rows, p.bytes_read));
                // One line per record after the header: where to resume.
                assert_eq!(p.next_line, p.rows + 2, "{p:?}");
            },
        )
        .unwrap();
    assert!(done.is_complete(), "{:?}", done.interrupted);
    let summary = done.report.summary.as_ref().expect("summary");
    assert_eq!(
        (summary.data_lines, summary.created, summary.updated),
        (20_000, 20_000, 0)
    );
    assert_eq!((done.report.issues, summary.unchanged), (0, 0));
    assert_eq!(summary.data_size, csv.len() as u64);
    assert!(done.report.is_complete());
    // The byte limit cuts before the row limit (5000 rows would be 4 chunks).
    assert!(done.chunks > 4, "{} chunks", done.chunks);
    assert_eq!(seen.len() as u64, done.chunks);
    assert_eq!(
        seen.last().map(|s| (s.1, s.2)),
        Some((20_000, csv.len() as u64))
    );
    if let (Some(server), Some(before)) = (&itop.server, before) {
        assert_eq!(server.count("Person"), before + 20_000);
    }
}

#[test]
fn details_rows_are_renumbered_to_the_whole_file() {
    let itop = Itop::start();
    let tag = unique("det");
    let (org, _) = people(&itop, &tag, 0);
    let mut csv = String::from("first_name,name,org_id->name,email,function\n");
    for i in 0..7 {
        let function = if i == 3 { "\"two\nlines\"" } else { "x" };
        csv.push_str(&format!(
            "F{i},L{i},\"{org}\",d{i}.{tag}@test.example,{function}\n"
        ));
        if i == 4 {
            csv.push('\n');
        }
    }
    csv.push_str(&format!(
        "Bad,Row,\"No such org {tag}\",bad.{tag}@test.example,x\n"
    ));
    let request = person_request().output(OutputMode::Details);
    let options = ChunkOptions::default().rows(3);
    let done = itop
        .client()
        .import_chunked(&request, CsvData::bytes(csv), options, &mut |_| {})
        .unwrap();
    assert_eq!(done.chunks, 3);
    let lines: Vec<(u64, u64)> = done
        .located_rows()
        .map(|(line, row)| (row.line, line))
        .collect();
    assert_eq!(
        lines,
        [
            (0, 2),
            (1, 3),
            (2, 4),
            (3, 5),
            (4, 7),
            (5, 9),
            (6, 10),
            (7, 11)
        ]
    );
    assert_eq!(done.report.issues, 1);
    assert!(matches!(
        done.report.rows[7].status,
        itop_core::report::RowStatus::Issue { .. }
    ));
    assert_eq!(done.report.summary.as_ref().unwrap().created, 7);
}

/// A loopback proxy to `target` that answers the `fail_at`-th request
/// (1-based) like iTop out of memory: the request is forwarded, so its
/// rows are committed, but the report is replaced by a PHP fatal error.
fn failing_proxy(target: &str, fail_at: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let target = target.trim_start_matches("http://").to_owned();
    let count = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let n = count.fetch_add(1, Ordering::SeqCst) + 1;
            let target = target.clone();
            std::thread::spawn(move || relay(stream, &target, n == fail_at));
        }
    });
    url
}

fn read_request(stream: &mut TcpStream) -> Vec<u8> {
    let mut request = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = stream.read(&mut buf).unwrap_or(0);
        if n == 0 {
            return request;
        }
        request.extend_from_slice(&buf[..n]);
        let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&request[..end]).to_lowercase();
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(0);
        if request.len() >= end + 4 + length {
            return request;
        }
    }
}

fn relay(mut client: TcpStream, target: &str, fail: bool) {
    let request = read_request(&mut client);
    let mut server = TcpStream::connect(target).unwrap();
    server.write_all(&request).unwrap();
    let mut response = Vec::new();
    let _ = server.read_to_end(&mut response);
    if fail {
        response = b"HTTP/1.0 500 Internal Server Error\r\nContent-type: text/html; charset=UTF-8\r\n\r\n\
            <p>iTop: Allowed memory size of 1024M exhausted, contact your administrator to increase 'memory_limit' in php.ini</p>\n"
            .to_vec();
    }
    let _ = client.write_all(&response);
    let _ = client.shutdown(Shutdown::Write);
}

#[test]
fn an_interrupted_upload_resumes_from_its_first_uncommitted_line_without_duplicates() {
    let itop = Itop::start();
    if !itop.is_imitation() {
        return;
    }
    let tag = unique("res");
    let (org, csv) = people(&itop, &tag, 1000);
    let before = itop.server.as_ref().unwrap().count("Person");
    // Requests through the proxy: 1, 2 fine; 3 (rows 400-599) fails after
    // committing its rows.
    let proxied = itop_core::Client::builder()
        .url(failing_proxy(&itop.url, 3))
        .credentials(itop_core::Credentials::password(
            itop.admin.login.clone(),
            itop_core::Secret::new(itop.admin.password.clone()),
        ))
        .build()
        .unwrap();
    let options = ChunkOptions::default().rows(200);
    let first = proxied
        .import_chunked(
            &person_request(),
            CsvData::bytes(csv.clone()),
            options,
            &mut |_| {},
        )
        .unwrap();
    let stop = first.interrupted.as_ref().expect("interrupted");
    assert_eq!(stop.chunk, Some(2));
    assert!(
        matches!(
            stop.error,
            Error::Server {
                status: Some(500),
                ..
            }
        ),
        "{:?}",
        stop.error
    );
    assert_eq!(
        (stop.committed.clone(), stop.uncertain.clone()),
        (0..400, 400..600)
    );
    assert_eq!(stop.first_uncommitted_row(), 400);
    assert_eq!(stop.resume_from_line, Some(402));
    assert!(stop.to_string().contains("resume from line 402"), "{stop}");
    assert_eq!(first.report.summary.as_ref().unwrap().created, 400);
    assert_eq!(first.rows, 400);

    let resumed = itop
        .client()
        .import_chunked(
            &person_request(),
            CsvData::bytes(csv),
            options.resume_from_line(402),
            &mut |_| {},
        )
        .unwrap();
    assert!(resumed.is_complete());
    assert_eq!(resumed.first_row, 400);
    let summary = resumed.report.summary.as_ref().unwrap();
    // The failed chunk's rows were committed: they come back unchanged.
    assert_eq!(
        (summary.data_lines, summary.created, summary.unchanged),
        (600, 400, 200)
    );
    assert_eq!(itop.server.as_ref().unwrap().count("Person"), before + 1000);
    let exported = export_emails(&itop, &org);
    assert_eq!(exported.len(), 1000);
}

#[derive(Debug, serde::Deserialize)]
struct Exported {
    email: String,
    #[serde(rename = "org_id->name")]
    org: String,
}

#[test]
fn a_refused_connection_wrote_nothing() {
    // Nothing listens on loopback port 1: the connection is refused.
    let client = itop_core::Client::builder()
        .url("http://127.0.0.1:1")
        .credentials(itop_core::Credentials::password(
            "admin",
            itop_core::Secret::new("x"),
        ))
        .build()
        .unwrap();
    let csv = "first_name,name,org_id->name,email\nA,B,Lab Org A,a@b.example\n";
    let done = client
        .import_chunked(
            &person_request(),
            CsvData::bytes(csv),
            ChunkOptions::default(),
            &mut |_| {},
        )
        .unwrap();
    let stop = done.interrupted.expect("interrupted");
    assert!(matches!(stop.error, Error::Transport { .. }), "{stop}");
    assert_eq!(
        (stop.committed.clone(), stop.uncertain.clone()),
        (0..0, 0..0),
        "{stop}"
    );
    assert_eq!(stop.resume_from_line, Some(2));
}

#[test]
fn a_resume_line_past_the_data_is_refused_not_taken_for_success() {
    let itop = Itop::start();
    let tag = unique("past");
    let (_, csv) = people(&itop, &tag, 3);
    // Header on line 1, records on lines 2-4: line 5 is where an upload
    // that sent everything would resume (nothing left to do).
    let run = |line: u64| {
        itop.client().import_chunked(
            &person_request(),
            CsvData::bytes(csv.clone()),
            ChunkOptions::default().resume_from_line(line),
            &mut |_| {},
        )
    };
    let done = run(5).unwrap();
    assert_eq!((done.chunks, done.interrupted.is_none()), (0, true));
    let err = run(6).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { field: "resume_from_line", reason } if reason.contains("past the data")),
        "{err:?}"
    );
}

fn export_emails(itop: &Itop, org: &str) -> Vec<String> {
    let request = ExportRequest::oql(format!("SELECT Person WHERE org_name = '{org}'"))
        .fields(["email", "org_id->name"]);
    let rows = itop.client().export_rows::<Exported>(&request).unwrap();
    let mut emails = Vec::new();
    for row in rows {
        let row = row.unwrap();
        assert_eq!(row.org, org);
        emails.push(row.email);
    }
    emails.sort();
    emails.dedup();
    emails
}

#[test]
fn typed_rows_stream_a_live_export_and_report_bad_rows() {
    let itop = Itop::start();
    let tag = unique("typ");
    let (org, csv) = people(&itop, &tag, 50);
    itop.client()
        .import(&person_request(), CsvData::bytes(csv))
        .unwrap();
    assert_eq!(export_emails(&itop, &org).len(), 50);

    #[derive(Debug, serde::Deserialize)]
    struct Wrong {
        #[serde(rename = "first_name")]
        _number: u32,
    }
    let request = ExportRequest::oql(format!("SELECT Person WHERE org_name = '{org}'"))
        .fields(["first_name"]);
    let first = itop
        .client()
        .export_rows::<Wrong>(&request)
        .unwrap()
        .next()
        .unwrap();
    let err = first.unwrap_err();
    assert_eq!((err.row, err.line), (0, 2));

    let bad = ExportRequest::oql("SELEKT Person").fields(["email"]);
    let err = itop.client().export_rows::<Exported>(&bad).unwrap_err();
    assert!(matches!(err, Error::BadRequest { .. }), "{err:?}");
}

#[test]
fn the_collector_loads_every_chunk_then_synchronizes_once() {
    let itop = Itop::start_with(ServerConfig::default().max_body_bytes(Some(4096)));
    let tag = unique("col");
    let mut csv = String::from("\u{feff}primary_key;first_name;name;email;org_id;status\n");
    for i in 0..300 {
        csv.push_str(&format!(
            "{tag}-{i};J{i};N;c{i}.{tag}@sync.example;Lab Org A;active\n"
        ));
    }
    let request = SynchroImportRequest::new(itop.person_source);
    let options = ChunkOptions::default().rows(100).bytes(3500);
    let done = itop
        .client()
        .synchro_import_chunked(&request, CsvData::bytes(csv), options, &mut |_| {})
        .unwrap();
    assert!(done.is_complete(), "{:?}", done.interrupted);
    assert!(done.chunks >= 3, "{}", done.chunks);
    let load = done.load.import.as_ref().expect("load summary");
    assert_eq!((load.data_lines, load.created, load.updated), (300, 300, 0));
    assert!(!load.synchronize && done.load.synchro.is_none());
    let synchro = done.synchro.as_ref().expect("one synchronization");
    assert_eq!(synchro.sources.len(), 1);
    assert!(synchro.sources[0].counters.created >= 300, "{synchro:?}");
    if let Some(server) = &itop.server {
        let exec_calls = server
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("synchro_exec.php"))
            .count();
        assert_eq!(exec_calls, 1);
    }
}
