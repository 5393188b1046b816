//! The `itop` binary against the loopback iTop (or a real one given by
//! `ITOP_TEST_URL`, `ITOP_TEST_USER`, `ITOP_TEST_PWD`): reports, exit codes,
//! credentials from files and the environment, iTop's option spellings.

use std::{
    os::unix::fs::PermissionsExt,
    path::Path,
    process::{Command, Output},
};

use itop_tests::{ServerConfig, TestServer};

struct Target {
    url: String,
    user: String,
    pwd: String,
    _server: Option<TestServer>,
}

fn target() -> Target {
    let env = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
    if let (Some(url), Some(user), Some(pwd)) = (
        env("ITOP_TEST_URL"),
        env("ITOP_TEST_USER"),
        env("ITOP_TEST_PWD"),
    ) {
        return Target {
            url,
            user,
            pwd,
            _server: None,
        };
    }
    let server = TestServer::start(ServerConfig::default()).expect("loopback iTop");
    Target {
        url: server.url(),
        user: itop_tests::ADMIN_USER.into(),
        pwd: itop_tests::ADMIN_PWD.into(),
        _server: Some(server),
    }
}

/// `itop ARGS` with a clean environment but for the iTop URL.
fn itop(target: &Target, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_itop"));
    command
        .env_remove("ITOP_USER")
        .env_remove("ITOP_PWD")
        .env("ITOP_URL", &target.url)
        .args(args);
    command
}

/// `itop ARGS` logged in as the target's account, through the environment.
fn itop_logged_in(target: &Target, args: &[&str]) -> Command {
    let mut command = itop(target, args);
    command
        .env("ITOP_USER", &target.user)
        .env("ITOP_PWD", &target.pwd);
    command
}

