//! iTop's CSV reader (PROTOCOL.md §1.13), written from its observed
//! behaviour: `\r\n` → `\n`, blanks skipped at cell start, unquoted cells
//! trimmed, `""` for a literal qualifier, text glued after a closing
//! qualifier appended, an unclosed quote swallowing the rest, blank lines
//! skipped (and not numbered), `<NULL>` read as "no value".

/// A cell: `None` is `<NULL>`.
pub(crate) type Cell = Option<String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    CellStart,
    Unquoted,
    Quoted,
    AfterQuote,
}

#[derive(Debug, Default)]
struct Builder {
    rows: Vec<Vec<Cell>>,
    row: Vec<Cell>,
    cell: Vec<u8>,
}

impl Builder {
    fn end_cell(&mut self, trim: bool) {
        let text = String::from_utf8_lossy(&self.cell).into_owned();
        let text = if trim {
            text.trim_matches([' ', '\t']).to_owned()
        } else {
            text
        };
        self.cell.clear();
        self.row
            .push(if text == "<NULL>" { None } else { Some(text) });
    }

    fn end_row(&mut self) {
        let row = std::mem::take(&mut self.row);
        // iTop keeps a one-cell row only when its value has a length: an
        // empty cell and a lone `<NULL>` (null) are both skipped.
        let blank = row.len() == 1 && row[0].as_deref().is_none_or(str::is_empty);
        if !row.is_empty() && !blank {
            self.rows.push(row);
        }
    }
}

/// Splits `data` into rows of cells with single-byte `separator` and
/// `qualifier`. The first row is the header.
pub(crate) fn parse(data: &str, separator: u8, qualifier: u8) -> Vec<Vec<Cell>> {
    let data = data.replace("\r\n", "\n");
    let mut builder = Builder::default();
    let mut state = State::CellStart;
    for &byte in data.as_bytes() {
        state = step(&mut builder, state, byte, separator, qualifier);
    }
    if state != State::CellStart || !builder.row.is_empty() {
        builder.end_cell(state == State::Unquoted);
        builder.end_row();
    }
    builder.rows
}

fn step(builder: &mut Builder, state: State, byte: u8, separator: u8, qualifier: u8) -> State {
    match state {
        State::CellStart if byte == separator => {
            builder.end_cell(false);
            State::CellStart
        }
        State::CellStart if byte == b'\n' => {
            if !builder.row.is_empty() {
                builder.end_cell(false);
            }
            builder.end_row();
            State::CellStart
        }
        State::CellStart if byte == b' ' || byte == b'\t' => State::CellStart,
        State::CellStart if byte == qualifier => State::Quoted,
        State::Quoted if byte == qualifier => State::AfterQuote,
        State::AfterQuote if byte == qualifier => {
            builder.cell.push(qualifier);
            State::Quoted
        }
        State::Unquoted | State::AfterQuote if byte == separator => {
            builder.end_cell(state == State::Unquoted);
            State::CellStart
        }
        State::Unquoted | State::AfterQuote if byte == b'\n' => {
            builder.end_cell(state == State::Unquoted);
            builder.end_row();
            State::CellStart
        }
        State::AfterQuote if byte == b' ' || byte == b'\t' => State::AfterQuote,
        State::Quoted => {
            builder.cell.push(byte);
            State::Quoted
        }
        _ => {
            builder.cell.push(byte);
            State::Unquoted
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(rows: &[Vec<Cell>]) -> Vec<Vec<String>> {
        let show = |cell: &Cell| cell.clone().unwrap_or_else(|| "NULL".into());
        rows.iter()
            .map(|row| row.iter().map(show).collect())
            .collect()
    }

    #[test]
    fn reads_quoted_unquoted_and_blank_lines() {
        let rows = parse("a,b\r\n\r\n  x , \"y, \"\"z\"\" \" \n\n", b',', b'"');
        assert_eq!(cells(&rows), vec![vec!["a", "b"], vec!["x", "y, \"z\" "]]);
    }

    #[test]
    fn appends_glued_text_and_reads_null() {
        let rows = parse("\"ab\"cd,<NULL>,\"<NULL>\",", b',', b'"');
        assert_eq!(cells(&rows), vec![vec!["abcd", "NULL", "NULL", ""]]);
    }

    #[test]
    fn unclosed_quote_swallows_the_rest() {
        let rows = parse("h1,h2\n\"a,b\nc,d\n", b',', b'"');
        assert_eq!(cells(&rows), vec![vec!["h1", "h2"], vec!["a,b\nc,d\n"]]);
    }

    #[test]
    fn keeps_multiline_quoted_cells_and_tab_separator() {
        let rows = parse("a\tb\n\"x\ny\"\t z\n", b'\t', b'"');
        assert_eq!(cells(&rows), vec![vec!["a", "b"], vec!["x\ny", "z"]]);
    }

    #[test]
    fn bare_cr_is_an_ordinary_character() {
        let rows = parse("a,b\rc,d", b',', b'"');
        assert_eq!(cells(&rows), vec![vec!["a", "b\rc", "d"]]);
    }
}
