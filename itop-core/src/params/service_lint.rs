//! Findings that depend on the service: keys it does not read, and values
//! its filters would silently change (PROTOCOL.md §1.3).

use std::sync::OnceLock;

use crate::Service;

use super::finding::{Finding, Severity};
use super::keys::{
    ALL_SERVICES, Filter, Flag, filter, is_known, known_keys, passes_parameter_filter,
    services_knowing, suggestion,
};
use super::map::{Entry, Params};
use super::reader::file_findings;
use super::text::{escape, shown_key, shown_value};

impl Params {
    /// Every finding about the files read: how lines are written (found
    /// while parsing) and, for `service` (or for every service when
    /// `None`), keys it does not read and values its filters would
    /// replace. Values set on the command line or in code are not linted.
    /// Sorted by file (load order), line and column.
    pub fn lint(&self, service: Option<Service>) -> Vec<Finding> {
        let mut findings = Vec::new();
        for (path, source) in self.files.iter().zip(&self.sources) {
            findings.extend(file_findings(path, source));
        }
        for entry in self.entries() {
            if let Some(finding) = lint_entry(self, entry, service) {
                findings.push(finding);
            }
        }
        findings.sort_by_key(|f| (self.file_rank(&f.path), f.line, f.column));
        findings
    }
}

/// The service finding for one file entry, if any.
fn lint_entry(params: &Params, entry: &Entry, service: Option<Service>) -> Option<Finding> {
    let path = params.path(entry.place.file?)?;
    let key = params.key_of(entry);
    // Empty keys, keys with `=` and keys holding the BOM already have a
    // finding saying why.
    if key.is_empty() || key.contains('=') || key.starts_with('\u{feff}') {
        return None;
    }
    let (column, severity, message) = match unknown_key(key, service) {
        Some(message) => (entry.place.key_column, Severity::Changed, message),
        None => {
            let (severity, message) = value_problem(key, params.value_of(entry), service)?;
            (entry.place.column, severity, message)
        }
    };
    Some(Finding {
        path: path.clone(),
        line: entry.place.line,
        column,
        severity,
        message,
    })
}

/// Why iTop will not read `key`, if it will not.
fn unknown_key(key: &str, service: Option<Service>) -> Option<String> {
    if key == "csvdata" {
        return Some(
            "`csvdata` is read from the POST body only, never from a parameters file; use \
             `csvfile` on the command line or send the data in the request"
                .to_owned(),
        );
    }
    let knowing = services_knowing(key);
    let (known, candidates) = match service {
        Some(service) => (is_known(service, key), known_keys(service).to_vec()),
        None => (!knowing.is_empty(), all_keys()),
    };
    if known {
        return None;
    }
    let target = service.map_or("any service".to_owned(), |s| s.script().to_owned());
    let mut message = format!(
        "`{}` is not a parameter of {target}: iTop ignores it",
        shown_key(key)
    );
    if let Some(name) = suggestion(key, &candidates) {
        message.push_str(&format!("; did you mean `{name}`?"));
    } else if !knowing.is_empty() {
        let names: Vec<&str> = knowing.iter().map(|s| s.script()).collect();
        message.push_str(&format!(" (only {} read it)", names.join(", ")));
    }
    Some(message)
}

/// The known keys of every service, without duplicates (computed once).
fn all_keys() -> Vec<&'static str> {
    static KEYS: OnceLock<Vec<&'static str>> = OnceLock::new();
    KEYS.get_or_init(collect_all_keys).clone()
}

/// The known keys of every service, without duplicates.
fn collect_all_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for service in ALL_SERVICES {
        for key in known_keys(service) {
            if !keys.contains(key) {
                keys.push(key);
            }
        }
    }
    keys
}

