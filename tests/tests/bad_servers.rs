//! Bad servers: every broken or hostile answer becomes the right typed
//! error, with the server's text kept, and never a success — for every
//! service (cron, synchro_exec, synchro_import, import, export to memory and
//! export to a file). The answers come from `itop_tests::faults`, a loopback
//! server that serves canned replies (mostly captures from
//! `tests/fixtures`) and breaks the exchange on purpose.

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use itop_core::{
    Client, ClientBuilder, Credentials, CronRequest, CsvData, Error, ExportRequest, ImportRequest,
    OutputMode, Secret, SynchroExecRequest, SynchroImportRequest,
};
use itop_tests::faults::{FaultServer, Length, Reply};

/// One way of calling a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Cron,
    SynchroExec,
    SynchroImport,
    Import,
    /// `Client::export` into a `Vec`.
    ExportVec,
    /// `Client::export_to_path`.
    ExportFile,
}

const ALL: [Target; 6] = [
    Target::Cron,
    Target::SynchroExec,
    Target::SynchroImport,
    Target::Import,
    Target::ExportVec,
    Target::ExportFile,
];

const FATAL: &str = "<p>iTop: Allowed memory size of 1073741824 bytes exhausted, contact your \
    administrator to increase 'memory_limit' in php.ini</p>\n";

const PROXY_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>502 Proxy Error</title></head>\
    <body><h1>Proxy Error</h1><p>The proxy server received an invalid response from an \
    upstream server.</p></body></html>\n";

fn fixture(path: &str) -> Vec<u8> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

fn capture(path: &str) -> Reply {
    Reply::from_capture(&fixture(path)).expect("an HTTP capture")
}

impl Target {
    /// A captured successful answer of the service.
    fn success(self) -> Reply {
        capture(match self {
            Target::Cron => "cron/http_post_form_quiet_run.resp",
            Target::SynchroExec => "synchro_exec/http_get_basic_admin_two_sources.resp",
            Target::SynchroImport => "synchro_import/http_post_basic_details_synchronize.resp",
            Target::Import => "import/http_post_basic_summary.resp",
            Target::ExportVec | Target::ExportFile => {
                "export-v2/http_get_basic_csv_no_localize.resp"
            }
        })
    }

    /// The captured `Invalid login` answer where the service has one.
    fn invalid_login(self) -> Reply {
        match self {
            Target::SynchroExec => capture("synchro_exec/http_basic_wrong_password.resp"),
            Target::SynchroImport => capture("synchro_import/http_basic_wrong_password.resp"),
            Target::Import => capture("import/http_post_wrong_password.resp"),
            // cron.php and the exports show the login page instead; a
            // server answering them like import.php must still be refused.
            _ => Reply::new(200, "Invalid login\n").content_type("text/plain; charset=utf-8"),
        }
    }

    fn is_export(self) -> bool {
        matches!(self, Target::ExportVec | Target::ExportFile)
    }
}

fn body_of(reply: &Reply) -> Vec<u8> {
    match &reply.body {
        itop_tests::faults::Body::Bytes(bytes) => bytes.clone(),
        itop_tests::faults::Body::Repeat { .. } => panic!("a streamed body"),
    }
}

fn with_body(mut reply: Reply, body: Vec<u8>) -> Reply {
    reply.body = itop_tests::faults::Body::Bytes(body);
    reply
}

fn builder(url: &str) -> ClientBuilder {
    Client::builder()
        .url(url)
        .credentials(Credentials::password("admin", Secret::new("Adm1n-secret")))
}

/// What one call gave.
struct Run {
    result: Result<String, Error>,
    /// What the export wrote (to the `Vec` or the file).
    written: Vec<u8>,
    /// Files left in the export's folder.
    left: Vec<PathBuf>,
}

fn csv_for(target: Target) -> CsvData {
    match target {
        Target::SynchroImport => CsvData::bytes("primary_key;name\nP-1;Kelly\n"),
        _ => CsvData::bytes("name,org_id->name\nKelly,Demo\n"),
    }
}

fn export_request() -> ExportRequest {
    ExportRequest::oql("SELECT Person").fields(["first_name", "name"])
}

