//! The `details` table of `import.php` (PROTOCOL §5.3): `;`-joined, with
//! quoted cells for the values iTop wrote (see [`details_cells`](super::details_cells));
//! a cell may hold newlines (its continuation lines are joined back to their
//! row).

use std::fmt;

use super::details_cells::{DetailsCell, split_cells};

/// What happened to one data row, from its status text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RowStatus {
    /// `created`.
    Created,
    /// `updated <n> cols`.
    Updated {
        /// Columns changed.
        cols: u32,
    },
    /// `unchanged`.
    Unchanged,
    /// `disappeared, changed <n> cols`.
    Disappeared {
        /// Columns changed.
        cols: u32,
    },
    /// `Issue: <reason>`: the row was not written.
    Issue {
        /// iTop's reason, e.g. `Unexpected attribute value(s)`.
        reason: String,
    },
    /// A status this crate does not know (iTop translates them for users
    /// whose language is not English); see [`ImportRow::status_text`].
    Unrecognized,
}

impl RowStatus {
    /// Reads a status text as iTop prints it in English.
    pub fn parse(text: &str) -> RowStatus {
        let cols = |middle: Option<&str>| middle.and_then(|n| n.parse().ok());
        if text == "created" {
            RowStatus::Created
        } else if text == "unchanged" {
            RowStatus::Unchanged
        } else if let Some(reason) = text.strip_prefix("Issue: ") {
            RowStatus::Issue {
                reason: reason.to_owned(),
            }
        } else if let Some(cols) = cols(between(text, "updated ", " cols")) {
            RowStatus::Updated { cols }
        } else if let Some(cols) = cols(between(text, "disappeared, changed ", " cols")) {
            RowStatus::Disappeared { cols }
        } else {
            RowStatus::Unrecognized
        }
    }
}

fn between<'a>(text: &'a str, prefix: &str, suffix: &str) -> Option<&'a str> {
    text.strip_prefix(prefix)?.strip_suffix(suffix)
}

/// One line of the `details` table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportRow {
    /// The data row, 0-based, as iTop prints it.
    pub line: u64,
    /// The status, interpreted.
    pub status: RowStatus,
    /// The status as printed.
    pub status_text: String,
    /// The object class; `None` for `n/a`.
    pub object_class: Option<String>,
    /// The object id; `None` for `n/a` (`0` for a simulated creation).
    pub object_id: Option<u64>,
    /// The remaining cells as printed: external keys, then attributes in
    /// input order. A cell iTop wrote in its CSV form (`"<value>"`, with
    /// `""` for a quote, maybe `Modified` glued after) is one cell even
    /// when it holds `;` or newlines; [`ImportRow::values`] decodes them.
    /// A raw cell (a value left unchanged, an error message) holding `;` is
    /// split there: iTop does not escape it (see [`ImportRow::raw`]).
    pub cells: Vec<String>,
    /// The whole row as printed, continuation lines joined with `\n`.
    pub raw: String,
}

impl ImportRow {
    /// The cells decoded: quotes removed from the values iTop wrote, the
    /// `Modified` label apart.
    pub fn values(&self) -> Vec<DetailsCell> {
        self.cells
            .iter()
            .map(|cell| DetailsCell::parse(cell))
            .collect()
    }
}

impl fmt::Display for ImportRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let class = self.object_class.as_deref().unwrap_or("n/a");
        match self.object_id {
            Some(id) => write!(f, "{:>5}: {} ({class} {id})", self.line, self.status_text),
            None => write!(f, "{:>5}: {} ({class})", self.line, self.status_text),
        }
    }
}

/// The table: its header line split on `;`, and its rows.
#[derive(Debug, Default)]
pub(crate) struct Table {
    pub(crate) header: Vec<String>,
    pub(crate) rows: Vec<ImportRow>,
    pub(crate) unknown: Vec<String>,
}

/// Reads the lines after `#Unchanged:`, `expected_rows` being the
/// `#Data Lines:` count.
///
/// A row starts with `<n>;` where `n` follows the previous row's number,
/// unless the previous row is inside a quoted cell; any other line
/// continues the previous row. Should that give a row count other than
/// `expected_rows` (a raw cell starting with `"` opens a quote iTop never
/// closes), the rows are grouped by their numbers alone.
pub(crate) fn read_table(lines: &[String], expected_rows: u64) -> Table {
    let quote_aware = group_rows(lines, true);
    let grouped = if quote_aware.rows.len() as u64 == expected_rows {
        quote_aware
    } else {
        let by_numbers = group_rows(lines, false);
        if by_numbers.rows.len() as u64 == expected_rows {
            by_numbers
        } else {
            quote_aware
        }
    };
    Table {
        header: grouped.header,
        rows: grouped
            .rows
            .into_iter()
            .map(|(n, raw)| parse_row(n, raw))
            .collect(),
        unknown: grouped.unknown,
    }
}

/// The table's lines put together: header, rows (number, text), others.
#[derive(Debug, Default)]
struct Grouped {
    header: Vec<String>,
    rows: Vec<(u64, String)>,
    unknown: Vec<String>,
}

fn group_rows(lines: &[String], quote_aware: bool) -> Grouped {
    let mut grouped = Grouped::default();
    for line in lines {
        let number = leading_number(line);
        let starts_row = match (grouped.rows.last(), number) {
            (None, Some(_)) => true,
            (Some((last, raw)), Some(n)) => {
                n == last + 1 && !(quote_aware && split_cells(raw).open_quote)
            }
            (_, None) => false,
        };
        match (starts_row, number, grouped.rows.last_mut()) {
            (true, Some(n), _) => grouped.rows.push((n, line.clone())),
            (_, _, Some((_, raw))) => {
                raw.push('\n');
                raw.push_str(line);
            }
            _ if grouped.header.is_empty() => {
                grouped.header = line.split(';').map(str::to_owned).collect()
            }
            _ => grouped.unknown.push(line.clone()),
        }
    }
    grouped
}

