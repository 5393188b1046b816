//! The HTTP transport, on a blocking `ureq` agent.
//!
//! Every call is a form POST (iTop reads `csvdata` only from a POST body,
//! and a POST keeps OQL and credentials out of URLs and server logs).
//! Credentials travel as form fields or HTTP Basic, never in the query
//! string. Connections are never reused: `import.php` and `export.php` send
//! a `Content-Length` one byte short (PROTOCOL.md §1.10), and the stray
//! byte must not become the start of the next answer.

use std::{
    io::{self, Read, Write},
    time::Duration,
};

use base64::Engine as _;

use super::{Call, ExportOutcome, form};
use crate::{
    Channel, Error, RawAnswer, Result, Service,
    credentials::{AuthChannel, Credentials},
};

/// Largest report read into memory; larger answers are an error.
const REPORT_LIMIT: u64 = 256 * 1024 * 1024;
/// How much of an export is looked at before deciding it is data.
const EXPORT_PEEK: usize = 8 * 1024;

/// Settings of the HTTP transport.
#[derive(Debug, Clone)]
pub(crate) struct HttpSettings {
    pub(crate) base_url: String,
    pub(crate) channel: AuthChannel,
    pub(crate) connect_timeout: Duration,
    /// Whole-call timeout; `None` = per-service defaults.
    pub(crate) timeout: Option<Duration>,
    pub(crate) user_agent: String,
    /// Trusted roots in place of the bundled Mozilla roots (PEM, parsed).
    pub(crate) ca_certs: Option<Vec<ureq::tls::Certificate<'static>>>,
    /// Skip certificate and host name checks (loudly warned).
    pub(crate) insecure: bool,
    pub(crate) proxy: ProxySetting,
}

/// Which proxy the client goes through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ProxySetting {
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` (and `NO_PROXY`) from the
    /// environment; never for a loopback iTop. The default.
    #[default]
    FromEnvironment,
    /// No proxy at all.
    Direct,
    /// This proxy, e.g. `http://proxy.example:3128` (credentials may be
    /// given as `http://user:password@host:port`).
    Url(String),
}

/// Per-service whole-call timeouts, used when none is configured.
fn default_timeout(service: Service) -> Duration {
    match service {
        // cron runs cron_max_execution_time (600 s by default) then answers.
        Service::Cron => Duration::from_secs(15 * 60),
        _ => Duration::from_secs(4 * 60 * 60),
    }
}

#[derive(Debug)]
pub(crate) struct HttpTransport {
    settings: HttpSettings,
    agent: ureq::Agent,
}