fn call(target: Target, client: &Client, csv: CsvData) -> Run {
    let mut written = Vec::new();
    let mut left = Vec::new();
    let result = match target {
        Target::Cron => client.cron(&CronRequest::new()).map(|r| format!("{r:?}")),
        Target::SynchroExec => client
            .synchro_exec(&SynchroExecRequest::new([1, 2]))
            .map(|r| format!("{r:?}")),
        Target::SynchroImport => {
            let request = SynchroImportRequest::new(1).output(OutputMode::Details);
            client
                .synchro_import(&request, csv)
                .map(|r| format!("{r:?}"))
        }
        Target::Import => {
            let request = ImportRequest::new("Person").reconciliation_keys(["email"]);
            client.import(&request, csv).map(|r| format!("{r:?}"))
        }
        Target::ExportVec => client
            .export(&export_request(), &mut written)
            .map(|o| format!("{o:?}")),
        Target::ExportFile => {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("people.csv");
            let result = client.export_to_path(&export_request(), &path);
            written = std::fs::read(&path).unwrap_or_default();
            left = std::fs::read_dir(dir.path())
                .expect("read dir")
                .map(|entry| entry.expect("entry").path())
                .collect();
            result.map(|o| format!("{o:?}"))
        }
    };
    Run {
        result,
        written,
        left,
    }
}

fn run(target: Target, reply: Reply) -> Run {
    let server = FaultServer::serve(reply).expect("fault server");
    let client = builder(&server.url()).build().expect("client");
    call(target, &client, csv_for(target))
}

/// Checks a failed run: the error fits, and no export file is left.
fn check_failure(
    target: Target,
    run: &Run,
    expected: &dyn Fn(&Error) -> bool,
) -> Result<(), String> {
    match &run.result {
        Ok(success) => return Err(format!("{target:?}: taken for a success: {success}")),
        Err(err) if !expected(err) => {
            return Err(format!("{target:?}: wrong error: {err:?}"));
        }
        Err(_) => {}
    }
    if target == Target::ExportFile && !run.left.is_empty() {
        return Err(format!("{target:?}: files left behind: {:?}", run.left));
    }
    Ok(())
}

