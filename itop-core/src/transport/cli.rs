//! The command-line transport: `php -q <root>/<script> --name=value ...` on
//! the iTop host, as an argument vector (never a shell).
//!
//! Credentials never go on the command line, where every local user can
//! read them: they go in a parameters file written for the call (mode 0600,
//! in a private temporary folder removed afterwards, even on error or
//! panic). CSV data goes as `csvfile`; a reader, bytes, or a file starting
//! with a BOM are first copied to that private folder.

use std::{
    ffi::OsString,
    fs,
    io::{self, Read, Write},
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use super::{Call, ExportOutcome, process::Running};
use crate::{
    Channel, Error, RawAnswer, Result, Service, credentials::Credentials, csv_data::Spooled, params,
};

/// Largest stdout read into memory for a report.
const REPORT_LIMIT: u64 = 256 * 1024 * 1024;
/// How much of an export is looked at before deciding it is data.
const EXPORT_PEEK: usize = 8 * 1024;

/// Settings of the command-line transport.
#[derive(Debug, Clone)]
pub(crate) struct CliSettings {
    pub(crate) php: PathBuf,
    pub(crate) root: PathBuf,
    pub(crate) timeout: Option<Duration>,
    /// The caller's own parameters files, passed before ours.
    pub(crate) param_files: Vec<PathBuf>,
    /// Let values a parameters file cannot carry go on argv.
    pub(crate) allow_secrets_on_argv: bool,
    /// Set from anywhere (a signal handler, another thread) to kill the
    /// running php and its children.
    pub(crate) cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

#[derive(Debug)]
pub(crate) struct CliTransport {
    settings: CliSettings,
}

/// A prepared command and the private folder its files live in.
struct Prepared {
    command: Command,
    _dir: tempfile::TempDir,
    _csv: Option<Spooled>,
}

/// Parameters that iTop reads only from a parameters file in CLI mode.
fn file_only(service: Service, name: &str) -> bool {
    matches!(
        (service, name),
        (Service::ExportLegacy, "no_localize" | "fields_advanced") | (Service::Export, "linksets")
    )
}

impl CliTransport {
    pub(crate) fn new(settings: CliSettings) -> CliTransport {
        CliTransport { settings }
    }

    fn prepare(&self, call: Call<'_>) -> Result<Prepared> {
        let service = call.service;
        // Said here, plainly, rather than by php's "Could not open input
        // file" read as an answer of iTop.
        let script = self.settings.root.join(service.script());
        if !script.is_file() {
            return Err(Error::InvalidRequest {
                field: "itop_root",
                reason: format!(
                    "no {} under {}: give iTop's install folder (the one holding \
                     webservices/ and synchro/)",
                    service.script(),
                    self.settings.root.display()
                ),
            });
        }
        let dir = tempfile::Builder::new()
            .prefix("itop-")
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .tempdir()?;
        let mut in_file: Vec<(String, String)> = Vec::new();
        let mut argv: Vec<OsString> = Vec::new();
        self.credentials(service, call.credentials, &mut in_file, &mut argv)?;
        for (name, value) in &call.fields {
            if file_only(service, name) {
                in_file.push((name.to_string(), value.clone()));
            } else {
                argv.push(argument(name, value)?.into());
            }
        }
        if let Some(size) = call.max_chunk_size {
            argv.push(format!("--max_chunk_size={size}").into());
        }
        let mut csv = None;
        if let Some((data, strip_bom)) = call.csv {
            let (path, data) = csv_file(data, strip_bom, dir.path())?;
            let mut arg = OsString::from("--csvfile=");
            arg.push(path.as_os_str());
            argv.push(arg);
            csv = Some(data);
        }
        let mut files: Vec<PathBuf> = self.settings.param_files.clone();
        if !in_file.is_empty() {
            let path = dir.path().join("call.params");
            let entries: Vec<(&str, &str)> = in_file
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            params::write_params_file(&path, &entries)?;
            files.push(path);
        }
        let mut command = Command::new(&self.settings.php);
        // The itop command reads the password from ITOP_PWD: php and what
        // it starts have no use for it.
        command.env_remove("ITOP_PWD");
        command.arg("-q").arg(script);
        if !files.is_empty() {
            command.arg(param_file_argument(&files)?);
        }
        command.args(argv);
        log::debug!(
            "php -q {} ({} parameters files)",
            service.script(),
            files.len()
        );
        Ok(Prepared {
            command,
            _dir: dir,
            _csv: csv,
        })
    }

    fn credentials(
        &self,
        service: Service,
        credentials: Option<&Credentials>,
        in_file: &mut Vec<(String, String)>,
        argv: &mut Vec<OsString>,
    ) -> Result<()> {
        let Some(credentials) = credentials else {
            return Ok(());
        };
        let Credentials::Password { login, password } = credentials else {
            return Err(Error::InvalidRequest {
                field: "credentials",
                reason: format!(
                    "{service} in command-line mode needs a login and password, not a token"
                ),
            });
        };
        for (key, value) in [
            ("auth_user", login.as_str()),
            ("auth_pwd", password.expose()),
        ] {
            match params::check_representable(key, value) {
                Ok(()) => in_file.push((key.to_owned(), value.to_owned())),
                Err(why) if self.settings.allow_secrets_on_argv => {
                    log::debug!("{key} goes on the command line: {why}");
                    argv.push(format!("--{key}={value}").into());
                }
                Err(why) => {
                    return Err(Error::InvalidRequest {
                        field: "credentials",
                        reason: format!(
                            "{key} cannot be written to a parameters file ({why}); \
                             allow it on the command line explicitly, or change it"
                        ),
                    });
                }
            }
        }
        Ok(())
    }

    fn timeout(&self, service: Service) -> Option<Duration> {
        // No web time limit in CLI mode; only the caller's.
        let _ = service;
        self.settings.timeout
    }

    pub(crate) fn call(&self, call: Call<'_>) -> Result<RawAnswer> {
        let service = call.service;
        let prepared = self.prepare(call)?;
        let mut running = Running::start(
            prepared.command,
            self.timeout(service),
            self.settings.cancel.clone(),
        )
        .map_err(|e| spawn_error(service, &self.settings.php, e))?;
        let mut body = Vec::new();
        if let Some(mut stdout) = running.stdout() {
            (&mut stdout)
                .take(REPORT_LIMIT)
                .read_to_end(&mut body)
                .map_err(|e| process_error(service, "reading its output failed", e))?;
            io::copy(&mut stdout, &mut io::sink()).ok();
        }
        let ended = running
            .wait()
            .map_err(|e| process_error(service, "waiting failed", e))?;
        let Some(status) = ended.status else {
            return Err(self.killed(service));
        };
        Ok(RawAnswer {
            service,
            channel: Channel::Cli {
                exit_code: status.code(),
                stderr: ended.stderr,
            },
            body,
        })
    }

    pub(crate) fn export(
        &self,
        call: Call<'_>,
        format: &str,
        out: &mut dyn Write,
    ) -> Result<ExportOutcome> {
        let service = call.service;
        let prepared = self.prepare(call)?;
        let mut running = Running::start(
            prepared.command,
            self.timeout(service),
            self.settings.cancel.clone(),
        )
        .map_err(|e| spawn_error(service, &self.settings.php, e))?;
        let mut stdout = running
            .stdout()
            .ok_or_else(|| process_error(service, "no output pipe", io::ErrorKind::Other.into()))?;
        let mut head = vec![0u8; EXPORT_PEEK];
        let filled = read_full(&mut stdout, &mut head)
            .map_err(|e| process_error(service, "reading its output failed", e))?;
        head.truncate(filled);
        let unknown = Channel::Cli {
            exit_code: None,
            stderr: String::new(),
        };
        let looks_ok = crate::report::export_looks_ok(service, &unknown, &head, format);
        let mut written = 0;
        if looks_ok {
            out.write_all(&head)?;
            written = head.len() as u64
                + super::copy_split_errors(&mut stdout, out, |e| {
                    process_error(service, "reading its output failed", e)
                })?;
        } else {
            (&mut stdout).take(REPORT_LIMIT).read_to_end(&mut head).ok();
        }
        drop(stdout);
        let ended = running
            .wait()
            .map_err(|e| process_error(service, "waiting failed", e))?;
        let Some(status) = ended.status else {
            return Err(self.killed(service));
        };
        let channel = Channel::Cli {
            exit_code: status.code(),
            stderr: ended.stderr,
        };
        if looks_ok && status.success() {
            out.flush()?;
            return Ok(ExportOutcome {
                bytes: written,
                content_type: None,
            });
        }
        let body = if looks_ok {
            b"(export data already written)".to_vec()
        } else {
            head
        };
        Err(crate::report::interpret_export_failure(&RawAnswer {
            service,
            channel,
            body,
        }))
    }
}

/// `--name=value`, refusing what iTop would not recognise.
fn argument(name: &str, value: &str) -> Result<String> {
    if value.contains('\n') {
        return Err(Error::InvalidRequest {
            field: "parameter",
            reason: format!("iTop ignores a command-line value containing a newline ({name})"),
        });
    }
    Ok(format!("--{name}={value}"))
}

/// `--param_file=a,b`, refusing paths iTop would cut.
fn param_file_argument(files: &[PathBuf]) -> Result<OsString> {
    let mut arg = OsString::from("--param_file=");
    for (i, file) in files.iter().enumerate() {
        let text = file.to_string_lossy();
        if text.contains(',') || text.trim() != text {
            return Err(Error::InvalidRequest {
                field: "param_file",
                reason: format!("iTop cannot load {text:?}: a path with ',' or outer blanks"),
            });
        }
        if i > 0 {
            arg.push(",");
        }
        arg.push(file.as_os_str());
    }
    Ok(arg)
}

/// The path to give as `csvfile`: the file itself when it can be used as
/// is (the returned `Spooled` keeps a spooled copy alive), else a copy
/// without BOM in the private folder.
fn csv_file(mut data: Spooled, utf8: bool, dir: &Path) -> Result<(PathBuf, Spooled)> {
    let strip_bom = utf8;
    if utf8 {
        data.check_utf8()?;
    }
    if let Some(path) = data.path().map(Path::to_owned) {
        let mut head = [0u8; 3];
        data.rewind(false)?;
        let n = read_full(&mut data, &mut head).map_err(|e| Error::io(&path, e))?;
        let has_bom = &head[..n] == b"\xEF\xBB\xBF";
        if !(strip_bom && has_bom) {
            let path = fs::canonicalize(&path).map_err(|e| Error::io(&path, e))?;
            return Ok((path, data));
        }
    }
    let copy = dir.join("data.csv");
    data.rewind(strip_bom)?;
    let mut file = fs::File::create(&copy).map_err(|e| Error::io(&copy, e))?;
    io::copy(&mut data, &mut file).map_err(|e| Error::io(&copy, e))?;
    Ok((copy, data))
}

fn read_full(reader: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

fn spawn_error(service: Service, php: &Path, source: io::Error) -> Error {
    Error::Process {
        service,
        message: format!("cannot start {}", php.display()),
        source: Some(source),
    }
}

fn process_error(service: Service, what: &str, source: io::Error) -> Error {
    Error::Process {
        service,
        message: what.to_owned(),
        source: Some(source),
    }
}

impl CliTransport {
    /// The error for a child the watchdog killed: cancelled or late.
    fn killed(&self, service: Service) -> Error {
        let cancelled = self
            .settings
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::SeqCst));
        if cancelled {
            return Error::Process {
                service,
                message: "cancelled: php and its children were killed".to_owned(),
                source: None,
            };
        }
        timed_out(service, self.settings.timeout)
    }
}

fn timed_out(service: Service, timeout: Option<Duration>) -> Error {
    let seconds = timeout.map(|t| t.as_secs_f64()).unwrap_or_default();
    Error::Process {
        service,
        message: format!("no answer within {seconds} s: php and its children were killed"),
        source: None,
    }
}
