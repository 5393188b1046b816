//! The client: one configured connection to one iTop, and a method per
//! service.

use std::{
    io::Write,
    path::{Path, PathBuf},
    sync::{Arc, atomic::AtomicBool},
    time::Duration,
};

use crate::{
    CsvData, Error, Result, Service,
    credentials::{AuthChannel, Credentials},
    report::{self, CronReport, ImportReport, SynchroExecReport, SynchroImportReport},
    services::{
        CronRequest, CsvOptions, ExportRequest, ImportRequest, LegacyExportRequest, Request,
        SynchroExecRequest, SynchroImportRequest,
    },
    transport::{
        Call, ExportOutcome, Transport,
        cli::{CliSettings, CliTransport},
        complete::EndCheck,
        http::{HttpSettings, HttpTransport, ProxySetting},
    },
};

/// Builds a [`Client`].
///
/// ```no_run
/// use itop_core::{Client, Credentials};
///
/// let client = Client::builder()
///     .url("https://itop.example.com")
///     .credentials(Credentials::password("admin", "secret"))
///     .build()?;
/// # Ok::<(), itop_core::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ClientBuilder {
    url: Option<String>,
    itop_root: Option<PathBuf>,
    php: Option<PathBuf>,
    param_files: Vec<PathBuf>,
    allow_secrets_on_argv: bool,
    cancel: Option<Arc<AtomicBool>>,
    credentials: Option<Credentials>,
    channel: AuthChannel,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    ca_bundle: Option<PathBuf>,
    insecure: bool,
    proxy: ProxySetting,
}

impl ClientBuilder {
    /// The base URL of the iTop instance, e.g. `https://itop.example.com/`
    /// (the folder that holds `webservices/`). Required.
    pub fn url(mut self, url: impl Into<String>) -> ClientBuilder {
        self.url = Some(url.into());
        self
    }

    /// Run the services on this host, as `php -q <root>/<script> ...`, instead
    /// of calling them over HTTP. `root` is iTop's install folder (the one
    /// holding `webservices/` and `synchro/`). Unset by default.
    pub fn itop_root(mut self, root: impl Into<PathBuf>) -> ClientBuilder {
        self.itop_root = Some(root.into());
        self
    }

    /// The PHP executable for command-line mode. `php` (from `PATH`) by
    /// default.
    pub fn php(mut self, php: impl Into<PathBuf>) -> ClientBuilder {
        self.php = Some(php.into());
        self
    }

    /// The caller's own parameters files, passed to iTop in command-line mode
    /// before the one the client writes for the credentials. None by default.
    /// Over HTTP [`ClientBuilder::build`] refuses them: iTop would take the
    /// name for a file on the server; read them with
    /// [`Params::load`](crate::params::Params::load) instead.
    pub fn param_files(mut self, files: impl IntoIterator<Item = PathBuf>) -> ClientBuilder {
        self.param_files = files.into_iter().collect();
        self
    }

    /// In command-line mode, let a credential that a parameters file cannot
    /// carry (a `#` in the password, say) go on the command line, where local
    /// users can read it. Off by default: such a credential is an error.
    pub fn allow_secrets_on_argv(mut self, allow: bool) -> ClientBuilder {
        self.allow_secrets_on_argv = allow;
        self
    }

    /// A flag that, once set (from another thread or a signal handler),
    /// stops the work. In command-line mode it kills the running `php` and
    /// every process it started; the call then fails with
    /// [`Error::Process`] and leaves nothing behind (its private files are
    /// removed). A chunked upload, in either mode, sends no further chunk:
    /// it ends with an [`Interruption`](crate::chunk::Interruption) holding
    /// [`Error::Cancelled`] and the line to resume from. None by default.
    pub fn cancel_flag(mut self, flag: Arc<AtomicBool>) -> ClientBuilder {
        self.cancel = Some(flag);
        self
    }

    /// Who logs in. None by default (every service then refuses).
    pub fn credentials(mut self, credentials: Credentials) -> ClientBuilder {
        self.credentials = Some(credentials);
        self
    }

    /// How credentials travel over HTTP: form fields (the default) or
    /// HTTP Basic.
    pub fn auth_channel(mut self, channel: AuthChannel) -> ClientBuilder {
        self.channel = channel;
        self
    }