/// `<digits>;` at the start of a line.
fn leading_number(line: &str) -> Option<u64> {
    let (number, _) = line.split_once(';')?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    number.parse().ok()
}

fn parse_row(line: u64, raw: String) -> ImportRow {
    let split = split_cells(&raw);
    let mut fields = split.cells.into_iter().skip(1);
    let status_text = fields.next().unwrap_or_default().to_owned();
    let object_class = fields
        .next()
        .filter(|class| *class != "n/a")
        .map(str::to_owned);
    let object_id = fields.next().and_then(|id| id.parse().ok());
    let cells = fields.map(str::to_owned).collect();
    ImportRow {
        line,
        status: RowStatus::parse(&status_text),
        status_text,
        object_class,
        object_id,
        cells,
        raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn statuses_are_read() {
        assert_eq!(
            RowStatus::parse("updated 3 cols"),
            RowStatus::Updated { cols: 3 }
        );
        assert_eq!(
            RowStatus::parse("disappeared, changed 1 cols"),
            RowStatus::Disappeared { cols: 1 }
        );
        assert_eq!(
            RowStatus::parse("Issue: failed to reconcile"),
            RowStatus::Issue {
                reason: "failed to reconcile".to_owned()
            }
        );
        assert_eq!(RowStatus::parse("créé"), RowStatus::Unrecognized);
    }

    #[test]
    fn continuation_lines_join_their_row() {
        let table = read_table(
            &lines(
                "Line;Status;Object Class;Object Id;d\n0;created;S;1;\"a\n7;b\n\n\"\n1;unchanged;S;2;x",
            ),
            2,
        );
        assert_eq!(
            table.header,
            ["Line", "Status", "Object Class", "Object Id", "d"]
        );
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0].raw, "0;created;S;1;\"a\n7;b\n\n\"");
        assert_eq!(table.rows[1].object_id, Some(2));
        assert_eq!(table.rows[1].cells, ["x"]);
    }

    const HEADER: &str = "Line;Status;Object Class;Object Id;org_id (Organization - ext key);\
        first_name (First Name);name (Last Name);email (Email);function (Function)";

    #[test]
    fn quoted_cells_are_one_cell_each() {
        // As iTop 3.2 prints them: created values quoted with `""` doubled,
        // the changed cell with `Modified` glued on, unchanged cells raw.
        let text = format!(
            "{HEADER}\n\
             0;created;Person;12;3;\"Semi\";\"Colon\";\"semi@x.example\";\"a; b; c\"\n\
             1;updated 1 cols;Person;2;2;Alice;Anderson;alice@x.example;\"say \"\"hi\"\";\nbye\"Modified\n\
             2;unchanged;Person;3;2;Bob;Brown;bob@x.example;Engineer"
        );
        let table = read_table(&lines(&text), 3);
        assert_eq!(table.header.len(), 9);
        assert_eq!(table.rows.len(), 3);
        assert_eq!(
            table.rows[0].cells,
            [
                "3",
                "\"Semi\"",
                "\"Colon\"",
                "\"semi@x.example\"",
                "\"a; b; c\""
            ]
        );
        let values: Vec<String> = table.rows[0]
            .values()
            .into_iter()
            .map(|c| c.value)
            .collect();
        assert_eq!(values, ["3", "Semi", "Colon", "semi@x.example", "a; b; c"]);
        let updated = &table.rows[1];
        assert_eq!(updated.cells.len(), 5);
        let changed = &updated.values()[4];
        assert_eq!(changed.value, "say \"hi\";\nbye");
        assert!(changed.is_changed());
        assert_eq!(
            updated.values()[1],
            DetailsCell {
                value: "Alice".to_owned(),
                quoted: false,
                suffix: String::new()
            }
        );
        assert_eq!(table.rows[2].cells[4], "Engineer");
    }

    #[test]
    fn a_quoted_newline_before_a_row_number_stays_in_its_cell() {
        let text = "0;created;S;1;2;\"steps:\n1;do this\n2;do that\"\n1;created;S;2;3;\"plain\"";
        let table = read_table(&lines(text), 2);
        assert_eq!(table.rows.len(), 2);
        assert_eq!(
            table.rows[0].cells,
            ["2", "\"steps:\n1;do this\n2;do that\""]
        );
        assert_eq!((table.rows[1].line, table.rows[1].object_id), (1, Some(2)));
    }

    #[test]
    fn an_unclosed_raw_quote_falls_back_to_row_numbers() {
        // An unchanged cell printed raw may start with a quote it never closes.
        let text = "0;unchanged;S;1;2;\"odd\n1;unchanged;S;2;3;fine\n2;created;S;3;3;\"x\"";
        let table = read_table(&lines(text), 3);
        assert_eq!(table.rows.len(), 3);
        assert_eq!(table.rows[0].cells, ["2", "\"odd"]);
        assert_eq!(table.rows[1].cells, ["3", "fine"]);
        assert_eq!(table.rows[2].values()[1].value, "x");
    }

    #[test]
    fn short_rows_do_not_panic() {
        let table = read_table(&lines("0;\n1;created"), 2);
        assert_eq!(table.rows[0].status, RowStatus::Unrecognized);
        assert_eq!(table.rows[1].object_class, None);
        assert!(table.rows[1].cells.is_empty());
    }
}