impl HttpTransport {
    pub(crate) fn new(settings: HttpSettings) -> Result<HttpTransport> {
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(certs) = &settings.ca_certs {
            tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(certs));
        }
        if settings.insecure {
            log::warn!(
                "TLS certificate and host name checks are OFF for {}",
                settings.base_url
            );
            tls = tls.disable_verification(true);
        }
        let config = ureq::Agent::config_builder()
            .tls_config(tls.build())
            .proxy(proxy_for(&settings)?)
            .http_status_as_error(false)
            .max_redirects(0)
            .max_idle_connections(0)
            .max_idle_connections_per_host(0)
            .timeout_connect(Some(settings.connect_timeout))
            .user_agent(settings.user_agent.clone())
            .build();
        Ok(HttpTransport {
            agent: ureq::Agent::new_with_config(config),
            settings,
        })
    }

    fn url(&self, service: Service) -> String {
        format!(
            "{}/{}",
            self.settings.base_url.trim_end_matches('/'),
            service.script()
        )
    }

    /// Sends the call and returns the response with its body unread.
    fn send(&self, call: Call<'_>) -> Result<ureq::http::Response<ureq::Body>> {
        let service = call.service;
        if call.max_chunk_size.is_some() {
            return Err(Error::InvalidRequest {
                field: "max_chunk_size",
                reason: "iTop accepts it only in command-line mode (use --itop-root)".to_owned(),
            });
        }
        let status_only = call
            .fields
            .iter()
            .any(|(k, v)| k == "status_only" && v == "1");
        if service == Service::Cron && status_only {
            return Err(Error::InvalidRequest {
                field: "status_only",
                reason: "iTop answers an empty page over HTTP: the task status table exists \
                         only in command-line mode (use --itop-root)"
                    .to_owned(),
            });
        }
        let mut fields: Vec<(&str, &str)> = Vec::new();
        let mut basic = None;
        add_credentials(
            call.credentials,
            self.settings.channel,
            &mut fields,
            &mut basic,
        )?;
        fields.extend(call.fields.iter().map(|(k, v)| (k.as_ref(), v.as_str())));
        let encoded = form::encode_fields(fields);
        let (body, len) = match call.csv {
            Some((data, strip_bom)) => form::FormBody::with_csv(encoded, data, strip_bom)?,
            None => form::FormBody::fields(encoded),
        };

        let url = self.url(service);
        log::debug!("POST {url} ({len} bytes)");
        let timeout = self
            .settings
            .timeout
            .unwrap_or_else(|| default_timeout(service));
        let mut request = self
            .agent
            .post(&url)
            .config()
            .timeout_global(Some(timeout))
            .build()
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Content-Length", len.to_string())
            .header("Connection", "close");
        if let Some(value) = basic {
            request = request.header("Authorization", value);
        }
        let response = request
            .send(ureq::SendBody::from_owned_reader(body))
            .map_err(|e| transport_error(service, e))?;
        log::debug!("{url}: HTTP {}", response.status().as_u16());
        Ok(response)
    }

    pub(crate) fn call(&self, call: Call<'_>) -> Result<RawAnswer> {
        let service = call.service;
        let response = self.send(call)?;
        let channel = channel_of(&response);
        let body = response
            .into_body()
            .into_with_config()
            .limit(REPORT_LIMIT)
            .read_to_vec()
            .map_err(|e| transport_error(service, e))?;
        Ok(RawAnswer {
            service,
            channel,
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
        let response = self.send(call)?;
        let channel = channel_of(&response);
        let mut reader = response
            .into_body()
            .into_with_config()
            .limit(u64::MAX)
            .reader();
        let mut head = vec![0u8; EXPORT_PEEK];
        let filled = read_full(&mut reader, &mut head).map_err(|e| io_transport(service, e))?;
        head.truncate(filled);
        if !crate::report::export_looks_ok(service, &channel, &head, format) {
            let mut rest = Vec::new();
            (&mut reader)
                .take(REPORT_LIMIT)
                .read_to_end(&mut rest)
                .map_err(|e| io_transport(service, e))?;
            head.extend_from_slice(&rest);
            let answer = RawAnswer {
                service,
                channel,
                body: head,
            };
            return Err(crate::report::interpret_export_failure(&answer));
        }
        let content_type = match &channel {
            Channel::Http { content_type, .. } => content_type.clone(),
            Channel::Cli { .. } => None,
        };
        out.write_all(&head)?;
        let copied = super::copy_split_errors(&mut reader, out, |e| io_transport(service, e))?;
        out.flush()?;
        Ok(ExportOutcome {
            bytes: head.len() as u64 + copied,
            content_type,
        })
    }
}

/// True when the URL's host is this machine.
fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority
            .rsplit_once(':')
            .map_or(authority, |(host, _)| host),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn proxy_for(settings: &HttpSettings) -> Result<Option<ureq::Proxy>> {
    let proxy = match &settings.proxy {
        ProxySetting::Direct => return Ok(None),
        ProxySetting::FromEnvironment if is_loopback(&settings.base_url) => return Ok(None),
        ProxySetting::FromEnvironment => ureq::Proxy::try_from_env(),
        ProxySetting::Url(url) => {
            Some(ureq::Proxy::new(url).map_err(|_| Error::InvalidRequest {
                field: "proxy",
                reason: "not a proxy URL such as http://host:3128".to_owned(),
            })?)
        }
    };
    // This build speaks to HTTP(S) proxies only: a SOCKS one is refused
    // here, where it is set, not at the first request.
    let socks = proxy.as_ref().is_some_and(|p| {
        !matches!(
            p.protocol(),
            ureq::ProxyProtocol::Http | ureq::ProxyProtocol::Https
        )
    });
    if socks {
        return Err(Error::InvalidRequest {
            field: "proxy",
            reason: "SOCKS proxies are not supported: give an HTTP proxy such as \
                     http://host:3128 (or turn the proxy off)"
                .to_owned(),
        });
    }
    Ok(proxy)
}

fn add_credentials<'a>(
    credentials: Option<&'a Credentials>,
    channel: AuthChannel,
    fields: &mut Vec<(&'a str, &'a str)>,
    basic: &mut Option<String>,
) -> Result<()> {
    match (credentials, channel) {
        (None, _) => {}
        (Some(Credentials::Token(token)), _) => fields.push(("auth_token", token.expose())),
        (Some(Credentials::Password { login, password }), AuthChannel::Form) => {
            if password.expose() == "0" {
                // PHP's empty("0") is true: iTop takes such a form password
                // for a missing one (PROTOCOL.md §1.5.2).
                return Err(Error::InvalidRequest {
                    field: "credentials",
                    reason: "iTop reads the form password \"0\" as empty; use HTTP Basic"
                        .to_owned(),
                });
            }
            fields.push(("auth_user", login));
            fields.push(("auth_pwd", password.expose()));
        }
        (Some(Credentials::Password { login, password }), AuthChannel::Basic) => {
            if login.contains(':') || password.expose().contains(':') {
                return Err(Error::InvalidRequest {
                    field: "credentials",
                    reason: "iTop cuts HTTP Basic credentials at every ':'; use form fields"
                        .to_owned(),
                });
            }
            let pair = format!("{login}:{}", password.expose());
            let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
            *basic = Some(format!("Basic {encoded}"));
        }
    }
    Ok(())
}

