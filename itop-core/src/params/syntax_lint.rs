//! Findings about how a line is written, whatever the service: lines iTop
//! ignores, values cut at `#`, keys containing `=`, quotes kept, a byte
//! order mark, carriage returns, invisible characters.

use std::ops::Range;
use std::path::Path;

use super::finding::{Finding, Severity};
use super::grammar::{Line, Shape};
use super::text::{column, escape, is_blank, is_secret_key, is_trim, shown_key, shown_value};

/// Collects the findings of one line.
pub(crate) struct LineLint<'a> {
    path: &'a Path,
    line: &'a Line<'a>,
    out: &'a mut Vec<Finding>,
}

impl<'a> LineLint<'a> {
    /// Lints `line` of the file at `path` into `out`.
    pub(crate) fn run(path: &'a Path, line: &'a Line<'a>, out: &'a mut Vec<Finding>) {
        let mut lint = LineLint { path, line, out };
        lint.byte_order_mark();
        lint.carriage_return();
        match &line.shape {
            Shape::Entry { key, equals, value } => {
                lint.entry(key.clone(), *equals, value.clone());
            }
            Shape::Ignored { content } => lint.ignored(content.clone()),
        }
    }

    /// Records a finding at byte `offset` of the line.
    fn push(&mut self, offset: usize, severity: Severity, message: String) {
        self.out.push(Finding {
            path: self.path.to_path_buf(),
            line: self.line.number,
            column: column(self.line.text, offset),
            severity,
            message,
        });
    }

