//! From the global options to a configured client: URL, credentials and
//! parameters files, with iTop's precedence (command line over environment
//! over files).

use std::time::Duration;

use itop_core::{AuthChannel, Client, Credentials, ProxySetting, Secret, params::Params};

use crate::args::Global;

/// The client and the values read from parameters files.
pub struct Setup {
    pub client: Client,
    pub params: Params,
    /// True in command-line mode (`--itop-root`): no web size limits.
    pub local: bool,
}

/// A problem with the options themselves (exit code 2).
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Reads the parameters files named by `--param-file`, if any, and warns
/// about those that hold a secret other local users can read.
pub fn load_params(global: &Global) -> Result<Params, BoxError> {
    let params = match &global.param_file {
        Some(files) => Params::load(files)?,
        None => Params::new(),
    };
    for warning in exposed_secret_files(&params) {
        crate::report::warn(&warning);
    }
    // What iTop will silently read differently from what is written (a
    // password cut at '#', a key with a blank...): say so before it bites.
    for finding in params.lint(None).iter().filter(|f| f.is_change()) {
        crate::report::warn(&format!("warning: {finding} (see: itop params check)"));
    }
    Ok(params)
}

/// A warning for each file of `params` that holds a secret other local
/// users can read.
pub fn exposed_secret_files(params: &Params) -> Vec<String> {
    params
        .files()
        .iter()
        .filter_map(|file| {
            let mode = exposed_secret_file(file)?;
            Some(format!(
                "warning: {} holds a password and is readable by group or others \
                 (mode {mode:o}); run chmod 600 on it",
                file.display()
            ))
        })
        .collect()
}

/// The file's mode when it is readable by group or others and defines a
/// secret key (`auth_pwd`, a token...).
#[cfg(unix)]
fn exposed_secret_file(file: &std::path::Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;

    let mode = std::fs::metadata(file).ok()?.permissions().mode() & 0o777;
    if mode & 0o044 == 0 {
        return None;
    }
    let bytes = std::fs::read(file).ok()?;
    let params = Params::parse(&bytes, file);
    let holds_secret = params
        .iter()
        .any(|(key, value)| itop_core::params::is_secret_key(key) && !value.is_empty());
    holds_secret.then_some(mode)
}

#[cfg(not(unix))]
fn exposed_secret_file(_file: &std::path::Path) -> Option<u32> {
    None
}

pub fn build(global: &Global) -> Result<Setup, BoxError> {
    let params = load_params(global)?;
    let credentials = credentials(global, &params)?;
    let mut builder = Client::builder().credentials(credentials);
    match (&global.itop_root, &global.url) {
        (Some(root), _) => {
            builder = builder
                .itop_root(root)
                .cancel_flag(crate::signals::cancel_on_signals())
                .param_files(param_file_list(global))
                .allow_secrets_on_argv(global.allow_password_on_argv);
            if let Some(php) = &global.php {
                builder = builder.php(php);
            }
        }
        (None, Some(url)) => {
            crate::report::set_target(url);
            // Chunked uploads watch it (see `signals::stop_between_chunks`).
            builder = http_options(builder.url(url), global).cancel_flag(crate::signals::flag());
        }
        (None, None) => {
            return Err(Box::new(UsageError(
                "no iTop given: use --url URL (or ITOP_URL), or --itop-root DIR on the iTop host"
                    .to_owned(),
            )));
        }
    }
    if global.basic {
        builder = builder.auth_channel(AuthChannel::Basic);
    }
    if global.timeout == Some(0) {
        return Err(Box::new(UsageError(
            "--timeout 0 would fail every call: give seconds, at least 1".to_owned(),
        )));
    }
    if let Some(seconds) = global.timeout {
        builder = builder.timeout(Duration::from_secs(seconds));
    }
    Ok(Setup {
        client: builder.build()?,
        params,
        local: global.itop_root.is_some(),
    })
}

/// TLS and proxy options of the HTTP transport.
fn http_options(
    mut builder: itop_core::ClientBuilder,
    global: &Global,
) -> itop_core::ClientBuilder {
    if let Some(bundle) = &global.ca_bundle {
        builder = builder.ca_bundle(bundle);
    }
    if global.insecure {
        crate::report::warn(
            "warning: --insecure: the server's certificate is not checked; \
             anyone on the network path can read the credentials",
        );
        builder = builder.danger_accept_invalid_certs(true);
    }
    if global.no_proxy {
        builder = builder.proxy(ProxySetting::Direct);
    } else if let Some(proxy) = &global.proxy {
        builder = builder.proxy(ProxySetting::Url(proxy.clone()));
    }
    builder
}

/// The `--param-file` list as iTop splits it.
fn param_file_list(global: &Global) -> Vec<std::path::PathBuf> {
    let Some(files) = &global.param_file else {
        return Vec::new();
    };
    files
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty() && *f != "0")
        .map(|f| std::fs::canonicalize(f).unwrap_or_else(|_| f.into()))
        .collect()
}

fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn credentials(global: &Global, params: &Params) -> Result<Credentials, BoxError> {
    if global.password.is_some() {
        crate::report::warn(
            "warning: --password puts the password where other local users can read it; \
             prefer ITOP_PWD or a parameters file",
        );
    }
    let login = global
        .user
        .clone()
        .or_else(|| env_value("ITOP_USER"))
        .or_else(|| params.get("auth_user").map(str::to_owned));
    let password = global
        .password
        .clone()
        .or_else(|| env_value("ITOP_PWD"))
        .or_else(|| params.get("auth_pwd").map(str::to_owned));
    // Where each came from (never the values), for `-v`: a stale ITOP_PWD
    // winning over a file is a classic.
    let from = |flag: bool, env: &str, key: &str| {
        if flag {
            "the command line".to_owned()
        } else if env_value(env).is_some() {
            env.to_owned()
        } else {
            params
                .origin(key)
                .and_then(|o| o.path.as_ref())
                .map_or("nowhere".to_owned(), |p| format!("{}", p.display()))
        }
    };
    log::info!(
        "login from {}, password from {}",
        from(global.user.is_some(), "ITOP_USER", "auth_user"),
        from(global.password.is_some(), "ITOP_PWD", "auth_pwd")
    );
    match (login, password) {
        (Some(login), Some(password)) => Ok(Credentials::password(login, Secret::new(password))),
        (None, _) => Err(Box::new(UsageError(
            "no login: give --user, set ITOP_USER, or put auth_user in a --param-file".to_owned(),
        ))),
        (Some(_), None) => Err(Box::new(UsageError(
            "no password: set ITOP_PWD or put auth_pwd in a --param-file".to_owned(),
        ))),
    }
}

/// A value from the command line, else from the parameters files.
pub fn pick(flag: Option<&str>, params: &Params, key: &str) -> Option<String> {
    flag.map(str::to_owned)
        .or_else(|| params.get(key).map(str::to_owned))
}

/// A flag set on the command line, or set to exactly `1` in the files (as
/// iTop reads flags).
pub fn pick_flag(flag: bool, params: &Params, key: &str) -> bool {
    flag || params.get(key) == Some("1")
}
