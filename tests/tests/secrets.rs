//! No secret leaks: a recognisable password goes through every service
//! path of the library (HTTP with form fields and with Basic, command-line
//! mode with php when it is installed, broken servers) and every
//! subcommand of the `itop` binary (text and `--json`, `-vv`, password from
//! the environment, the command line and a parameters file), and appears
//! nowhere: not in reports, errors (`Display`, `Debug`, causes, raw
//! answers), log records at trace level, stdout or stderr. Also: the
//! password never travels in a URL, and parameters files holding a
//! password that others can read get a warning.

mod common;

use std::{
    io::Write,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    process::Command,
    sync::{Mutex, OnceLock},
    time::Duration,
};

use base64::Engine as _;
use itop_core::{
    AuthChannel, ChunkOptions, Client, Credentials, CronRequest, CsvData, Error, ExportRequest,
    ImportRequest, LegacyExportRequest, Secret, SynchroExecRequest, SynchroImportRequest,
};
use itop_tests::faults::{FaultServer, Reply};

/// The imitation's administrator password: the one that logs in.
const GOOD: &str = itop_tests::ADMIN_PWD;
/// A wrong password, as recognisable.
const WRONG: &str = "Wr0ng-C4nary-pw";

/// Every form a secret could leak in.
fn forms(secret: &str) -> Vec<String> {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("admin:{secret}"));
    vec![secret.to_owned(), basic, secret.replace('-', "%2D")]
}

fn assert_clean(what: &str, text: &str) {
    for secret in [GOOD, WRONG] {
        for form in forms(secret) {
            assert!(!text.contains(&form), "{what} holds {form:?}:\n{text}");
        }
    }
}

/// A logger keeping every record, at every level, of every crate.
struct Capture(Mutex<String>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        let line = format!(
            "{} {}: {}\n",
            record.level(),
            record.target(),
            record.args()
        );
        self.0.lock().unwrap().push_str(&line);
    }

    fn flush(&self) {}
}

fn captured_log() -> &'static Capture {
    static LOGGER: OnceLock<&'static Capture> = OnceLock::new();
    LOGGER.get_or_init(|| {
        let logger: &'static Capture = Box::leak(Box::new(Capture(Mutex::new(String::new()))));
        log::set_logger(logger).expect("first logger");
        log::set_max_level(log::LevelFilter::Trace);
        logger
    })
}

/// Everything a failed call shows.
fn error_text(err: &Error) -> String {
    let mut text = format!("{err}\n{err:?}\n");
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(&format!("{cause}\n{cause:?}\n"));
        source = cause.source();
    }
    text.push_str(err.raw_response().unwrap_or_default());
    text
}

fn shown<T: std::fmt::Debug, E: std::borrow::Borrow<Error>>(result: Result<T, E>) -> String {
    match result {
        Ok(value) => format!("{value:?}"),
        Err(err) => error_text(err.borrow()),
    }
}

fn client(url: &str, password: &str, channel: AuthChannel) -> Client {
    Client::builder()
        .url(url)
        .credentials(Credentials::password("admin", Secret::new(password)))
        .auth_channel(channel)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}

fn people_csv(tag: &str) -> String {
    format!("first_name,name,org_id->name,email\nAda,Secret{tag},Lab Org A,a.{tag}@x.example\n")
}

fn replica_csv(tag: &str) -> String {
    format!(
        "primary_key;first_name;name;email;org_id;status\n\
         {tag};Ada;Lovelace;{tag}@sync.example;Lab Org A;active\n"
    )
}

