//! `itop_client_builder` and `itop_client`: one configured connection.

use std::ffi::c_char;
use std::path::PathBuf;
use std::time::Duration;

use itop_core::{Client, ClientBuilder, Credentials, ProxySetting};

use crate::enums;
use crate::guard::{Failure, guard, guard_free};
use crate::ptr::{self, Out};
use crate::status::itop_status;

/// The settings of a client, filled by setters, then built with
/// `itop_client_build`. Not thread-safe; free with
/// `itop_client_builder_free`.
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug, Default)]
pub struct itop_client_builder {
    builder: ClientBuilder,
    param_files: Vec<PathBuf>,
}

/// A client of one iTop instance. Immutable once built: it may be used
/// from several threads at once. Free with `itop_client_free`.
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug)]
pub struct itop_client {
    pub(crate) client: Client,
}

/// Applies `change` to the builder at `builder`.
fn update(
    builder: *mut itop_client_builder,
    change: impl FnOnce(&mut itop_client_builder) -> Result<(), Failure>,
) -> itop_status {
    guard(|| change(ptr::as_mut(builder, "builder")?))
}

/// Replaces the core builder by `step(old)`.
fn step(target: &mut itop_client_builder, step: impl FnOnce(ClientBuilder) -> ClientBuilder) {
    let old = std::mem::take(&mut target.builder);
    target.builder = step(old);
}

/// Makes an empty builder in `*builder_out` (no URL, no credentials).
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_builder_new(
    builder_out: *mut *mut itop_client_builder,
) -> itop_status {
    guard(|| {
        let out = Out::new(builder_out, "builder_out")?;
        ptr::write_box(out, itop_client_builder::default());
        Ok(())
    })
}

/// Frees a builder. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_builder_free(builder: *mut itop_client_builder) {
    guard_free(|| ptr::free_box(builder));
}

/// Sets the base URL of iTop (the folder holding `webservices/`), e.g.
/// `http://127.0.0.1:8080`. Checked by `itop_client_build`.
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_builder_url(
    builder: *mut itop_client_builder,
    url: *const c_char,
) -> itop_status {
    update(builder, |b| {
        let url = ptr::as_str(url, "url")?.to_owned();
        step(b, |core| core.url(url));
        Ok(())
    })
}

/// Runs the services as `php -q <itop_root>/<script>` on this host
/// instead of HTTP (command-line mode).
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_builder_itop_root(
    builder: *mut itop_client_builder,
    itop_root: *const c_char,
) -> itop_status {
    update(builder, |b| {
        let root = PathBuf::from(ptr::as_str(itop_root, "itop_root")?);
        step(b, |core| core.itop_root(root));
        Ok(())
    })
}

/// The PHP executable of command-line mode; `php` from `PATH` by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_builder_php(
    builder: *mut itop_client_builder,
    php: *const c_char,
) -> itop_status {
    update(builder, |b| {
        let php = PathBuf::from(ptr::as_str(php, "php")?);
        step(b, |core| core.php(php));
        Ok(())
    })
}

/// Adds a parameters file passed to iTop in command-line mode (before the
/// private one holding the credentials). Call once per file, in order.
/// With a URL instead of an iTop root, `itop_client_build` refuses the
/// builder: over HTTP iTop would read a file of that name on the server.
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_builder_param_file(
    builder: *mut itop_client_builder,
    path: *const c_char,
) -> itop_status {
    update(builder, |b| {
        b.param_files
            .push(PathBuf::from(ptr::as_str(path, "path")?));
        Ok(())
    })
}

/// Logs in with a login and password.
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_builder_password(
    builder: *mut itop_client_builder,
    login: *const c_char,
    password: *const c_char,
) -> itop_status {
    update(builder, |b| {
        let login = ptr::as_str(login, "login")?.to_owned();
        let password = ptr::as_str(password, "password")?.to_owned();
        step(b, |core| {
            core.credentials(Credentials::password(login, password))
        });
        Ok(())
    })
}

