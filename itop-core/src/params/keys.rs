//! The keys each service reads (PROTOCOL.md §2.1, §3.1, §4.1, §5.1, §6.1,
//! §6.4), the filter each applies to a value (§1.3), and "did you mean"
//! suggestions for near misses.

use crate::Service;

/// Every service, in a fixed order.
pub(crate) const ALL_SERVICES: [Service; 6] = [
    Service::Cron,
    Service::SynchroExec,
    Service::SynchroImport,
    Service::Import,
    Service::Export,
    Service::ExportLegacy,
];

const CRON: &[&str] = &[
    "auth_user",
    "auth_pwd",
    "param_file",
    "verbose",
    "debug",
    "status_only",
];

const SYNCHRO_EXEC: &[&str] = &[
    "auth_user",
    "auth_pwd",
    "data_sources",
    "simulate",
    "max_chunk_size",
    "param_file",
];

const SYNCHRO_IMPORT: &[&str] = &[
    "auth_user",
    "auth_pwd",
    "data_source_id",
    "csvdata",
    "csvfile",
    "synchronize",
    "charset",
    "date_format",
    "separator",
    "qualifier",
    "output",
    "simulate",
    "comment",
    "no_stop_on_import_error",
    "max_chunk_size",
    "param_file",
];

const IMPORT: &[&str] = &[
    "auth_user",
    "auth_pwd",
    "class",
    "csvdata",
    "csvfile",
    "charset",
    "date_format",
    "separator",
    "qualifier",
    "output",
    "reconciliationkeys",
    "simulate",
    "comment",
    "no_localize",
    "param_file",
];

const EXPORT: &[&str] = &[
    "auth_user",
    "auth_pwd",
    "param_file",
    "expression",
    "query",
    "arg_*",
    "format",
    "fields",
    "no_localize",
    "with_archive",
    "separator",
    "other-separator",
    "text-qualifier",
    "other-text-qualifier",
    "charset",
    "formatted_text",
    "date_format",
    "*_date_format_radio",
    "page_size",
    "page_orientation",
    "linksets",
];

const EXPORT_LEGACY: &[&str] = &[
    "auth_user",
    "auth_pwd",
    "param_file",
    "expression",
    "query",
    "arg_*",
    "format",
    "fields",
    "fields_advanced",
    "no_localize",
    "charset",
    "filename",
    "with_archive",
];

/// The parameter names `service` reads, in the order of its documentation.
///
/// Two entries are patterns: `arg_*` (any key starting with `arg_`, the
/// OQL arguments of the exports) and `*_date_format_radio` (any key ending
/// so, `export-v2.php`).
pub fn known_keys(service: Service) -> &'static [&'static str] {
    match service {
        Service::Cron => CRON,
        Service::SynchroExec => SYNCHRO_EXEC,
        Service::SynchroImport => SYNCHRO_IMPORT,
        Service::Import => IMPORT,
        Service::Export => EXPORT,
        Service::ExportLegacy => EXPORT_LEGACY,
    }
}

/// True when `service` reads `key` (patterns included).
pub(crate) fn is_known(service: Service, key: &str) -> bool {
    known_keys(service)
        .iter()
        .any(|name| matches_name(name, key))
}

/// `key` against a name of [`known_keys`], which may be a pattern.
fn matches_name(name: &str, key: &str) -> bool {
    if let Some(prefix) = name.strip_suffix('*') {
        key.len() > prefix.len() && key.starts_with(prefix)
    } else if let Some(suffix) = name.strip_prefix('*') {
        key.len() > suffix.len() && key.ends_with(suffix)
    } else {
        name == key
    }
}

/// The services that read `key`.
pub(crate) fn services_knowing(key: &str) -> Vec<Service> {
    ALL_SERVICES
        .into_iter()
        .filter(|&service| is_known(service, key))
        .collect()
}

/// Names people write for the credentials.
const ALIASES: &[(&str, &str)] = &[
    ("auth_login", "auth_user"),
    ("auth_username", "auth_user"),
    ("auth_name", "auth_user"),
    ("login", "auth_user"),
    ("user", "auth_user"),
    ("username", "auth_user"),
    ("auth_password", "auth_pwd"),
    ("auth_pass", "auth_pwd"),
    ("auth_passwd", "auth_pwd"),
    ("password", "auth_pwd"),
    ("passwd", "auth_pwd"),
    ("pwd", "auth_pwd"),
    ("dry_run", "simulate"),
    ("dryrun", "simulate"),
];

