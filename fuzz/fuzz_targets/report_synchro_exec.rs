//! `interpret_synchro_exec` never panics, over HTTP and CLI answers alike.
#![no_main]

use itop_core::{Service, report};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let answer = itop_fuzz::answer(Service::SynchroExec, data);
    for sources in [&[1, 2][..], &[1][..], &[][..]] {
        let result = report::interpret_synchro_exec(&answer, sources);
        itop_fuzz::check_error(result.map(|r| r.to_string()));
    }
});
