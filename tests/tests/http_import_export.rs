//! import.php and export-v2.php over HTTP, end to end: an import changes
//! what a later export returns, a second import is all "unchanged", and
//! every failure shape becomes the right typed error with iTop's text kept.

mod common;

use std::path::Path;

use common::{Itop, people_csv, unique};
use itop_core::{
    AuthChannel, CsvData, Error, ExportFormat, ExportRequest, ImportRequest, OutputMode,
};

fn import_people(itop: &Itop, tag: &str, count: usize) -> (String, String) {
    let client = itop.client();
    let org = format!("Org {tag}");
    let (orgs, people) = people_csv(&org, tag, count);
    let report = client
        .import(
            &ImportRequest::new("Organization").reconciliation_keys(["name"]),
            CsvData::bytes(orgs),
        )
        .expect("import organization");
    assert_eq!(
        report.summary.as_ref().map(|s| s.created),
        Some(1),
        "{report:?}"
    );
    (org, people)
}

fn export_csv(itop: &Itop, org: &str) -> String {
    let request = ExportRequest::oql(format!("SELECT Person WHERE org_name = '{org}'")).fields([
        "first_name",
        "name",
        "email",
        "org_id->name",
    ]);
    let mut out = Vec::new();
    itop.client().export(&request, &mut out).expect("export");
    String::from_utf8(out).expect("UTF-8 export")
}

#[test]
fn import_then_export_then_reimport_is_unchanged() {
    let itop = Itop::start();
    let tag = unique("t");
    let (org, people) = import_people(&itop, &tag, 25);
    let request = ImportRequest::new("Person").reconciliation_keys(["email"]);

    let first = itop
        .client()
        .import(&request, CsvData::bytes(people.clone()))
        .unwrap();
    let summary = first.summary.as_ref().expect("summary");
    assert_eq!(
        (summary.created, summary.updated, summary.unchanged),
        (25, 0, 0)
    );
    assert_eq!(first.issues, 0);
    assert_eq!(summary.data_lines, 25);

    let exported = export_csv(&itop, &org);
    let mut lines = exported.lines();
    assert_eq!(
        lines.next(),
        Some("\"first_name\",\"name\",\"email\",\"org_id->name\"")
    );
    assert_eq!(exported.lines().count(), 26, "{exported}");
    assert!(exported.contains(&format!("\"Zoé7\",\"Müller\",\"p7.{tag}@test.example\"")));

    // The same client twice: the one-byte-short Content-Length of
    // import.php must not break the next call.
    let client = itop.client();
    let second = client
        .import(&request, CsvData::bytes(people.clone()))
        .unwrap();
    let third = client.import(&request, CsvData::bytes(people)).unwrap();
    for report in [second, third] {
        let summary = report.summary.expect("summary");
        assert_eq!(
            (summary.created, summary.updated, summary.unchanged),
            (0, 0, 25)
        );
    }
}

#[test]
fn details_mode_reports_each_row() {
    let itop = Itop::start();
    let tag = unique("d");
    let (_, people) = import_people(&itop, &tag, 3);
    let request = ImportRequest::new("Person")
        .reconciliation_keys(["email"])
        .output(OutputMode::Details);
    let report = itop
        .client()
        .import(&request, CsvData::bytes(people.clone()))
        .unwrap();
    assert_eq!(report.rows.len(), 3);
    assert!(
        report
            .rows
            .iter()
            .all(|r| r.status == itop_core::report::RowStatus::Created)
    );

    let changed = people.replace("Analyst, senior", "Architect");
    let report = itop
        .client()
        .import(&request, CsvData::bytes(changed))
        .unwrap();
    assert_eq!(report.summary.as_ref().unwrap().updated, 3);
    assert!(
        report
            .rows
            .iter()
            .all(|r| matches!(r.status, itop_core::report::RowStatus::Updated { .. }))
    );
}