/// Runs every service path of `client`; returns what each shows.
fn every_path(client: &Client, tag: &str) -> Vec<(&'static str, String)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let export = ExportRequest::oql("SELECT Person").fields(["first_name", "name"]);
    let legacy =
        LegacyExportRequest::new(itop_core::ExportQuery::Expression("SELECT Person".into()));
    let import = ImportRequest::new("Person").reconciliation_keys(["email"]);
    let synchro = SynchroImportRequest::new(1);
    let chunks = ChunkOptions::default().rows(1);
    let mut out = Vec::new();
    vec![
        ("cron", shown(client.cron(&CronRequest::new()))),
        (
            "cron status",
            shown(client.cron(&CronRequest::new().status_only(true))),
        ),
        (
            "synchro_exec",
            shown(client.synchro_exec(&SynchroExecRequest::new([1, 2]))),
        ),
        (
            "synchro_import",
            shown(client.synchro_import(&synchro, CsvData::bytes(replica_csv(tag)))),
        ),
        (
            "synchro_import_chunked",
            shown(client.synchro_import_chunked(
                &synchro,
                CsvData::bytes(replica_csv(tag)),
                chunks,
                &mut |_| {},
            )),
        ),
        (
            "import",
            shown(client.import(&import, CsvData::bytes(people_csv(tag)))),
        ),
        (
            "import_chunked",
            shown(client.import_chunked(
                &import,
                CsvData::bytes(people_csv(tag)),
                chunks,
                &mut |_| {},
            )),
        ),
        ("export", shown(client.export(&export, &mut out))),
        (
            "export_to_path",
            shown(client.export_to_path(&export, &dir.path().join("out.csv"))),
        ),
        (
            "export_legacy",
            shown(client.export_legacy(&legacy, &mut out)),
        ),
        ("exported data", String::from_utf8_lossy(&out).into_owned()),
    ]
}

#[test]
fn no_service_path_shows_the_password_over_http() {
    let log = captured_log();
    let itop = common::Itop::start();
    if !itop.is_imitation() {
        eprintln!("skipped: the canary passwords are the imitation's");
        return;
    }
    let tag = common::unique("leak");
    let mut outcomes = Vec::new();
    for channel in [AuthChannel::Form, AuthChannel::Basic] {
        for password in [GOOD, WRONG] {
            let client = client(&itop.url, password, channel);
            assert_clean("the client's Debug", &format!("{client:?}"));
            outcomes.extend(every_path(&client, &tag));
        }
    }
    // The right password did log in and work (else this test proves little).
    let import_ok = outcomes
        .iter()
        .filter(|(name, text)| *name == "import" && text.contains("ImportReport"))
        .count();
    assert_eq!(import_ok, 2, "{outcomes:#?}");
    for (name, text) in &outcomes {
        assert_clean(name, text);
    }
    assert_clean("the log", &log.0.lock().unwrap());
    for request in itop.server.as_ref().expect("imitation").requests() {
        let query = format!("{}?{:?}", request.path, request.query);
        assert_clean("a request URL", &query);
        // Over HTTP iTop would take it for a file on the server.
        let fields = request.query.iter().chain(&request.body_fields);
        assert!(
            fields.clone().all(|(name, _)| name != "param_file"),
            "{query}"
        );
    }
}

#[test]
fn broken_servers_do_not_show_the_password() {
    let log = captured_log();
    let replies = [
        Reply::new(
            500,
            "<p>iTop: An error occurred, check server error log for more information.</p>\n",
        ),
        Reply::new(200, "").reset_in_body(0),
        Reply::new(200, "Invalid login").content_type("text/plain"),
        Reply::new(
            401,
            "<p><strong>iTop access to this page is restricted.</strong></p>",
        ),
        Reply::new(200, "x").delay(Duration::from_secs(10)),
    ];
    for reply in replies {
        let server = FaultServer::serve(reply).expect("fault server");
        for channel in [AuthChannel::Form, AuthChannel::Basic] {
            let client = Client::builder()
                .url(server.url())
                .credentials(Credentials::password("admin", Secret::new(WRONG)))
                .auth_channel(channel)
                .timeout(Duration::from_millis(300))
                .build()
                .expect("client");
            for (name, text) in every_path(&client, "t") {
                assert_clean(name, &text);
            }
        }
        // The password travelled in the body or the Authorization header,
        // never in the request line.
        for received in server.received() {
            let request_line = received.head.lines().next().unwrap_or_default();
            assert_clean("the request line", request_line);
        }
    }
    assert_clean("the log", &log.0.lock().unwrap());
}

