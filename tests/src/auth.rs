//! The accounts of the standard fixture set and web login as iTop 3.2 does
//! it with the default login types `form|external|basic` (PROTOCOL.md
//! §1.5.2): HTTP Basic wins, then POST-body form fields; query-string
//! credentials and `param_file` never log in.

use base64::Engine;

use crate::http::Request;
use crate::params::Params;

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Profile {
    Administrator,
    /// May bulk-modify Person and Server.
    ConfigurationManager,
    /// May log in and export, nothing more.
    ServiceDesk,
    /// Refused by the back-office services.
    Portal,
}

/// One account.
#[derive(Debug)]
pub(crate) struct Account {
    pub login: &'static str,
    pub password: &'static str,
    pub profile: Profile,
}

/// The accounts of the fixture set.
pub(crate) const ACCOUNTS: &[Account] = &[
    Account {
        login: crate::ADMIN_USER,
        password: crate::ADMIN_PWD,
        profile: Profile::Administrator,
    },
    Account {
        login: crate::READER_USER,
        password: crate::READER_PWD,
        profile: Profile::ServiceDesk,
    },
    Account {
        login: crate::SYNC_USER,
        password: crate::SYNC_PWD,
        profile: Profile::ConfigurationManager,
    },
    Account {
        login: crate::PORTAL_USER,
        password: crate::PORTAL_PWD,
        profile: Profile::Portal,
    },
];

impl Account {
    /// Holds the Administrator profile.
    pub fn is_admin(&self) -> bool {
        self.profile == Profile::Administrator
    }

    /// May run `import.php` on that class.
    pub fn can_bulk_modify(&self, class: &str) -> bool {
        match self.profile {
            Profile::Administrator => true,
            Profile::ConfigurationManager => class == "Person" || class == "Server",
            Profile::ServiceDesk | Profile::Portal => false,
        }
    }

    /// May export that class.
    pub fn can_bulk_read(&self, class: &str) -> bool {
        self.is_admin() || class != "UserLocal"
    }
}

/// The result of a web login attempt.
#[derive(Debug)]
pub(crate) enum Login {
    Ok(&'static Account),
    /// No usable credentials (none, query string only, empty field).
    Missing,
    /// Wrong form credentials; the login is echoed by the login page.
    WrongForm(String),
    /// Wrong HTTP Basic credentials.
    WrongBasic,
    /// A portal-only account.
    Portal,
}

fn check(login: &str, password: &str) -> Option<&'static Account> {
    ACCOUNTS
        .iter()
        .find(|account| account.login == login && account.password == password)
}

fn accepted(account: &'static Account) -> Login {
    if account.profile == Profile::Portal {
        Login::Portal
    } else {
        Login::Ok(account)
    }
}

/// `user:password` of a Basic header, split at every `:` like iTop (a
/// third piece is lost).
fn basic_credentials(header: &str) -> Option<(String, String)> {
    let (scheme, encoded) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8_lossy(&decoded).into_owned();
    let mut pieces = decoded.split(':');
    let user = pieces.next().unwrap_or_default().to_owned();
    Some((user, pieces.next().unwrap_or_default().to_owned()))
}

/// Logs the request in.
pub(crate) fn login(request: &Request, params: &Params) -> Login {
    if let Some((user, password)) = request.header("authorization").and_then(basic_credentials) {
        return check(&user, &password).map_or(Login::WrongBasic, accepted);
    }
    let field = |name| {
        params
            .body_bytes(name)
            .map(|v| String::from_utf8_lossy(v).into_owned())
    };
    let (user, password) = (
        field("auth_user").unwrap_or_default(),
        field("auth_pwd").unwrap_or_default(),
    );
    if user.is_empty() || password.is_empty() || password == "0" {
        return Login::Missing;
    }
    check(&user, &password).map_or(Login::WrongForm(user), accepted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::parse_urlencoded;

    fn attempt(authorization: Option<&str>, query: &str, body: &str) -> Login {
        let mut request = Request::default();
        if let Some(value) = authorization {
            request.headers.push(("Authorization".into(), value.into()));
        }
        let params = Params {
            query: parse_urlencoded(query.as_bytes()),
            body: parse_urlencoded(body.as_bytes()),
            file: Vec::new(),
        };
        login(&request, &params)
    }

    fn basic(text: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(text)
        )
    }

    #[test]
    fn basic_wins_over_form_fields() {
        let body = "auth_user=admin&auth_pwd=Adm1n-secret";
        assert!(matches!(
            attempt(Some(&basic("admin:bad")), "", body),
            Login::WrongBasic
        ));
        let ok = attempt(Some(&basic("reader:Re4der-pwd")), "", body);
        assert!(matches!(ok, Login::Ok(account) if account.login == "reader"));
    }

    #[test]
    fn query_string_credentials_do_not_log_in() {
        assert!(matches!(
            attempt(None, "auth_user=admin&auth_pwd=Adm1n-secret", ""),
            Login::Missing
        ));
    }

    #[test]
    fn form_failures_and_portal_users() {
        let wrong = attempt(None, "", "auth_user=admin&auth_pwd=nope");
        assert!(matches!(wrong, Login::WrongForm(login) if login == "admin"));
        let portal = attempt(None, "", "auth_user=portaluser&auth_pwd=P0rtal-pwd");
        assert!(matches!(portal, Login::Portal));
        assert!(matches!(
            attempt(None, "", "auth_user=admin&auth_pwd=0"),
            Login::Missing
        ));
    }

    #[test]
    fn basic_splits_at_every_colon() {
        assert_eq!(
            basic_credentials(&basic("a:b:c")),
            Some(("a".into(), "b".into()))
        );
    }
}
