//! Turning the four page kinds of iTop into plain CLI lines (PROTOCOL §1.9).
//!
//! Every parser of this module works on CLI lines; web answers are first
//! brought to that shape here. The work is plain string replacement, never
//! an HTML parser: `cron.php` pages carry raw `<<` and `>>` in their text.

/// The way a service laid its report out (PROTOCOL §1.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// Command-line output: one line per `\n`.
    CliText,
    /// `text/plain` web answer (`import.php`, legacy CSV export): same as CLI.
    PlainText,
    /// HTML fragment (`synchro_import.php`): `<p>`, `</p>` and `<br/>` end lines.
    Fragment,
    /// Full HTML page (`synchro_exec.php`, `cron.php`, export error pages):
    /// the content of `<div id="ibo-page-container">`, entity-decoded.
    FullPage,
}

const CONTAINER: &str = "<div id=\"ibo-page-container\">";

/// Splits a report into CLI lines, as PROTOCOL §1.9 says.
///
/// Text and plain pages are split on `\n` (a trailing `\r` is dropped and
/// empty lines at the end are removed; a missing final newline is fine).
/// Fragments have `<p>`, `</p>` and `<br/>` turned into line ends, leading
/// blanks (not TABs) removed and empty lines dropped. Full pages are cut to
/// their page container, handled like a fragment, then each line has its HTML
/// entities decoded once. A full page without container is handled whole.
///
/// # Example
///
/// ```
/// use itop_core::report::{PageKind, normalize};
///
/// let lines = normalize("#Class: Person<br/>\n  0: New entry", PageKind::Fragment);
/// assert_eq!(lines, ["#Class: Person", "0: New entry"]);
/// ```
pub fn normalize(body: &str, kind: PageKind) -> Vec<String> {
    match kind {
        PageKind::CliText | PageKind::PlainText => text_lines(body),
        PageKind::Fragment => fragment_lines(body),
        PageKind::FullPage => fragment_lines(page_content(body))
            .into_iter()
            .map(|line| decode_entities(&line))
            .collect(),
    }
}

fn text_lines(body: &str) -> Vec<String> {
    let mut lines: Vec<String> = body
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line).to_owned())
        .collect();
    while lines.last().is_some_and(|line| line.is_empty()) {
        lines.pop();
    }
    lines
}

fn fragment_lines(body: &str) -> Vec<String> {
    let flat = body
        .replace("<br/>", "\n")
        .replace("<p>", "\n")
        .replace("</p>", "\n");
    flat.split('\n')
        .map(|line| line.trim_start_matches(' '))
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The bytes between the page container's opening tag and the next `</div>`.
fn page_content(body: &str) -> &str {
    let Some(start) = body.find(CONTAINER) else {
        return body;
    };
    let rest = &body[start + CONTAINER.len()..];
    match rest.find("</div>") {
        Some(end) => &rest[..end],
        None => rest,
    }
}

/// True when the body holds iTop's page container (a full page).
pub(crate) fn has_page_container(body: &str) -> bool {
    body.contains(CONTAINER)
}

/// Decodes the HTML entities iTop produces: the five XML ones, `&nbsp;` and
/// numeric references. Anything else is left as it is.
pub(crate) fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        match decode_one(tail) {
            Some((decoded, used)) => {
                out.push(decoded);
                rest = &tail[used..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Decodes the entity at the start of `text` (which starts with `&`),
/// returning the character and the bytes used.
fn decode_one(text: &str) -> Option<(char, usize)> {
    let (end, _) = text.char_indices().take(12).find(|(_, c)| *c == ';')?;
    let name = &text[1..end];
    let decoded = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => numeric_entity(name)?,
    };
    Some((decoded, end + 1))
}

fn numeric_entity(name: &str) -> Option<char> {
    let number = name.strip_prefix('#')?;
    let code = match number.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => number.parse().ok()?,
    };
    char::from_u32(code)
}

/// Decodes entities twice, for display: export-v2 encodes some parts of its
/// messages twice (PROTOCOL §6.3).
pub(crate) fn decode_twice(text: &str) -> String {
    decode_entities(&decode_entities(text))
}

/// Removes `<...>` tags, for display of messages that carry markup
/// (legacy export errors).
pub(crate) fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        match rest[open..].find('>') {
            Some(close) => rest = &rest[open + close + 1..],
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A report header's list value, `a, b, c` (as in `#Columns:`), split on
/// iTop's `", "`; empty when the value is absent or blank.
pub(crate) fn comma_list(value: Option<&str>) -> Vec<String> {
    match value.map(str::trim) {
        Some(value) if !value.is_empty() => value.split(", ").map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_keeps_trailing_blank_and_inner_empty_lines() {
        let lines = normalize(
            "#Date only format: 'Y-m-d' \n\nUSAGE:\r\n\n",
            PageKind::CliText,
        );
        assert_eq!(lines, ["#Date only format: 'Y-m-d' ", "", "USAGE:"]);
    }

    #[test]
    fn text_accepts_missing_final_newline() {
        assert_eq!(
            normalize("#Issues: 0\n#Unchanged: 3", PageKind::PlainText).len(),
            2
        );
    }

    #[test]
    fn fragment_keeps_tab_separator_and_drops_blank_prefix() {
        let body = "#Separator: \t<br/>\n  #Qualifier: \"<br/><p>ERROR: x</p>\n  0";
        let lines = normalize(body, PageKind::Fragment);
        assert_eq!(lines, ["#Separator: \t", "#Qualifier: \"", "ERROR: x", "0"]);
    }

    #[test]
    fn full_page_takes_container_and_decodes_once() {
        let body = "<html><title>x</title><div id=\"ibo-page-container\">\n  \
                    <p>Working on A &amp;amp; B (id=1)...</p><p>>> === x</p>\n</div><p>no</p>";
        let lines = normalize(body, PageKind::FullPage);
        assert_eq!(lines, ["Working on A &amp; B (id=1)...", ">> === x"]);
    }

    #[test]
    fn entities_decode_named_and_numeric() {
        assert_eq!(decode_entities("&#039;a&#x41;&lt;&foo;&"), "'aA<&foo;&");
        assert_eq!(decode_twice("&amp;#039;Org&amp;#039;"), "'Org'");
    }

    #[test]
    fn tags_are_stripped() {
        assert_eq!(
            strip_tags("in: <span style=\"x\">Org</span> <"),
            "in: Org <"
        );
    }
}