#[test]
fn no_service_path_shows_the_password_in_command_line_mode() {
    let log = captured_log();
    let Some(root) = php_root() else { return };
    let mut outcomes = Vec::new();
    for password in [GOOD, WRONG] {
        let client = Client::builder()
            .itop_root(root.path().join("itop"))
            .credentials(Credentials::password("admin", Secret::new(password)))
            .timeout(Duration::from_secs(120))
            .build()
            .expect("client");
        outcomes.extend(every_path(&client, &common::unique("cli")));
    }
    let import_ok = outcomes
        .iter()
        .filter(|(name, text)| *name == "import" && text.contains("ImportReport"))
        .count();
    assert_eq!(import_ok, 1, "{outcomes:#?}");
    for (name, text) in &outcomes {
        assert_clean(name, text);
    }
    assert_clean("the log", &log.0.lock().unwrap());
}

/// A private copy of the PHP stand-ins of iTop, or `None` (skipped) when
/// php is missing and not required.
fn php_root() -> Option<tempfile::TempDir> {
    let found = Command::new("php")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("ITOP_REQUIRE_PHP").as_deref() != Ok("1"),
            "php is required (ITOP_REQUIRE_PHP=1) but not found"
        );
        eprintln!("skipped: php not found");
        return None;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("php/itop");
    let status = Command::new("cp")
        .arg("-r")
        .arg(&source)
        .arg(dir.path())
        .status()
        .expect("cp");
    assert!(status.success());
    std::fs::create_dir_all(dir.path().join("itop/data/log")).expect("log folder");
    Some(dir)
}

// ---- the `itop` binary ----

/// The `itop` binary, built beside this test by `cargo test --workspace`.
fn itop_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>");
    let binary = dir.join("itop");
    assert!(
        binary.exists(),
        "{} not found: run `cargo test --workspace` (or `cargo build -p itop-cli` first)",
        binary.display()
    );
    binary
}

/// How the binary is given the password.
#[derive(Debug, Clone, Copy)]
enum Via {
    Environment,
    Flag,
    ParamFile,
}

struct Cli {
    binary: PathBuf,
    dir: tempfile::TempDir,
    /// `--url URL` or `--itop-root DIR`.
    target: Vec<String>,
}

impl Cli {
    fn new(target: Vec<String>) -> Cli {
        let dir = tempfile::tempdir().expect("temp dir");
        let tag = common::unique("c");
        std::fs::write(dir.path().join("people.csv"), people_csv(&tag)).expect("csv");
        std::fs::write(dir.path().join("replicas.csv"), replica_csv(&tag)).expect("csv");
        Cli {
            binary: itop_binary(),
            dir,
            target,
        }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_string_lossy().into_owned()
    }

    /// Every subcommand, as arguments.
    fn subcommands(&self) -> Vec<Vec<String>> {
        let people = self.path("people.csv");
        let replicas = self.path("replicas.csv");
        let out = self.path("export.csv");
        let lists: [&[&str]; 9] = [
            &["cron"],
            &["cron", "--status-only"],
            &["synchro-exec", "--data-sources", "1,2"],
            &[
                "synchro-import",
                "--data-source-id",
                "1",
                "--csv",
                &replicas,
            ],
            &[
                "import",
                "--class",
                "Person",
                "--csv",
                &people,
                "--reconciliation-keys",
                "email",
            ],
            &[
                "import", "--class", "Person", "--csv", &people, "--output", "details",
            ],
            &[
                "export",
                "--expression",
                "SELECT Person",
                "--fields",
                "name",
            ],
            &[
                "export",
                "--expression",
                "SELECT Person",
                "--fields",
                "name",
                "-o",
                &out,
            ],
            &["params", "check", &self.path("creds.params")],
        ];
        lists
            .iter()
            .map(|args| args.iter().map(|a| (*a).to_owned()).collect())
            .collect()
    }

