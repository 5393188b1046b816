//! Who logs in, and how the credentials travel.

use crate::Secret;

/// An iTop account, or an application token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    /// Login and password (`auth_user`, `auth_pwd`).
    Password {
        /// The login.
        login: String,
        /// The password.
        password: Secret,
    },
    /// An iTop application or personal token (`auth_token`). The server
    /// must allow the `token` login mode; HTTP only.
    Token(Secret),
}

impl Credentials {
    /// Login and password.
    pub fn password(login: impl Into<String>, password: impl Into<Secret>) -> Credentials {
        Credentials::Password {
            login: login.into(),
            password: password.into(),
        }
    }

    /// The login, if any.
    pub fn login(&self) -> Option<&str> {
        match self {
            Credentials::Password { login, .. } => Some(login),
            Credentials::Token(_) => None,
        }
    }
}

/// How credentials are sent over HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthChannel {
    /// As the POST fields `auth_user` and `auth_pwd` (the default; works
    /// with any password).
    #[default]
    Form,
    /// As an `Authorization: Basic` header. iTop splits it at every `:`, so
    /// a password containing `:` is refused before sending.
    Basic,
}
