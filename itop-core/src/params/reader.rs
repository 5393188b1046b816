//! Reading parameters files: one file ([`Params::parse`]) or iTop's
//! comma-separated list ([`Params::load`]).
//!
//! The file need not be UTF-8. Bytes are decoded lossily for the grammar:
//! every byte iTop's reader reacts to (blanks, `=`, `#`, `\n`) is ASCII and
//! survives the decoding, so lines, keys and values are cut exactly where
//! iTop cuts them. A key or value that holds bytes that are not UTF-8 gets
//! a positioned finding from [`Params::parse`] and makes [`Params::load`]
//! fail, since this crate keeps values as text and could not pass those
//! bytes on unchanged.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::ParamsError;
use super::finding::{Finding, Severity};
use super::grammar::{Line, Shape, scan};
use super::map::{Params, Place, Source};
use super::syntax_lint::LineLint;
use super::text::{TRIM_CHARS, column, shown_key};

impl Params {
    /// Reads one parameters file's bytes as iTop does; `path` is recorded
    /// in origins and findings. Never fails: lines iTop ignores and bytes
    /// that are not UTF-8 become findings (see [`Params::lint`]).
    pub fn parse(text: &[u8], path: &Path) -> Params {
        read(text, path).0
    }

    /// Loads an iTop-style list of files, `a,b`: split on `,`, pieces
    /// trimmed, empty pieces and `0` skipped; a key in a later file
    /// replaces the earlier value.
    ///
    /// # Errors
    ///
    /// A [`ParamsError`] at line 0 when a file cannot be read, or at the
    /// offending character when a key or value is not UTF-8.
    pub fn load(paths: &str) -> Result<Params, ParamsError> {
        let list: Vec<PathBuf> = paths
            .split(',')
            .map(|piece| piece.trim_matches(TRIM_CHARS))
            .filter(|piece| !piece.is_empty() && *piece != "0")
            .map(PathBuf::from)
            .collect();
        Params::load_paths(&list)
    }

    /// Loads `paths` in order; a key in a later file replaces the earlier
    /// value.
    ///
    /// # Errors
    ///
    /// As [`Params::load`].
    pub fn load_paths(paths: &[PathBuf]) -> Result<Params, ParamsError> {
        let mut params = Params::new();
        for path in paths {
            let bytes = std::fs::read(path).map_err(|err| unreadable(path, &err))?;
            let (file, undecodable) = read(&bytes, path);
            if let Some(err) = undecodable {
                return Err(err);
            }
            params.merge(file);
        }
        Ok(params)
    }
}

/// The error for a file that cannot be read, worded like iTop's.
fn unreadable(path: &Path, err: &std::io::Error) -> ParamsError {
    let message = if err.kind() == std::io::ErrorKind::NotFound {
        "could not find the parameter file".to_owned()
    } else {
        format!("could not load the parameter file: {err}")
    };
    ParamsError {
        path: path.to_path_buf(),
        line: 0,
        column: 0,
        message,
    }
}

/// Reads one file; also returns the first key or value that is not UTF-8.
///
/// Only what iTop reads is computed here; the findings about how lines
/// are written wait for [`Params::lint`] ([`file_findings`]), which reads
/// the kept text again.
fn read(bytes: &[u8], path: &Path) -> (Params, Option<ParamsError>) {
    // `from_utf8` is the fast check; the lossy decoding only runs on
    // files that need it.
    let (text, raw): (Arc<str>, Option<Arc<[u8]>>) = match std::str::from_utf8(bytes) {
        Ok(text) => (Arc::from(text), None),
        Err(_) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            (Arc::from(text), Some(Arc::from(bytes)))
        }
    };
    // Room for about one key per line, counted quickly.
    let newlines = memchr::memchr_iter(b'\n', bytes).count();
    let mut params = Params::with_capacity(newlines + 1);
    let file = params.add_file(path, Arc::clone(&text), raw.clone());
    for line in scan(&text) {
        let Shape::Entry { key, value, .. } = &line.shape else {
            continue;
        };
        let place = Place {
            file: Some(file),
            line: line.number,
            column: column(line.text, value.start),
            key_column: column(line.text, key.start),
        };
        let at = |range: &Range<usize>| line.start + range.start..line.start + range.end;
        params.define_slice(at(key), at(value), place);
    }
    let undecodable = raw.and_then(|raw| first_undecodable(path, &text, &raw));
    (params, undecodable)
}

/// The error for the first key or value of `text` (decoded from `raw`)
/// that is not UTF-8.
fn first_undecodable(path: &Path, text: &str, raw: &[u8]) -> Option<ParamsError> {
    let raw_lines: Vec<&[u8]> = raw.split(|&b| b == b'\n').collect();
    scan(text)
        .filter(|line| matches!(line.shape, Shape::Entry { .. }))
        .find_map(|line| not_utf8(path, &line, raw_lines.get(line.number - 1)?))
        .map(|finding| to_error(&finding))
}

/// The findings about how the lines of one file are written: what
/// [`LineLint`] sees, bytes that are not UTF-8, keys defined again.
pub(crate) fn file_findings(path: &Path, source: &Source) -> Vec<Finding> {
    let raw_lines: Vec<&[u8]> = match &source.raw {
        Some(raw) => raw.split(|&b| b == b'\n').collect(),
        None => Vec::new(),
    };
    let mut out = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for line in scan(&source.text) {
        LineLint::run(path, &line, &mut out);
        let Shape::Entry { key, .. } = &line.shape else {
            continue;
        };
        let raw = raw_lines.get(line.number - 1).copied();
        if let Some(finding) = raw.and_then(|raw| not_utf8(path, &line, raw)) {
            out.push(finding);
        }
        let key_text = line.text.get(key.clone()).unwrap_or_default();
        let first = *seen.entry(key_text).or_insert(line.number);
        if first != line.number {
            out.push(duplicate(path, &line, key_text, first));
        }
    }
    out
}

/// A finding for the first byte that is not UTF-8 before the comment cut
/// of an entry line (`raw` is the line's original bytes). Such bytes can
/// only sit in the key or the value: everything else there is ASCII.
fn not_utf8(path: &Path, line: &Line<'_>, raw: &[u8]) -> Option<Finding> {
    let cut = raw.iter().position(|&b| b == b'#').unwrap_or(raw.len());
    let valid = std::str::from_utf8(&raw[..cut]).err()?.valid_up_to();
    let before = String::from_utf8_lossy(&raw[..valid]);
    Some(Finding {
        path: path.to_path_buf(),
        line: line.number,
        column: before.chars().count() + 1,
        severity: Severity::Changed,
        message: "bytes that are not UTF-8 in the key or value: iTop would read them as \
                  they are, but this tool keeps text only; save the file as UTF-8"
            .to_owned(),
    })
}

fn to_error(finding: &Finding) -> ParamsError {
    ParamsError {
        path: finding.path.clone(),
        line: finding.line,
        column: finding.column,
        message: "not UTF-8: iTop would read these bytes as they are, this tool cannot".to_owned(),
    }
}

/// A warning for a key defined again in the same file (first at line
/// `earlier`).
fn duplicate(path: &Path, line: &Line<'_>, key: &str, earlier: usize) -> Finding {
    let column = match &line.shape {
        Shape::Entry { key, .. } => column(line.text, key.start),
        Shape::Ignored { .. } => 1,
    };
    Finding {
        path: path.to_path_buf(),
        line: line.number,
        column,
        severity: Severity::Warning,
        message: format!(
            "`{}` is defined again (first at line {}): iTop keeps only this later value",
            shown_key(key),
            earlier
        ),
    }
}
