//! The cells of one row of `import.php`'s `details` table, split the way
//! iTop 3.2 writes them (PROTOCOL §5.3).
//!
//! iTop joins the cells of a row with `;` and escapes nothing at that level
//! (`CSVPage::table`, `implode(';', …)`). What a cell holds depends on its
//! state (`core/bulkchange.class.inc.php`, `CellStatus_*::GetCLIValue`):
//!
//! * a value iTop wrote (created row, changed cell) is the attribute's CSV
//!   form, `AttributeDefinition::GetAsCSV(…, ',', '"')`: for strings,
//!   enumerations and dates `"<value>"` with each `"` doubled, and for a
//!   changed cell the label `Modified` glued after the closing quote;
//! * a cell left alone (unchanged row or cell) is the input value, raw;
//! * an external key is the id found, bare;
//! * a cell with a problem is iTop's message, which quotes the raw input
//!   between `'`, e.g. `'x;y' is an invalid value. …`.
//!
//! So a cell starting with `"` is read up to its closing quote (`""` inside
//! is one quote, separators and newlines are part of it), then up to the
//! next `;`; any other cell ends at the next `;`. Raw cells holding a `;`
//! cannot be told from two cells: iTop's table is ambiguous there.

/// One cell of the `details` table, decoded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DetailsCell {
    /// The value: for a quoted cell the text between the quotes with `""`
    /// read as `"`; otherwise the cell as printed.
    pub value: String,
    /// True when iTop wrote the cell in its CSV form (`"<value>"`): a value
    /// it created or changed.
    pub quoted: bool,
    /// Text glued after the closing quote: `Modified` (translated for other
    /// user languages) on a changed cell, empty otherwise.
    pub suffix: String,
}

impl DetailsCell {
    /// Decodes one cell as printed (an element of
    /// [`ImportRow::cells`](crate::report::ImportRow::cells)).
    pub fn parse(cell: &str) -> DetailsCell {
        match quoted_end(cell, 0) {
            Some(end) => DetailsCell {
                value: cell[1..end - 1].replace("\"\"", "\""),
                quoted: true,
                suffix: cell[end..].to_owned(),
            },
            None => DetailsCell {
                value: cell.to_owned(),
                quoted: false,
                suffix: String::new(),
            },
        }
    }

    /// True for a cell iTop changed (`"<new>"Modified` in English).
    pub fn is_changed(&self) -> bool {
        self.quoted && !self.suffix.is_empty()
    }
}

/// Where the quoted cell starting at `start` ends (just past its closing
/// quote), or `None` when `text` has no `"` at `start` or the quote is never
/// closed.
fn quoted_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.get(start) != Some(&b'"') {
        return None;
    }
    let mut at = start + 1;
    while at < bytes.len() {
        match (bytes[at], bytes.get(at + 1)) {
            (b'"', Some(b'"')) => at += 2,
            (b'"', _) => return Some(at + 1),
            _ => at += 1,
        }
    }
    None
}

/// How a row's text splits into cells.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Split<'a> {
    /// The cells as printed.
    pub(crate) cells: Vec<&'a str>,
    /// True when a cell opens a quote that the text does not close (the
    /// row may go on on the next line).
    pub(crate) open_quote: bool,
}

/// Splits a row (its lines joined with `\n`) into cells.
///
/// A quoted cell that is never closed is read as a raw cell, and reported
/// in [`Split::open_quote`].
pub(crate) fn split_cells(text: &str) -> Split<'_> {
    let mut split = Split::default();
    let mut start = 0;
    loop {
        let quoted = quoted_end(text, start);
        split.open_quote |= text[start..].starts_with('"') && quoted.is_none();
        let from = quoted.unwrap_or(start);
        match text[from..].find(';') {
            Some(at) => {
                split.cells.push(&text[start..from + at]);
                start = from + at + 1;
            }
            None => {
                split.cells.push(&text[start..]);
                return split;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str) -> Vec<&str> {
        split_cells(text).cells
    }

    #[test]
    fn quoted_cells_keep_their_separators() {
        // The reproducer: a created row whose `function` holds `;`.
        let row = "0;created;Person;12;3;\"Semi\";\"Colon\";\"semi@x.example\";\"a; b; c\"";
        assert_eq!(
            cells(row),
            [
                "0",
                "created",
                "Person",
                "12",
                "3",
                "\"Semi\"",
                "\"Colon\"",
                "\"semi@x.example\"",
                "\"a; b; c\""
            ]
        );
    }

    #[test]
    fn doubled_quotes_and_newlines_stay_inside() {
        let row = "1;created;Server;4;2;\"say \"\"hi\"\"; then\nbye\";\"\"\"\";\"x\"";
        assert_eq!(
            cells(row)[4..],
            ["2", "\"say \"\"hi\"\"; then\nbye\"", "\"\"\"\"", "\"x\""]
        );
        let cell = DetailsCell::parse("\"say \"\"hi\"\"; then\nbye\"");
        assert_eq!(cell.value, "say \"hi\"; then\nbye");
        assert!(cell.quoted && !cell.is_changed());
        assert_eq!(DetailsCell::parse("\"\"\"\"").value, "\"");
        assert_eq!(DetailsCell::parse("\"\"").value, "");
    }

    #[test]
    fn changed_cells_carry_the_label_after_the_quote() {
        let row = "2;updated 2 cols;Person;2;3Modified;Alice;\"A;B\"Modified;x";
        assert_eq!(
            cells(row)[4..],
            ["3Modified", "Alice", "\"A;B\"Modified", "x"]
        );
        let cell = DetailsCell::parse("\"A;B\"Modified");
        assert_eq!(
            (cell.value.as_str(), cell.suffix.as_str(), cell.is_changed()),
            ("A;B", "Modified", true)
        );
        let bare = DetailsCell::parse("3Modified");
        assert_eq!((bare.value.as_str(), bare.quoted), ("3Modified", false));
    }

    #[test]
    fn raw_cells_end_at_the_separator() {
        // Unchanged rows print the input raw: iTop escapes nothing there.
        assert_eq!(
            cells("3;unchanged;Person;7;2;a; b;it's \"fine\""),
            [
                "3",
                "unchanged",
                "Person",
                "7",
                "2",
                "a",
                " b",
                "it's \"fine\""
            ]
        );
        let issue = "4;Issue: Unexpected attribute value(s);n/a;n/a;2;\
            'x' is an invalid value. Unexpected value for attribute 'status': Value not allowed [x]";
        assert_eq!(cells(issue).len(), 6);
        assert_eq!(cells("5;created;P;1;"), ["5", "created", "P", "1", ""]);
    }

    #[test]
    fn unclosed_quote_is_raw_and_flagged() {
        let split = split_cells("0;created;S;1;\"multi");
        assert_eq!(split.cells[4], "\"multi");
        assert!(split.open_quote);
        let closed = split_cells("0;created;S;1;\"multi\nline\"");
        assert_eq!(closed.cells[4], "\"multi\nline\"");
        assert!(!closed.open_quote);
        // An unclosed quote before another cell is read raw, up to `;`.
        let split = split_cells("0;unchanged;S;1;\"odd;x");
        assert_eq!(split.cells[4..], ["\"odd", "x"]);
        assert!(split.open_quote);
        let cell = DetailsCell::parse("\"odd");
        assert_eq!((cell.value.as_str(), cell.quoted), ("\"odd", false));
    }
}
