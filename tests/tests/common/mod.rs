//! What every integration test needs: an iTop to talk to.
//!
//! By default each test starts its own loopback imitation of iTop
//! (`itop_tests::TestServer`). When `ITOP_TEST_URL`, `ITOP_TEST_USER` and
//! `ITOP_TEST_PWD` are set, the tests talk to that iTop instead and start
//! nothing; tests that need the imitation's extra accounts (a reader, a
//! portal user, a data source owner) read them from `ITOP_TEST_READER_*`,
//! `ITOP_TEST_PORTAL_*` and `ITOP_TEST_SYNC_*`, and are skipped (with a
//! message) when those are not given.

#![allow(dead_code, reason = "each test binary uses a different part")]

use std::sync::atomic::{AtomicU32, Ordering};

use itop_core::{AuthChannel, Client, Credentials, Secret};
use itop_tests::{ServerConfig, TestServer};

/// An account of the iTop under test.
#[derive(Debug, Clone)]
pub struct Account {
    pub login: String,
    pub password: String,
}

/// The iTop under test: the loopback imitation, or a real one.
pub struct Itop {
    pub url: String,
    pub admin: Account,
    /// Kept alive for the test's duration; `None` against a real iTop.
    pub server: Option<TestServer>,
    /// Data source ids (Person, Server) to use.
    pub person_source: u32,
    pub server_source: u32,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn account(prefix: &str) -> Option<Account> {
    Some(Account {
        login: env(&format!("{prefix}_USER"))?,
        password: env(&format!("{prefix}_PWD"))?,
    })
}

impl Itop {
    /// The real iTop from the environment, or a fresh loopback imitation.
    pub fn start() -> Itop {
        Itop::start_with(ServerConfig::default())
    }

    /// As [`Itop::start`], with a configured imitation.
    pub fn start_with(config: ServerConfig) -> Itop {
        if let (Some(url), Some(admin)) = (env("ITOP_TEST_URL"), account("ITOP_TEST")) {
            return Itop {
                url,
                admin,
                server: None,
                person_source: env("ITOP_TEST_PERSON_SOURCE").map_or(1, |v| v.parse().unwrap()),
                server_source: env("ITOP_TEST_SERVER_SOURCE").map_or(2, |v| v.parse().unwrap()),
            };
        }
        let server = TestServer::start(config).expect("start the loopback iTop");
        Itop {
            url: server.url(),
            admin: Account {
                login: itop_tests::ADMIN_USER.into(),
                password: itop_tests::ADMIN_PWD.into(),
            },
            server: Some(server),
            person_source: 1,
            server_source: 2,
        }
    }

    /// True against the loopback imitation.
    pub fn is_imitation(&self) -> bool {
        self.server.is_some()
    }

    /// Another account of the imitation, or of the real iTop when its
    /// variables are set; `None` (test skipped) otherwise.
    pub fn other(&self, which: &str) -> Option<Account> {
        if self.is_imitation() {
            let (login, password) = match which {
                "reader" => (itop_tests::READER_USER, itop_tests::READER_PWD),
                "portal" => (itop_tests::PORTAL_USER, itop_tests::PORTAL_PWD),
                "sync" => (itop_tests::SYNC_USER, itop_tests::SYNC_PWD),
                other => panic!("no account {other}"),
            };
            return Some(Account {
                login: login.into(),
                password: password.into(),
            });
        }
        let found = account(&format!("ITOP_TEST_{}", which.to_uppercase()));
        if found.is_none() {
            eprintln!(
                "skipped: ITOP_TEST_{}_USER/_PWD not set",
                which.to_uppercase()
            );
        }
        found
    }

    /// A client logged in as the administrator.
    pub fn client(&self) -> Client {
        self.client_as(&self.admin, AuthChannel::Form)
    }

    /// A client logged in as `account`, credentials sent through `channel`.
    pub fn client_as(&self, account: &Account, channel: AuthChannel) -> Client {
        Client::builder()
            .url(&self.url)
            .credentials(Credentials::password(
                account.login.clone(),
                Secret::new(account.password.clone()),
            ))
            .auth_channel(channel)
            .build()
            .expect("client")
    }

    /// A client with the administrator's login and a wrong password.
    pub fn client_with_wrong_password(&self, channel: AuthChannel) -> Client {
        let wrong = Account {
            login: self.admin.login.clone(),
            password: "Wr0ng-password".into(),
        };
        self.client_as(&wrong, channel)
    }
}

/// A name unique to this test run, so that tests sharing a real iTop do not
/// see each other's rows.
pub fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let pid = std::process::id();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}{pid}x{nanos}x{n}")
}

/// CSV for one organization and `count` people in it; emails are unique.
pub fn people_csv(org: &str, tag: &str, count: usize) -> (String, String) {
    let orgs = format!(
        "name,code,status\n\"{org}\",\"{}\",active\n",
        &tag[..tag.len().min(20)]
    );
    let mut people = String::from("first_name,name,org_id->name,email,function\n");
    for i in 0..count {
        people.push_str(&format!(
            "\"Zoé{i}\",\"Müller\",\"{org}\",\"p{i}.{tag}@test.example\",\"Analyst, senior\"\n"
        ));
    }
    (orgs, people)
}
