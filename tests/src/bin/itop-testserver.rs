//! `itop-testserver`: the loopback imitation of iTop as a process.
//!
//! `itop-testserver [--listen 127.0.0.1:0] [--state FILE] [--max-body BYTES]`
//! prints `listening on http://127.0.0.1:<port>` as its first line, then
//! serves until killed. Only loopback addresses are accepted.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use itop_tests::{ServerConfig, TestServer};

const USAGE: &str =
    "usage: itop-testserver [--listen 127.0.0.1:0] [--state FILE] [--max-body BYTES]

A loopback imitation of iTop 3.2's bulk services (import.php, export-v2.php,
export.php, synchro_import.php, synchro_exec.php, cron.php). Prints
`listening on http://127.0.0.1:<port>` first, then serves until killed.
Accounts: admin / Adm1n-secret, reader / Re4der-pwd, syncuser / sync.Pass!,
portaluser / P0rtal-pwd (see docs/testing.md).

  --listen ADDR     loopback address and port (default 127.0.0.1:0: any free port)
  --state FILE      keep the data in FILE across restarts
  --max-body BYTES  drop request bodies over BYTES, as PHP's post_max_size does";

fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

fn parse_args(args: &[String]) -> Result<ServerConfig, String> {
    let mut config = ServerConfig::default();
    let mut pairs = args.iter();
    while let Some(flag) = pairs.next() {
        let (name, inline) = match flag.split_once('=') {
            Some((name, value)) => (name, Some(value.to_owned())),
            None => (flag.as_str(), None),
        };
        let value = inline
            .or_else(|| pairs.next().cloned())
            .ok_or(format!("{name} needs a value"))?;
        config = match name {
            "--listen" => {
                let addr: SocketAddr = value.parse().map_err(|_| format!("bad address {value}"))?;
                if !addr.ip().is_loopback() {
                    return Err(format!("refusing non-loopback address {addr}"));
                }
                config.bind(addr)
            }
            "--state" => config.state_file(Some(PathBuf::from(value))),
            "--max-body" => config.max_body_bytes(Some(
                value.parse().map_err(|_| format!("bad size {value}"))?,
            )),
            other => return Err(format!("unknown flag {other}")),
        };
    }
    Ok(config)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|arg| arg == "--help" || arg == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let config = match parse_args(&args) {
        Ok(config) => config,
        Err(message) => return usage(&message),
    };
    let server = match TestServer::start(config) {
        Ok(server) => server,
        Err(err) => {
            eprintln!("error: cannot start: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "listening on {}", server.url())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    drop(stdout);
    loop {
        std::thread::park();
    }
}