/// Runs `reply_for` against every target it gives a reply for and checks
/// each failure; panics listing every target that misbehaved.
fn matrix(reply_for: impl Fn(Target) -> Option<Reply>, expected: impl Fn(&Error) -> bool) {
    let mut problems = Vec::new();
    let mut tried = 0;
    for target in ALL {
        let Some(reply) = reply_for(target) else {
            continue;
        };
        tried += 1;
        if let Err(problem) = check_failure(target, &run(target, reply), &expected) {
            problems.push(problem);
        }
    }
    assert!(tried > 0, "no target tried");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn raw_has(err: &Error, marker: &str) -> bool {
    err.raw_response().is_some_and(|raw| raw.contains(marker))
}

fn is_transport(err: &Error) -> bool {
    matches!(err, Error::Transport { .. })
}

#[test]
fn the_captured_successes_are_successes() {
    for target in ALL {
        let run = run(target, target.success());
        let summary = run.result.unwrap_or_else(|e| panic!("{target:?}: {e:?}"));
        assert!(!summary.is_empty());
        if target.is_export() {
            assert_eq!(run.written, body_of(&target.success()), "{target:?}");
        }
    }
}

#[test]
fn login_page_with_200_is_an_auth_error() {
    let page = || Some(capture("cron/http_no_credentials.resp"));
    matrix(
        |_| page(),
        |e| matches!(e, Error::Auth { .. }) && raw_has(e, "<title>iTop login</title>"),
    );
}

#[test]
fn invalid_login_is_an_auth_error() {
    matrix(
        |target| Some(target.invalid_login()),
        |e| matches!(e, Error::Auth { .. }) && raw_has(e, "Invalid login"),
    );
}

#[test]
fn status_401_is_an_auth_error() {
    let reply = || Some(capture("export-v2/http_basic_wrong_password.resp"));
    matrix(
        |_| reply(),
        |e| matches!(e, Error::Auth { .. }) && raw_has(e, "iTop access to this page is restricted"),
    );
}

#[test]
fn redirect_to_the_portal_is_an_auth_error() {
    let reply = || Some(capture("cron/http_basic_portal_user.resp"));
    matrix(|_| reply(), |e| matches!(e, Error::Auth { .. }));
}

#[test]
fn status_500_with_php_fatal_text_is_a_server_error() {
    matrix(
        |_| Some(Reply::new(500, FATAL)),
        |e| {
            matches!(e, Error::Server { status: Some(500), message, .. } if message.contains("Allowed memory size"))
                && raw_has(e, "memory_limit")
        },
    );
}

#[test]
fn status_503_maintenance_is_a_server_error() {
    let page = "<!DOCTYPE html><html><head><title>Maintenance</title></head><body>\
        <p>This application is currently under maintenance.</p></body></html>";
    matrix(
        |_| Some(Reply::new(503, page)),
        |e| {
            matches!(
                e,
                Error::Server {
                    status: Some(503),
                    ..
                }
            ) && raw_has(e, "maintenance")
        },
    );
}

/// The report cut in the middle, sent as a complete HTTP answer.
fn half_report(target: Target) -> Option<Reply> {
    // An export-v2 CSV has no Content-Length: a clean close in the middle
    // looks like its end to any client; a reset is caught (see below).
    if target.is_export() {
        return None;
    }
    let reply = target.success();
    let mut body = body_of(&reply);
    body.truncate(body.len() / 2);
    Some(with_body(reply, body).length(Length::Exact))
}

#[test]
fn a_report_cut_in_the_middle_is_never_a_success() {
    matrix(half_report, |e| e.raw_response().is_some());
}

#[test]
fn a_body_ending_before_its_content_length_is_a_transport_error() {
    matrix(
        |target| {
            let reply = target.success();
            let len = body_of(&reply).len() as u64;
            Some(reply.length(Length::Announce(len + 100)))
        },
        is_transport,
    );
}

#[test]
fn a_report_running_past_its_content_length_is_read_to_the_length_only() {
    // The first half is all that counts: a cut report, never a success.
    matrix(
        |target| {
            if target.is_export() {
                return None;
            }
            let reply = target.success();
            let len = body_of(&reply).len() as u64;
            Some(reply.length(Length::Announce(len / 2)))
        },
        |e| e.raw_response().is_some(),
    );
}

#[test]
fn an_export_running_past_its_content_length_writes_the_announced_bytes_only() {
    // Bytes past Content-Length are not part of the answer (that is how
    // iTop's one-byte-short answers are read, PROTOCOL §1.10): nothing
    // after them may reach the output.
    for target in [Target::ExportVec, Target::ExportFile] {
        let reply = target.success();
        let body = body_of(&reply);
        // Announce the length of the header and the first row.
        let second_newline = body.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(1);
        let cut = second_newline.map(|(at, _)| at + 1).expect("two rows") as u64;
        let whole = run(target, reply.clone().length(Length::Announce(cut)));
        whole.result.expect("export");
        assert_eq!(whole.written, body[..cut as usize], "{target:?}");
        // An announced length that ends inside a row is an export cut short.
        let cut_short = run(target, reply.length(Length::Announce(cut + 3)));
        assert!(
            cut_short.result.is_err(),
            "{target:?}: a cut row taken for data"
        );
    }
}

#[test]
fn imports_one_byte_short_content_length_is_read_as_itop_sends_it() {
    let reply = Target::Import.success();
    let mut body = body_of(&reply);
    let len = body.len() as u64;
    body.push(b'\n');
    let run = run(
        Target::Import,
        with_body(reply, body).length(Length::Announce(len)),
    );
    let summary = run.result.expect("import report");
    assert!(summary.contains("unchanged: 3"), "{summary}");
}

#[test]
fn an_html_error_page_where_data_was_expected_is_never_a_success() {
    matrix(
        |_| Some(Reply::new(200, PROXY_PAGE)),
        |e| raw_has(e, "Proxy Error"),
    );
}

#[test]
fn an_export_error_page_instead_of_csv_is_a_bad_request() {
    matrix(
        |target| {
            target
                .is_export()
                .then(|| capture("export-v2/http_get_basic_bad_oql.resp"))
        },
        |e| matches!(e, Error::BadRequest { .. }) && raw_has(e, "iTop - Export"),
    );
}

#[test]
fn an_empty_body_is_never_a_success() {
    matrix(
        |target| Some(with_body(target.success(), Vec::new())),
        |e| e.raw_response().is_some(),
    );
}

#[test]
fn a_connection_reset_during_the_upload_is_a_transport_error() {
    let mut big = String::from("name,org_id->name\n");
    while big.len() < 4 << 20 {
        big.push_str("\"Kelly, the long-named person\",\"Demo\"\n");
    }
    for target in [Target::Import, Target::SynchroImport] {
        let server =
            FaultServer::serve(target.success().reset_in_request(64 * 1024)).expect("server");
        let client = builder(&server.url()).build().expect("client");
        let run = call(target, &client, CsvData::bytes(big.clone()));
        check_failure(target, &run, &is_transport).unwrap();
    }
    // The services without upload, reset as soon as the request arrives.
    matrix(
        |target| {
            let upload = matches!(target, Target::Import | Target::SynchroImport);
            (!upload).then(|| target.success().reset_in_request(10))
        },
        is_transport,
    );
}

#[test]
fn a_connection_reset_during_the_answer_is_never_a_success() {
    // Reports: the reset cuts the report, which is then refused (over a
    // body without Content-Length ureq reads a reset as its end, so the
    // error may be the cut report's rather than a transport error).
    matrix(
        |target| {
            let reply = target.success();
            let half = body_of(&reply).len() as u64 / 2;
            (!target.is_export()).then(|| reply.reset_in_body(half))
        },
        |e| is_transport(e) || e.raw_response().is_some(),
    );
    // With a Content-Length, the reset itself is seen.
    matrix(
        |target| {
            let reply = target.success().length(Length::Exact);
            let half = body_of(&reply).len() as u64 / 2;
            Some(reply.reset_in_body(half))
        },
        is_transport,
    );
}

fn big_export(length: Length) -> (Vec<u8>, Reply) {
    let mut csv = b"\"first_name\",\"name\"\n".to_vec();
    while csv.len() < 1 << 20 {
        csv.extend_from_slice(b"\"Alice\",\"Anderson\"\n");
    }
    let reply = with_body(Target::ExportFile.success(), csv.clone())
        .length(length)
        .reset_in_body(300 * 1024);
    (csv, reply)
}

fn check_reset_export(length: Length) {
    let (csv, reply) = big_export(length);
    let to_file = run(Target::ExportFile, reply.clone());
    check_failure(Target::ExportFile, &to_file, &is_transport).unwrap();
    assert!(to_file.written.is_empty(), "the target file exists");

    // To memory: an error, and what was written is a strict prefix.
    let to_vec = run(Target::ExportVec, reply);
    check_failure(Target::ExportVec, &to_vec, &is_transport).unwrap();
    assert!(to_vec.written.len() < csv.len());
    assert_eq!(to_vec.written, csv[..to_vec.written.len()]);
}

#[test]
fn a_connection_reset_mid_export_leaves_no_complete_looking_file() {
    check_reset_export(Length::Exact);
}

#[test]
fn a_connection_reset_mid_export_without_content_length_is_an_error() {
    // ureq takes the reset for the end of a body without length; the
    // client sees that the data does not end as its format does.
    check_reset_export(Length::Absent);
}

#[test]
fn a_slow_server_hits_the_timeout() {
    for target in ALL {
        let server =
            FaultServer::serve(target.success().delay(Duration::from_secs(20))).expect("server");
        let client = builder(&server.url())
            .timeout(Duration::from_millis(300))
            .build()
            .expect("client");
        let start = Instant::now();
        let run = call(target, &client, csv_for(target));
        check_failure(target, &run, &is_transport).unwrap();
        assert!(start.elapsed() < Duration::from_secs(5), "{target:?}");
        let err = run.result.expect_err("timeout");
        let chain = format!(
            "{err}: {}",
            std::error::Error::source(&err)
                .map(|s| s.to_string())
                .unwrap_or_default()
        );
        assert!(
            chain.to_lowercase().contains("timeout"),
            "{target:?}: {chain}"
        );
    }
}

// ---- huge bodies, in processes of their own to measure their memory ----

/// Peak resident memory of this process, in KiB (Linux `VmHWM`).
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

/// Counts what is written and keeps nothing.
struct Sink(u64);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Just past the 256 MiB limit of a report read in memory.
const HUGE_REPORT: u64 = 257 << 20;

fn huge_export(size: u64) {
    let row: &[u8] = b"\"Alice\",\"Anderson\",\"alice@example.test\"\n";
    // Whole rows: an export that stops inside a row is reported as cut.
    let size = size - size % row.len() as u64;
    let reply = Target::ExportVec.success().repeat(row, size);
    let server = FaultServer::serve(reply).expect("server");
    let client = builder(&server.url()).build().expect("client");
    let mut sink = Sink(0);
    let outcome = client.export(&export_request(), &mut sink).expect("export");
    assert_eq!((outcome.bytes, sink.0), (size, size));
}

fn huge_reports(targets: &[Target]) {
    for &target in targets {
        let reply = target.success().repeat(b"#Created: 1<br/>\n", HUGE_REPORT);
        let run = run(target, reply);
        check_failure(target, &run, &is_transport).unwrap();
        let err = run.result.expect_err("too big");
        let chain = format!("{err:?}");
        assert!(chain.contains("BodyExceedsLimit"), "{target:?}: {chain}");
    }
}

#[test]
#[ignore = "run in a process of its own by huge_bodies_keep_memory_bounded (#7)"]
fn huge_body_child() {
    match std::env::var("ITOP_HUGE_BODY").as_deref() {
        Ok("export") => huge_export(256 << 20),
        Ok("export-1g") => huge_export(1 << 30),
        Ok("import") => huge_reports(&[Target::Import]),
        Ok("reports") => huge_reports(&[
            Target::Cron,
            Target::SynchroExec,
            Target::SynchroImport,
            Target::Import,
        ]),
        other => panic!("ITOP_HUGE_BODY={other:?}: export or reports"),
    }
    println!("PEAK_KIB {}", peak_kib());
}

fn child_peak_kib(which: &str) -> u64 {
    let output = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "huge_body_child", "--ignored", "--nocapture"])
        .env("ITOP_HUGE_BODY", which)
        .output()
        .expect("child test");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{which}: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("PEAK_KIB "))
        .and_then(|kib| kib.trim().parse().ok())
        .expect("PEAK_KIB line")
}

