//! Throughput of the parameters-file reader on 1 MiB files.
//!
//! A plain benchmark, not a timed test: `cargo bench -p itop-core --bench
//! params` prints MB/s for a typical file (entries, comments, blank lines,
//! a few quirks) and for a file where every other line has a finding. The
//! goal is at least 100 MB/s for the typical file.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use itop_core::params::Params;

/// Size of each generated file.
const SIZE: usize = 1 << 20;

/// Lines of a typical file; `{n}` makes each key unique.
const TYPICAL: &[&str] = &[
    "# Nightly import of the HR export into iTop, owned by the service desk\n",
    "auth_user_{n} = svc-import\n",
    "class_{n} = Person\n",
    "reconciliationkeys_{n} = email, org_id->name\n",
    "\n",
    "comment_{n} = loaded by the nightly job (ticket 4711)  # why it runs\n",
    "date_format_{n} = d/m/Y H:i:s\r\n",
    "   separator_{n}\t=\t;\n",
];

/// Lines where every other one has a finding.
const QUIRKY: &[&str] = &[
    "auth_pwd_{n}=abc=def\n",
    "key_{n} with space = ignored\n",
    "value_{n} = cut#here\n",
    "quoted_{n} = \"kept\"\n",
    "plain_{n} = value\n",
    "other_{n} = value\n",
];

/// About [`SIZE`] bytes of `shapes`, repeated with unique keys.
fn sample(shapes: &[&str]) -> Vec<u8> {
    let mut text = Vec::with_capacity(SIZE + 128);
    let mut n = 0usize;
    while text.len() < SIZE {
        let shape = shapes[n % shapes.len()];
        text.extend_from_slice(shape.replace("{n}", &n.to_string()).as_bytes());
        n += 1;
    }
    text
}

/// Parses `text` repeatedly for about `budget`; returns MB/s and rounds.
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
    for (name, shapes) in [("typical", TYPICAL), ("quirky", QUIRKY)] {
        let text = sample(shapes);
        measure(&text, Duration::from_millis(300));
        let (rate, rounds) = measure(&text, Duration::from_secs(2));
        println!(
            "params/parse {name} 1 MiB: {rate:.1} MB/s over {rounds} rounds \
             (goal for typical: >= 100 MB/s)"
        );
    }
}
