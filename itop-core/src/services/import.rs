//! `webservices/import.php`: create or update objects of one class from CSV.

use super::{CsvOptions, Field, Request, flag};
use crate::{Error, Result, Service, report::OutputMode};

/// A CSV import into one class, reconciled on chosen keys.
///
/// Sent by default: `output=summary`, `no_localize=1` (headers are attribute
/// codes such as `org_id->name`, values are codes), `separator=,`,
/// `qualifier="`, `charset=UTF-8`, `simulate=0`.
///
/// ```
/// use itop_core::{ImportRequest, OutputMode};
///
/// let request = ImportRequest::new("Person")
///     .reconciliation_keys(["email"])
///     .output(OutputMode::Details)
///     .comment("nightly HR feed");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRequest {
    class: String,
    reconciliation_keys: Vec<String>,
    output: OutputMode,
    csv: CsvOptions,
    simulate: bool,
    localize: bool,
    comment: Option<String>,
}

impl ImportRequest {
    /// An import into `class` (e.g. `Person`).
    pub fn new(class: impl Into<String>) -> ImportRequest {
        ImportRequest {
            class: class.into(),
            reconciliation_keys: Vec::new(),
            output: OutputMode::Summary,
            csv: CsvOptions::with_separator(','),
            simulate: false,
            localize: false,
            comment: None,
        }
    }

    /// The columns that identify existing objects. Empty by default: iTop
    /// then uses the class's own keys found among the columns.
    pub fn reconciliation_keys<I, S>(mut self, keys: I) -> ImportRequest
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.reconciliation_keys = keys.into_iter().map(Into::into).collect();
        self
    }

    /// The report's detail: `Summary` (default), `Details` or `Retcode`.
    pub fn output(mut self, output: OutputMode) -> ImportRequest {
        self.output = output;
        self
    }

    /// The CSV separator, `,` by default; TAB is sent as `tab`.
    pub fn separator(mut self, separator: char) -> ImportRequest {
        self.csv.separator = separator;
        self
    }

    /// The whole CSV dialect at once (separator, qualifier, charset, date
    /// format), replacing what the single setters gave.
    pub fn dialect(mut self, options: CsvOptions) -> ImportRequest {
        self.csv = options;
        self
    }

    /// The text qualifier, `"` by default.
    pub fn qualifier(mut self, qualifier: char) -> ImportRequest {
        self.csv.qualifier = qualifier;
        self
    }

    /// The input encoding, `UTF-8` by default.
    pub fn charset(mut self, charset: impl Into<String>) -> ImportRequest {
        self.csv.charset = charset.into();
        self
    }

    /// The PHP format of date cells (e.g. `d/m/Y`); unset by default.
    pub fn date_format(mut self, format: impl Into<String>) -> ImportRequest {
        self.csv.date_format = Some(format.into());
        self
    }

    /// Report what would happen without writing anything. Off by default.
    pub fn simulate(mut self, simulate: bool) -> ImportRequest {
        self.simulate = simulate;
        self
    }

    /// Headers and values as labels in the user's language instead of
    /// codes. Off by default (codes are the same on every iTop).
    pub fn localize(mut self, localize: bool) -> ImportRequest {
        self.localize = localize;
        self
    }

    /// A comment added to the change log. None by default.
    pub fn comment(mut self, comment: impl Into<String>) -> ImportRequest {
        self.comment = Some(comment.into());
        self
    }

    /// The target class.
    pub fn class(&self) -> &str {
        &self.class
    }

    /// The output mode the report will be parsed with.
    pub fn output_mode(&self) -> OutputMode {
        self.output
    }

    /// The CSV dialect options.
    pub fn csv_options(&self) -> &CsvOptions {
        &self.csv
    }
}

impl Request for ImportRequest {
    fn service(&self) -> Service {
        Service::Import
    }

    fn wire_fields(&self) -> Result<Vec<Field>> {
        if self.class.trim().is_empty() {
            return Err(Error::InvalidRequest {
                field: "class",
                reason: "a class is required".to_owned(),
            });
        }
        let mut fields = vec![("class".into(), self.class.trim().to_owned())];
        fields.push(("output".into(), self.output.as_str().to_owned()));
        fields.push(("no_localize".into(), flag(!self.localize)));
        self.csv.fields(&mut fields)?;
        if !self.reconciliation_keys.is_empty() {
            fields.push((
                "reconciliationkeys".into(),
                self.reconciliation_keys.join(","),
            ));
        }
        fields.push(("simulate".into(), flag(self.simulate)));
        if let Some(comment) = &self.comment {
            fields.push(("comment".into(), comment.clone()));
        }
        Ok(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sends_the_defaults_itop_gets_wrong() {
        let fields = ImportRequest::new("Person")
            .reconciliation_keys(["email", "org_id->name"])
            .wire_fields()
            .unwrap();
        let expected: Vec<Field> = vec![
            ("class".into(), "Person".into()),
            ("output".into(), "summary".into()),
            ("no_localize".into(), "1".into()),
            ("separator".into(), ",".into()),
            ("qualifier".into(), "\"".into()),
            ("charset".into(), "UTF-8".into()),
            ("reconciliationkeys".into(), "email,org_id->name".into()),
            ("simulate".into(), "0".into()),
        ];
        assert_eq!(fields, expected);
    }

    #[test]
    fn empty_class_is_refused_before_sending() {
        let err = ImportRequest::new(" ").wire_fields().unwrap_err();
        assert!(matches!(err, Error::InvalidRequest { field: "class", .. }));
    }
}
