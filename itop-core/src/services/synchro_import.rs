//! `synchro/synchro_import.php`: load CSV into a data source, then
//! (optionally) synchronize it.

use super::{CsvOptions, Field, Request, flag};
use crate::{Error, Result, Service, report::OutputMode};

/// A load of CSV rows into the replica table of one synchronization data
/// source.
///
/// Sent by default: `synchronize=1`, `output=summary`, `separator=;`,
/// `qualifier="`, `charset=UTF-8`, `simulate=0`,
/// `no_stop_on_import_error=0`. A UTF-8 BOM is always removed from the data
/// (iTop never does, and it would corrupt the `primary_key` header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynchroImportRequest {
    data_source_id: u32,
    synchronize: bool,
    output: OutputMode,
    csv: CsvOptions,
    simulate: bool,
    no_stop_on_import_error: bool,
    comment: Option<String>,
    max_chunk_size: Option<u32>,
}

impl SynchroImportRequest {
    /// A load into data source `data_source_id`.
    pub fn new(data_source_id: u32) -> SynchroImportRequest {
        SynchroImportRequest {
            data_source_id,
            synchronize: true,
            output: OutputMode::Summary,
            csv: CsvOptions::with_separator(';'),
            simulate: false,
            no_stop_on_import_error: false,
            comment: None,
            max_chunk_size: None,
        }
    }

    /// Synchronize right after the load. On by default.
    pub fn synchronize(mut self, synchronize: bool) -> SynchroImportRequest {
        self.synchronize = synchronize;
        self
    }

    /// The report's detail: `Summary` (default), `Details` or `Retcode`.
    pub fn output(mut self, output: OutputMode) -> SynchroImportRequest {
        self.output = output;
        self
    }

    /// The CSV separator, `;` by default (iTop's default for this service).
    pub fn separator(mut self, separator: char) -> SynchroImportRequest {
        self.csv.separator = separator;
        self
    }

    /// The whole CSV dialect at once (separator, qualifier, charset, date
    /// format), replacing what the single setters gave.
    pub fn dialect(mut self, options: CsvOptions) -> SynchroImportRequest {
        self.csv = options;
        self
    }

    /// The text qualifier, `"` by default.
    pub fn qualifier(mut self, qualifier: char) -> SynchroImportRequest {
        self.csv.qualifier = qualifier;
        self
    }

    /// The input encoding, `UTF-8` by default.
    pub fn charset(mut self, charset: impl Into<String>) -> SynchroImportRequest {
        self.csv.charset = charset.into();
        self
    }

    /// The PHP format of date cells; iTop's default is `Y-m-d H:i:s`.
    pub fn date_format(mut self, format: impl Into<String>) -> SynchroImportRequest {
        self.csv.date_format = Some(format.into());
        self
    }

    /// Roll everything back at the end. Off by default.
    pub fn simulate(mut self, simulate: bool) -> SynchroImportRequest {
        self.simulate = simulate;
        self
    }

    /// On a row's SQL error, report it and go on. Off by default.
    pub fn no_stop_on_import_error(mut self, on: bool) -> SynchroImportRequest {
        self.no_stop_on_import_error = on;
        self
    }

    /// A comment echoed in the report. None by default.
    pub fn comment(mut self, comment: impl Into<String>) -> SynchroImportRequest {
        self.comment = Some(comment.into());
        self
    }

    /// Synchronize in child processes of at most `size` replicas. Command-line
    /// mode only; unset by default.
    pub fn max_chunk_size(mut self, size: u32) -> SynchroImportRequest {
        self.max_chunk_size = Some(size);
        self
    }

    /// The data source.
    pub fn data_source_id(&self) -> u32 {
        self.data_source_id
    }

    /// The output mode the report will be parsed with.
    pub fn output_mode(&self) -> OutputMode {
        self.output
    }

    /// True when the synchronization runs after the load.
    pub fn is_synchronizing(&self) -> bool {
        self.synchronize
    }

    /// The CSV dialect options.
    pub fn csv_options(&self) -> &CsvOptions {
        &self.csv
    }
}

impl Request for SynchroImportRequest {
    fn service(&self) -> Service {
        Service::SynchroImport
    }

    fn wire_fields(&self) -> Result<Vec<Field>> {
        if self.data_source_id == 0 {
            return Err(Error::InvalidRequest {
                field: "data_source_id",
                reason: "data source ids start at 1".to_owned(),
            });
        }
        let mut fields = vec![("data_source_id".into(), self.data_source_id.to_string())];
        fields.push(("synchronize".into(), flag(self.synchronize)));
        fields.push(("output".into(), self.output.as_str().to_owned()));
        self.csv.fields(&mut fields)?;
        fields.push(("simulate".into(), flag(self.simulate)));
        fields.push((
            "no_stop_on_import_error".into(),
            flag(self.no_stop_on_import_error),
        ));
        if let Some(comment) = &self.comment {
            fields.push(("comment".into(), comment.clone()));
        }
        Ok(fields)
    }

    fn max_chunk_size(&self) -> Option<u32> {
        self.max_chunk_size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synchronize_off_is_sent_as_zero() {
        let fields = SynchroImportRequest::new(1)
            .synchronize(false)
            .wire_fields()
            .unwrap();
        assert!(fields.contains(&("synchronize".into(), "0".to_owned())));
        assert!(fields.contains(&("separator".into(), ";".to_owned())));
    }
}
