//! One report out of the reports of many chunks: counters added, row
//! details renumbered to the rows and lines of the original file.

use super::{Chunk, Interruption};
use crate::report::{OutputMode, SynchroImportReport};
use crate::{ImportReport, SynchroExecReport};

/// The outcome of [`Client::import_chunked`](crate::Client::import_chunked).
#[derive(Debug)]
pub struct ChunkedImport {
    /// The chunks' reports merged. Counters are sums; `data_size` counts
    /// the header once; `#Warning:` lines appear once; each row's `line` is
    /// its 0-based data row in the whole file (what iTop would print for a
    /// single upload). `summary` is `None` in `retcode` mode or when no
    /// chunk got through.
    pub report: ImportReport,
    /// For each of `report.rows`, the 1-based line of the original file
    /// where its record starts.
    pub file_lines: Vec<u64>,
    /// Chunks iTop reported on.
    pub chunks: u64,
    /// Data rows of those chunks.
    pub rows: u64,
    /// The first data row sent (above 0 when resuming).
    pub first_row: u64,
    /// Things worth a look that are not failures (a chunk whose `#Data
    /// Lines:` differs from the rows sent).
    pub notes: Vec<String>,
    /// Why the upload stopped early; `None` when every chunk went through.
    pub interrupted: Option<Interruption>,
}

impl ChunkedImport {
    pub(crate) fn new(output: OutputMode, first_row: u64) -> ChunkedImport {
        let report = ImportReport {
            output,
            issues: 0,
            summary: None,
            table_header: Vec::new(),
            rows: Vec::new(),
            unknown_lines: Vec::new(),
        };
        ChunkedImport {
            report,
            file_lines: Vec::new(),
            chunks: 0,
            rows: 0,
            first_row,
            notes: Vec::new(),
            interrupted: None,
        }
    }

    /// True when every chunk went through (rows iTop refused are counted in
    /// `report.issues`, not here).
    pub fn is_complete(&self) -> bool {
        self.interrupted.is_none()
    }

    /// The rows of the `details` table with the line of the original file
    /// where each starts.
    pub fn located_rows(&self) -> impl Iterator<Item = (u64, &crate::report::ImportRow)> {
        self.file_lines.iter().copied().zip(&self.report.rows)
    }

    /// Adds the report of `chunk`; `header_len` is the size of the header
    /// every chunk repeats.
    pub(crate) fn add(&mut self, chunk: &Chunk, header_len: u64, part: ImportReport) {
        let total = &mut self.report;
        total.issues += part.issues;
        if let Some(summary) = &part.summary
            && summary.data_lines != chunk.rows
        {
            self.notes.push(lines_note(chunk, summary.data_lines));
        }
        match (&mut total.summary, part.summary) {
            (None, Some(first)) => total.summary = Some(first),
            (Some(sum), Some(next)) => {
                sum.data_size += next.data_size.saturating_sub(header_len);
                sum.data_lines += next.data_lines;
                sum.warnings += next.warnings;
                sum.created += next.created;
                sum.updated += next.updated;
                sum.unchanged += next.unchanged;
                for line in next.warning_lines {
                    if !sum.warning_lines.contains(&line) {
                        sum.warning_lines.push(line);
                    }
                }
            }
            _ => {}
        }
        if total.table_header.is_empty() {
            total.table_header = part.table_header;
        }
        for mut row in part.rows {
            let local = usize::try_from(row.line).unwrap_or(usize::MAX);
            self.file_lines
                .push(chunk.record_lines.get(local).copied().unwrap_or_default());
            row.line += chunk.first_row;
            total.rows.push(row);
        }
        total.unknown_lines.extend(part.unknown_lines);
        self.chunks += 1;
        self.rows += chunk.rows;
    }
}

fn lines_note(chunk: &Chunk, reported: u64) -> String {
    format!(
        "chunk {} (lines {}-{}): iTop counted {reported} data line(s), {} were sent",
        chunk.index + 1,
        chunk.first_line(),
        chunk.end_line.saturating_sub(1),
        chunk.rows
    )
}

/// The outcome of
/// [`Client::synchro_import_chunked`](crate::Client::synchro_import_chunked):
/// the load, chunk by chunk, then one synchronization.
#[derive(Debug)]
pub struct ChunkedSynchroImport {
    /// The load reports merged (counters added, `row` renumbered to the
    /// whole file, `data_size` counting the header once). Its `synchro` is
    /// always `None`: every chunk is loaded with `synchronize=0`.
    pub load: SynchroImportReport,
    /// The synchronization run once after the whole load; `None` when it
    /// was not asked for or the load did not complete.
    pub synchro: Option<SynchroExecReport>,
    /// Chunks iTop reported on.
    pub chunks: u64,
    /// Data rows of those chunks.
    pub rows: u64,
    /// The first data row sent (above 0 when resuming).
    pub first_row: u64,
    /// Things worth a look that are not failures.
    pub notes: Vec<String>,
    /// Why the upload or the synchronization stopped; `None` when all went
    /// through.
    pub interrupted: Option<Interruption>,
}

impl ChunkedSynchroImport {
    pub(crate) fn new(output: OutputMode, first_row: u64) -> ChunkedSynchroImport {
        let load = SynchroImportReport {
            output,
            issues: 0,
            import: None,
            rows: Vec::new(),
            traces: Vec::new(),
            synchro: None,
            notes: Vec::new(),
        };
        ChunkedSynchroImport {
            load,
            synchro: None,
            chunks: 0,
            rows: 0,
            first_row,
            notes: Vec::new(),
            interrupted: None,
        }
    }

    /// True when the whole load and the synchronization (if asked for)
    /// went through.
    pub fn is_complete(&self) -> bool {
        self.interrupted.is_none()
    }

    /// True on load issues or synchronization errors.
    pub fn has_issues(&self) -> bool {
        self.load.has_issues()
            || self
                .synchro
                .as_ref()
                .is_some_and(SynchroExecReport::has_errors)
    }

    /// Adds the load report of `chunk`.
    pub(crate) fn add(&mut self, chunk: &Chunk, header_len: u64, part: SynchroImportReport) {
        let total = &mut self.load;
        total.issues += part.issues;
        if let Some(import) = &part.import
            && import.data_lines != chunk.rows
        {
            self.notes.push(lines_note(chunk, import.data_lines));
        }
        match (&mut total.import, part.import) {
            (None, Some(first)) => total.import = Some(first),
            (Some(sum), Some(next)) => {
                sum.data_size += next.data_size.saturating_sub(header_len);
                sum.data_lines += next.data_lines;
                sum.created += next.created;
                sum.updated += next.updated;
            }
            _ => {}
        }
        for mut row in part.rows {
            row.row += chunk.first_row;
            total.rows.push(row);
        }
        total.traces.extend(part.traces);
        total.notes.extend(part.notes);
        self.chunks += 1;
        self.rows += chunk.rows;
    }
}
