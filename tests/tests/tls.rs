//! TLS and proxies. A loopback HTTPS server presents a certificate made in
//! the test: signed by a CA the client trusts (`ca_bundle`, `--ca-bundle`)
//! it passes; signed by an unknown CA, or for another host name, it fails
//! with an error that says so — unless the loudly warned insecure switch
//! is on. Proxies: a configured proxy is used, `HTTP_PROXY` from the
//! environment too, but never for a loopback iTop.

use std::{
    io::{Read, Write},
    net::{Ipv4Addr, TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::Command,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    thread::{self, JoinHandle},
    time::Duration,
};

use itop_core::{Client, Credentials, CronRequest, Error, ProxySetting, Secret};
use itop_tests::faults::{FaultServer, Reply};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

/// A quiet `cron.php` run, as its page would hold it.
const CRON_PAGE: &str = "<!DOCTYPE html><html><head><title>iTop - cron</title></head><body>\
    <div id=\"ibo-page-container\"><p>Starting: 1796394033 (2026-12-04 15:20:33)</p>\
    <p>Exiting: 1796394054 (2026-12-04 15:20:54)</p></div></body></html>\n";

/// A certificate authority made for the test.
struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Ca {
    fn new(name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        let key = KeyPair::generate().expect("CA key");
        Ca {
            issuer: CertifiedIssuer::self_signed(params, key).expect("CA certificate"),
        }
    }

    /// A server certificate for `names` (host names or IP addresses) and
    /// its key.
    fn server_cert(&self, names: &[&str]) -> (rcgen::Certificate, KeyPair) {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let params = CertificateParams::new(names).expect("params");
        let key = KeyPair::generate().expect("server key");
        let cert = params.signed_by(&key, &self.issuer).expect("signed");
        (cert, key)
    }

    /// Writes the CA certificate as a PEM file.
    fn pem_file(&self, dir: &Path) -> PathBuf {
        let path = dir.join("ca.pem");
        std::fs::write(&path, self.issuer.pem()).expect("write PEM");
        path
    }
}

/// A loopback HTTPS server answering every request with the cron page.
struct HttpsServer {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl HttpsServer {
    fn start(cert: &rcgen::Certificate, key: &KeyPair) -> HttpsServer {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(vec![cert.der().clone()], key)
            .expect("server config");
        let config = Arc::new(config);
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        let port = listener.local_addr().expect("address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        serve_tls(&config, stream);
                    }
                }
            })
        };
        HttpsServer {
            port,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for HttpsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect((Ipv4Addr::LOCALHOST, self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One exchange; a failed handshake (the client refused us) just ends it.
fn serve_tls(config: &Arc<rustls::ServerConfig>, stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(connection) = rustls::ServerConnection::new(Arc::clone(config)) else {
        return;
    };
    let mut tls = rustls::StreamOwned::new(connection, stream);
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    // Read the head and the announced body.
    loop {
        match tls.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
        if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if request.len() >= end + 4 + length {
                break;
            }
        }
    }
    let answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{CRON_PAGE}",
        CRON_PAGE.len()
    );
    let _ = tls.write_all(answer.as_bytes());
    let _ = tls.flush();
    tls.conn.send_close_notify();
    let _ = tls.flush();
}

fn builder(url: &str) -> itop_core::ClientBuilder {
    Client::builder()
        .url(url)
        .credentials(Credentials::password("admin", Secret::new("pw")))
        .timeout(Duration::from_secs(20))
}

/// The error and its causes, as the CLI prints them.
fn chain(err: &Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

#[test]
fn a_certificate_from_the_trusted_ca_passes() {
    let ca = Ca::new("itop test CA");
    let (cert, key) = ca.server_cert(&["127.0.0.1", "localhost"]);
    let server = HttpsServer::start(&cert, &key);
    let dir = tempfile::tempdir().expect("temp dir");
    let client = builder(&format!("https://127.0.0.1:{}/", server.port))
        .ca_bundle(ca.pem_file(dir.path()))
        .build()
        .expect("client");
    let report = client.cron(&CronRequest::new()).expect("cron over TLS");
    assert_eq!(report.exited, Some(1_796_394_054));
}

#[test]
fn an_unknown_ca_fails_with_a_clear_error() {
    let ca = Ca::new("itop test CA");
    let other = Ca::new("some other CA");
    let (cert, key) = ca.server_cert(&["127.0.0.1"]);
    let server = HttpsServer::start(&cert, &key);
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("https://127.0.0.1:{}/", server.port);
    // Trusting another CA, and trusting the bundled public roots.
    for client in [
        builder(&url).ca_bundle(other.pem_file(dir.path())),
        builder(&url),
    ] {
        let err = client
            .build()
            .expect("client")
            .cron(&CronRequest::new())
            .expect_err("an unknown CA must fail");
        let text = chain(&err);
        assert!(matches!(err, Error::Transport { .. }), "{err:?}");
        assert!(
            text.contains("certificate") && text.contains("UnknownIssuer"),
            "{text}"
        );
    }
}

#[test]
fn a_certificate_for_another_host_fails_with_a_clear_error() {
    let ca = Ca::new("itop test CA");
    let (cert, key) = ca.server_cert(&["itop.example.test"]);
    let server = HttpsServer::start(&cert, &key);
    let dir = tempfile::tempdir().expect("temp dir");
    let err = builder(&format!("https://127.0.0.1:{}/", server.port))
        .ca_bundle(ca.pem_file(dir.path()))
        .build()
        .expect("client")
        .cron(&CronRequest::new())
        .expect_err("a wrong host name must fail");
    let text = chain(&err);
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(
        text.contains("certificate not valid for name \"127.0.0.1\""),
        "{text}"
    );
}

#[test]
fn the_insecure_switch_accepts_any_certificate() {
    let (cert, key) = Ca::new("unknown CA").server_cert(&["itop.example.test"]);
    let server = HttpsServer::start(&cert, &key);
    let report = builder(&format!("https://127.0.0.1:{}/", server.port))
        .danger_accept_invalid_certs(true)
        .build()
        .expect("client")
        .cron(&CronRequest::new())
        .expect("insecure cron");
    assert!(report.exited.is_some());
}

#[test]
fn a_ca_bundle_without_certificate_is_refused_at_build() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("empty.pem");
    std::fs::write(&path, "not a certificate\n").expect("write");
    let err = builder("https://127.0.0.1:1/")
        .ca_bundle(&path)
        .build()
        .expect_err("no certificate");
    assert!(
        matches!(
            err,
            Error::InvalidRequest {
                field: "ca_bundle",
                ..
            }
        ),
        "{err:?}"
    );
    let missing = builder("https://127.0.0.1:1/")
        .ca_bundle(dir.path().join("missing.pem"))
        .build()
        .expect_err("missing file");
    assert!(matches!(missing, Error::Io { .. }), "{missing:?}");
}

// ---- the `itop` binary ----

fn itop_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable");
    let binary = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>")
        .join("itop");
    assert!(
        binary.exists(),
        "{} not found: run `cargo test --workspace` (or `cargo build -p itop-cli` first)",
        binary.display()
    );
    binary
}