    fn run(&self, args: &[String], password: &str, via: Via, json: bool) -> (i32, String) {
        let params = self.path("creds.params");
        std::fs::write(
            &params,
            format!("auth_user = admin\nauth_pwd = {password}\n"),
        )
        .expect("params");
        std::fs::set_permissions(&params, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let mut command = Command::new(&self.binary);
        command
            .env_remove("ITOP_URL")
            .env_remove("ITOP_USER")
            .env_remove("ITOP_PWD")
            .args(&self.target)
            .arg("-vv");
        if json {
            command.arg("--json");
        }
        match via {
            Via::Environment => command.env("ITOP_USER", "admin").env("ITOP_PWD", password),
            Via::Flag => command.args(["--user", "admin", "--password", password]),
            Via::ParamFile => command.args(["--param-file", &params]),
        };
        let output = command.args(args).output().expect("run itop");
        let text = format!(
            "$ itop {args:?} ({via:?}, json {json})\n--- stdout\n{}\n--- stderr\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.code().unwrap_or(-1), text)
    }

    /// Runs every subcommand every way; returns how many succeeded.
    fn run_all(&self) -> usize {
        let mut successes = 0;
        for args in self.subcommands() {
            for password in [GOOD, WRONG] {
                for via in [Via::Environment, Via::Flag, Via::ParamFile] {
                    for json in [false, true] {
                        let (code, text) = self.run(&args, password, via, json);
                        assert_clean("the itop command", &text);
                        successes += usize::from(code == 0 && password == GOOD);
                    }
                }
            }
        }
        successes
    }
}

#[test]
fn no_subcommand_shows_the_password_over_http() {
    let itop = common::Itop::start();
    if !itop.is_imitation() {
        eprintln!("skipped: the canary passwords are the imitation's");
        return;
    }
    let cli = Cli::new(vec!["--url".into(), itop.url.clone()]);
    // 9 subcommand runs × 3 ways × 2 outputs with the right password; the
    // details import may end with rows in error (exit 6), the rest succeed.
    let successes = cli.run_all();
    assert!(successes >= 8 * 6, "only {successes} successful runs");
}

#[test]
fn no_subcommand_shows_the_password_in_command_line_mode() {
    let Some(root) = php_root() else { return };
    let itop_root = root.path().join("itop").to_string_lossy().into_owned();
    let cli = Cli::new(vec!["--itop-root".into(), itop_root]);
    let successes = cli.run_all();
    assert!(successes >= 8 * 6, "only {successes} successful runs");
}

#[test]
fn a_secret_cut_into_a_key_is_masked_by_params_check() {
    // `auth_pwd=Wr0ng=C4nary` defines key `auth_pwd=Wr0ng` (PROTOCOL §1.4).
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("cut.params");
    std::fs::write(&path, "auth_user=admin\nauth_pwd=Wr0ng-C4nary=pw\n").expect("params");
    for json in [false, true] {
        let mut command = Command::new(itop_binary());
        command.args(["params", "check", &path.to_string_lossy()]);
        if json {
            command.arg("--json");
        }
        let output = command.output().expect("run itop");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!text.contains("Wr0ng-C4nary"), "json {json}:\n{text}");
        assert!(text.contains("auth_pwd"), "{text}");
    }
}

#[test]
fn a_password_file_others_can_read_gets_a_warning() {
    let itop = common::Itop::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |name: &str, content: &str, mode: u32| {
        let path = dir.path().join(name);
        let mut file = std::fs::File::create(&path).expect("params");
        file.write_all(content.as_bytes()).expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
        let output = Command::new(itop_binary())
            .env_remove("ITOP_PWD")
            .args(["--url", &itop.url, "--param-file", &path.to_string_lossy()])
            .args(["cron", "--status-only"])
            .output()
            .expect("run itop");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let creds = format!("auth_user = admin\nauth_pwd = {GOOD}\n");
    let open = run("open.params", &creds, 0o644);
    assert!(
        open.contains("readable by group or others") && open.contains("open.params"),
        "{open}"
    );
    assert!(open.contains("644"), "{open}");
    let group = run("group.params", &creds, 0o640);
    assert!(group.contains("readable by group or others"), "{group}");
    let private = run("private.params", &creds, 0o600);
    assert!(!private.contains("readable by group"), "{private}");
    let no_secret = run("user.params", "auth_user = admin\n", 0o644);
    assert!(!no_secret.contains("readable by group"), "{no_secret}");
    assert_clean("the warnings", &format!("{open}{group}{private}"));
}
