//! Throughput of the parameters-file reader on 1 MiB files.
//!
//! A plain benchmark, not a timed test: `cargo bench -p itop-core --bench
//! params` prints MB/s for three files: short typical lines (entries,
//! comments, blank lines, CRLF), long values (OQL, field lists), and lines
//! where every other one has a finding. The goal is at least 100 MB/s. MB/s
//! are printed over the median and the fastest round (wall-clock time) and
//! over this thread's CPU time; the median is what the goal is read
//! against, as it moves least when other work shares the machine.
//! `-- typical` runs only the files whose name contains `typical`.

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

/// Throughput of one measurement, in MB/s.
struct Rate {
    /// Over the median wall-clock time of one round: what a user waits,
    /// little moved by rounds slowed down by other work.
    median: f64,
    /// Over the fastest round.
    best: f64,
    /// Over the CPU time of this thread for all rounds.
    cpu: f64,
    rounds: usize,
}

/// Parses `text` repeatedly for about `budget` of wall-clock time; with
/// `lint`, also lists the findings each time.
fn measure(text: &[u8], budget: Duration, lint: bool) -> Rate {
    let path = Path::new("bench.params");
    // `PARAMS_BENCH_ROUNDS=n` runs exactly n rounds whatever the time
    // (for instruction counts under callgrind).
    let fixed = std::env::var("PARAMS_BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse::<usize>().ok());
    let started = Instant::now();
    let cpu_started = thread_cpu_seconds();
    let mut times = Vec::new();
    while fixed.map_or(started.elapsed() < budget, |n| times.len() < n) {
        let round = Instant::now();
        let params = Params::parse(black_box(text), path);
        black_box(params.len());
        if lint {
            black_box(params.lint(None).len());
        }
        drop(params);
        times.push(round.elapsed().as_secs_f64());
    }
    let cpu_seconds = thread_cpu_seconds() - cpu_started;
    times.sort_by(f64::total_cmp);
    let megabytes = text.len() as f64 / 1e6;
    let median = times.get(times.len() / 2).copied().unwrap_or(f64::NAN);
    let best = times.first().copied().unwrap_or(f64::NAN);
    Rate {
        median: megabytes / median,
        best: megabytes / best,
        cpu: megabytes * times.len() as f64 / cpu_seconds.max(1e-9),
        rounds: times.len(),
    }
}

/// CPU time used by this thread, in seconds.
fn thread_cpu_seconds() -> f64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    if status != 0 {
        return f64::NAN;
    }
    now.tv_sec as f64 + now.tv_nsec as f64 / 1e9
}

fn main() {
    // `cargo bench --bench params -- typical` runs only the files whose
    // name contains one of the arguments (cargo's own flags are skipped).
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .collect();
    // `PARAMS_BENCH_SECONDS=0.1` shortens the runs (for profilers).
    let seconds = std::env::var("PARAMS_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(2.0);
    let budget = Duration::from_secs_f64(seconds);
    for (name, shapes) in [("typical", TYPICAL), ("long", LONG), ("quirky", QUIRKY)] {
        if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        let text = sample(shapes);
        let lines = text.iter().filter(|&&b| b == b'\n').count();
        measure(&text, budget / 6, false);
        let rate = measure(&text, budget, false);
        println!(
            "params/parse {name:<7} 1 MiB, {lines} lines: {:.1} MB/s median, {:.1} best, \
             {:.1} of CPU time, {} rounds (goal: median >= 100 MB/s)",
            rate.median, rate.best, rate.cpu, rate.rounds
        );
        // The findings are computed by `lint`, not while parsing: shown
        // apart, for information (`itop params check` does both).
        let rate = measure(&text, budget / 2, true);
        println!(
            "params/parse+lint {name:<7}: {:.1} MB/s median, {:.1} best, {} rounds",
            rate.median, rate.best, rate.rounds
        );
    }
}
