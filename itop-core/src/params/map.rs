//! [`Params`]: the values iTop would read, in order, each with its origin.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::finding::Finding;
use super::text::is_secret_key;

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    /// The parameters file; `None` for a value given on the command line
    /// or in code (see [`Params::set`]).
    pub path: Option<PathBuf>,
    /// 1-based line in the file (0 for command line or code).
    pub line: usize,
    /// 1-based column, in characters, where the value starts (where it
    /// would start when it is empty); 0 for command line or code.
    pub column: usize,
    /// 1-based column, in characters, where the key starts; 0 for command
    /// line or code.
    pub key_column: usize,
}

impl Origin {
    /// The origin of a value given on the command line or in code.
    pub fn code() -> Origin {
        Origin {
            path: None,
            line: 0,
            column: 0,
            key_column: 0,
        }
    }

    /// True when the value came from a parameters file.
    pub fn is_file(&self) -> bool {
        self.path.is_some()
    }
}

/// One key, its value, and where the value came from.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub key: Arc<str>,
    pub value: String,
    pub origin: Origin,
}

/// Parameters as iTop reads them: an ordered map from key to value that
/// remembers, for every value, the file, line and column it came from.
///
/// Order is the order of first definition; a later definition replaces
/// the value in place, as PHP arrays do. Values from files come first;
/// values given on the command line or in code ([`Params::set`]) win over
/// every file, whenever the file is merged.
///
/// `Debug` prints secret values (`auth_pwd`, any key containing `pwd`,
/// `password` or `token`) as `***`.
///
/// ```
/// use std::path::Path;
/// use itop_core::params::Params;
///
/// let mut params = Params::parse(b"auth_user = admin\nauth_pwd=a=b\n", Path::new("a.params"));
/// assert_eq!(params.get("auth_user"), Some("admin"));
/// assert_eq!(params.get("auth_pwd=a"), Some("b"));
/// params.set("auth_user", "operator");
/// assert_eq!(params.get("auth_user"), Some("operator"));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Params {
    entries: Vec<Entry>,
    index: HashMap<Arc<str>, usize, BuildHasherDefault<Fnv>>,
    pub(crate) files: Vec<PathBuf>,
    pub(crate) findings: Vec<Finding>,
}

impl Params {
    /// An empty set of parameters.
    pub fn new() -> Params {
        Params::default()
    }

    /// The value of `key`, if defined (keys are case-sensitive).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entry(key).map(|entry| entry.value.as_str())
    }

    /// Where the value of `key` came from.
    pub fn origin(&self, key: &str) -> Option<&Origin> {
        self.entry(key).map(|entry| &entry.origin)
    }

    /// Sets `key` as the command line or code does: the value wins over
    /// every file, including files merged later.
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.insert(key, value.into(), Origin::code());
    }

    /// Merges `later` into `self`, as iTop merges the files of
    /// `param_file=a,b`: values of `later` replace those of `self`, except
    /// that a file never replaces a command-line or code value.
    pub fn merge(&mut self, later: Params) {
        for entry in later.entries {
            let keep_ours = self
                .origin(&entry.key)
                .is_some_and(|ours| !ours.is_file() && entry.origin.is_file());
            if !keep_ours {
                self.insert(&entry.key, entry.value, entry.origin);
            }
        }
        self.files.extend(later.files);
        self.findings.extend(later.findings);
    }

    /// The keys and values, in order of first definition.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .map(|entry| (&*entry.key, entry.value.as_str()))
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no key is defined.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The files read, in load order.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// An empty set with room for `capacity` keys.
    pub(crate) fn with_capacity(capacity: usize) -> Params {
        Params {
            entries: Vec::with_capacity(capacity),
            index: HashMap::with_capacity_and_hasher(capacity, BuildHasherDefault::default()),
            ..Params::default()
        }
    }

    /// The entry of `key`.
    pub(crate) fn entry(&self, key: &str) -> Option<&Entry> {
        self.index.get(key).and_then(|&at| self.entries.get(at))
    }

    /// All entries, in order.
    pub(crate) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Defines `key`, replacing any earlier value in place; returns the
    /// origin of the replaced value.
    pub(crate) fn insert(&mut self, key: &str, value: String, origin: Origin) -> Option<Origin> {
        if let Some(&at) = self.index.get(key)
            && let Some(entry) = self.entries.get_mut(at)
        {
            entry.value = value;
            return Some(std::mem::replace(&mut entry.origin, origin));
        }
        let key: Arc<str> = Arc::from(key);
        self.index.insert(Arc::clone(&key), self.entries.len());
        self.entries.push(Entry { key, value, origin });
        None
    }

    /// The load-order rank of `path` among the files read (files not read
    /// come last), to sort findings.
    pub(crate) fn file_rank(&self, path: &Path) -> usize {
        self.files
            .iter()
            .position(|file| file == path)
            .unwrap_or(self.files.len())
    }
}

