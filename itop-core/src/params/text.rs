//! Small text helpers shared by the reader, the lints and the printer:
//! columns, blanks as iTop counts them, secret keys, escaping for display.

use std::fmt::Write as _;

pub(crate) use super::grammar::TRIM_CHARS;

/// The six ASCII blanks of the key regex's `\s`.
pub(crate) fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r')
}

/// True for the characters PHP's `trim()` removes.
pub(crate) fn is_trim(c: char) -> bool {
    TRIM_CHARS.contains(&c)
}

/// The 1-based column, in characters, of byte `offset` of `line`.
pub(crate) fn column(line: &str, offset: usize) -> usize {
    match line.get(..offset) {
        Some(before) if before.is_ascii() => offset + 1,
        Some(before) => before.chars().count() + 1,
        None => offset + 1,
    }
}

/// True for keys whose values must never be shown: `auth_pwd` and any key
/// containing `pw`, `pass`, `token` or `secret` (in any case), which also
/// covers misspellings such as `auth_pw` or `auth_passwd`.
pub fn is_secret_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    ["pw", "pass", "token", "secret"]
        .iter()
        .any(|word| lower.contains(word))
}

/// The value as it may be shown for `key`: `***` for secrets, else the
/// value with control characters escaped. A value that itself names a
/// secret key (`auth_user = admin<CR>auth_pwd = x` in a file with bare-CR
/// line ends is one line) or that belongs to the empty key may hold a
/// password too, and is hidden as well.
pub fn shown_value(key: &str, value: &str) -> String {
    if is_secret_key(key) || key.is_empty() || is_secret_key(value) {
        "***".to_owned()
    } else {
        escape(value)
    }
}

/// The key as it may be shown: escaped, and for a key like `auth_pwd=abc`
/// (a secret key cut before a later `=`, so part of the secret is in the
/// key) only up to its first `=`, followed by `***`.
pub fn shown_key(key: &str) -> String {
    match key.split_once('=') {
        Some((head, _)) if is_secret_key(head) => format!("{}=***", escape(head)),
        _ => escape(key),
    }
}

/// Escapes control characters, the byte order mark and Unicode blanks so
/// that what iTop reads can be seen (`\t`, `\r`, `\u{c}`, `\u{feff}`...).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c if needs_escape(c) => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Characters that are invisible or misleading when printed.
fn needs_escape(c: char) -> bool {
    c.is_control() || c == '\u{feff}' || (c.is_whitespace() && !c.is_ascii())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        assert_eq!(column("abc", 0), 1);
        assert_eq!(column("é=x", 2), 2);
        assert_eq!(column("é=x", 3), 3);
    }

    #[test]
    fn secret_keys() {
        assert!(is_secret_key("auth_pwd"));
        assert!(is_secret_key("DB_Password"));
        assert!(is_secret_key("api_token"));
        assert!(!is_secret_key("auth_user"));
        assert_eq!(shown_value("auth_pwd", "s3cret"), "***");
        assert_eq!(shown_value("comment", "a\tb"), "a\\tb");
        assert_eq!(shown_key("auth_pwd=abc"), "auth_pwd=***");
        assert_eq!(shown_key("url=http://h/?a"), "url=http://h/?a");
    }

    #[test]
    fn escapes_invisible_characters() {
        assert_eq!(
            escape("\u{feff}k\u{c}\u{a0}é\0"),
            "\\u{feff}k\\u{c}\\u{a0}é\\u{0}"
        );
    }

    #[test]
    fn blanks_and_trim_differ_on_form_feed_and_nul() {
        assert!(is_blank('\x0C') && !is_trim('\x0C'));
        assert!(is_trim('\0') && !is_blank('\0'));
    }
}
