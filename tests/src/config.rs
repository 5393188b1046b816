//! How a [`crate::TestServer`] is set up: address, body limit, state file
//! and the length of a cron run.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// Settings of a [`crate::TestServer`].
///
/// `Default` gives the standard fixture set: accounts `admin`, `reader`,
/// `syncuser`, `portaluser` (see the crate constants); organizations
/// 1 `My Company/Department` (the demo organization), 2-4 `Lab Org A`-`C`, 5 `Société Générale Lab`, 6-9
/// `Lab Org F`, `D`, `E; with semicolon`, `G`; eight persons (2 = Alice
/// Anderson, `alice.anderson@lab.example`, Lab Org A, no function yet);
/// data source 1 `Lab Person Source` (Person, owner `syncuser`, reconciled
/// on `email`) and 2 `Lab Server Source` (Server, owner `admin`, reconciled
/// on `name`); query phrasebook entry 14 (Person,
/// `first_name,name,email,org_id->name`).
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub(crate) max_body_bytes: Option<usize>,
    pub(crate) state_file: Option<PathBuf>,
    pub(crate) cron_duration: Duration,
    pub(crate) bind: SocketAddr,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_body_bytes: None,
            state_file: None,
            cron_duration: Duration::from_millis(200),
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        }
    }
}

impl ServerConfig {
    /// Like PHP's `post_max_size`: a request body bigger than `n` bytes is
    /// dropped entirely (every POST field empty, credentials included).
    /// Default: no limit.
    pub fn max_body_bytes(mut self, n: Option<usize>) -> Self {
        self.max_body_bytes = n;
        self
    }

    /// A JSON file holding the store: loaded at start if it exists, written
    /// after each change. Default: none (memory only).
    pub fn state_file(mut self, path: Option<PathBuf>) -> Self {
        self.state_file = path;
        self
    }

    /// How long a normal `cron.php` run lasts. Default 0.2 s (iTop: 600 s).
    pub fn cron_duration(mut self, duration: Duration) -> Self {
        self.cron_duration = duration;
        self
    }

    /// The address to listen on. Default `127.0.0.1:0` (a free port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }
}
