//! [`Params`]: the values iTop would read, in order, each with its origin.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

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

/// A key or a value: a slice of the text of a file read (no copy per
/// line), or owned (values set in code, files over 4 GiB).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Text {
    /// Bytes `start..end` of the text of `files[file]`.
    Slice { file: u32, start: u32, end: u32 },
    /// Text of its own.
    Owned(Box<str>),
}

/// Where a value came from, without the path: `file` indexes
/// [`Params::files`] (`None` for the command line or code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Place {
    pub file: Option<u32>,
    pub line: usize,
    pub column: usize,
    pub key_column: usize,
}

impl Place {
    /// The place of a value given on the command line or in code.
    const CODE: Place = Place {
        file: None,
        line: 0,
        column: 0,
        key_column: 0,
    };
}

/// One key, its value, and where the value came from.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    key: Text,
    value: Text,
    pub place: Place,
    /// The public [`Origin`], built on first request (it owns a copy of
    /// the path, which costs an allocation per key; boxed, so that
    /// entries stay small).
    origin: OnceLock<Box<Origin>>,
    /// The next entry whose key has the same hash, or [`NO_ENTRY`].
    next: u32,
}

/// The end of a chain of entries with the same key hash.
const NO_ENTRY: u32 = u32::MAX;

/// The text of each file read, kept so that keys and values can point
/// into it and [`Params::lint`] can read the lines again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Source {
    /// The text as the grammar reads it (decoded lossily if need be).
    pub text: Arc<str>,
    /// The original bytes, when they are not UTF-8.
    pub raw: Option<Arc<[u8]>>,
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
#[derive(Clone, Default)]
pub struct Params {
    entries: Vec<Entry>,
    /// Key hash to the last entry with that hash (see [`Entry::next`]).
    index: HashMap<u64, u32, BuildHasherDefault<Prehashed>>,
    /// The files read, in load order; `sources` has the same length.
    pub(crate) files: Vec<PathBuf>,
    pub(crate) sources: Vec<Source>,
}

impl Params {
    /// An empty set of parameters.
    pub fn new() -> Params {
        Params::default()
    }

