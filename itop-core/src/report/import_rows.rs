//! The `details` table of `import.php` (PROTOCOL §5.3): `;`-joined, not
//! escaped, a cell may hold newlines (its continuation lines are joined back
//! to their row).

use std::fmt;

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
    /// The remaining cells, split on `;` (iTop does not escape them, so a
    /// cell holding `;` is split too: see [`ImportRow::raw`]).
    pub cells: Vec<String>,
    /// The whole row as printed, continuation lines joined with `\n`.
    pub raw: String,
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

/// Reads the lines after `#Unchanged:`. A row starts with `<n>;` where `n`
/// follows the previous row's number; any other line continues the
/// previous row.
pub(crate) fn read_table(lines: &[String]) -> Table {
    let mut table = Table::default();
    let mut raws: Vec<(u64, String)> = Vec::new();
    for line in lines {
        let number = leading_number(line);
        let starts_row = match (raws.last(), number) {
            (None, Some(_)) => true,
            (Some((last, _)), Some(n)) => n == last + 1,
            (_, None) => false,
        };
        match (starts_row, number, raws.last_mut()) {
            (true, Some(n), _) => raws.push((n, line.clone())),
            (_, _, Some((_, raw))) => {
                raw.push('\n');
                raw.push_str(line);
            }
            _ if table.header.is_empty() => {
                table.header = line.split(';').map(str::to_owned).collect()
            }
            _ => table.unknown.push(line.clone()),
        }
    }
    table.rows = raws.into_iter().map(|(n, raw)| parse_row(n, raw)).collect();
    table
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
    let mut fields = raw.splitn(5, ';').skip(1);
    let status_text = fields.next().unwrap_or_default().to_owned();
    let object_class = fields
        .next()
        .filter(|class| *class != "n/a")
        .map(str::to_owned);
    let object_id = fields.next().and_then(|id| id.parse().ok());
    let cells = fields
        .next()
        .map(|rest| rest.split(';').map(str::to_owned).collect())
        .unwrap_or_default();
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
        let table = read_table(&lines(
            "Line;Status;Object Class;Object Id;d\n0;created;S;1;\"a\n7;b\n\n\"\n1;unchanged;S;2;x",
        ));
        assert_eq!(
            table.header,
            ["Line", "Status", "Object Class", "Object Id", "d"]
        );
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0].raw, "0;created;S;1;\"a\n7;b\n\n\"");
        assert_eq!(table.rows[1].object_id, Some(2));
        assert_eq!(table.rows[1].cells, ["x"]);
    }

    #[test]
    fn short_rows_do_not_panic() {
        let table = read_table(&lines("0;\n1;created"));
        assert_eq!(table.rows[0].status, RowStatus::Unrecognized);
        assert_eq!(table.rows[1].object_class, None);
        assert!(table.rows[1].cells.is_empty());
    }
}
