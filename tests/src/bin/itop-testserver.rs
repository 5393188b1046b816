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

fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    eprintln!("usage: itop-testserver [--listen 127.0.0.1:0] [--state FILE] [--max-body BYTES]");
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