fn run(mut command: Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("run itop");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

fn write_params(dir: &Path, target: &Target) -> String {
    let path = dir.join("creds.params");
    std::fs::write(
        &path,
        format!(
            "# test credentials\nauth_user = {}\nauth_pwd = {}\n",
            target.user, target.pwd
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path.to_string_lossy().into_owned()
}

fn tag() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("c{}x{nanos}", std::process::id())
}

fn org_and_people(dir: &Path, tag: &str) -> (String, String) {
    let orgs = dir.join("orgs.csv");
    std::fs::write(&orgs, format!("name,code\n\"Org {tag}\",{}\n", &tag[..12])).unwrap();
    let people = dir.join("people.csv");
    let mut csv = String::from("first_name,name,org_id->name,email\n");
    for i in 0..3 {
        csv.push_str(&format!(
            "Anaïs{i},Lefèvre,\"Org {tag}\",a{i}.{tag}@cli.example\n"
        ));
    }
    std::fs::write(&people, csv).unwrap();
    (
        orgs.to_string_lossy().into_owned(),
        people.to_string_lossy().into_owned(),
    )
}

#[test]
fn import_with_a_param_file_then_again_reports_unchanged() {
    let target = target();
    let dir = tempfile::tempdir().unwrap();
    let params = write_params(dir.path(), &target);
    let tag = tag();
    let (orgs, people) = org_and_people(dir.path(), &tag);

    let (code, out, err) = run(itop(
        &target,
        &[
            "--param-file",
            &params,
            "import",
            "--class",
            "Organization",
            "--csv",
            &orgs,
        ],
    ));
    assert_eq!(code, 0, "{out}{err}");

    let args = [
        "--param-file",
        &params,
        "--json",
        "import",
        "--class",
        "Person",
        "--csv",
        &people,
        "--reconciliation-keys",
        "email",
    ];
    let (code, out, err) = run(itop(&target, &args));
    assert_eq!(code, 0, "{out}{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect(&out);
    assert_eq!(json["ok"], true);
    assert_eq!(json["import"]["summary"]["created"], 3, "{json}");

    let (code, out, _) = run(itop(&target, &args));
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["import"]["summary"]["unchanged"], 3, "{json}");
    assert!(!out.contains(&target.pwd));
}

#[test]
fn itop_spellings_of_the_options_are_accepted() {
    let target = target();
    let dir = tempfile::tempdir().unwrap();
    let params = write_params(dir.path(), &target);
    let tag = tag();
    let (orgs, _) = org_and_people(dir.path(), &tag);
    let param_file = format!("--param_file={params}");
    let csvfile = format!("--csvfile={orgs}");
    let (code, out, err) = run(itop(
        &target,
        &[
            &param_file,
            "import",
            "--class=Organization",
            &csvfile,
            "--reconciliationkeys=name",
        ],
    ));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("created 1"), "{out}");
}

#[test]
fn wrong_password_exits_3_and_never_0() {
    let target = target();
    let dir = tempfile::tempdir().unwrap();
    let (orgs, _) = org_and_people(dir.path(), &tag());
    let mut command = itop(
        &target,
        &["import", "--class", "Organization", "--csv", &orgs],
    );
    command
        .env("ITOP_USER", &target.user)
        .env("ITOP_PWD", "Wr0ng-pass");
    let (code, out, err) = run(command);
    assert_eq!(code, 3, "{out}{err}");
    assert!(err.contains("authentication failed"), "{err}");
    assert!(!err.contains("Wr0ng-pass") && !out.contains("Wr0ng-pass"));

    for sub in [
        vec!["cron"],
        vec!["synchro-exec", "--data-sources", "1"],
        vec![
            "export",
            "--expression",
            "SELECT Person",
            "--fields",
            "name",
        ],
    ] {
        let mut command = itop(&target, &sub);
        command
            .env("ITOP_USER", &target.user)
            .env("ITOP_PWD", "Wr0ng-pass");
        let (code, out, err) = run(command);
        assert_eq!(code, 3, "{sub:?}: {out}{err}");
    }
}

#[test]
fn unknown_class_exits_5_with_itops_message() {
    let target = target();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("x.csv");
    std::fs::write(&csv, "name\nx\n").unwrap();
    let command = itop_logged_in(
        &target,
        &[
            "--json",
            "import",
            "--class",
            "NoSuchClass",
            "--csv",
            csv.to_str().unwrap(),
        ],
    );
    let (code, out, err) = run(command);
    assert_eq!(code, 5, "{out}{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect(&out);
    assert_eq!(json["ok"], false);
    assert_eq!(json["error"]["kind"], "bad_request");
    assert!(
        json["error"]["raw"]
            .as_str()
            .unwrap()
            .contains("NoSuchClass"),
        "{json}"
    );
}

#[test]
fn rows_in_error_exit_6() {
    let target = target();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("bad.csv");
    std::fs::write(
        &csv,
        "first_name,name,org_id->name,email\nA,B,No Such Org Here,x@y.example\n",
    )
    .unwrap();
    let command = itop_logged_in(
        &target,
        &[
            "import",
            "--class",
            "Person",
            "--csv",
            csv.to_str().unwrap(),
            "--reconciliation-keys",
            "email",
        ],
    );
    let (code, out, err) = run(command);
    assert_eq!(code, 6, "{out}{err}");
    assert!(out.contains("issues 1"), "{out}");

    // --json says the same as the exit code.
    let command = itop_logged_in(
        &target,
        &[
            "--json",
            "import",
            "--class",
            "Person",
            "--csv",
            csv.to_str().unwrap(),
            "--reconciliation-keys",
            "email",
        ],
    );
    let (code, out, _) = run(command);
    assert_eq!(code, 6);
    let json: serde_json::Value = serde_json::from_str(&out).expect(&out);
    assert_eq!(json["ok"], false, "{json}");
    assert_eq!(json["import"]["issues"], 1, "{json}");
}

#[test]
fn a_password_on_the_command_line_is_warned_about() {
    let target = target();
    let (code, out, err) = run(itop(
        &target,
        &[
            "--user",
            &target.user,
            "--password",
            &target.pwd,
            "synchro-exec",
            "--data-sources",
            "1",
        ],
    ));
    assert!(err.contains("warning: --password"), "{err}");
    assert!(code == 0 || code == 6, "{out}{err}");
}

#[test]
fn missing_credentials_are_a_usage_error() {
    let target = target();
    let (code, _, err) = run(itop(&target, &["cron"]));
    assert_eq!(code, 2);
    assert!(err.contains("no login"), "{err}");
}

#[test]
fn export_to_stdout_is_the_csv() {
    let target = target();
    let command = itop_logged_in(
        &target,
        &[
            "export",
            "--expression",
            "SELECT Organization",
            "--fields",
            "name,code",
        ],
    );
    let (code, out, err) = run(command);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("\"name\",\"code\"\n"), "{out}");
}

/// The fake iTop root of the PHP stand-ins, copied to a private folder.
fn standin_root() -> Option<(tempfile::TempDir, std::path::PathBuf)> {
    let php = Command::new("php")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    if !php {
        assert!(
            std::env::var("ITOP_REQUIRE_PHP").as_deref() != Ok("1"),
            "php is required"
        );
        eprintln!("skipped: php not found");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/php/itop");
    assert!(
        Command::new("cp")
            .arg("-r")
            .arg(&source)
            .arg(dir.path())
            .status()
            .unwrap()
            .success()
    );
    let root = dir.path().join("itop");
    Some((dir, root))
}

#[test]
fn itop_root_runs_the_services_through_php() {
    let Some((dir, root)) = standin_root() else {
        return;
    };
    let params = dir.path().join("creds.params");
    std::fs::write(&params, "auth_user = admin\nauth_pwd = Adm1n-secret\n").unwrap();
    std::fs::set_permissions(&params, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (orgs, _) = org_and_people(dir.path(), &tag());
    let mut command = Command::new(env!("CARGO_BIN_EXE_itop"));
    command
        .env_remove("ITOP_URL")
        .env_remove("ITOP_USER")
        .env_remove("ITOP_PWD")
        .args([
            "--itop-root",
            root.to_str().unwrap(),
            "--param-file",
            params.to_str().unwrap(),
            "import",
            "--class",
            "Organization",
            "--csv",
            &orgs,
        ]);
    let (code, out, err) = run(command);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("created 1"), "{out}");

    let mut command = Command::new(env!("CARGO_BIN_EXE_itop"));
    command
        .env_remove("ITOP_URL")
        .env("ITOP_USER", "admin")
        .env("ITOP_PWD", "bad")
        .args([
            "--itop-root",
            root.to_str().unwrap(),
            "synchro-exec",
            "--data-sources",
            "1",
        ]);
    let (code, out, err) = run(command);
    assert_eq!(
        code, 3,
        "synchro_exec exits 0 on a wrong password; we must not: {out}{err}"
    );
}

#[test]
fn large_files_go_in_chunks_and_can_resume_from_a_line() {
    // A server that drops bodies over 30 kB, as PHP's post_max_size does.
    let config = ServerConfig::default().max_body_bytes(Some(30_000));
    let server = TestServer::start(config).expect("loopback iTop");
    let target = Target {
        url: server.url(),
        user: itop_tests::ADMIN_USER.into(),
        pwd: itop_tests::ADMIN_PWD.into(),
        _server: None,
    };
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let orgs = examples.join("organizations.csv");
    let people = examples.join("people.csv");
    let run_import = |class: &str, file: &Path, extra: &[&str]| {
        let mut args = vec![
            "--json",
            "import",
            "--class",
            class,
            "--csv",
            file.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let command = itop_logged_in(&target, &args);
        run(command)
    };
    let (code, out, err) = run_import("Organization", &orgs, &["--reconciliation-keys", "name"]);
    assert_eq!(code, 0, "{out}{err}");

    // From line 152 on: the 150 last of the 300 people.
    let keys = [
        "--reconciliation-keys",
        "email",
        "--resume-from-line",
        "152",
    ];
    let (code, out, err) = run_import("Person", &people, &keys);
    assert_eq!(code, 0, "{out}{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect(&out);
    assert_eq!(json["import"]["summary"]["created"], 150, "{json}");

    // The whole file: 150 unchanged, 150 created, in several requests.
    let keys = ["--reconciliation-keys", "email", "--chunk-rows", "40"];
    let (code, out, err) = run_import("Person", &people, &keys);
    assert_eq!(code, 0, "{out}{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect(&out);
    let summary = &json["import"]["summary"];
    assert_eq!(
        (summary["created"].as_u64(), summary["unchanged"].as_u64()),
        (Some(150), Some(150))
    );
    assert_eq!(json["chunks"], 8, "{json}");

    // Chunks larger than what the server takes: the first one fails as a
    // login failure (PHP dropped the body); never exit 0, and say where to
    // start again.
    let (code, out, err) = run_import("Person", &people, &["--chunk-bytes", "100000"]);
    assert_eq!(code, 3, "{out}{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect(&out);
    assert_eq!(json["ok"], false);
    assert_eq!(json["interrupted"]["kind"], "auth", "{json}");
    assert_eq!(json["interrupted"]["resume_from_line"], 2, "{json}");
}

#[test]
fn ctrl_c_in_command_line_mode_stops_php_and_removes_the_password_file() {
    let Some((dir, root)) = standin_root() else {
        return;
    };
    std::fs::create_dir_all(root.join("data/log")).unwrap();
    std::fs::write(root.join("data/sleep"), "30").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_itop"))
        .env_remove("ITOP_URL")
        .env("ITOP_USER", "admin")
        .env("ITOP_PWD", "Adm1n-secret")
        .args([
            "--itop-root",
            root.to_str().unwrap(),
            "synchro-exec",
            "--data-sources",
            "1",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until php has logged its call (it then sleeps 30 s).
    let log = root.join("data/log/calls.jsonl");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let logged = || std::fs::read_to_string(&log).is_ok_and(|text| text.contains('\n'));
    while !logged() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let call: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(&log)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let params = call["params_files"][0]["path"].as_str().unwrap().to_owned();
    let php_pid = call["pid"].as_u64().unwrap();
    assert!(Path::new(&params).exists());

    // What a terminal's Ctrl-C does: SIGINT to itop.
    let pid = i32::try_from(child.id()).unwrap();
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc_kill(pid, 2) };
    let started = std::time::Instant::now();
    let status = child.wait().unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(status.code(), Some(130));
    assert!(
        !Path::new(&params).exists(),
        "the password file must be removed"
    );
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(
        !Path::new(&format!("/proc/{php_pid}")).exists(),
        "php must be stopped"
    );
    drop(dir);
}

unsafe extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, signal: i32) -> i32;
}

#[test]
fn a_signal_during_a_chunked_upload_over_http_stops_between_chunks() {
    // One row a chunk: thousands of requests, far longer than the wait.
    let server = TestServer::start(ServerConfig::default()).expect("loopback iTop");
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("orgs.csv");
    let mut text = String::from("name,code\n");
    for n in 0..5000 {
        text.push_str(&format!("Signal Org {n},SIG{n}\n"));
    }
    std::fs::write(&csv, text).unwrap();
    let before = server.count("Organization");
    let child = Command::new(env!("CARGO_BIN_EXE_itop"))
        .env("ITOP_URL", server.url())
        .env("ITOP_USER", itop_tests::ADMIN_USER)
        .env("ITOP_PWD", itop_tests::ADMIN_PWD)
        .args(["--json", "import", "--class", "Organization", "--csv"])
        .arg(&csv)
        .args(["--reconciliation-keys", "code", "--chunk-rows", "1"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while server.count("Organization") < before + 20 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let pid = i32::try_from(child.id()).unwrap();
    // SAFETY: kill(2) on our own child's pid (SIGTERM, as cron or systemd).
    unsafe { libc_kill(pid, 15) };
    let output = child.wait_with_output().unwrap();
    let (out, err) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert_eq!(output.status.code(), Some(130), "{out}{err}");
    assert!(err.contains("stopping after the chunk in flight"), "{err}");
    assert!(
        err.contains("interrupted: no further chunk was sent"),
        "{err}"
    );
    let json: serde_json::Value = serde_json::from_str(&out).expect(&out);
    let stop = &json["interrupted"];
    assert_eq!(stop["kind"], "interrupted", "{json}");
    // What the report says is written is what the server holds, and the
    // resume line is the first row not sent (one line a row, after the
    // header).
    let written = stop["committed_rows"][1].as_u64().unwrap();
    assert_eq!(
        stop["uncertain_rows"][0], stop["uncertain_rows"][1],
        "{json}"
    );
    assert_eq!(server.count("Organization"), before + written as usize);
    assert_eq!(
        stop["resume_from_line"].as_u64(),
        Some(written + 2),
        "{json}"
    );
    assert!((20..5000).contains(&written), "{written}");
}

#[test]
fn params_check_never_shows_a_password_even_in_a_malformed_file() {
    let dir = tempfile::tempdir().unwrap();
    let cr = dir.path().join("cr.params");
    std::fs::write(&cr, "auth_user = admin\rauth_pwd = Xy7-SECRET-pw\r").unwrap();
    let empty_key = dir.path().join("e.params");
    std::fs::write(&empty_key, "=Xy7-SECRET-pw\nauth_pwd=abc=Xy7-SECRET-pw\n").unwrap();
    let files = format!("{},{}", cr.display(), empty_key.display());
    for json in [false, true] {
        let mut args = vec!["params", "check", files.as_str()];
        if json {
            args.insert(0, "--json");
        }
        let (code, out, err) = run({
            let mut command = Command::new(env!("CARGO_BIN_EXE_itop"));
            command.args(&args);
            command
        });
        assert_eq!(code, 1, "findings of the 'changed' kind: {out}{err}");
        assert!(
            !out.contains("SECRET") && !err.contains("SECRET"),
            "{out}{err}"
        );
        assert!(
            !out.contains("abc"),
            "part of a password cut into the key: {out}"
        );
    }
}
