//! The pest grammar of parameters files, and the one walk that turns its
//! token stream into plain line descriptions.
//!
//! `Rule` and `Token` stay in this module: the rest of `params` sees only
//! [`Line`] and [`Shape`], with byte ranges relative to the line's start.
//!
//! Speed: pest's cost is per construct tried (each counted call, each
//! sequence's stack snapshot, each pair's two tokens), not per byte, so
//! the grammar is shaped to try few per line (see `params.pest`), and the
//! walk reads the flat token stream once instead of building nested
//! `Pairs`. pest is built without its `std` feature: that drops the native
//! stack probe made on every counted call, which the grammar does not need
//! since no rule is recursive (`long_runs_need_no_deep_stack` reads long
//! runs on a 64 KiB stack). What is left per file is pest's `LineIndex`, a
//! pass over the whole text that `Parser::parse` always makes.
//!
//! Bench `params` (1 MiB files; `docs/parameters-files.md` has the
//! numbers): callgrind counts 81 M instructions per parse of the typical
//! file (37-byte lines), 30 M of the long one (135-byte lines) and 130 M
//! of the quirky one (23-byte lines, every other one with a finding),
//! against 123 M, 45 M and 216 M before this shaping.

use std::ops::Range;

use pest::Parser;
use pest::Token;
use pest::iterators::Tokens;

/// The characters PHP's `trim()` removes (not form feed).
pub(crate) const TRIM_CHARS: &[char] = &[' ', '\t', '\n', '\r', '\0', '\x0B'];

/// The derive lives in its own module so that `Rule` stays namespaced.
mod derived {
    /// The parser generated from `params.pest`.
    #[derive(pest_derive::Parser)]
    #[grammar = "params/params.pest"]
    pub(super) struct ParamsParser;
}

use derived::{ParamsParser, Rule};

/// One line of a parameters file, as iTop's reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line<'a> {
    /// 1-based line number (lines split on `\n` only).
    pub number: usize,
    /// Byte offset of the line's first character in the whole text.
    pub start: usize,
    /// The line without its `\n`.
    pub text: &'a str,
    /// What iTop makes of it.
    pub shape: Shape,
    /// Byte offset (in `text`) of the `#` that starts the comment, if any.
    pub comment: Option<usize>,
    /// The line fits the key regex, but PHP's regex engine gives up on it
    /// before finding the match (see [`REGEX_GIVES_UP_AT`]): iTop ignores
    /// it, and so does `shape`.
    pub regex_gives_up: bool,
}

/// With PHP's default `pcre.backtrack_limit` (1,000,000), `preg_match`
/// fails on a line whose key is its first word cut before the last `=`
/// when what follows that `=` in the word is this long or longer: the
/// regex's `\S*` backtracks over it one byte at a time (observed on PHP
/// 8.2 with PCRE2 10.42 and its JIT). iTop then ignores the line.
pub(crate) const REGEX_GIVES_UP_AT: usize = 499_998;

/// What iTop does with a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Shape {
    /// The line defines `key`; `value` is already trimmed. Byte ranges in
    /// the line's text.
    Entry {
        /// The key (may be empty).
        key: Range<usize>,
        /// The `=` that ends the key (after optional blanks).
        equals: usize,
        /// The trimmed value (empty range where the value would start).
        value: Range<usize>,
    },
    /// The line does not fit the key regex. `content` is what is left
    /// before the comment, trimmed; empty for blank and comment lines.
    Ignored {
        /// The trimmed content before the comment cut.
        content: Range<usize>,
    },
}

/// Splits `text` into lines and reads each as iTop does, lazily.
///
/// The grammar accepts every input; should pest ever refuse one, there are
/// no lines rather than a panic (the property tests check that the number
/// of lines always equals the number of `\n` plus one).
pub(crate) fn scan(text: &str) -> Lines<'_> {
    let tokens = match ParamsParser::parse(Rule::file, text) {
        Ok(pairs) => Some(pairs.tokens()),
        Err(err) => {
            log::debug!("params grammar refused an input, a bug: {err}");
            None
        }
    };
    Lines {
        tokens,
        walk: Walk::new(text),
    }
}