    /// The value of `key`, if defined (keys are case-sensitive).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entry(key).map(|entry| self.value_of(entry))
    }

    /// Where the value of `key` came from.
    pub fn origin(&self, key: &str) -> Option<&Origin> {
        self.entry(key).map(|entry| {
            &**entry.origin.get_or_init(|| {
                Box::new(Origin {
                    path: entry.place.file.and_then(|file| self.path(file).cloned()),
                    line: entry.place.line,
                    column: entry.place.column,
                    key_column: entry.place.key_column,
                })
            })
        })
    }

    /// Sets `key` as the command line or code does: the value wins over
    /// every file, including files merged later.
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        let key = Text::Owned(key.into());
        let value = Text::Owned(value.into().into_boxed_str());
        self.define(key, value, Place::CODE);
    }

    /// Merges `later` into `self`, as iTop merges the files of
    /// `param_file=a,b`: values of `later` replace those of `self`, except
    /// that a file never replaces a command-line or code value.
    pub fn merge(&mut self, later: Params) {
        let shift = u32::try_from(self.files.len()).unwrap_or(u32::MAX);
        self.files.extend(later.files);
        self.sources.extend(later.sources);
        for entry in later.entries {
            let moved = |text: Text| match text {
                Text::Slice { file, start, end } => Text::Slice {
                    file: file.saturating_add(shift),
                    start,
                    end,
                },
                owned => owned,
            };
            let mut place = entry.place;
            place.file = place.file.map(|file| file.saturating_add(shift));
            let (key, value) = (moved(entry.key), moved(entry.value));
            let keep_ours = self
                .entry(self.text(&key))
                .is_some_and(|ours| ours.place.file.is_none() && place.file.is_some());
            if !keep_ours {
                self.define(key, value, place);
            }
        }
    }

    /// The keys and values, in order of first definition.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .map(|entry| (self.key_of(entry), self.value_of(entry)))
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
        self.position(key).and_then(|at| self.entries.get(at))
    }

    /// All entries, in order.
    pub(crate) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The key of `entry`.
    pub(crate) fn key_of<'a>(&'a self, entry: &'a Entry) -> &'a str {
        self.text(&entry.key)
    }

    /// The value of `entry`.
    pub(crate) fn value_of<'a>(&'a self, entry: &'a Entry) -> &'a str {
        self.text(&entry.value)
    }

    /// The path of file number `file`.
    pub(crate) fn path(&self, file: u32) -> Option<&PathBuf> {
        self.files.get(usize::try_from(file).ok()?)
    }

    /// Adds a file read whole into `text` (`raw`: its bytes, when they are
    /// not UTF-8); returns its number for [`Params::define_slice`].
    pub(crate) fn add_file(&mut self, path: &Path, text: Arc<str>, raw: Option<Arc<[u8]>>) -> u32 {
        self.files.push(path.to_path_buf());
        self.sources.push(Source { text, raw });
        u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX)
    }

    /// Defines the key and value at byte ranges `key` and `value` of the
    /// text of file number `place.file`, as [`Params::define`] does.
    pub(crate) fn define_slice(
        &mut self,
        key: Range<usize>,
        value: Range<usize>,
        place: Place,
    ) -> Option<Place> {
        let file = place.file.unwrap_or(u32::MAX);
        let key = self.slice(file, key);
        let value = self.slice(file, value);
        self.define(key, value, place)
    }

    /// The [`Text`] of bytes `range` of file number `file`; owned when the
    /// offsets do not fit in 32 bits.
    fn slice(&self, file: u32, range: Range<usize>) -> Text {
        match (u32::try_from(range.start), u32::try_from(range.end)) {
            (Ok(start), Ok(end)) => Text::Slice { file, start, end },
            _ => {
                let source = usize::try_from(file).ok().and_then(|f| self.sources.get(f));
                let text = source.and_then(|s| s.text.get(range)).unwrap_or_default();
                Text::Owned(text.into())
            }
        }
    }

    /// The string of `text`.
    fn text<'a>(&'a self, text: &'a Text) -> &'a str {
        match text {
            Text::Slice { file, start, end } => {
                let source = usize::try_from(*file)
                    .ok()
                    .and_then(|f| self.sources.get(f));
                let range =
                    usize::try_from(*start).unwrap_or(0)..usize::try_from(*end).unwrap_or(0);
                source.and_then(|s| s.text.get(range)).unwrap_or_default()
            }
            Text::Owned(text) => text,
        }
    }

    /// The position of `key` in `entries`.
    fn position(&self, key: &str) -> Option<usize> {
        self.find(key, hash_key(key))
    }

    /// The position of `key`, whose hash is `hash`, in `entries`.
    fn find(&self, key: &str, hash: u64) -> Option<usize> {
        let mut at = *self.index.get(&hash)?;
        while at != NO_ENTRY {
            let index = usize::try_from(at).ok()?;
            let entry = self.entries.get(index)?;
            if self.text(&entry.key) == key {
                return Some(index);
            }
            at = entry.next;
        }
        None
    }

    /// Defines `key`, replacing any earlier value in place; returns the
    /// place of the replaced value.
    fn define(&mut self, key: Text, value: Text, place: Place) -> Option<Place> {
        let hash = hash_key(self.text(&key));
        if let Some(at) = self.find(self.text(&key), hash)
            && let Some(entry) = self.entries.get_mut(at)
        {
            entry.value = value;
            entry.origin = OnceLock::new();
            return Some(std::mem::replace(&mut entry.place, place));
        }
        let at = u32::try_from(self.entries.len()).unwrap_or(NO_ENTRY);
        let next = self.index.insert(hash, at).unwrap_or(NO_ENTRY);
        self.entries.push(Entry {
            key,
            value,
            place,
            origin: OnceLock::new(),
            next,
        });
        None
    }

    /// Defines `key` with a ready-made `origin` (its path among the files
    /// read, added if need be); returns the origin of the replaced value.
    #[cfg(test)]
    pub(crate) fn insert(&mut self, key: &str, value: String, origin: Origin) -> Option<Origin> {
        let file = origin.path.as_ref().map(|path| {
            let at = self.files.iter().position(|file| file == path);
            let at = at.unwrap_or_else(|| {
                self.files.push(path.clone());
                self.files.len() - 1
            });
            u32::try_from(at).unwrap_or(u32::MAX)
        });
        let place = Place {
            file,
            line: origin.line,
            column: origin.column,
            key_column: origin.key_column,
        };
        let earlier = self.entry(key).and_then(|_| self.origin(key).cloned());
        let value = Text::Owned(value.into_boxed_str());
        self.define(Text::Owned(key.into()), value, place);
        earlier
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

/// Two sets are equal when they hold the same keys, values and origins in
/// the same order, read from the same files with the same texts.
impl PartialEq for Params {
    fn eq(&self, other: &Params) -> bool {
        let same_entry = |(ours, theirs): (&Entry, &Entry)| {
            self.key_of(ours) == other.key_of(theirs)
                && self.value_of(ours) == other.value_of(theirs)
                && ours.place == theirs.place
        };
        self.files == other.files
            && self.sources == other.sources
            && self.entries.len() == other.entries.len()
            && self.entries.iter().zip(&other.entries).all(same_entry)
    }
}

impl Eq for Params {}

/// A well-mixed 64-bit hash of `key`, eight bytes at a time: keys come
/// from local files (no flooding to fear) and are hashed once per line.
fn hash_key(key: &str) -> u64 {
    const MUL: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes = key.as_bytes();
    let mut hash = (bytes.len() as u64).wrapping_mul(MUL);
    let mut mix = |word: u64| hash = (hash ^ word).wrapping_mul(MUL).rotate_left(29);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        mix(u64::from_le_bytes(word));
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        let mut word = [0u8; 8];
        word[..tail.len()].copy_from_slice(tail);
        mix(u64::from_le_bytes(word));
    }
    // The finalizer of MurmurHash3: every bit of the input moves the top
    // bits, which the table uses.
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^ (hash >> 33)
}

/// The hasher of the index, whose keys are already hashes.
#[derive(Debug, Clone, Copy, Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used; fold anything else in all the same.
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, hash: u64) {
        self.0 = hash;
    }
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (entry_key, value) in self.iter() {
            // A secret key cut before a later `=` holds part of the secret.
            let key = match entry_key.split_once('=') {
                Some((head, _)) if is_secret_key(head) => format!("{head}=***"),
                _ => entry_key.to_string(),
            };
            if is_secret_key(entry_key) {
                map.entry(&key, &format_args!("***"));
            } else {
                map.entry(&key, &value);
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