fn itop(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(itop_binary())
        .env_remove("ITOP_URL")
        .env_remove("HTTPS_PROXY")
        .env_remove("HTTP_PROXY")
        .env_remove("ALL_PROXY")
        .env("ITOP_USER", "admin")
        .env("ITOP_PWD", "pw")
        .args(args)
        .output()
        .expect("run itop");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_cli_verifies_certificates_and_warns_when_told_not_to() {
    let ca = Ca::new("itop test CA");
    let (cert, key) = ca.server_cert(&["127.0.0.1"]);
    let server = HttpsServer::start(&cert, &key);
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("https://127.0.0.1:{}/", server.port);
    let bundle = ca.pem_file(dir.path());

    let (code, _, stderr) = itop(&["--url", &url, "cron"]);
    assert_eq!(code, 7, "{stderr}");
    assert!(stderr.contains("UnknownIssuer"), "{stderr}");

    let (code, stdout, stderr) = itop(&[
        "--url",
        &url,
        "--ca-bundle",
        &bundle.to_string_lossy(),
        "cron",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    assert!(
        stdout.contains("1796394054") || stdout.contains("2026"),
        "{stdout}"
    );

    let (code, _, stderr) = itop(&["--url", &url, "--insecure", "cron"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("warning: --insecure"), "{stderr}");
}

// ---- proxies ----

/// A loopback CONNECT proxy that is also the iTop behind it: it records
/// each `CONNECT` line, opens the "tunnel" and answers the request sent
/// through it with the cron page.
struct Proxy {
    address: std::net::SocketAddr,
    connects: Arc<std::sync::Mutex<Vec<String>>>,
    _thread: JoinHandle<()>,
}

impl Proxy {
    fn start() -> Proxy {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        let address = listener.local_addr().expect("address");
        let connects = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = Arc::clone(&connects);
        // Serves until the test process ends (each test makes its own).
        let thread = thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                tunnel(stream, &seen);
            }
        });
        Proxy {
            address,
            connects,
            _thread: thread,
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    fn connects(&self) -> Vec<String> {
        self.connects.lock().expect("lock").clone()
    }
}

/// Reads up to the end of a head (`\r\n\r\n`), byte by byte.
fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// One proxied exchange; the CONNECT line is recorded before anything is
/// answered, so a test that got its answer always finds it.
fn tunnel(mut stream: TcpStream, seen: &std::sync::Mutex<Vec<String>>) -> Option<()> {
    let connect = read_head(&mut stream)?;
    let line = connect.lines().next()?.to_owned();
    seen.lock().expect("lock").push(line);
    stream
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .ok()?;
    let head = read_head(&mut stream)?;
    let length: u64 = head
        .to_ascii_lowercase()
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    std::io::copy(&mut (&mut stream).take(length), &mut std::io::sink()).ok()?;
    let answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{CRON_PAGE}",
        CRON_PAGE.len()
    );
    stream.write_all(answer.as_bytes()).ok()?;
    Some(())
}

#[test]
fn a_configured_proxy_carries_the_request() {
    let proxy = Proxy::start();
    // The iTop host is never resolved nor reached: the proxy answers.
    let report = builder("http://itop.example.test/itop")
        .proxy(ProxySetting::Url(proxy.url()))
        .build()
        .expect("client")
        .cron(&CronRequest::new())
        .expect("cron through the proxy");
    assert!(report.exited.is_some());
    assert_eq!(
        proxy.connects(),
        ["CONNECT itop.example.test:80 HTTP/1.1".to_owned()]
    );
}

#[test]
fn the_environment_proxy_is_used_but_never_for_a_loopback_itop() {
    let proxy = Proxy::start();
    let itop = FaultServer::serve(Reply::new(200, CRON_PAGE)).expect("itop");
    let run = |url: &str, extra: &[&str]| {
        let output = Command::new(itop_binary())
            .env("HTTP_PROXY", proxy.url())
            .env("http_proxy", proxy.url())
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .env("ITOP_USER", "admin")
            .env("ITOP_PWD", "pw")
            .args(["--url", url])
            .args(extra)
            .arg("cron")
            .output()
            .expect("run itop");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(0), "{url}: {stderr}");
    };
    run("http://itop.example.test/", &[]);
    assert_eq!(
        proxy.connects().len(),
        1,
        "the environment's proxy was not used"
    );
    assert_eq!(itop.hits(), 0);

    run(&itop.url(), &[]);
    assert_eq!(
        proxy.connects().len(),
        1,
        "a loopback iTop went through the proxy"
    );
    assert_eq!(itop.hits(), 1);

    // --proxy wins over the environment.
    let other = Proxy::start();
    run("http://itop.example.test/", &["--proxy", &other.url()]);
    assert_eq!((proxy.connects().len(), other.connects().len()), (1, 1));
}
