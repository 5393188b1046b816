//! Throughput of the parameters-file reader on 1 MiB files.
//!
//! A plain benchmark, not a timed test: `cargo bench -p itop-core --bench
//! params` prints MB/s for three files: short typical lines (entries,
//! comments, blank lines, CRLF), long values (OQL, field lists), and lines
//! where every other one has a finding. The goal is at least 100 MB/s; the
//! reader's cost is per line, so it is reached with long lines only.

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

/// Lines with long values: OQL queries, field lists, comments.
const LONG: &[&str] = &[
    "# Export of the CMDB for the reporting warehouse; the query below is kept on one line because iTop reads one line per key\n",
    "expression_{n} = SELECT Person AS p JOIN Organization AS o ON p.org_id = o.id WHERE o.name LIKE 'Demo%' AND p.status = 'active' AND p.email != ''\n",
    "fields_{n} = first_name,name,email,phone,mobile_phone,function,employee_number,org_id->name,location_id->name,manager_id->friendlyname\n",
    "comment_{n} = nightly export for the warehouse, owned by the service desk, contact the CMDB team before changing the fields or the query\n",
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
    for (name, shapes) in [("typical", TYPICAL), ("long", LONG), ("quirky", QUIRKY)] {
        let text = sample(shapes);
        measure(&text, Duration::from_millis(300));
        let (rate, rounds) = measure(&text, Duration::from_secs(2));
        let lines = text.iter().filter(|&&b| b == b'\n').count();
        println!(
            "params/parse {name:<7} 1 MiB, {lines} lines: {rate:.1} MB/s over {rounds} rounds \
             (goal: >= 100 MB/s)"
        );
    }
}
