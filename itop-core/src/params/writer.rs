//! Writing parameters files that iTop reads back to the same values
//! (PROTOCOL.md §1.4.3): `key = value` lines, `\n` line ends, no BOM, no
//! duplicates, mode 0600.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::Path;

use super::ParamsError;
use super::text::{is_blank, is_trim};

/// Checks that iTop would read the line `key = value` back as exactly
/// this key and value.
///
/// Refused: an empty key; a key containing a blank (space, TAB, CR, LF,
/// vertical tab, form feed), NUL, `=` or `#`; a value containing `#` or a
/// newline, or starting or ending with a character iTop trims (space, TAB,
/// CR, NUL, vertical tab). Such values must be passed on the command line
/// or in the POST body instead.
///
/// # Errors
///
/// A sentence saying what cannot be represented.
pub fn check_representable(key: &str, value: &str) -> Result<(), String> {
    if key.is_empty() {
        return Err("an empty key cannot be written".to_owned());
    }
    if let Some(c) = key
        .chars()
        .find(|&c| is_blank(c) || matches!(c, '\0' | '=' | '#'))
    {
        return Err(format!(
            "key {key:?} contains {c:?}: iTop would not read it back as one key"
        ));
    }
    if value.contains('#') {
        return Err(format!(
            "the value of `{key}` contains `#`: iTop cuts a value at `#`"
        ));
    }
    if value.contains('\n') {
        return Err(format!(
            "the value of `{key}` contains a newline: iTop splits lines on it"
        ));
    }
    if value.starts_with(is_trim) || value.ends_with(is_trim) {
        return Err(format!(
            "the value of `{key}` starts or ends with a blank: iTop trims it away"
        ));
    }
    Ok(())
}

/// Writes `entries` as `key = value` lines to `path`, creating the file
/// with mode 0600 or truncating it (and setting its mode to 0600).
///
/// Nothing is written unless every entry is representable (see
/// [`check_representable`]) and no key appears twice.
///
/// # Errors
///
/// A [`ParamsError`] at the entry's would-be line when an entry cannot be
/// represented or repeats a key; at line 0 when the file cannot be
/// written.
pub fn write_params_file(path: &Path, entries: &[(&str, &str)]) -> Result<(), ParamsError> {
    let text = render(path, entries)?;
    let io_error = |err: std::io::Error| ParamsError {
        path: path.to_path_buf(),
        line: 0,
        column: 0,
        message: format!("could not write the parameter file: {err}"),
    };
    let mut file = open_private(path).map_err(io_error)?;
    file.write_all(text.as_bytes()).map_err(io_error)?;
    file.flush().map_err(io_error)
}

/// The file's text, after checking every entry.
pub(crate) fn render(path: &Path, entries: &[(&str, &str)]) -> Result<String, ParamsError> {
    let mut seen = HashSet::new();
    let mut text = String::new();
    for (index, &(key, value)) in entries.iter().enumerate() {
        let refuse = |message: String| ParamsError {
            path: path.to_path_buf(),
            line: index + 1,
            column: 0,
            message,
        };
        check_representable(key, value).map_err(refuse)?;
        if !seen.insert(key) {
            return Err(refuse(format!("`{key}` is given twice")));
        }
        text.push_str(key);
        text.push_str(if value.is_empty() { " =" } else { " = " });
        text.push_str(value);
        text.push('\n');
    }
    Ok(text)
}

/// Opens `path` for writing, truncated, readable by its owner only.
#[cfg(unix)]
fn open_private(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};

    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    // An existing file keeps its mode on open: narrow it before writing.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    Ok(file)
}

/// Opens `path` for writing, truncated.
// TODO(#7): restrict the file to its owner on non-Unix systems (ACLs);
// our targets run iTop's PHP on Unix.
#[cfg(not(unix))]
fn open_private(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_itop_cannot_read_back() {
        let refused = [
            ("", "v"),
            ("a b", "v"),
            ("a=b", "v"),
            ("a#b", "v"),
            ("a\u{c}", "v"),
            ("\0a", "v"),
            ("k", "s3cr#et"),
            ("k", "a\nb"),
            ("k", " lead"),
            ("k", "trail\t"),
            ("k", "nul\0"),
        ];
        for (key, value) in refused {
            assert!(
                check_representable(key, value).is_err(),
                "{key:?} = {value:?}"
            );
        }
        let accepted = [("k", "a=b c"), ("k", ""), ("k", "\u{c}ff"), ("é", "\"q\"")];
        for (key, value) in accepted {
            assert_eq!(
                check_representable(key, value),
                Ok(()),
                "{key:?} = {value:?}"
            );
        }
    }

    #[test]
    fn renders_key_blank_equals_blank_value() {
        let text = render(
            Path::new("p"),
            &[("auth_user", "admin"), ("pwd", "a=b"), ("c", "")],
        );
        assert_eq!(text, Ok("auth_user = admin\npwd = a=b\nc =\n".to_owned()));
    }

    #[test]
    fn positions_the_refused_entry() {
        let err = render(Path::new("p"), &[("a", "1"), ("b", "x#y")]);
        let err = err.err().map(|e| (e.line, e.to_string()));
        assert_eq!(
            err,
            Some((
                2,
                "p:2: the value of `b` contains `#`: iTop cuts a value at `#`".into()
            ))
        );
        let twice = render(Path::new("p"), &[("a", "1"), ("a", "2")]).map_err(|e| e.line);
        assert_eq!(twice, Err(2));
    }

    #[cfg(unix)]
    #[test]
    fn creates_and_narrows_mode_0600() -> Result<(), Box<dyn std::error::Error>> {
        use std::os::unix::fs::PermissionsExt as _;

        let dir = tempfile::tempdir()?;
        let path = dir.path().join("creds.params");
        std::fs::write(&path, "old content that is longer\n")?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))?;
        write_params_file(&path, &[("auth_user", "admin")])?;
        let mode = std::fs::metadata(&path)?.permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read_to_string(&path)?, "auth_user = admin\n");
        Ok(())
    }
}