/// Logs in with an iTop application or personal token (HTTP only).
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_builder_token(
    builder: *mut itop_client_builder,
    token: *const c_char,
) -> itop_status {
    update(builder, |b| {
        let token = ptr::as_str(token, "token")?.to_owned();
        step(b, |core| core.credentials(Credentials::Token(token.into())));
        Ok(())
    })
}

/// How credentials travel over HTTP: one of `ITOP_AUTH_CHANNEL_*`
/// (`FORM` by default).
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_builder_auth_channel(
    builder: *mut itop_client_builder,
    channel: u32,
) -> itop_status {
    update(builder, |b| {
        let channel = enums::auth_channel(channel)?;
        step(b, |core| core.auth_channel(channel));
        Ok(())
    })
}

/// Lets a credential that a parameters file cannot carry go on the `php`
/// command line (command-line mode). Off by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_builder_allow_secrets_on_argv(
    builder: *mut itop_client_builder,
    allow: bool,
) -> itop_status {
    update(builder, |b| {
        step(b, |core| core.allow_secrets_on_argv(allow));
        Ok(())
    })
}

/// Time allowed to connect, in milliseconds; 30 s by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_builder_connect_timeout_ms(
    builder: *mut itop_client_builder,
    ms: u64,
) -> itop_status {
    update(builder, |b| {
        step(b, |core| core.connect_timeout(Duration::from_millis(ms)));
        Ok(())
    })
}

/// Time allowed for a whole call, in milliseconds; by default 15 minutes
/// for cron and 4 hours for the other services.
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_builder_timeout_ms(
    builder: *mut itop_client_builder,
    ms: u64,
) -> itop_status {
    update(builder, |b| {
        step(b, |core| core.timeout(Duration::from_millis(ms)));
        Ok(())
    })
}

/// The `User-Agent` header; `itop-rs/<version>` by default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_builder_user_agent(
    builder: *mut itop_client_builder,
    user_agent: *const c_char,
) -> itop_status {
    update(builder, |b| {
        let agent = ptr::as_str(user_agent, "user_agent")?.to_owned();
        step(b, |core| core.user_agent(agent));
        Ok(())
    })
}

/// Trusts the certificate authorities of the PEM file at `path` instead
/// of the bundled roots (for an iTop behind a company CA). Unset by
/// default.
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_builder_ca_bundle(
    builder: *mut itop_client_builder,
    path: *const c_char,
) -> itop_status {
    update(builder, |b| {
        let path = PathBuf::from(ptr::as_str(path, "path")?);
        step(b, |core| core.ca_bundle(path));
        Ok(())
    })
}

/// The proxy of HTTP calls: a URL such as `http://proxy.example:3128`
/// (credentials may be given as `http://user:password@host:port`; checked
/// by `itop_client_build`), or `"none"` for no proxy at all. By default
/// the proxy comes from the environment (`HTTPS_PROXY`, `HTTP_PROXY`,
/// `ALL_PROXY`, `NO_PROXY`) and is never used for a loopback iTop; a proxy
/// set here is used for every iTop, loopback included.
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_builder_proxy(
    builder: *mut itop_client_builder,
    proxy: *const c_char,
) -> itop_status {
    update(builder, |b| {
        let setting = match ptr::as_str(proxy, "proxy")? {
            "none" => ProxySetting::Direct,
            url => ProxySetting::Url(url.to_owned()),
        };
        step(b, |core| core.proxy(setting));
        Ok(())
    })
}

/// DANGEROUS: with `insecure` true, HTTPS certificates and host names are
/// not checked, so anyone on the network path can pose as iTop and read
/// the credentials and the data. For throw-away test instances only;
/// prefer `itop_client_builder_ca_bundle` for a company CA. Off by
/// default; logged as a warning when on.
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_builder_danger_accept_invalid_certs(
    builder: *mut itop_client_builder,
    insecure: bool,
) -> itop_status {
    update(builder, |b| {
        step(b, |core| core.danger_accept_invalid_certs(insecure));
        Ok(())
    })
}

