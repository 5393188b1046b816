//! The command-line transport (`php -q <root>/<script> ...`) against the PHP
//! stand-ins of iTop's scripts under `tests/php/itop` (or a real iTop root
//! given by `ITOP_TEST_ROOT`, with `ITOP_TEST_USER`, `ITOP_TEST_PWD` and
//! optionally `ITOP_TEST_PHP`).
//!
//! Each test copies the stand-in root to a private folder, so tests run in
//! parallel without sharing state; the stand-ins log every call (argv and
//! the parameters files they were given, with their modes) to
//! `data/log/calls.jsonl` there.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use itop_core::{
    Client, Credentials, CsvData, Error, ExportFormat, ExportRequest, ImportRequest, Secret,
    SynchroExecRequest, SynchroImportRequest,
};

struct Root {
    root: PathBuf,
    php: PathBuf,
    user: String,
    pwd: String,
    standin: bool,
    _dir: Option<tempfile::TempDir>,
}

fn php_missing() -> bool {
    let found = Command::new("php")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("ITOP_REQUIRE_PHP").as_deref() != Ok("1"),
            "php is required (ITOP_REQUIRE_PHP=1) but not found"
        );
        eprintln!("skipped: php not found (apt-get install php-cli)");
    }
    !found
}

fn root() -> Option<Root> {
    let env = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
    if let (Some(root), Some(user), Some(pwd)) = (
        env("ITOP_TEST_ROOT"),
        env("ITOP_TEST_USER"),
        env("ITOP_TEST_PWD"),
    ) {
        let php = env("ITOP_TEST_PHP").unwrap_or_else(|| "php".into());
        return Some(Root {
            root: root.into(),
            php: php.into(),
            user,
            pwd,
            standin: false,
            _dir: None,
        });
    }
    if php_missing() {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("php/itop");
    let status = Command::new("cp")
        .arg("-r")
        .arg(&source)
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let root = dir.path().join("itop");
    std::fs::create_dir_all(root.join("data/log")).unwrap();
    Some(Root {
        root,
        php: "php".into(),
        user: itop_tests::ADMIN_USER.into(),
        pwd: itop_tests::ADMIN_PWD.into(),
        standin: true,
        _dir: Some(dir),
    })
}

impl Root {
    fn client_as(&self, user: &str, pwd: &str) -> Client {
        Client::builder()
            .itop_root(&self.root)
            .php(&self.php)
            .credentials(Credentials::password(user, Secret::new(pwd)))
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap()
    }

    fn client(&self) -> Client {
        self.client_as(&self.user, &self.pwd)
    }

    /// The stand-ins' call log.
    fn calls(&self) -> Vec<serde_json::Value> {
        let text =
            std::fs::read_to_string(self.root.join("data/log/calls.jsonl")).unwrap_or_default();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

fn tag() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("k{}x{nanos}", std::process::id())
}

fn seed_people(root: &Root, tag: &str, count: usize) -> String {
    let client = root.client();
    let org = format!("Org {tag}");
    let orgs = format!("name,code\n\"{org}\",{}\n", &tag[..10]);
    let request = ImportRequest::new("Organization").reconciliation_keys(["name"]);
    client.import(&request, CsvData::bytes(orgs)).unwrap();
    let mut people = String::from("first_name,name,org_id->name,email\n");
    for i in 0..count {
        people.push_str(&format!("Noël{i},Åberg,\"{org}\",n{i}.{tag}@cli.example\n"));
    }
    people
}

#[test]
fn import_and_export_run_through_php() {
    let Some(root) = root() else { return };
    let tag = tag();
    let people = seed_people(&root, &tag, 5);
    let request = ImportRequest::new("Person").reconciliation_keys(["email"]);
    let report = root
        .client()
        .import(&request, CsvData::bytes(people.clone()))
        .unwrap();
    assert_eq!(report.summary.as_ref().unwrap().created, 5, "{report:?}");
    let report = root
        .client()
        .import(&request, CsvData::reader(std::io::Cursor::new(people)))
        .unwrap();
    assert_eq!(report.summary.as_ref().unwrap().unchanged, 5, "{report:?}");

    let export = ExportRequest::oql(format!("SELECT Person WHERE org_name = 'Org {tag}'"))
        .fields(["first_name", "name", "email"]);
    let mut out = Vec::new();
    root.client().export(&export, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), 6, "{text}");
    assert!(
        text.contains(&format!("\"Noël3\",\"Åberg\",\"n3.{tag}@cli.example\"")),
        "{text}"
    );
}

#[test]
fn credentials_go_in_a_private_param_file_never_on_argv() {
    let Some(root) = root() else { return };
    if !root.standin {
        return;
    }
    root.client()
        .synchro_exec(&SynchroExecRequest::new([1]))
        .unwrap();
    let calls = root.calls();
    assert_eq!(calls.len(), 1);
    let argv: Vec<&str> = calls[0]["argv"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(argv.iter().all(|a| !a.contains(&root.pwd)), "{argv:?}");
    assert!(argv.contains(&"--data_sources=1"), "{argv:?}");
    let files = calls[0]["params_files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["mode"], "0600");
    let content = files[0]["content"].as_str().unwrap();
    assert!(
        content.contains(&format!("auth_pwd = {}", root.pwd)),
        "{content}"
    );
    let path = Path::new(files[0]["path"].as_str().unwrap());
    assert!(
        !path.exists(),
        "the parameters file must be removed after the call"
    );
    assert!(!path.parent().unwrap().exists(), "its private folder too");
}

#[test]
fn the_running_child_has_no_secret_in_its_command_line() {
    let Some(root) = root() else { return };
    if !root.standin {
        return;
    }
    std::fs::write(root.root.join("data/sleep"), "2").unwrap();
    let client = root.client();
    let worker = std::thread::spawn(move || client.synchro_exec(&SynchroExecRequest::new([1])));
    let marker = root.root.to_string_lossy().into_owned();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = None;
    while seen.is_none() && Instant::now() < deadline {
        seen = find_process(&marker);
        std::thread::sleep(Duration::from_millis(20));
    }
    let cmdline = seen.expect("the php child was seen running");
    assert!(cmdline.contains("synchro_exec.php"), "{cmdline}");
    assert!(!cmdline.contains(&root.pwd), "{cmdline}");
    assert!(cmdline.contains("--param_file="), "{cmdline}");
    worker.join().unwrap().unwrap();
}

/// The command line of a running process whose arguments mention `marker`.
fn find_process(marker: &str) -> Option<String> {
    for entry in std::fs::read_dir("/proc").ok()? {
        let path = entry.ok()?.path().join("cmdline");
        if let Ok(bytes) = std::fs::read(&path) {
            let text = String::from_utf8_lossy(&bytes).replace('\0', " ");
            if text.contains(marker) && text.contains("php") {
                return Some(text);
            }
        }
    }
    None
}

#[test]
fn a_timeout_kills_php_and_reports_it() {
    let Some(root) = root() else { return };
    if !root.standin {
        return;
    }
    std::fs::write(root.root.join("data/sleep"), "30").unwrap();
    let client = Client::builder()
        .itop_root(&root.root)
        .credentials(Credentials::password(
            &root.user,
            Secret::new(root.pwd.clone()),
        ))
        .timeout(Duration::from_millis(800))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .synchro_exec(&SynchroExecRequest::new([1]))
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10));
    let Error::Process { message, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("killed"), "{message}");
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        find_process(&root.root.to_string_lossy()).is_none(),
        "php left running"
    );
}