fn header(response: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    let value = response.headers().get(name)?;
    Some(String::from_utf8_lossy(value.as_bytes()).into_owned())
}

fn channel_of(response: &ureq::http::Response<ureq::Body>) -> Channel {
    Channel::Http {
        status: response.status().as_u16(),
        content_type: header(response, "content-type"),
        location: header(response, "location"),
        content_disposition: header(response, "content-disposition"),
    }
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

fn transport_error(service: Service, source: ureq::Error) -> Error {
    Error::Transport {
        service,
        source: Box::new(source),
    }
}

fn io_transport(service: Service, source: io::Error) -> Error {
    transport_error(service, ureq::Error::Io(source))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;

    #[test]
    fn loopback_hosts_are_recognised() {
        for url in [
            "http://127.0.0.1:8080/itop",
            "http://localhost",
            "https://[::1]:8443/",
            "http://127.9.9.9",
        ] {
            assert!(is_loopback(url), "{url}");
        }
        for url in [
            "http://itop.example.com",
            "http://10.0.0.1:80",
            "https://[2001:db8::1]/",
        ] {
            assert!(!is_loopback(url), "{url}");
        }
    }

    #[test]
    fn basic_refuses_a_colon_in_the_password() {
        let creds = Credentials::password("admin", Secret::new("a:b"));
        let mut fields = Vec::new();
        let mut basic = None;
        let err =
            add_credentials(Some(&creds), AuthChannel::Basic, &mut fields, &mut basic).unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidRequest {
                field: "credentials",
                ..
            }
        ));
        assert!(!err.to_string().contains("a:b"));
    }

    #[test]
    fn a_form_password_of_0_is_refused() {
        let creds = Credentials::password("admin", Secret::new("0"));
        let err = add_credentials(Some(&creds), AuthChannel::Form, &mut Vec::new(), &mut None)
            .unwrap_err();
        assert!(err.to_string().contains("HTTP Basic"), "{err}");
        let mut basic = None;
        add_credentials(
            Some(&creds),
            AuthChannel::Basic,
            &mut Vec::new(),
            &mut basic,
        )
        .unwrap();
        assert!(basic.is_some());
    }

    #[test]
    fn form_credentials_are_body_fields() {
        let creds = Credentials::password("admin", Secret::new("pw"));
        let mut fields = Vec::new();
        let mut basic = None;
        add_credentials(Some(&creds), AuthChannel::Form, &mut fields, &mut basic).unwrap();
        assert_eq!(fields, vec![("auth_user", "admin"), ("auth_pwd", "pw")]);
        assert!(basic.is_none());
    }

    #[test]
    fn basic_header_is_base64_of_login_colon_password() {
        let creds = Credentials::password("admin", Secret::new("pw"));
        let mut basic = None;
        add_credentials(
            Some(&creds),
            AuthChannel::Basic,
            &mut Vec::new(),
            &mut basic,
        )
        .unwrap();
        assert_eq!(basic.as_deref(), Some("Basic YWRtaW46cHc="));
    }
}