/// Checks the settings and makes a client in `*client_out`. The builder
/// is left as it was (free it, or build again).
///
/// Fails with `ITOP_STATUS_INVALID_REQUEST` when neither a URL nor an iTop
/// root is set, or both, when the URL is not `http(s)://host...` without
/// query string and credentials, or when parameters files are set with a
/// URL.
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_build(
    builder: *const itop_client_builder,
    client_out: *mut *mut itop_client,
) -> itop_status {
    guard(|| {
        let builder = ptr::as_ref(builder, "builder")?;
        let out = Out::new(client_out, "client_out")?;
        let core = builder
            .builder
            .clone()
            .param_files(builder.param_files.clone());
        let client = core.build()?;
        ptr::write_box(out, itop_client { client });
        Ok(())
    })
}

/// Frees a client. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn itop_client_free(client: *mut itop_client) {
    guard_free(|| ptr::free_box(client));
}

#[cfg(test)]
mod tests {
    use std::ptr::{null, null_mut};

    use super::*;
    use crate::last_error;

    #[test]
    fn null_arguments_are_errors() {
        assert_eq!(
            itop_client_builder_new(null_mut()),
            itop_status::NullArgument
        );
        assert_eq!(
            itop_client_builder_url(null_mut(), c"http://h".as_ptr()),
            itop_status::NullArgument
        );
        assert_eq!(last_error::message(), "builder is NULL");
        let mut builder = itop_client_builder::default();
        assert_eq!(
            itop_client_builder_url(&mut builder, null()),
            itop_status::NullArgument
        );
        assert_eq!(
            itop_client_build(&builder, null_mut()),
            itop_status::NullArgument
        );
        itop_client_builder_free(null_mut());
        itop_client_free(null_mut());
    }

    #[test]
    fn build_checks_the_url_and_leaves_the_out_parameter_alone() {
        let mut builder = itop_client_builder::default();
        assert_eq!(
            itop_client_builder_url(&mut builder, c"ftp://h".as_ptr()),
            itop_status::Ok
        );
        let mut client: *mut itop_client = null_mut();
        assert_eq!(
            itop_client_build(&builder, &mut client),
            itop_status::InvalidRequest
        );
        assert!(client.is_null());
        assert!(
            last_error::message().starts_with("invalid url: "),
            "{}",
            last_error::message()
        );

        assert_eq!(
            itop_client_builder_url(&mut builder, c"http://127.0.0.1:1".as_ptr()),
            itop_status::Ok
        );
        assert_eq!(
            itop_client_builder_auth_channel(&mut builder, 9),
            itop_status::InvalidRequest
        );
        assert_eq!(itop_client_build(&builder, &mut client), itop_status::Ok);
        assert!(!client.is_null());
        itop_client_free(client);
    }

    #[test]
    fn a_bad_proxy_url_is_refused_at_build() {
        let mut builder = itop_client_builder::default();
        let url = c"http://127.0.0.1:1".as_ptr();
        assert_eq!(itop_client_builder_url(&mut builder, url), itop_status::Ok);
        let proxy = c"not a proxy".as_ptr();
        assert_eq!(
            itop_client_builder_proxy(&mut builder, proxy),
            itop_status::Ok
        );
        let mut client: *mut itop_client = null_mut();
        let status = itop_client_build(&builder, &mut client);
        assert_eq!(status, itop_status::InvalidRequest);
        assert!(
            last_error::message().contains("proxy"),
            "{}",
            last_error::message()
        );
        let none = c"none".as_ptr();
        assert_eq!(
            itop_client_builder_proxy(&mut builder, none),
            itop_status::Ok
        );
        let insecure = itop_client_builder_danger_accept_invalid_certs(&mut builder, true);
        assert_eq!(insecure, itop_status::Ok);
        assert_eq!(itop_client_build(&builder, &mut client), itop_status::Ok);
        itop_client_free(client);
        let null = itop_client_builder_proxy(&mut builder, null());
        assert_eq!(null, itop_status::NullArgument);
    }

    #[test]
    fn invalid_utf8_is_refused() {
        let mut builder = itop_client_builder::default();
        let bad = [0xFFu8 as c_char, 0];
        assert_eq!(
            itop_client_builder_url(&mut builder, bad.as_ptr()),
            itop_status::InvalidUtf8
        );
        assert_eq!(last_error::message(), "url is not valid UTF-8");
    }
}