/// FNV-1a: keys come from local files, short, and hashing them with
/// SipHash showed in the reader's profile.
#[derive(Debug, Clone, Copy)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for entry in &self.entries {
            // A secret key cut before a later `=` holds part of the secret.
            let key = match entry.key.split_once('=') {
                Some((head, _)) if is_secret_key(head) => format!("{head}=***"),
                _ => entry.key.to_string(),
            };
            if is_secret_key(&entry.key) {
                map.entry(&key, &format_args!("***"));
            } else {
                map.entry(&key, &entry.value);
            }
        }
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_origin(path: &str, line: usize) -> Origin {
        Origin {
            path: Some(PathBuf::from(path)),
            line,
            column: 1,
            key_column: 1,
        }
    }

    fn from_file(path: &str, pairs: &[(&str, &str)]) -> Params {
        let mut params = Params::new();
        params.files.push(PathBuf::from(path));
        for (line, (key, value)) in pairs.iter().enumerate() {
            params.insert(key, (*value).to_owned(), file_origin(path, line + 1));
        }
        params
    }

    #[test]
    fn later_definition_replaces_in_place() {
        let params = from_file("a", &[("x", "1"), ("y", "2"), ("x", "3")]);
        let pairs: Vec<_> = params.iter().collect();
        assert_eq!(pairs, vec![("x", "3"), ("y", "2")]);
        assert_eq!(params.origin("x").map(|o| o.line), Some(3));
    }

    #[test]
    fn later_file_wins_but_not_over_code() {
        let mut params = from_file("a", &[("auth_user", "wrong"), ("class", "Person")]);
        params.set("class", "Team");
        params.merge(from_file("b", &[("auth_user", "good"), ("class", "Org")]));
        assert_eq!(params.get("auth_user"), Some("good"));
        assert_eq!(params.get("class"), Some("Team"));
        assert_eq!(params.origin("class"), Some(&Origin::code()));
        let b = params.origin("auth_user").and_then(|o| o.path.clone());
        assert_eq!(b, Some(PathBuf::from("b")));
        assert_eq!(params.files(), &[PathBuf::from("a"), PathBuf::from("b")]);
    }

    #[test]
    fn code_merged_later_wins_over_files() {
        let mut params = from_file("a", &[("simulate", "0")]);
        let mut code = Params::new();
        code.set("simulate", "1");
        params.merge(code);
        assert_eq!(params.get("simulate"), Some("1"));
    }

    #[test]
    fn debug_hides_secrets() {
        let mut params = Params::new();
        params.set("auth_user", "admin");
        params.set("auth_pwd", "s3cret");
        params.set("api_token", "t0k");
        params.set("auth_pwd=abc", "def");
        let shown = format!("{params:?}");
        assert_eq!(
            shown,
            r#"{"auth_user": "admin", "auth_pwd": ***, "api_token": ***, "auth_pwd=***": ***}"#
        );
    }
}