    /// Time allowed to connect. 30 seconds by default.
    pub fn connect_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time allowed for a whole call. By default 15 minutes for `cron.php`
    /// (it runs for `cron_max_execution_time`, 600 s out of the box) and
    /// 4 hours for the others (imports and synchronizations have no limit
    /// in iTop).
    pub fn timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header. `itop-rs/<version>` by default.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> ClientBuilder {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Trust the certificate authorities of this PEM file instead of the
    /// bundled Mozilla roots (for an iTop behind a company CA). Unset by
    /// default.
    pub fn ca_bundle(mut self, path: impl Into<PathBuf>) -> ClientBuilder {
        self.ca_bundle = Some(path.into());
        self
    }

    /// Turn off certificate and host name verification. Anyone on the path
    /// can then read the credentials: for throw-away test instances only.
    /// Off by default; logged as a warning when on.
    pub fn danger_accept_invalid_certs(mut self, insecure: bool) -> ClientBuilder {
        self.insecure = insecure;
        self
    }

    /// The proxy: from the environment (`HTTPS_PROXY`, `HTTP_PROXY`,
    /// `ALL_PROXY`, `NO_PROXY`; never for a loopback iTop) by default.
    pub fn proxy(mut self, proxy: ProxySetting) -> ClientBuilder {
        self.proxy = proxy;
        self
    }

    /// Checks the settings and builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when neither a URL nor an iTop root is
    /// given, or both, when the URL is not `http(s)://` or carries a
    /// query string or credentials, or when parameters files are given
    /// for HTTP (they only go to `php` in command-line mode).
    pub fn build(self) -> Result<Client> {
        let transport = match (&self.itop_root, &self.url) {
            (Some(_), Some(_)) => {
                return Err(Error::InvalidRequest {
                    field: "url",
                    reason: "give either a URL (HTTP) or an iTop root (command line), not both"
                        .to_owned(),
                });
            }
            (Some(root), None) => Transport::Cli(CliTransport::new(CliSettings {
                php: self.php.clone().unwrap_or_else(|| PathBuf::from("php")),
                root: root.clone(),
                timeout: self.timeout,
                param_files: self.param_files.clone(),
                allow_secrets_on_argv: self.allow_secrets_on_argv,
                cancel: self.cancel.clone(),
            })),
            (None, _) if !self.param_files.is_empty() => {
                return Err(Error::InvalidRequest {
                    field: "param_file",
                    reason: "parameters files are passed to php in command-line mode only; \
                             over HTTP iTop would read a file of that name on the server: \
                             read them with Params::load and pass their values instead"
                        .to_owned(),
                });
            }
            (None, _) => Transport::Http(self.http_transport()?),
        };
        let inner = Inner {
            transport,
            credentials: self.credentials,
            cancel: self.cancel,
        };
        Ok(Client {
            inner: Arc::new(inner),
        })
    }

    fn http_transport(&self) -> Result<HttpTransport> {
        let url = check_url(self.url.as_deref())?;
        let ca_certs = match &self.ca_bundle {
            Some(path) => Some(load_ca_bundle(path)?),
            None => None,
        };
        let settings = HttpSettings {
            ca_certs,
            insecure: self.insecure,
            proxy: self.proxy.clone(),
            base_url: url,
            channel: self.channel,
            connect_timeout: self.connect_timeout.unwrap_or(Duration::from_secs(30)),
            timeout: self.timeout,
            user_agent: self
                .user_agent
                .clone()
                .unwrap_or_else(|| format!("itop-rs/{}", env!("CARGO_PKG_VERSION"))),
        };
        HttpTransport::new(settings)
    }
}

/// An export that does not end as its format does was cut short (a reset
/// connection can look like the normal end of a body without length).
fn ended_as_its_format(checked: &EndCheck<'_>, service: Service) -> Result<()> {
    match checked.missing_end() {
        None => Ok(()),
        Some(what) => Err(Error::Transport {
            service,
            source: Box::new(ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!(
                    "the export ended early after {} bytes: {what}",
                    checked.written()
                ),
            ))),
        }),
    }
}

/// Opens the CSV to upload and checks it before anything is sent: UTF-8
/// when declared so (the transports check that while sizing the body), and
/// the shape iTop would otherwise silently get wrong (unclosed quote, rows
/// whose cell count differs from the header's).
fn checked_upload(data: CsvData, options: &CsvOptions) -> Result<crate::csv_data::Spooled> {
    let mut spooled = data.open()?;
    let separator = u8::try_from(options.separator);
    let qualifier = u8::try_from(options.qualifier);
    let (Ok(separator), Ok(qualifier)) = (separator, qualifier) else {
        // Refused with a clear message by the request's own checks.
        return Ok(spooled);
    };
    spooled.rewind(options.is_utf8())?;
    let origin = spooled.origin();
    crate::chunk::shape::check_shape(&mut spooled, separator, qualifier, &origin)?;
    spooled.rewind(false)?;
    Ok(spooled)
}