/// What the service's filter or test does to `value` against its
/// writer's intent. Without a service, only filters that every service
/// reading `key` applies alike are checked.
fn value_problem(key: &str, value: &str, service: Option<Service>) -> Option<(Severity, String)> {
    let chosen = match service {
        Some(service) => filter(service, key),
        None => common_filter(key),
    };
    if let Some(message) = chosen.and_then(|chosen| filter_problem(key, value, chosen)) {
        return Some((Severity::Changed, message));
    }
    list_problem(key, value, service).or_else(|| output_problem(key, value, service))
}

/// What `chosen` does to `value` against its writer's intent.
fn filter_problem(key: &str, value: &str, chosen: Filter) -> Option<String> {
    let message = match chosen {
        Filter::Parameter { default, flag } => parameter_problem(key, value, default, flag)?,
        Filter::Integer => integer_problem(key, value)?,
        Filter::Html => html_problem(key, value)?,
    };
    Some(message)
}

/// `output` values the import services do not know (checked after the
/// filters, which report a value they replace): both stop at once.
fn output_problem(key: &str, value: &str, service: Option<Service>) -> Option<(Severity, String)> {
    let imports = [Service::Import, Service::SynchroImport];
    let reads = service.is_none_or(|s| imports.contains(&s));
    if key != "output" || !reads || matches!(value, "summary" | "details" | "retcode") {
        return None;
    }
    let message = format!(
        "`output = {}` is not one of `summary`, `details`, `retcode`: iTop answers \
         `#Unknown output format` and loads nothing",
        escape(value)
    );
    Some((Severity::Changed, message))
}

/// The filter all services reading `key` apply, when they agree.
fn common_filter(key: &str) -> Option<Filter> {
    let mut filters = services_knowing(key).into_iter().map(|s| filter(s, key));
    let first = filters.next()??;
    filters.all(|other| other == Some(first)).then_some(first)
}

fn parameter_problem(key: &str, value: &str, default: &str, flag: Flag) -> Option<String> {
    let shown = shown_value(key, value);
    if !passes_parameter_filter(value) && value != default {
        return Some(format!(
            "`{key} = {shown}` is silently replaced by the default `{default}`: this \
             parameter accepts only letters, digits, blank, `_`, `=` and `-`"
        ));
    }
    match flag {
        Flag::ExactOne if !matches!(value, "0" | "1" | "") => Some(format!(
            "`{key} = {shown}` is read as off: only the exact value `1` turns `{key}` on \
             (write `1` or `0`)"
        )),
        Flag::Truthy if matches!(value.to_ascii_lowercase().as_str(), "no" | "false" | "off") => {
            Some(format!(
                "`{key} = {shown}` turns `{key}` on: any value but empty and `0` counts as \
                 true (write `0` or remove the line)"
            ))
        }
        _ => None,
    }
}

fn integer_problem(key: &str, value: &str) -> Option<String> {
    let kept: String = value
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '+' | '-'))
        .collect();
    (kept != value).then(|| {
        format!(
            "`{key} = {}` is read as `{kept}`: this parameter keeps only digits, `+` and `-`",
            shown_value(key, value)
        )
    })
}

fn html_problem(key: &str, value: &str) -> Option<String> {
    value.contains(['&', '<', '>', '"', '\'']).then(|| {
        format!(
            "`{key} = {}` is changed: iTop HTML-encodes `&`, `<`, `>` and quotes in this \
             parameter",
            shown_value(key, value)
        )
    })
}

/// `data_sources` items are not trimmed (§3.1).
fn list_problem(key: &str, value: &str, service: Option<Service>) -> Option<(Severity, String)> {
    let reads = service.is_none_or(|s| s == Service::SynchroExec);
    if key != "data_sources" || !reads || !value.split(',').any(|item| item.trim() != item) {
        return None;
    }
    let compact: Vec<&str> = value.split(',').map(str::trim).collect();
    let message = format!(
        "`data_sources = {}`: iTop does not trim the items of this list, so an id with a \
         blank is not found; write `{}`",
        escape(value),
        escape(&compact.join(","))
    );
    Some((Severity::Changed, message))
}