/// The known name `key` was probably meant to be, among `candidates`.
pub(crate) fn suggestion(key: &str, candidates: &[&'static str]) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    let plain = candidates.iter().filter(|name| !name.contains('*'));
    if let Some((_, name)) = ALIASES.iter().find(|(alias, _)| *alias == lower)
        && candidates.contains(name)
    {
        return Some(name);
    }
    let length = lower.chars().count();
    let limit = (length / 4).clamp(1, 3);
    // The distance is at least the difference in length: skip the names
    // too long or too short to be within `limit` (most of them).
    plain
        .filter(|name| name.chars().count().abs_diff(length) <= limit)
        .filter_map(|&name| Some((distance_within(&lower, name, limit)?, name)))
        .min_by_key(|&(d, _)| d)
        .map(|(_, name)| name)
}

/// Levenshtein distance between `a` and `b`, in characters, when it is at
/// most `limit`. Known names are short ASCII words: those are compared
/// byte by byte without allocating; anything else as characters.
fn distance_within(a: &str, b: &str, limit: usize) -> Option<usize> {
    if a.is_ascii() && b.is_ascii() && b.len() < SHORT {
        let mut row = [0usize; SHORT + 1];
        levenshtein(a.as_bytes(), b.as_bytes(), &mut row[..=b.len()], limit)
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        let mut row = vec![0usize; b.len() + 1];
        levenshtein(&a, &b, &mut row, limit)
    }
}

/// Longest name compared without allocating.
const SHORT: usize = 64;

/// The distance between `a` and `b` (`row` holds `b.len() + 1` cells),
/// when it is at most `limit`. Stops as soon as a whole row of the table
/// is over the limit: the distance can only grow from there.
fn levenshtein<T: PartialEq>(a: &[T], b: &[T], row: &mut [usize], limit: usize) -> Option<usize> {
    for (j, cell) in row.iter_mut().enumerate() {
        *cell = j;
    }
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        let mut smallest = row[0];
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
            smallest = smallest.min(row[j + 1]);
        }
        if smallest > limit {
            return None;
        }
    }
    Some(row[b.len()]).filter(|&d| d <= limit)
}

/// How a service tests a flag once filtered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flag {
    /// Not a flag.
    No,
    /// On only for exactly `1`.
    ExactOne,
    /// PHP truthiness: on unless empty or `0`.
    Truthy,
}

/// The sanitization filter a service applies to a value (§1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Filter {
    /// `parameter`: `^[ A-Za-z0-9_=-]*$`, else the default.
    Parameter {
        /// The default, as shown in messages.
        default: &'static str,
        /// How the value is then tested.
        flag: Flag,
    },
    /// `integer`: keeps digits, `+` and `-`.
    Integer,
    /// `string`: HTML special characters encoded.
    Html,
}

/// The filter `service` applies to `key`, when it is not `raw_data`.
pub(crate) fn filter(service: Service, key: &str) -> Option<Filter> {
    use Flag::{ExactOne, No, Truthy};
    let parameter = |default, flag| Some(Filter::Parameter { default, flag });
    match (service, key) {
        (Service::Cron, "verbose" | "debug" | "status_only") => parameter("off", Truthy),
        (_, "simulate" | "no_stop_on_import_error") => parameter("0", ExactOne),
        (Service::SynchroImport, "synchronize") => parameter("1", ExactOne),
        (Service::SynchroImport, "output") => parameter("summary", No),
        (Service::Import, "output") => Some(Filter::Html),
        (Service::Import, "no_localize") => parameter("0", ExactOne),
        (Service::Export, "no_localize") => Some(Filter::Integer),
        (Service::SynchroExec | Service::SynchroImport, "max_chunk_size") => parameter("0", No),
        (Service::Export, "with_archive" | "formatted_text" | "linksets") => parameter("0", No),
        (Service::Export, "page_orientation") => parameter("L", No),
        _ => None,
    }
}

/// True when every character passes the `parameter` filter.
pub(crate) fn passes_parameter_filter(value: &str) -> bool {
    value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '=' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_oql_arguments() {
        assert!(is_known(Service::Export, "arg_org"));
        assert!(!is_known(Service::Export, "arg_"));
        assert!(is_known(Service::Export, "csv_date_format_radio"));
        assert!(!is_known(Service::Import, "arg_org"));
    }

    #[test]
    fn suggests_near_misses() {
        let keys = known_keys(Service::Import);
        assert_eq!(suggestion("auth_login", keys), Some("auth_user"));
        assert_eq!(suggestion("Auth_Password", keys), Some("auth_pwd"));
        assert_eq!(
            suggestion("reconciliation_keys", keys),
            Some("reconciliationkeys")
        );
        assert_eq!(suggestion("clas", keys), Some("class"));
        assert_eq!(suggestion("colour", keys), None);
        assert_eq!(suggestion("dry_run", known_keys(Service::Cron)), None);
    }

    #[test]
    fn distance_counts_edits_up_to_the_limit() {
        assert_eq!(distance_within("kitten", "sitting", 3), Some(3));
        assert_eq!(distance_within("kitten", "sitting", 2), None);
        assert_eq!(distance_within("", "abc", 3), Some(3));
        assert_eq!(distance_within("same", "same", 0), Some(0));
        // Over the limit from the first row on.
        assert_eq!(distance_within("xyz", "abc", 1), None);
        // A row dips under the limit again before the end: not cut early.
        assert_eq!(distance_within("ab", "ba", 2), Some(2));
        // Characters, not bytes, outside ASCII.
        assert_eq!(distance_within("clé", "cle", 1), Some(1));
        assert_eq!(distance_within("éé", "ee", 1), None);
    }

    #[test]
    fn services_knowing_max_chunk_size() {
        let services = services_knowing("max_chunk_size");
        assert_eq!(services, vec![Service::SynchroExec, Service::SynchroImport]);
    }

    #[test]
    fn parameter_filter_charset() {
        assert!(passes_parameter_filter("details"));
        assert!(passes_parameter_filter("a b_c=d-1"));
        assert!(!passes_parameter_filter("details!"));
        assert!(!passes_parameter_filter("1.0"));
        assert!(!passes_parameter_filter("é"));
    }
}