#[test]
fn retcode_mode_counts_rows_not_written() {
    let itop = Itop::start();
    let tag = unique("r");
    let (org, _) = import_people(&itop, &tag, 0);
    let csv = format!(
        "first_name,name,org_id->name,email\nAna,Lima,\"{org}\",a.{tag}@test.example\nBo,Berg,No Such Org {tag},b.{tag}@test.example\n"
    );
    let request = ImportRequest::new("Person")
        .reconciliation_keys(["email"])
        .output(OutputMode::Retcode);
    let report = itop.client().import(&request, CsvData::bytes(csv)).unwrap();
    assert_eq!(report.issues, 1);
    assert!(report.has_issues());
}

#[test]
fn a_bom_in_the_file_is_removed_before_sending() {
    let itop = Itop::start();
    let tag = unique("b");
    let (_, people) = import_people(&itop, &tag, 2);
    let with_bom = format!("\u{feff}{people}");
    let request = ImportRequest::new("Person").reconciliation_keys(["email"]);
    let report = itop
        .client()
        .import(&request, CsvData::bytes(with_bom))
        .unwrap();
    assert_eq!(report.summary.unwrap().created, 2);
}

#[test]
fn a_csv_file_on_disk_is_streamed() {
    let itop = Itop::start();
    let tag = unique("f");
    let (_, people) = import_people(&itop, &tag, 40);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.csv");
    std::fs::write(&path, people).unwrap();
    let request = ImportRequest::new("Person").reconciliation_keys(["email"]);
    let report = itop
        .client()
        .import(&request, CsvData::path(&path))
        .unwrap();
    assert_eq!(report.summary.unwrap().created, 40);
}

#[test]
fn unknown_class_is_a_bad_request_with_itops_text() {
    let itop = Itop::start();
    let err = itop
        .client()
        .import(
            &ImportRequest::new("NoSuchClass"),
            CsvData::bytes("name\nx\n"),
        )
        .unwrap_err();
    let Error::BadRequest { message, raw, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        message.contains("Unknown class: 'NoSuchClass'"),
        "{message}"
    );
    assert!(raw.contains("#Unknown class: 'NoSuchClass'"), "{raw}");
}

#[test]
fn unknown_column_is_a_bad_request() {
    let itop = Itop::start();
    let err = itop
        .client()
        .import(
            &ImportRequest::new("Person"),
            CsvData::bytes("first_name,no_such_column\nA,B\n"),
        )
        .unwrap_err();
    let Error::BadRequest { message, raw, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        message.contains("Unknown column: 'no_such_column'"),
        "{message}"
    );
    assert!(raw.contains("Possible columns:"), "{raw}");
}

#[test]
fn malformed_csv_is_refused_before_sending() {
    // The CSV of the captured sample import/http_post_malformed_csv, on
    // which iTop loses rows (or fails with HTTP 500 in details mode).
    let itop = Itop::start();
    let request = ImportRequest::new("Person")
        .reconciliation_keys(["email"])
        .output(OutputMode::Details);
    let csv = "first_name,name,org_id->name,email\n\"Gina,Green,Lab Org A,gina.green@lab.example\nHank,\"Hill,Lab Org A\nIvy,Ivers,Lab Org A,ivy.ivers@lab.example,EXTRA,COLS\n";
    let err = itop
        .client()
        .import(&request, CsvData::bytes(csv))
        .unwrap_err();
    let Error::InvalidRequest { reason, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        reason.contains(":2: 2 cell(s) where the header has 4"),
        "{reason}"
    );
    if let Some(server) = &itop.server {
        assert!(server.requests().is_empty(), "nothing may be sent");
    }

    let unclosed = "first_name,name,org_id->name,email\nAda,Lovelace,Lab Org A,\"ada@x\nAlan,Turing,Lab Org A,alan@x\n";
    let err = itop
        .client()
        .import(&request, CsvData::bytes(unclosed))
        .unwrap_err();
    assert!(err.to_string().contains(":2: a quoted cell"), "{err}");
}

