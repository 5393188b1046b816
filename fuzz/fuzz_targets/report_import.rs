//! `interpret_import` never panics, over HTTP and CLI answers alike, in
//! every output mode.
#![no_main]

use itop_core::{OutputMode, Service, report};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let answer = itop_fuzz::answer(Service::Import, data);
    for mode in [
        OutputMode::Summary,
        OutputMode::Details,
        OutputMode::Retcode,
    ] {
        let result = report::interpret_import(&answer, mode);
        itop_fuzz::check_error(result.map(|r| r.to_string()));
    }
});