/// Uploads above this size get a hint when they end in a login failure.
const LARGE_UPLOAD: u64 = 64 * 1024;

/// PHP drops a whole request body larger than `post_max_size`, credentials
/// included: iTop then answers as to a wrong password. Say so when the
/// upload was large.
fn hint_post_max_size(err: Error, size: u64) -> Error {
    match err {
        Error::Auth {
            service,
            message,
            raw,
        } if size > LARGE_UPLOAD => Error::Auth {
            service,
            message: format!(
                "{message} (if the credentials are right: the upload was {size} bytes, and PHP \
                 drops a request body over its post_max_size; send it in chunks, or in \
                 smaller ones)"
            ),
            raw,
        },
        other => other,
    }
}

/// The certificates of a PEM file.
fn load_ca_bundle(path: &Path) -> Result<Vec<ureq::tls::Certificate<'static>>> {
    let pem = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let certs: Vec<_> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(cert)) => Some(cert),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(Error::InvalidRequest {
            field: "ca_bundle",
            reason: format!("{} holds no PEM certificate", path.display()),
        });
    }
    Ok(certs)
}

fn check_url(url: Option<&str>) -> Result<String> {
    let invalid = |reason: &str| Error::InvalidRequest {
        field: "url",
        reason: reason.to_owned(),
    };
    let url = url
        .ok_or_else(|| invalid("the iTop URL is required"))?
        .trim();
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| invalid("the iTop URL must start with http:// or https://"))?;
    if url.contains('?') || url.contains('#') {
        return Err(invalid("give the base URL of iTop, without query string"));
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.contains('@') {
        return Err(invalid(
            "put credentials in the client's credentials, not in the URL",
        ));
    }
    if authority.is_empty() {
        return Err(invalid("the iTop URL has no host"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// A client of one iTop instance. Cheap to clone and to share between
/// threads.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    transport: Transport,
    credentials: Option<Credentials>,
    cancel: Option<Arc<AtomicBool>>,
}

const _: () = {
    const fn ensure_send_sync<T: Send + Sync>() {}
    ensure_send_sync::<Client>();
};

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// True once the cancel flag is set (see [`ClientBuilder::cancel_flag`]).
    pub(crate) fn cancelled(&self) -> bool {
        self.inner
            .cancel
            .as_ref()
            .is_some_and(|flag| flag.load(std::sync::atomic::Ordering::SeqCst))
    }

    fn call<'a>(
        &'a self,
        request: &dyn Request,
        csv: Option<(CsvData, &CsvOptions)>,
    ) -> Result<Call<'a>> {
        let csv = match csv {
            Some((data, options)) => Some((checked_upload(data, options)?, options.is_utf8())),
            None => None,
        };
        Ok(Call {
            service: request.service(),
            fields: request.wire_fields()?,
            credentials: self.inner.credentials.as_ref(),
            csv,
            max_chunk_size: request.max_chunk_size(),
        })
    }

    /// Runs `cron.php`: the background tasks, or their status. A status
    /// request ([`CronRequest::status_only`]) whose connection cannot be
    /// made or breaks is tried again (three attempts in all, with backoff);
    /// a run is never repeated.
    ///
    /// # Errors
    ///
    /// [`Error::Auth`] for bad credentials, [`Error::NotAllowed`] when the
    /// account is not an administrator, [`Error::Server`] and
    /// [`Error::Transport`] otherwise.
    pub fn cron(&self, request: &CronRequest) -> Result<CronReport> {
        // Only the status table is safe to ask twice (see `retry`).
        let status_only = request.is_status_only();
        let answer = crate::retry::retrying(
            || self.inner.transport.call(self.call(request, None)?),
            || status_only,
        )?;
        let report = report::interpret_cron(&answer)?;
        if report.is_empty() && !status_only {
            // Only a status request may get an empty 200 (PROTOCOL §2.3).
            return Err(Error::Unexpected {
                service: request.service(),
                message: "empty answer: a cron run ends with `Exiting:`".to_owned(),
                raw: String::new(),
            });
        }
        Ok(report)
    }

    /// Runs `synchro_exec.php` on the requested data sources.
    ///
    /// # Errors
    ///
    /// [`Error::Auth`], [`Error::NotAllowed`] (neither administrator nor
    /// owner), [`Error::BadRequest`] (unknown data source), [`Error::Server`].
    pub fn synchro_exec(&self, request: &SynchroExecRequest) -> Result<SynchroExecReport> {
        let answer = self.inner.transport.call(self.call(request, None)?)?;
        report::interpret_synchro_exec(&answer, request.data_sources())
    }

    /// Loads `csv` into a data source with `synchro_import.php`. A UTF-8 BOM
    /// is removed first.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the CSV cannot be read, [`Error::Auth`],
    /// [`Error::BadRequest`] (unknown data source or column),
    /// [`Error::NotAllowed`] (synchronization refused), [`Error::Server`].
    pub fn synchro_import(
        &self,
        request: &SynchroImportRequest,
        csv: CsvData,
    ) -> Result<SynchroImportReport> {
        let call = self.call(request, Some((csv, request.csv_options())))?;
        let size = call.upload_size();
        let answer = self.inner.transport.call(call)?;
        report::interpret_synchro_import(&answer, request.output_mode())
            .map_err(|e| hint_post_max_size(e, size))
    }

    /// Imports `csv` with `import.php`. Rows iTop could not write are
    /// counted in the report's issues: check
    /// [`ImportReport::has_issues`](crate::ImportReport::has_issues).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the CSV cannot be read, [`Error::Auth`],
    /// [`Error::NotAllowed`] (no bulk modify right), [`Error::BadRequest`]
    /// (unknown class or column, bad reconciliation keys), [`Error::Server`]
    /// (PHP fatal error: some rows may have been committed).
    pub fn import(&self, request: &ImportRequest, csv: CsvData) -> Result<ImportReport> {
        let call = self.call(request, Some((csv, request.csv_options())))?;
        let size = call.upload_size();
        let answer = self.inner.transport.call(call)?;
        report::interpret_import(&answer, request.output_mode())
            .map_err(|e| hint_post_max_size(e, size))
    }

    /// Exports with `export-v2.php`, streaming the result to `out`. A
    /// connection that cannot be made, or breaks before anything was
    /// written to `out`, is tried again (three attempts in all, with
    /// backoff).
    ///
    /// # Errors
    ///
    /// [`Error::Auth`], [`Error::NotAllowed`] (no bulk read right),
    /// [`Error::BadRequest`] (bad OQL, unknown field), [`Error::Transport`]
    /// (the stream broke: what was written to `out` is incomplete).
    pub fn export(&self, request: &ExportRequest, out: &mut dyn Write) -> Result<ExportOutcome> {
        let format = request.export_format().as_str();
        let mut checked = EndCheck::new(out, format, request.csv_qualifier(), false);
        // Retried on a broken connection only while nothing was written.
        let written = std::cell::Cell::new(0);
        let mut counted = crate::retry::Counting::new(&mut checked, &written);
        let outcome = crate::retry::retrying(
            || {
                let call = self.call(request, None)?;
                self.inner.transport.export(call, format, &mut counted)
            },
            || written.get() == 0,
        )?;
        ended_as_its_format(&checked, Service::Export)?;
        Ok(outcome)
    }

    /// Exports with the legacy `export.php`, streaming to `out`. The BOM iTop
    /// puts before UTF-8 CSV is removed.
    ///
    /// # Errors
    ///
    /// As [`Client::export`].
    pub fn export_legacy(
        &self,
        request: &LegacyExportRequest,
        out: &mut dyn Write,
    ) -> Result<ExportOutcome> {
        let format = request.export_format().as_str();
        let mut skipper = crate::bom::BomSkipper::new(out);
        let mut checked = EndCheck::new(&mut skipper, format, b'"', true);
        let call = self.call(request, None)?;
        let mut outcome = self.inner.transport.export(call, format, &mut checked)?;
        ended_as_its_format(&checked, Service::ExportLegacy)?;
        drop(checked);
        outcome.bytes -= skipper.skipped();
        Ok(outcome)
    }

    /// Exports with `export-v2.php` into the file at `path`.
    ///
    /// For a regular file (or a path that does not exist yet) the data goes
    /// to a temporary file beside it, renamed to `path` only once the export
    /// is complete: a failed export leaves `path` untouched. A symbolic link
    /// is followed (the file it points to is replaced, the link stays); an
    /// existing file keeps its permissions; a new one is created readable
    /// by its owner only (exports hold CMDB data). Anything else (a device
    /// such as `/dev/stdout`, a FIFO) is written to directly, as a stream.
    ///
    /// # Errors
    ///
    /// As [`Client::export`], and [`Error::Io`] for the file.
    pub fn export_to_path(&self, request: &ExportRequest, path: &Path) -> Result<ExportOutcome> {
        write_to_path(path, |out| self.export(request, out))
    }

    /// Exports with the legacy `export.php` into the file at `path`, as
    /// [`Client::export_to_path`] does (nothing left behind on failure).
    ///
    /// # Errors
    ///
    /// As [`Client::export_legacy`], and [`Error::Io`] for the file.
    pub fn export_legacy_to_path(
        &self,
        request: &LegacyExportRequest,
        path: &Path,
    ) -> Result<ExportOutcome> {
        write_to_path(path, |out| self.export_legacy(request, out))
    }
}