#[test]
fn wrong_password_fails_import_and_export_on_every_channel() {
    let itop = Itop::start();
    for channel in [AuthChannel::Form, AuthChannel::Basic] {
        let client = itop.client_with_wrong_password(channel);
        let err = client
            .import(&ImportRequest::new("Person"), CsvData::bytes("name\nx\n"))
            .unwrap_err();
        let Error::Auth { raw, .. } = &err else {
            panic!("{channel:?}: {err:?}")
        };
        assert!(raw.contains("Invalid login"), "{raw}");

        let mut out = Vec::new();
        let request = ExportRequest::oql("SELECT Person").fields(["name"]);
        let err = client.export(&request, &mut out).unwrap_err();
        assert!(matches!(err, Error::Auth { .. }), "{channel:?}: {err:?}");
        assert!(out.is_empty(), "nothing may be written on failure");
    }
}

#[test]
fn bad_oql_is_a_bad_request_and_writes_nothing() {
    let itop = Itop::start();
    let mut out = Vec::new();
    let request = ExportRequest::oql("SELEKT Organization").fields(["name"]);
    let err = itop.client().export(&request, &mut out).unwrap_err();
    let Error::BadRequest { message, raw, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("Invalid OQL query"), "{message}");
    assert!(raw.contains("SELEKT"), "{raw}");
    assert!(out.is_empty());
}

#[test]
fn xml_export_streams_the_document() {
    let itop = Itop::start();
    let tag = unique("x");
    let (org, _) = import_people(&itop, &tag, 0);
    let request = ExportRequest::oql(format!("SELECT Organization WHERE name = '{org}'"))
        .format(ExportFormat::Xml);
    let mut out = Vec::new();
    itop.client().export(&request, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("<?xml"), "{text}");
    assert!(text.contains(&org), "{text}");
}

#[test]
fn export_to_a_path_leaves_no_file_on_failure() {
    let itop = Itop::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    let request = ExportRequest::oql("SELEKT Person").fields(["name"]);
    assert!(itop.client().export_to_path(&request, &path).is_err());
    assert!(!path.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "temp file left behind"
    );

    let good = ExportRequest::oql("SELECT Organization").fields(["name"]);
    let outcome = itop.client().export_to_path(&good, &path).unwrap();
    let written = std::fs::read(&path).unwrap();
    assert_eq!(outcome.bytes, written.len() as u64);
    assert!(written.starts_with(b"\"name\""));
}

#[test]
fn credentials_never_travel_in_the_query_string() {
    let itop = Itop::start();
    let Some(server) = &itop.server else { return };
    let _ = itop
        .client()
        .import(&ImportRequest::new("Person"), CsvData::bytes("name\nx\n"));
    let requests = server.requests();
    assert!(!requests.is_empty());
    for request in requests {
        assert_eq!(request.method, "POST");
        assert!(
            request.query.iter().all(|(k, _)| !k.starts_with("auth")),
            "{:?}",
            request.query
        );
    }
}

#[test]
fn export_to_a_path_follows_links_keeps_modes_and_streams_to_devices() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let itop = Itop::start();
    let dir = tempfile::tempdir().unwrap();
    let request = ExportRequest::oql("SELECT Organization").fields(["name"]);

    let real = dir.path().join("real.csv");
    std::fs::write(&real, "old").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o664)).unwrap();
    let link = dir.path().join("link.csv");
    symlink(&real, &link).unwrap();
    itop.client().export_to_path(&request, &link).unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .starts_with("\"name\"")
    );
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o664);

    // A device is written to, never replaced.
    let outcome = itop
        .client()
        .export_to_path(&request, Path::new("/dev/null"))
        .unwrap();
    assert!(outcome.bytes > 0);
    let null = std::fs::metadata("/dev/null").unwrap();
    assert!(!null.is_file(), "/dev/null must stay a device");
}
