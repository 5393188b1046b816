//! The listening side: one accept thread, one thread per connection, the
//! shared state (store, recorded requests, cron lock) and the
//! [`TestServer`] handle whose `Drop` stops and joins everything.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, BufReader};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::config::ServerConfig;
use crate::http::{self, Request};
use crate::params::Params;
use crate::services;
use crate::store::Store;

/// How long a connection may stay silent before it is dropped.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// A request as the server received it, for tests to inspect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, without the query string.
    pub path: String,
    /// Decoded query-string pairs, in order.
    pub query: Vec<(String, String)>,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// Decoded form fields of the body (empty when the body was dropped
    /// for exceeding `max_body_bytes`).
    pub body_fields: Vec<(String, String)>,
}

/// State shared by every connection.
#[derive(Debug)]
pub(crate) struct State {
    pub config: ServerConfig,
    store: Mutex<Store>,
    requests: Mutex<Vec<RecordedRequest>>,
    /// Held while a `cron.php` run is in progress.
    pub cron_running: AtomicBool,
    pub base_url: String,
    cookie_name: String,
    sessions: AtomicU64,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn random_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(crate::dates::unix_now() as u64);
    hasher.finish()
}

impl State {
    /// Reads the store.
    pub fn read<R>(&self, action: impl FnOnce(&Store) -> R) -> R {
        action(&lock(&self.store))
    }

    /// Changes the store, then saves it to the state file if there is one.
    pub fn write<R>(&self, action: impl FnOnce(&mut Store) -> R) -> R {
        let mut store = lock(&self.store);
        let result = action(&mut store);
        if let Some(path) = &self.config.state_file
            && let Err(err) = store.save(path)
        {
            log::warn!("cannot save {}: {err}", path.display());
        }
        result
    }

    /// A new session cookie, `itop-<hex>=<id>`.
    fn cookie(&self) -> String {
        const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuv";
        let mut seed = random_u64() ^ self.sessions.fetch_add(1, Ordering::Relaxed);
        let mut id = String::new();
        for _ in 0..26 {
            id.push(char::from(DIGITS[(seed % 32) as usize]));
            seed = seed.rotate_right(5) ^ 0x9E37_79B9_7F4A_7C15;
        }
        format!("{}={id}", self.cookie_name)
    }
}

/// A running imitation of iTop on loopback. Dropping it stops accepting
/// connections and joins every thread.
#[derive(Debug)]
pub struct TestServer {
    state: Arc<State>,
    address: SocketAddr,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

fn load_store(config: &ServerConfig) -> io::Result<Store> {
    match &config.state_file {
        Some(path) if path.exists() => Store::load(path),
        _ => Ok(Store::seeded()),
    }
}

impl TestServer {
    /// Binds the configured address and starts serving.
    ///
    /// # Errors
    ///
    /// The address cannot be bound, or the state file exists but cannot be
    /// read as a store.
    pub fn start(config: ServerConfig) -> io::Result<TestServer> {
        let listener = TcpListener::bind(config.bind)?;
        let address = listener.local_addr()?;
        let state = Arc::new(State {
            store: Mutex::new(load_store(&config)?),
            config,
            requests: Mutex::new(Vec::new()),
            cron_running: AtomicBool::new(false),
            base_url: format!("http://{address}"),
            cookie_name: format!("itop-{:016x}{:016x}", random_u64(), random_u64()),
            sessions: AtomicU64::new(0),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let acceptor = {
            let (state, stop) = (Arc::clone(&state), Arc::clone(&stop));
            thread::spawn(move || accept_loop(&listener, &state, &stop))
        };
        Ok(TestServer {
            state,
            address,
            stop,
            acceptor: Some(acceptor),
        })
    }

    /// The iTop base URL, `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        self.state.base_url.clone()
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.requests).clone()
    }

    /// Reads the store (unit tests only).
    #[cfg(test)]
    pub(crate) fn state_for_tests<R>(&self, action: impl FnOnce(&Store) -> R) -> R {
        self.state.read(action)
    }

    /// How many objects of `class` the store holds.
    pub fn count(&self, class: &str) -> usize {
        self.state.read(|store| store.count(class))
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let mut wake = self.address;
        if wake.ip().is_unspecified() {
            wake.set_ip(Ipv4Addr::LOCALHOST.into());
        }
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn accept_loop(listener: &TcpListener, state: &Arc<State>, stop: &AtomicBool) {
    let mut workers: Vec<JoinHandle<()>> = Vec::new();
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        workers.retain(|worker| !worker.is_finished());
        let state = Arc::clone(state);
        workers.push(thread::spawn(move || serve(&state, stream)));
    }
    for worker in workers {
        let _ = worker.join();
    }
}

fn text_pairs(fields: &[(String, Vec<u8>)]) -> Vec<(String, String)> {
    let text = |(key, value): &(String, Vec<u8>)| {
        (key.clone(), String::from_utf8_lossy(value).into_owned())
    };
    fields.iter().map(text).collect()
}

fn record(state: &State, request: &Request) {
    let params = Params::from_request(request);
    let recorded = RecordedRequest {
        method: request.method.clone(),
        path: request.path.clone(),
        query: text_pairs(&params.query),
        headers: request.headers.clone(),
        body_fields: text_pairs(&params.body),
    };
    lock(&state.requests).push(recorded);
}

fn serve(state: &State, stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    let request = match http::read_request(&mut reader, &mut writer, state.config.max_body_bytes) {
        Ok(request) => request,
        Err(err) => {
            log::debug!("unreadable request: {err}");
            return;
        }
    };
    record(state, &request);
    let response = services::handle(state, &request);
    let host = request
        .header("host")
        .unwrap_or(&state.base_url["http://".len()..])
        .to_owned();
    if let Err(err) = http::write_response(&mut writer, &response, &host, &state.cookie()) {
        log::debug!("cannot answer: {err}");
    }
    let _ = writer.shutdown(Shutdown::Write);
}
