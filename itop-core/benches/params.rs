//! Throughput of the parameters-file reader on a 1 MiB file.
//!
//! A plain benchmark, not a timed test: `cargo bench -p itop-core --bench
//! params` prints MB/s; the goal is at least 100 MB/s.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use itop_core::params::Params;

/// Size of the generated file.
const SIZE: usize = 1 << 20;

/// A file mixing the line shapes iTop meets: entries, comments, blank
/// lines, CRLF ends, keys with `=`, ignored lines.
fn sample() -> Vec<u8> {
    let shapes = [
        "auth_user = admin\n",
        "# a comment line about the next value\n",
        "comment = loaded by the nightly job, see ticket 4711 # why\n",
        "\n",
        "  date_format = d/m/Y H:i:s\r\n",
        "auth_pwd=abc=def\n",
        "key with space = ignored\n",
        "reconciliationkeys = email, org_id->name\n",
    ];
    let mut text = Vec::with_capacity(SIZE + 128);
    let mut n = 0usize;
    while text.len() < SIZE {
        let shape = shapes[n % shapes.len()];
        text.extend_from_slice(format!("k{n}_").as_bytes());
        text.extend_from_slice(shape.as_bytes());
        n += 1;
    }
    text.truncate(SIZE);
    text
}

/// Parses `text` repeatedly for about `budget`; returns MB/s.
fn measure(text: &[u8], budget: Duration) -> (f64, usize) {
    let path = Path::new("bench.params");
    let started = Instant::now();
    let mut rounds = 0usize;
    while started.elapsed() < budget {
        let params = Params::parse(black_box(text), path);
        black_box(params.len());
        rounds += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    let megabytes = (text.len() * rounds) as f64 / 1e6;
    (megabytes / seconds, rounds)
}

fn main() {
    let text = sample();
    // Warm-up, then the measured run.
    measure(&text, Duration::from_millis(300));
    let (rate, rounds) = measure(&text, Duration::from_secs(3));
    println!(
        "params/parse 1 MiB: {rate:.1} MB/s over {rounds} rounds (goal: >= 100 MB/s)"
    );
}
