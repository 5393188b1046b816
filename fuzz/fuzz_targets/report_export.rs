//! The export interpreters never panic: `export_looks_ok` on the first
//! bytes for every format, and `interpret_export_failure` on the whole
//! answer, for export-v2 and the legacy export.
#![no_main]

use itop_core::{Error, Service, report};
use libfuzzer_sys::fuzz_target;

const FORMATS: [&str; 6] = ["csv", "xml", "html", "spreadsheet", "xlsx", "pdf"];

fuzz_target!(|data: &[u8]| {
    for service in [Service::Export, Service::ExportLegacy] {
        let answer = itop_fuzz::answer(service, data);
        let head = &answer.body[..answer.body.len().min(8 * 1024)];
        for format in FORMATS {
            let _ = report::export_looks_ok(service, &answer.channel, head, format);
        }
        let err = report::interpret_export_failure(&answer);
        itop_fuzz::check_error(Err::<String, Error>(err));
    }
});
