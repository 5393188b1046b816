//! Reports read back whole through the loopback iTop: `details` cells that
//! hold the separator, quotes or newlines stay one cell each, and a
//! synchronization stopped by an unknown data source still says which
//! sources it had synchronized.

mod common;

use common::{Itop, people_csv, unique};
use itop_core::{CsvData, Error, ImportRequest, OutputMode, SynchroExecRequest};

/// Imports `csv` (`;`-separated) into Person in `details` mode.
fn import_details(itop: &Itop, csv: String) -> itop_core::ImportReport {
    let request = ImportRequest::new("Person")
        .separator(';')
        .reconciliation_keys(["email"])
        .output(OutputMode::Details);
    itop.client()
        .import(&request, CsvData::bytes(csv))
        .expect("import")
}

#[test]
fn details_cells_holding_the_separator_stay_whole() {
    let itop = Itop::start();
    let tag = unique("semi");
    let (orgs, _) = people_csv(&format!("Org {tag}"), &tag, 0);
    itop.client()
        .import(
            &ImportRequest::new("Organization").reconciliation_keys(["name"]),
            CsvData::bytes(orgs),
        )
        .expect("organization");
    let header = "first_name;name;org_id->name;email;function\n";
    let email = format!("semi.{tag}@x.example");
    let function = "a; b; c \"quoted\"\nsecond line";
    let quoted = function.replace('"', "\"\"");
    let csv = format!("{header}\"Semi\";\"Colon\";\"Org {tag}\";\"{email}\";\"{quoted}\"\n");

    let created = import_details(&itop, csv.clone());
    let columns = created.table_header.len() - 4;
    let row = &created.rows[0];
    assert_eq!(row.cells.len(), columns, "{row:?}");
    let values: Vec<String> = row.values().into_iter().map(|cell| cell.value).collect();
    assert_eq!(values[1..], ["Semi", "Colon", email.as_str(), function]);
    assert!(created.is_complete() && created.unknown_lines.is_empty());

    // Unchanged cells come back raw; the changed one is quoted again, with
    // `Modified` glued on.
    let changed = format!("{function}; more");
    let csv = csv.replace(&quoted, &changed.replace('"', "\"\""));
    let updated = import_details(&itop, csv);
    let row = &updated.rows[0];
    assert_eq!(row.cells.len(), columns, "{row:?}");
    let last = row.values().pop().expect("cells");
    assert_eq!(
        (last.value.as_str(), last.is_changed()),
        (changed.as_str(), true)
    );
    assert_eq!(row.cells[1], "Semi");
    assert_eq!(updated.summary.as_ref().map(|s| s.updated), Some(1));
}

#[test]
fn an_issue_row_with_a_separator_in_a_value_is_aligned() {
    // The reproducer: unknown organization, `;` inside the last value.
    let itop = Itop::start();
    let tag = unique("issue");
    let csv = format!(
        "first_name;name;org_id->name;email;function\n\
         \"Semi\";\"Colon\";\"Nope Org {tag}\";\"semi.{tag}@x.example\";\"a; b; c\"\n"
    );
    let report = import_details(&itop, csv);
    assert_eq!(report.issues, 1);
    let row = &report.rows[0];
    assert_eq!(row.cells.len(), report.table_header.len() - 4, "{row:?}");
    assert!(
        row.cells[0].starts_with(&format!("No match for value 'Nope Org {tag}'")),
        "{row:?}"
    );
    assert_eq!(row.cells[4], "\"a; b; c\"");
    assert!(
        report
            .to_string()
            .contains("function (Function): \"a; b; c\"\n")
    );
}

#[test]
fn synchro_exec_failure_tells_the_sources_already_synchronized() {
    let itop = Itop::start();
    let request = SynchroExecRequest::new([itop.person_source, 99]);
    let err = itop.client().synchro_exec(&request).unwrap_err();
    let Error::BadRequest { message, .. } = &err else {
        panic!("{err:?}")
    };
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(
        lines[0],
        "The data source (id=99) does not exist. Exiting..."
    );
    let done = format!("data source {} (", itop.person_source);
    assert!(
        lines[1].starts_with(&done) && lines[1].contains(") synchronized: replicas "),
        "{message}"
    );
    assert_eq!(lines.len(), 2, "{message}");
    // The CLI prints the Display: it carries the same lines.
    assert!(err.to_string().contains(lines[1]), "{err}");

    let request = SynchroExecRequest::new([itop.person_source, 999, itop.server_source]);
    let err = itop.client().synchro_exec(&request).unwrap_err();
    let Error::BadRequest { message, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        message.ends_with(&format!("\ndata source {} not run", itop.server_source)),
        "{message}"
    );
}
