//! The pest grammar of parameters files, and the one walk that turns its
//! token stream into plain line descriptions.
//!
//! `Rule` and `Token` stay in this module: the rest of `params` sees only
//! [`Line`] and [`Shape`], with byte ranges relative to the line's start.
//!
//! Speed: pest's cost is per rule call (each checks the call limit and
//! probes the native stack, each pair pushes two tokens), so the grammar
//! keeps calls per line few (see `params.pest`) and the walk reads the
//! flat token stream once instead of building nested `Pairs`; runs of
//! characters are single scans, so long lines cost little more than short
//! ones. Bench `params`, 1 MiB files, two shared CPUs, quiet (busy):
//! typical (37-byte lines) 62-82 (30) MB/s, long (135-byte lines) 200-265
//! (80-100) MB/s, quirky (23-byte lines) 35-48 (18) MB/s; pest's own work
//! (about 3,200 instructions per line, 74-77% of the total, callgrind)
//! bounds short lines below 100 MB/s.
// TODO(#3): the 100 MB/s goal is met for long lines only. Short lines stay
// under it because of pest's fixed cost per line (about 18 counted calls,
// each with a stack probe, plus `LineIndex` over the whole input); only a
// pest without those per-call checks, or fewer rules per line than the
// key regex needs, would close the gap. Real parameters files are a few
// lines long, so reading one takes microseconds.

use std::ops::Range;

use pest::Parser;
use pest::Token;

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
}

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
pub(crate) fn scan(text: &str) -> impl Iterator<Item = Line<'_>> {
    let tokens = match ParamsParser::parse(Rule::file, text) {
        Ok(pairs) => Some(pairs.tokens()),
        Err(err) => {
            log::debug!("params grammar refused an input, a bug: {err}");
            None
        }
    };
    let mut walk = Walk::new(text);
    tokens
        .into_iter()
        .flatten()
        .filter_map(move |token| walk.step(token))
}

/// The state of the walk over the flat token stream of one text: pest
/// gives `Start` and `End` tokens in order, and a line's pairs (`key`,
/// `value` or `ignored`, then `rest`) hold no pairs of their own, so the
/// last `Start` is always the start of the pair that ends.
struct Walk<'a> {
    text: &'a str,
    number: usize,
    line_start: usize,
    last_start: usize,
    key: Option<Range<usize>>,
    content: Range<usize>,
    comment: Option<usize>,
}

impl<'a> Walk<'a> {
    fn new(text: &'a str) -> Walk<'a> {
        Walk {
            text,
            number: 0,
            line_start: 0,
            last_start: 0,
            key: None,
            content: 0..0,
            comment: None,
        }
    }

    /// Takes one token; returns the line that it ends, if it ends one.
    fn step(&mut self, token: Token<'a, Rule>) -> Option<Line<'a>> {
        match token {
            Token::Start { rule, pos } => {
                self.last_start = pos.pos();
                if rule == Rule::line {
                    self.line_start = pos.pos();
                    self.key = None;
                    self.comment = None;
                }
                None
            }
            Token::End { rule, pos } => self.end(rule, self.last_start..pos.pos()),
        }
    }

    /// The pair of `rule` spanning `span` (in the whole text) ends.
    fn end(&mut self, rule: Rule, span: Range<usize>) -> Option<Line<'a>> {
        let range = span.start - self.line_start..span.end - self.line_start;
        match rule {
            Rule::key | Rule::cut_key => self.key = Some(range),
            Rule::value | Rule::ignored => self.content = range,
            Rule::rest if !range.is_empty() => self.comment = Some(range.start),
            Rule::line => return Some(self.line(self.line_start..span.end)),
            // `file` and empty `rest` pairs carry nothing.
            _ => {}
        }
        None
    }

    /// The line spanning `span`, from the pairs seen since its start.
    fn line(&mut self, span: Range<usize>) -> Line<'a> {
        self.number += 1;
        let text = self.text.get(span.clone()).unwrap_or_default();
        let shape = match self.key.take() {
            Some(key) => to_entry(text, key, self.content.clone()),
            None => Shape::Ignored {
                content: trim_range(text, self.content.clone()),
            },
        };
        Line {
            number: self.number,
            start: span.start,
            text,
            shape,
            comment: self.comment,
        }
    }
}

/// The [`Shape::Entry`] of a line `text` with `key` and the untrimmed
/// `value` (byte ranges in the line).
fn to_entry(text: &str, key: Range<usize>, value: Range<usize>) -> Shape {
    let bytes = text.as_bytes();
    // The `=` is the first one after the key: blanks only in between.
    let equals = bytes
        .get(key.end..)
        .and_then(|rest| rest.iter().position(|&b| b == b'='))
        .map_or(key.end, |offset| key.end + offset);
    let end = trimmed_end(bytes, value.clone());
    Shape::Entry {
        key,
        equals,
        value: value.start..end,
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