/// Checks the peaks of `export` and `reports` children.
fn check_huge(export: &str, reports: &str) {
    // Exported through a constant-size buffer.
    let export = child_peak_kib(export);
    assert!(export < 64 * 1024, "export peak {export} KiB");
    // Refused at the 256 MiB report limit, which bounds the memory.
    let reports = child_peak_kib(reports);
    assert!(reports < 600 * 1024, "reports peak {reports} KiB");
    eprintln!("peak memory: export {export} KiB, reports {reports} KiB");
}

#[test]
fn huge_bodies_keep_memory_bounded() {
    // 256 MiB of export, a 257 MiB import report (the report path is the
    // same for every service; the long test below runs them all).
    check_huge("export", "import");
}

#[test]
#[ignore = "long (about a minute in debug builds): docs/security.md (#7)"]
fn huge_bodies_keep_memory_bounded_for_every_service() {
    check_huge("export-1g", "reports");
}

// ---- retries: only where repeating cannot change data twice ----

/// A reply whose connection is reset before any answer.
fn refused(target: Target) -> Reply {
    target.success().reset_in_request(0)
}

#[test]
fn an_export_is_retried_when_the_connection_breaks_before_any_byte() {
    for target in [Target::ExportVec, Target::ExportFile] {
        let server = FaultServer::start(vec![refused(target), refused(target), target.success()])
            .expect("server");
        let client = builder(&server.url()).build().expect("client");
        let run = call(target, &client, csv_for(target));
        run.result.unwrap_or_else(|e| panic!("{target:?}: {e:?}"));
        assert_eq!(run.written, body_of(&target.success()), "{target:?}");
        assert_eq!(server.hits(), 3, "{target:?}");
    }
}

