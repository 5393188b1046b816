//! `interpret_cron` never panics, over HTTP and CLI answers alike.
#![no_main]

use itop_core::{Service, report};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let answer = itop_fuzz::answer(Service::Cron, data);
    itop_fuzz::check_error(report::interpret_cron(&answer).map(|r| r.to_string()));
});