/// The lines of one text, from [`scan`].
pub(crate) struct Lines<'a> {
    tokens: Option<Tokens<'a, Rule>>,
    walk: Walk<'a>,
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        let tokens = self.tokens.as_mut()?;
        tokens.find_map(|token| self.walk.step(token))
    }
}

/// The state of the walk over the flat token stream of one text: pest
/// gives `Start` and `End` tokens in order. A line's pairs (`key` or
/// `cut_key` for an entry, then `value` or `ignored`, then `comment` when
/// it has one) hold no pairs of their own, so the last `Start` is always
/// the start of the pair that ends. Every line has exactly one `value` or
/// `ignored` pair, which ends at the line's first `#`, its `\n` or the end
/// of the text: the walk finishes the line there.
struct Walk<'a> {
    text: &'a str,
    number: usize,
    line_start: usize,
    last_start: usize,
    key: Option<Range<usize>>,
}

impl<'a> Walk<'a> {
    fn new(text: &'a str) -> Walk<'a> {
        Walk {
            text,
            number: 0,
            line_start: 0,
            last_start: 0,
            key: None,
        }
    }

    /// Takes one token; returns the line that it ends, if it ends one.
    fn step(&mut self, token: Token<'a, Rule>) -> Option<Line<'a>> {
        match token {
            Token::Start { pos, .. } => {
                self.last_start = pos.pos();
                None
            }
            Token::End { rule, pos } => {
                let span = self.last_start..pos.pos();
                match rule {
                    Rule::key | Rule::cut_key => {
                        self.key = Some(span.start - self.line_start..span.end - self.line_start);
                        None
                    }
                    Rule::value | Rule::ignored => Some(self.line(span)),
                    // `file`, `EOI` and `comment` pairs add nothing (the
                    // comment's `#` is where `value` or `ignored` ends).
                    Rule::file | Rule::EOI | Rule::comment => None,
                    // Silent rules make no pairs.
                    Rule::content | Rule::line_end | Rule::trim | Rule::blank => None,
                }
            }
        }
    }

    /// The line whose `value` or `ignored` pair spans `content` (in the
    /// whole text).
    fn line(&mut self, content: Range<usize>) -> Line<'a> {
        let bytes = self.text.as_bytes();
        let end = bytes
            .get(content.end..)
            .and_then(|rest| memchr::memchr(b'\n', rest))
            .map_or(bytes.len(), |offset| content.end + offset);
        let start = self.line_start;
        self.line_start = end + 1;
        self.number += 1;
        let text = self.text.get(start..end).unwrap_or_default();
        let content = content.start - start..content.end - start;
        let comment = (bytes.get(start + content.end) == Some(&b'#')).then_some(content.end);
        let mut regex_gives_up = false;
        let shape = match self.key.take() {
            Some(key) if backtracks_too_far(text, &key, &content) => {
                regex_gives_up = true;
                Shape::Ignored {
                    content: trim_range(text, key.start..content.end),
                }
            }
            Some(key) => to_entry(text, key, content),
            None => Shape::Ignored {
                content: trim_range(text, content),
            },
        };
        Line {
            number: self.number,
            start,
            text,
            shape,
            comment,
            regex_gives_up,
        }
    }
}

/// True when the key was cut before the last `=` of the first word
/// (no blank between key and value) and the rest of that word is at
/// least [`REGEX_GIVES_UP_AT`] bytes long.
fn backtracks_too_far(text: &str, key: &Range<usize>, value: &Range<usize>) -> bool {
    let cut = value.start == key.end + 1;
    let word = text.as_bytes().get(value.clone()).unwrap_or_default();
    cut && word.len() >= REGEX_GIVES_UP_AT
        && word
            .iter()
            .take(REGEX_GIVES_UP_AT)
            .all(|&b| !matches!(b, b' ' | b'\t' | b'\x0B' | b'\x0C' | b'\r'))
}

/// The [`Shape::Entry`] of a line `text` with `key` and the untrimmed
/// `value` (byte ranges in the line; the value trimmed here as PHP's
/// `trim()` does).
fn to_entry(text: &str, key: Range<usize>, value: Range<usize>) -> Shape {
    // The grammar has `value` start just after the `=` that ends the key,
    // or after `" = "`.
    let before = value.start.saturating_sub(1);
    let equals = if text.as_bytes().get(before) == Some(&b'=') {
        before
    } else {
        before.saturating_sub(1)
    };
    Shape::Entry {
        key,
        equals,
        value: trim_range(text, value),
    }
}

/// Narrows `range` of `text` to its content without trim characters.
fn trim_range(text: &str, range: Range<usize>) -> Range<usize> {
    let bytes = text.as_bytes();
    let Some(slice) = bytes.get(range.clone()) else {
        return range;
    };
    let kept = slice.iter().position(|&b| !is_trim_byte(b));
    let start = range.start + kept.unwrap_or(slice.len());
    start..trimmed_end(bytes, start..range.end)
}

/// The end of `range` of `bytes` once trailing trim characters are
/// removed (all of them are ASCII, so the cut is on a char boundary).
fn trimmed_end(bytes: &[u8], range: Range<usize>) -> usize {
    let slice = bytes.get(range.clone()).unwrap_or_default();
    let kept = slice.iter().rposition(|&b| !is_trim_byte(b));
    kept.map_or(range.start, |last| range.start + last + 1)
}

/// True for the bytes of [`TRIM_CHARS`].
fn is_trim_byte(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0 | 0x0B)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<Line<'_>> {
        scan(text).collect()
    }

    fn entry(line: &str) -> Option<(String, String)> {
        let lines = lines(line);
        let first = lines.first()?;
        match &first.shape {
            Shape::Entry { key, value, .. } => Some((
                first.text[key.clone()].to_owned(),
                first.text[value.clone()].to_owned(),
            )),
            Shape::Ignored { .. } => None,
        }
    }

    #[test]
    fn splits_on_newline_only() {
        let lines = lines("a=1\r\nb=2\rc=3\n\nd");
        let numbers: Vec<_> = lines.iter().map(|l| (l.number, l.start, l.text)).collect();
        assert_eq!(
            numbers,
            vec![
                (1, 0, "a=1\r"),
                (2, 5, "b=2\rc=3"),
                (3, 13, ""),
                (4, 14, "d")
            ]
        );
    }

    #[test]
    fn empty_text_is_one_empty_line() {
        let lines = lines("");
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].shape, Shape::Ignored { content: 0..0 });
    }

    #[test]
    fn key_is_cut_before_last_equals_of_first_word() {
        assert_eq!(entry("a=b=c"), Some(("a=b".into(), "c".into())));
        assert_eq!(entry("k = a=b"), Some(("k".into(), "a=b".into())));
        assert_eq!(entry("x==y"), Some(("x=".into(), "y".into())));
        assert_eq!(entry("=v"), Some(("".into(), "v".into())));
    }

    #[test]
    fn positions_of_equals_and_comment() {
        let lines = lines("  key \t= val # note");
        let line = &lines[0];
        assert_eq!(
            line.shape,
            Shape::Entry {
                key: 2..5,
                equals: 7,
                value: 9..12
            }
        );
        assert_eq!(line.comment, Some(13));
    }

    #[test]
    fn ignored_content_is_trimmed() {
        let lines = lines(" \0key with space = x \t# c");
        assert_eq!(lines[0].shape, Shape::Ignored { content: 2..20 });
        assert_eq!(lines[0].comment, Some(22));
    }
}