#[test]
fn an_export_that_wrote_something_is_not_retried() {
    let (_, reply) = big_export(Length::Exact);
    let server = FaultServer::start(vec![reply, Target::ExportVec.success()]).expect("server");
    let client = builder(&server.url()).build().expect("client");
    let run = call(Target::ExportVec, &client, csv_for(Target::ExportVec));
    check_failure(Target::ExportVec, &run, &is_transport).unwrap();
    assert_eq!(server.hits(), 1);
}

#[test]
fn retries_give_up_after_three_attempts() {
    let server = FaultServer::serve(refused(Target::ExportVec)).expect("server");
    let client = builder(&server.url()).build().expect("client");
    let run = call(Target::ExportVec, &client, csv_for(Target::ExportVec));
    check_failure(Target::ExportVec, &run, &is_transport).unwrap();
    assert_eq!(server.hits(), 3);
}

#[test]
fn a_cron_run_is_never_retried() {
    // (The status table, which could be retried, exists only in
    // command-line mode: over HTTP it is refused before anything is sent.)
    let server =
        FaultServer::start(vec![refused(Target::Cron), Target::Cron.success()]).expect("server");
    let client = builder(&server.url()).build().expect("client");
    let status = client.cron(&CronRequest::new().status_only(true));
    assert!(
        matches!(
            status,
            Err(Error::InvalidRequest {
                field: "status_only",
                ..
            })
        ),
        "{status:?}"
    );
    assert_eq!(server.hits(), 0);

    let run = call(Target::Cron, &client, csv_for(Target::Cron));
    check_failure(Target::Cron, &run, &is_transport).unwrap();
    assert_eq!(server.hits(), 1);
}

#[test]
fn imports_and_synchronizations_are_never_retried() {
    for target in [Target::Import, Target::SynchroImport, Target::SynchroExec] {
        let server = FaultServer::start(vec![refused(target), target.success()]).expect("server");
        let client = builder(&server.url()).build().expect("client");
        let run = call(target, &client, csv_for(target));
        check_failure(target, &run, &is_transport).unwrap();
        assert_eq!(server.hits(), 1, "{target:?}");
    }
}