#[test]
fn a_folder_that_is_not_itops_is_refused_before_php_runs() {
    let dir = tempfile::tempdir().unwrap();
    // A `php` that would leave a mark if it ran.
    let marker = dir.path().join("ran");
    let php = dir.path().join("php");
    std::fs::write(&php, format!("#!/bin/sh\ntouch {}\n", marker.display())).unwrap();
    std::fs::set_permissions(&php, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let client = Client::builder()
        .itop_root(dir.path())
        .php(&php)
        .credentials(Credentials::password("admin", Secret::new("x")))
        .build()
        .unwrap();
    let err = client.cron(&itop_core::CronRequest::new()).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { field: "itop_root", reason } if reason.contains("no webservices/cron.php under")),
        "{err:?}"
    );
    assert!(!marker.exists(), "php must not run");
}

#[test]
fn wrong_password_is_an_auth_error_whatever_the_exit_code() {
    let Some(root) = root() else { return };
    let client = root.client_as(&root.user, "Wr0ng-pass");
    // import.php exits 255, the synchro scripts exit 0: both are failures.
    let err = client
        .import(
            &ImportRequest::new("Organization"),
            CsvData::bytes("name\nx\n"),
        )
        .unwrap_err();
    assert!(matches!(err, Error::Auth { .. }), "{err:?}");
    let err = client
        .synchro_exec(&SynchroExecRequest::new([1]))
        .unwrap_err();
    let Error::Auth { raw, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        raw.contains("Access restricted or wrong credentials"),
        "{raw}"
    );
    let mut out = Vec::new();
    let export = ExportRequest::oql("SELECT Person").fields(["name"]);
    let err = client.export(&export, &mut out).unwrap_err();
    assert!(matches!(err, Error::Auth { .. }), "{err:?}");
    assert!(out.is_empty());
}

