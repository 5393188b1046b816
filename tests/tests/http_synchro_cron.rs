//! synchro_import.php, synchro_exec.php and cron.php over HTTP.

mod common;

use common::{Itop, unique};
use itop_core::{
    AuthChannel, CronRequest, CsvData, Error, OutputMode, SynchroExecRequest, SynchroImportRequest,
};

fn replica_csv(tag: &str, count: usize) -> String {
    let mut csv = String::from("primary_key;first_name;name;email;org_id;status\n");
    for i in 0..count {
        csv.push_str(&format!(
            "{tag}-{i};Jürgen{i};Ñúñez;s{i}.{tag}@sync.example;Lab Org A;active\n"
        ));
    }
    csv
}

#[test]
fn synchro_import_loads_then_synchronizes() {
    let itop = Itop::start();
    let tag = unique("s");
    let request = SynchroImportRequest::new(itop.person_source);
    let report = itop
        .client()
        .synchro_import(&request, CsvData::bytes(replica_csv(&tag, 4)))
        .unwrap();
    let import = report.import.as_ref().expect("import phase");
    assert_eq!(import.data_lines, 4);
    assert_eq!(import.created + import.updated, 4);
    assert_eq!(report.issues, 0);
    let synchro = report.synchro.as_ref().expect("synchronization phase");
    assert!(synchro.replicas_touched >= 4, "{synchro:?}");
    assert_eq!(synchro.error_total(), 0);

    // Loaded again: the replicas exist, so they are updated, not created.
    let again = itop
        .client()
        .synchro_import(&request, CsvData::bytes(replica_csv(&tag, 4)))
        .unwrap();
    let import = again.import.expect("import phase");
    assert_eq!((import.created, import.updated), (0, 4));
}

#[test]
fn synchro_import_without_synchronization_has_no_synchro_phase() {
    let itop = Itop::start();
    let tag = unique("n");
    let request = SynchroImportRequest::new(itop.person_source).synchronize(false);
    let report = itop
        .client()
        .synchro_import(&request, CsvData::bytes(replica_csv(&tag, 2)))
        .unwrap();
    assert!(report.synchro.is_none());
    assert_eq!(report.import.unwrap().data_lines, 2);
}

#[test]
fn synchro_import_retcode_keeps_the_synchro_summary() {
    let itop = Itop::start();
    let tag = unique("c");
    let request = SynchroImportRequest::new(itop.person_source).output(OutputMode::Retcode);
    let report = itop
        .client()
        .synchro_import(&request, CsvData::bytes(replica_csv(&tag, 2)))
        .unwrap();
    assert_eq!(report.issues, 0);
    assert!(
        report.import.is_none(),
        "retcode mode has no import summary"
    );
    assert!(report.synchro.is_some());
}

#[test]
fn synchro_import_strips_the_bom_itop_would_keep() {
    let itop = Itop::start();
    let tag = unique("m");
    let csv = format!("\u{feff}{}", replica_csv(&tag, 1));
    let request = SynchroImportRequest::new(itop.person_source);
    let report = itop
        .client()
        .synchro_import(&request, CsvData::bytes(csv))
        .unwrap();
    assert_eq!(report.import.unwrap().data_lines, 1);
}

#[test]
fn unknown_data_source_is_a_bad_request() {
    let itop = Itop::start();
    let request = SynchroImportRequest::new(999);
    let err = itop
        .client()
        .synchro_import(&request, CsvData::bytes(replica_csv("u", 1)))
        .unwrap_err();
    let Error::BadRequest { message, raw, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        message.contains("Unknown data source id: '999'"),
        "{message}"
    );
    assert!(raw.contains("999"));
}

#[test]
fn synchronization_by_a_user_who_does_not_own_the_source_is_not_allowed() {
    let itop = Itop::start();
    let Some(reader) = itop.other("reader") else {
        return;
    };
    let client = itop.client_as(&reader, AuthChannel::Basic);
    let request = SynchroImportRequest::new(itop.person_source);
    let err = client
        .synchro_import(&request, CsvData::bytes(replica_csv(&unique("o"), 1)))
        .unwrap_err();
    let Error::NotAllowed { message, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("Only adminstrators"), "{message}");
}

#[test]
fn synchro_exec_reports_each_source_in_order() {
    let itop = Itop::start();
    let sources = [itop.person_source, itop.server_source];
    let report = itop
        .client()
        .synchro_exec(&SynchroExecRequest::new(sources))
        .unwrap();
    let ids: Vec<u32> = report.sources.iter().map(|s| s.id).collect();
    assert_eq!(ids, sources);
    assert!(report.sources.iter().all(|s| s.error.is_none()));
}

#[test]
fn synchro_exec_stops_at_an_unknown_source() {
    let itop = Itop::start();
    let request = SynchroExecRequest::new([itop.person_source, 999, itop.server_source]);
    let err = itop.client().synchro_exec(&request).unwrap_err();
    let Error::BadRequest { message, raw, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("999"), "{message}");
    assert!(raw.contains("does not exist"), "{raw}");
}

#[test]
fn max_chunk_size_is_refused_over_http_before_sending() {
    let itop = Itop::start();
    let request = SynchroExecRequest::new([1]).max_chunk_size(100);
    let err = itop.client().synchro_exec(&request).unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidRequest {
                field: "max_chunk_size",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn wrong_password_fails_every_synchro_and_cron_call() {
    let itop = Itop::start();
    for channel in [AuthChannel::Form, AuthChannel::Basic] {
        let client = itop.client_with_wrong_password(channel);
        let results = [
            client
                .synchro_import(
                    &SynchroImportRequest::new(itop.person_source),
                    CsvData::bytes(replica_csv("w", 1)),
                )
                .err(),
            client
                .synchro_exec(&SynchroExecRequest::new([itop.person_source]))
                .err(),
            client.cron(&CronRequest::new()).err(),
        ];
        for (i, result) in results.into_iter().enumerate() {
            let err = result.unwrap_or_else(|| panic!("call {i} with {channel:?} succeeded"));
            assert!(
                matches!(err, Error::Auth { .. }),
                "call {i} {channel:?}: {err:?}"
            );
            assert!(!err.raw_response().unwrap_or_default().is_empty());
        }
    }
}

#[test]
fn cron_runs_for_an_administrator() {
    let itop = Itop::start();
    if !itop.is_imitation() {
        eprintln!("skipped: a real cron run lasts cron_max_execution_time");
        return;
    }
    let report = itop.client().cron(&CronRequest::new()).unwrap();
    let (started, exited) = (report.started.unwrap(), report.exited.unwrap());
    assert!(exited >= started);
    assert!(report.errors.is_empty());
}

#[test]
fn cron_is_refused_to_other_users() {
    let itop = Itop::start();
    if let Some(reader) = itop.other("reader") {
        let err = itop
            .client_as(&reader, AuthChannel::Basic)
            .cron(&CronRequest::new())
            .unwrap_err();
        let Error::NotAllowed { message, .. } = &err else {
            panic!("{err:?}")
        };
        assert!(
            message.contains("Access restricted to administrators"),
            "{message}"
        );
    }
    if let Some(portal) = itop.other("portal") {
        let err = itop
            .client_as(&portal, AuthChannel::Basic)
            .cron(&CronRequest::new())
            .unwrap_err();
        assert!(matches!(err, Error::Auth { .. }), "{err:?}");
    }
}