/// Runs `export` into the file at `path`: through a temporary file renamed
/// over a regular file (or a new path) once complete, directly into
/// anything else (see [`Client::export_to_path`]).
fn write_to_path(
    path: &Path,
    export: impl FnOnce(&mut dyn Write) -> Result<ExportOutcome>,
) -> Result<ExportOutcome> {
    let existing = match std::fs::metadata(path) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(path, e)),
    };
    if let Some(meta) = existing.as_ref().filter(|m| !m.is_file()) {
        return write_to_stream_path(path, meta, export);
    }
    // Replace the file a link points to, not the link.
    let target = match &existing {
        Some(_) => std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?,
        None => path.to_owned(),
    };
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    // The temporary file's own name means nothing to the user: the error
    // names the folder, with the system's reason alone.
    let mut temp = tempfile::NamedTempFile::new_in(&dir).map_err(|e| {
        let reason = match e.kind() {
            std::io::ErrorKind::NotFound => "no such folder",
            std::io::ErrorKind::PermissionDenied => "permission denied",
            _ => "cannot create a file in this folder",
        };
        Error::io(&dir, std::io::Error::new(e.kind(), reason))
    })?;
    let outcome = {
        let mut writer = std::io::BufWriter::with_capacity(1 << 20, temp.as_file_mut());
        let outcome = export(&mut writer)?;
        writer.flush().map_err(|e| Error::io(path, e))?;
        outcome
    };
    if let Some(meta) = &existing {
        temp.as_file()
            .set_permissions(meta.permissions())
            .map_err(|e| Error::io(path, e))?;
    }
    temp.persist(&target)
        .map_err(|e| Error::io(path, e.error))?;
    Ok(outcome)
}