#[test]
fn a_hash_in_the_password_is_refused_unless_argv_is_allowed() {
    let Some(root) = root() else { return };
    let err = root
        .client_as(&root.user, "pa#ss")
        .synchro_exec(&SynchroExecRequest::new([1]))
        .unwrap_err();
    let Error::InvalidRequest { reason, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        reason.contains('#') || reason.contains("parameters file"),
        "{reason}"
    );
    assert!(!err.to_string().contains("pa#ss"));

    let allowed = Client::builder()
        .itop_root(&root.root)
        .credentials(Credentials::password(&root.user, Secret::new("pa#ss")))
        .allow_secrets_on_argv(true)
        .build()
        .unwrap();
    let err = allowed
        .synchro_exec(&SynchroExecRequest::new([1]))
        .unwrap_err();
    assert!(matches!(err, Error::Auth { .. }), "{err:?}");
}

#[test]
fn exit_zero_with_an_error_text_is_a_failure() {
    let Some(root) = root() else { return };
    let err = root
        .client()
        .synchro_exec(&SynchroExecRequest::new([999]))
        .unwrap_err();
    let Error::BadRequest { raw, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(raw.contains("does not exist"), "{raw}");
    let err = root
        .client()
        .synchro_import(
            &SynchroImportRequest::new(999),
            CsvData::bytes("primary_key\n1\n"),
        )
        .unwrap_err();
    assert!(matches!(err, Error::BadRequest { .. }), "{err:?}");
}

#[test]
fn chunked_synchronization_works_with_a_special_password() {
    let Some(root) = root() else { return };
    if !root.standin {
        return;
    }
    // syncuser's password has '.' and '!': on argv the chunk children would
    // get empty credentials (PROTOCOL.md §3.3); through our file they do not.
    let client = root.client_as(itop_tests::SYNC_USER, itop_tests::SYNC_PWD);
    let report = client
        .synchro_exec(&SynchroExecRequest::new([1]).max_chunk_size(2))
        .unwrap();
    assert_eq!(report.sources.len(), 1);
    assert!(report.sources[0].error.is_none(), "{report:?}");
}

#[test]
fn php_warnings_on_stderr_do_not_reach_the_export() {
    let Some(root) = root() else { return };
    let export = ExportRequest::oql("SELECT Organization").format(ExportFormat::Xml);
    let mut out = Vec::new();
    root.client().export(&export, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("<?xml"), "{text}");
    assert!(!text.contains("Deprecated"), "{text}");
}
