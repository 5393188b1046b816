//! The remaining output modes and the legacy export over HTTP.

mod common;

use common::{Itop, unique};
use itop_core::{
    AuthChannel, CronRequest, CsvData, Error, ExportFormat, ExportQuery, ExportRequest,
    LegacyExportRequest, OutputMode, SynchroImportRequest,
};

#[test]
fn synchro_import_details_lists_each_row() {
    let itop = Itop::start();
    let tag = unique("dt");
    let csv = format!(
        "primary_key;first_name;name;email;org_id\n{tag}-1;Åsa;Öberg;a.{tag}@sync.example;Lab Org A\n{tag}-2;Ömer;Çelik;o.{tag}@sync.example;Lab Org B\n"
    );
    let request = SynchroImportRequest::new(itop.person_source).output(OutputMode::Details);
    let report = itop
        .client()
        .synchro_import(&request, CsvData::bytes(csv))
        .unwrap();
    assert_eq!(report.rows.len(), 2, "{report:?}");
    assert!(
        report.rows.iter().all(|r| r.text.contains("New entry")),
        "{report:?}"
    );
    assert_eq!(report.import.unwrap().created, 2);
    assert!(report.synchro.is_some());
}

#[test]
fn html_export_is_a_page_with_the_rows() {
    let itop = Itop::start();
    let request = ExportRequest::oql("SELECT Organization")
        .fields(["name"])
        .format(ExportFormat::Html);
    let mut out = Vec::new();
    itop.client().export(&request, &mut out).unwrap();
    let page = String::from_utf8(out).unwrap();
    assert!(page.contains("<table"), "{page}");
    assert!(page.contains("Lab Org A"), "{page}");
}

#[test]
fn phrasebook_query_exports_its_fields() {
    let itop = Itop::start();
    if !itop.is_imitation() {
        eprintln!("skipped: phrasebook entry 14 exists in the imitation only");
        return;
    }
    let request = ExportRequest::new(ExportQuery::Phrasebook("14".into()));
    let mut out = Vec::new();
    itop.client().export(&request, &mut out).unwrap();
    let csv = String::from_utf8(out).unwrap();
    assert!(
        csv.starts_with("\"first_name\",\"name\",\"email\",\"org_id->name\"\n"),
        "{csv}"
    );
}

#[test]
fn legacy_export_csv_comes_without_the_bom() {
    let itop = Itop::start();
    let request = LegacyExportRequest::new(ExportQuery::Expression("SELECT Organization".into()))
        .fields(["name", "code"]);
    let mut out = Vec::new();
    let outcome = itop.client().export_legacy(&request, &mut out).unwrap();
    assert_eq!(outcome.bytes, out.len() as u64);
    assert!(
        !out.starts_with(b"\xEF\xBB\xBF"),
        "the BOM iTop adds is removed"
    );
    let csv = String::from_utf8(out).unwrap();
    assert!(csv.contains("Lab Org A"), "{csv}");
}

#[test]
fn legacy_export_errors_are_typed() {
    let itop = Itop::start();
    let bad = LegacyExportRequest::new(ExportQuery::Expression("SELEKT Organization".into()));
    let mut out = Vec::new();
    let err = itop.client().export_legacy(&bad, &mut out).unwrap_err();
    let Error::BadRequest { raw, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(raw.contains("Error the query can not be executed"), "{raw}");
    assert!(out.is_empty());

    let good = LegacyExportRequest::new(ExportQuery::Expression("SELECT Organization".into()));
    for channel in [AuthChannel::Form, AuthChannel::Basic] {
        let mut out = Vec::new();
        let err = itop
            .client_with_wrong_password(channel)
            .export_legacy(&good, &mut out)
            .unwrap_err();
        assert!(matches!(err, Error::Auth { .. }), "{channel:?}: {err:?}");
        assert!(out.is_empty());
    }
}

#[test]
fn cron_status_over_http_is_refused_before_sending() {
    // iTop answers an empty page: the status table is a command-line feature.
    let itop = Itop::start();
    let err = itop
        .client()
        .cron(&CronRequest::new().status_only(true))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidRequest {
                field: "status_only",
                ..
            }
        ),
        "{err:?}"
    );
    if let Some(server) = &itop.server {
        assert!(server.requests().is_empty(), "nothing may be sent");
    }
}

#[test]
fn an_upload_over_post_max_size_says_so_instead_of_only_invalid_login() {
    let itop =
        Itop::start_with(itop_tests::ServerConfig::default().max_body_bytes(Some(1_000_000)));
    if !itop.is_imitation() {
        return;
    }
    let mut csv = String::from("name,code\n");
    while csv.len() < 2_500_000 {
        csv.push_str("\"Some organization with a long name\",ORG\n");
    }
    let request = itop_core::ImportRequest::new("Organization").reconciliation_keys(["name"]);
    let err = itop
        .client()
        .import(&request, CsvData::bytes(csv))
        .unwrap_err();
    let Error::Auth { message, raw, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("post_max_size"), "{message}");
    assert!(raw.contains("Invalid login"), "{raw}");
}

#[test]
fn latin1_data_must_be_declared_and_then_arrives_intact() {
    let itop = Itop::start();
    let tag = unique("l");
    let latin1: Vec<u8> = format!("name,code\n\"Soci\u{e9}t\u{e9} {tag}\",L1\n")
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    let request = itop_core::ImportRequest::new("Organization").reconciliation_keys(["name"]);
    let err = itop
        .client()
        .import(&request, CsvData::bytes(latin1.clone()))
        .unwrap_err();
    let Error::InvalidRequest { reason, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(reason.contains(":2:6: byte 0xE9"), "{reason}");

    let declared = request.charset("ISO-8859-1");
    let report = itop
        .client()
        .import(&declared, CsvData::bytes(latin1))
        .unwrap();
    assert_eq!(report.summary.unwrap().created, 1);
    let export = ExportRequest::oql("SELECT Organization WHERE code = 'L1'").fields(["name"]);
    let mut out = Vec::new();
    itop.client().export(&export, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains(&format!("Société {tag}")), "{text}");
}