    /// The text of `range` in the line.
    fn slice(&self, range: Range<usize>) -> &'a str {
        self.line.text.get(range).unwrap_or_default()
    }

    fn byte_order_mark(&mut self) {
        let text = self.line.text;
        let start = text.len() - text.trim_start_matches(is_trim).len();
        if !text[start..].starts_with('\u{feff}') {
            return;
        }
        // Elsewhere than at the start, typically files joined by `cat`.
        let place = if self.line.number == 1 {
            "the file starts with"
        } else {
            "this line starts with"
        };
        if let Shape::Entry { key, .. } = &self.line.shape {
            let real = escape(self.slice(key.clone()));
            let meant = real.trim_start_matches("\\u{feff}").to_owned();
            let message = format!(
                "{place} a UTF-8 byte order mark: iTop keeps it in the key, which becomes \
                 `{}`, so `{}` is not set; save the file as UTF-8 without BOM",
                shown_key(&real),
                shown_key(&meant)
            );
            self.push(start, Severity::Changed, message);
        } else {
            let message = format!(
                "{place} a UTF-8 byte order mark: harmless here, but iTop would take it into \
                 the key of a line that defines one; save the file as UTF-8 without BOM"
            );
            self.push(start, Severity::Warning, message);
        }
    }

    fn carriage_return(&mut self) {
        let kept = self.line.text.trim_end_matches(is_trim);
        let Some(at) = kept.find('\r') else {
            return;
        };
        let count = kept.matches('\r').count();
        let message = format!(
            "carriage return inside the line ({count} in all): iTop splits lines on `\\n` \
             only, so what follows a bare CR stays on this line; use `\\n` or `\\r\\n` line ends"
        );
        self.push(at, Severity::Changed, message);
    }

    fn entry(&mut self, key: Range<usize>, equals: usize, value: Range<usize>) {
        let key_text = self.slice(key.clone());
        if key_text.is_empty() {
            let message = "nothing before `=`: this line defines the empty key, which no \
                           service reads";
            self.push(equals, Severity::Changed, message.to_owned());
        }
        if let Some(at) = key_text.find('=') {
            let value_text = self.slice(value.clone());
            self.key_with_equals(key.start, at, key_text, value_text);
        }
        if let Some(hash) = self.line.comment {
            self.comment_after_value(hash, key_text, value.clone());
        }
        self.quotes(key_text, value.clone());
        self.form_feed(value.clone());
        self.invisible(key.clone(), "key");
        self.invisible(value, "value");
    }

    /// `key` (starting at byte `start` of the line) has its first `=` at
    /// byte `at` of the key.
    fn key_with_equals(&mut self, start: usize, at: usize, key: &str, value: &str) {
        let meant = key.get(..at).unwrap_or(key);
        let message = if is_secret_key(meant) {
            format!(
                "the key contains `=`: iTop takes the first word up to its last `=` as the \
                 key, so `{meant}` is not set and part of its value became the key; write \
                 `{meant} = <value>` with blanks around the first `=`"
            )
        } else {
            let rest = key.get(at + 1..).unwrap_or_default();
            format!(
                "the key is `{}` (value `{}`): iTop takes the first word up to its last `=` \
                 as the key, so `{meant}` is not set; write `{meant} = {}={}`",
                shown_key(key),
                escape(value),
                escape(rest),
                escape(value)
            )
        };
        self.push(start + at, Severity::Changed, message);
    }

    fn comment_after_value(&mut self, hash: usize, key: &str, value: Range<usize>) {
        let glued = self.line.text[..hash]
            .chars()
            .next_back()
            .is_some_and(|before| !is_blank(before) && !is_trim(before));
        if glued {
            let read = shown_value(key, self.slice(value));
            let message = format!(
                "value cut at `#`: iTop drops everything from the first `#`, so `{}` gets \
                 `{read}`; a value cannot contain `#` in a parameters file, pass it on the \
                 command line instead",
                shown_key(key)
            );
            self.push(hash, Severity::Changed, message);
        } else if value.is_empty() {
            let message = format!(
                "`{}` is set to the empty string: the `#` starts a comment, it is not part \
                 of the value",
                shown_key(key)
            );
            self.push(hash, Severity::Warning, message);
        }
    }

    fn quotes(&mut self, key: &str, value: Range<usize>) {
        let text = self.slice(value.clone());
        let quoted = ['"', '\'']
            .iter()
            .any(|&q| text.len() >= 2 && text.starts_with(q) && text.ends_with(q));
        if quoted {
            let message = format!(
                "quotes are kept: iTop reads `{}` with its quotes, as part of the value of \
                 `{}`; remove them unless they belong to the value",
                shown_value(key, text),
                shown_key(key)
            );
            self.push(value.start, Severity::Warning, message);
        }
    }

    fn form_feed(&mut self, value: Range<usize>) {
        let text = self.slice(value.clone());
        let at = if text.ends_with('\x0C') {
            text.trim_end_matches('\x0C').len()
        } else if text.starts_with('\x0C') {
            0
        } else {
            return;
        };
        let message = "form feed at the end of the value: iTop's trim does not remove it, so \
                       it stays in the value";
        self.push(value.start + at, Severity::Changed, message.to_owned());
    }

    /// Control characters and Unicode blanks that iTop keeps as ordinary
    /// characters of the key or value (form feed at a value's ends has its
    /// own finding; TAB inside a value is fine).
    fn invisible(&mut self, range: Range<usize>, what: &str) {
        let text = self.slice(range.clone());
        if text
            .bytes()
            .all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
        {
            return;
        }
        let suspicious = |(_, c): &(usize, char)| {
            (c.is_control() && !matches!(c, '\t' | '\x0C' | '\r'))
                || (c.is_whitespace() && !c.is_ascii())
        };
        let Some((at, c)) = text.char_indices().find(suspicious) else {
            return;
        };
        let message = format!(
            "invisible character U+{:04X} in the {what}: iTop keeps it as an ordinary \
             character (only ASCII blanks separate or get trimmed)",
            u32::from(c)
        );
        self.push(range.start + at, Severity::Warning, message);
    }

    fn ignored(&mut self, content: Range<usize>) {
        let mut text = self.slice(content.clone());
        let mut start = content.start;
        if text.starts_with('\u{feff}') {
            text = &text['\u{feff}'.len_utf8()..];
            start += '\u{feff}'.len_utf8();
        }
        if text.is_empty() {
            return;
        }
        if self.line.regex_gives_up {
            self.regex_gives_up(start, text);
        } else if text.contains('=') {
            // The regex failed although there is an `=`: a blank precedes it
            // inside what should have been the key.
            let blank = text.find(is_blank).unwrap_or(0);
            // Only the first word is shown: what follows the blank may
            // be part of a password.
            let word = text.get(..blank).unwrap_or_default();
            let message = format!(
                "line ignored: a blank follows `{}` before the `=`, so iTop reads nothing \
                 from this line; keys are one word",
                shown_key(word)
            );
            self.push(start + blank, Severity::Changed, message);
        } else {
            self.ignored_without_equals(start);
        }
    }

    /// A line iTop's regex gives up on; `text` starts at byte `start`.
    fn regex_gives_up(&mut self, start: usize, text: &str) {
        let name: String = text
            .split('=')
            .next()
            .unwrap_or_default()
            .chars()
            .take(40)
            .collect();
        let message = format!(
            "line ignored: `{}=` is followed by {} bytes or more without a blank, and PHP's \
             regex gives up on such a line (default pcre.backtrack_limit), so iTop reads \
             nothing from it; write `{} = <value>` with blanks around the first `=`",
            shown_key(&name),
            super::grammar::REGEX_GIVES_UP_AT,
            shown_key(&name)
        );
        self.push(start, Severity::Changed, message);
    }

    fn ignored_without_equals(&mut self, start: usize) {
        let comment = self.line.comment;
        let hidden = comment.and_then(|hash| self.line.text.get(hash..));
        if let (Some(hash), Some(true)) = (comment, hidden.map(|c| c.contains('='))) {
            let message = "line ignored: the `#` starts a comment before the `=`, so iTop \
                           reads nothing from this line";
            self.push(hash, Severity::Changed, message.to_owned());
        } else {
            let message = "line ignored: there is no `=`, so iTop reads nothing from this line";
            self.push(start, Severity::Changed, message.to_owned());
        }
    }
}
