//! The parameters-file reader accepts every input without panicking, and
//! what it reads, lints and renders stays consistent.
#![no_main]

use std::path::Path;

use itop_core::{Service, params};
use libfuzzer_sys::fuzz_target;

const SERVICES: [Option<Service>; 7] = [
    None,
    Some(Service::Cron),
    Some(Service::SynchroExec),
    Some(Service::SynchroImport),
    Some(Service::Import),
    Some(Service::Export),
    Some(Service::ExportLegacy),
];

fuzz_target!(|data: &[u8]| {
    let parsed = params::Params::parse(data, Path::new("fuzz.params"));
    for (key, value) in parsed.iter() {
        assert_eq!(parsed.get(key), Some(value));
        assert!(parsed.origin(key).is_some());
    }
    for service in SERVICES {
        let findings = parsed.lint(service);
        let text = params::render_check(&parsed, &findings);
        // A secret value is never shown by the check report (tested when
        // the value is long and nowhere else in the file).
        if let Some(pwd) = parsed.get("auth_pwd")
            && pwd.len() >= 12
            && !pwd.contains('*')
            && occurrences(&String::from_utf8_lossy(data), pwd) == 1
        {
            assert!(!text.contains(pwd), "auth_pwd shown by render_check");
        }
    }
});

fn occurrences(haystack: &str, needle: &str) -> usize {
    haystack.match_indices(needle).count()
}