/// Streams an export into something that is not a regular file.
fn write_to_stream_path(
    path: &Path,
    meta: &std::fs::Metadata,
    export: impl FnOnce(&mut dyn Write) -> Result<ExportOutcome>,
) -> Result<ExportOutcome> {
    if meta.is_dir() {
        return Err(Error::io(
            path,
            std::io::Error::new(std::io::ErrorKind::IsADirectory, "is a directory"),
        ));
    }
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    let mut writer = std::io::BufWriter::new(file);
    let outcome = export(&mut writer)?;
    writer.flush().map_err(|e| Error::io(path, e))?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_is_checked_at_build() {
        for bad in [
            "",
            "itop.example.com",
            "http://u:p@h/",
            "http://h/?auth_pwd=x",
            "ftp://h",
        ] {
            let err = Client::builder().url(bad).build().unwrap_err();
            assert!(
                matches!(err, Error::InvalidRequest { field: "url", .. }),
                "{bad}"
            );
        }
        assert_eq!(check_url(Some("http://h/itop/")).unwrap(), "http://h/itop");
    }

    #[test]
    fn param_files_over_http_are_refused_not_ignored() {
        let builder = || Client::builder().param_files([PathBuf::from("/etc/itop/cron.params")]);
        let err = builder().url("http://127.0.0.1:1").build().unwrap_err();
        assert!(
            matches!(&err, Error::InvalidRequest { field: "param_file", reason } if reason.contains("Params::load")),
            "{err:?}"
        );
        assert!(builder().itop_root("/var/www/itop").build().is_ok());
    }

    #[test]
    fn a_socks_proxy_is_refused_at_build() {
        let built = Client::builder()
            .url("http://127.0.0.1:1")
            .proxy(ProxySetting::Url("socks5://127.0.0.1:1080".to_owned()))
            .build();
        let err = built.err();
        assert!(
            matches!(&err, Some(Error::InvalidRequest { field: "proxy", reason }) if reason.contains("SOCKS")),
            "{err:?}"
        );
        let http = Client::builder()
            .url("http://127.0.0.1:1")
            .proxy(ProxySetting::Url("http://127.0.0.1:3128".to_owned()))
            .build();
        assert!(http.is_ok());
    }

    #[test]
    fn debug_output_hides_the_password() {
        let client = Client::builder()
            .url("http://127.0.0.1:1")
            .credentials(Credentials::password("admin", "Sup3r-secret"))
            .build()
            .unwrap();
        let debug = format!("{client:?}");
        assert!(!debug.contains("Sup3r-secret"));
        assert!(debug.contains("admin"));
    }
}
