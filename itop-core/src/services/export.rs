//! `webservices/export-v2.php` and the legacy `webservices/export.php`.

use super::{Field, Request, flag};
use crate::{Error, Result, Service};

/// What to export: an OQL expression or a query phrasebook entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportQuery {
    /// An OQL query, e.g. `SELECT Person WHERE status = 'active'`.
    Expression(String),
    /// The id of a query phrasebook entry (its OQL and, without `fields`,
    /// its field list).
    Phrasebook(String),
}

/// The formats of `export-v2.php`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// Comma-separated values (the default here; iTop's CLI default is html).
    #[default]
    Csv,
    /// XML: every attribute, `fields` ignored.
    Xml,
    /// An HTML page with a table.
    Html,
    /// An HTML table meant for spreadsheets.
    Spreadsheet,
    /// An Excel workbook.
    Xlsx,
    /// A PDF document (needs PHP GD on the server).
    Pdf,
}

impl ExportFormat {
    /// The value iTop expects: `csv`, `xml`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xml => "xml",
            ExportFormat::Html => "html",
            ExportFormat::Spreadsheet => "spreadsheet",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Pdf => "pdf",
        }
    }

    /// Parses `csv`, `xml`, `html`, `spreadsheet`, `xlsx` or `pdf`.
    pub fn parse(text: &str) -> Option<ExportFormat> {
        let all = [
            ExportFormat::Csv,
            ExportFormat::Xml,
            ExportFormat::Html,
            ExportFormat::Spreadsheet,
            ExportFormat::Xlsx,
            ExportFormat::Pdf,
        ];
        all.into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(text))
    }
}

/// An export of the objects an OQL query selects (`export-v2.php`).
///
/// Sent by default: `format=csv`, `no_localize=1` (attribute codes as
/// headers, raw enumeration values), and for CSV `separator=,`,
/// `text-qualifier="`, `charset=UTF-8`.
///
/// ```
/// use itop_core::{ExportRequest, ExportQuery};
///
/// let request = ExportRequest::new(ExportQuery::Expression("SELECT Person".into()))
///     .fields(["first_name", "name", "email", "org_id->name"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRequest {
    query: ExportQuery,
    arguments: Vec<(String, String)>,
    format: ExportFormat,
    fields: Vec<String>,
    localize: bool,
    with_archive: bool,
    separator: char,
    text_qualifier: char,
    charset: String,
    formatted_text: Option<bool>,
    date_format: Option<String>,
}

impl ExportRequest {
    /// An export of `query`, as CSV.
    pub fn new(query: ExportQuery) -> ExportRequest {
        ExportRequest {
            query,
            arguments: Vec::new(),
            format: ExportFormat::Csv,
            fields: Vec::new(),
            localize: false,
            with_archive: false,
            separator: ',',
            text_qualifier: '"',
            charset: "UTF-8".to_owned(),
            formatted_text: None,
            date_format: None,
        }
    }

    /// An export of an OQL expression, as CSV.
    pub fn oql(expression: impl Into<String>) -> ExportRequest {
        ExportRequest::new(ExportQuery::Expression(expression.into()))
    }

    /// A value for the OQL parameter `:name` (sent as `arg_<name>`).
    pub fn argument(mut self, name: impl Into<String>, value: impl Into<String>) -> ExportRequest {
        self.arguments.push((name.into(), value.into()));
        self
    }

    /// The output format, CSV by default.
    pub fn format(mut self, format: ExportFormat) -> ExportRequest {
        self.format = format;
        self
    }

    /// The columns, in order: `attcode`, `extkey->attcode` or
    /// `alias.attcode`. Required for every format but XML, unless a
    /// phrasebook entry provides them.
    pub fn fields<I, S>(mut self, fields: I) -> ExportRequest
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.fields = fields.into_iter().map(Into::into).collect();
        self
    }

    /// Headers and values as labels in the user's language. Off by default.
    pub fn localize(mut self, localize: bool) -> ExportRequest {
        self.localize = localize;
        self
    }

    /// Include archived objects. Off by default.
    pub fn with_archive(mut self, with_archive: bool) -> ExportRequest {
        self.with_archive = with_archive;
        self
    }

    /// CSV separator, `,` by default; TAB is sent as `tab`.
    pub fn separator(mut self, separator: char) -> ExportRequest {
        self.separator = separator;
        self
    }

    /// CSV text qualifier, `"` by default.
    pub fn text_qualifier(mut self, qualifier: char) -> ExportRequest {
        self.text_qualifier = qualifier;
        self
    }

    /// CSV output encoding, `UTF-8` by default.
    pub fn charset(mut self, charset: impl Into<String>) -> ExportRequest {
        self.charset = charset.into();
        self
    }

    /// Keep the HTML markup of formatted texts (CSV, XLSX, spreadsheet).
    /// iTop's default: off, on for spreadsheet.
    pub fn formatted_text(mut self, on: bool) -> ExportRequest {
        self.formatted_text = Some(on);
        self
    }

    /// PHP date format for CSV, XLSX, PDF and spreadsheet; iTop's default is
    /// `Y-m-d H:i:s`.
    pub fn date_format(mut self, format: impl Into<String>) -> ExportRequest {
        self.date_format = Some(format.into());
        self
    }

    /// The format asked for.
    pub fn export_format(&self) -> ExportFormat {
        self.format
    }

    /// The CSV text qualifier as a byte (`"` when not one byte).
    pub(crate) fn csv_qualifier(&self) -> u8 {
        u8::try_from(self.text_qualifier).unwrap_or(b'"')
    }

    fn csv_fields(&self, fields: &mut Vec<Field>) -> Result<()> {
        fields.push(("separator".into(), csv_char("separator", self.separator)?));
        fields.push((
            "text-qualifier".into(),
            csv_char("text-qualifier", self.text_qualifier)?,
        ));
        fields.push(("charset".into(), self.charset.clone()));
        Ok(())
    }
}

fn csv_char(field: &'static str, c: char) -> Result<String> {
    match c {
        '\t' => Ok("tab".to_owned()),
        c if c.is_ascii() && !c.is_ascii_control() => Ok(c.to_string()),
        c => Err(Error::InvalidRequest {
            field,
            reason: format!("{c:?} is not a one-byte printable character"),
        }),
    }
}

fn query_fields(query: &ExportQuery, fields: &mut Vec<Field>) -> Result<()> {
    let (name, value) = match query {
        ExportQuery::Expression(oql) => ("expression", oql),
        ExportQuery::Phrasebook(id) => ("query", id),
    };
    if value.trim().is_empty() {
        return Err(Error::InvalidRequest {
            field: name,
            reason: "an OQL expression or a phrasebook id is required".to_owned(),
        });
    }
    fields.push((name.into(), value.clone()));
    Ok(())
}

fn check_fields_given(query: &ExportQuery, list: &[String], needed: bool) -> Result<()> {
    if needed && list.is_empty() && matches!(query, ExportQuery::Expression(_)) {
        return Err(Error::InvalidRequest {
            field: "fields",
            reason: "this format needs the list of fields to export".to_owned(),
        });
    }
    Ok(())
}

impl Request for ExportRequest {
    fn service(&self) -> Service {
        Service::Export
    }

    fn wire_fields(&self) -> Result<Vec<Field>> {
        let mut fields = Vec::new();
        query_fields(&self.query, &mut fields)?;
        for (name, value) in &self.arguments {
            fields.push((format!("arg_{name}").into(), value.clone()));
        }
        fields.push(("format".into(), self.format.as_str().to_owned()));
        check_fields_given(&self.query, &self.fields, self.format != ExportFormat::Xml)?;
        if !self.fields.is_empty() {
            fields.push(("fields".into(), self.fields.join(",")));
        }
        fields.push(("no_localize".into(), flag(!self.localize)));
        if self.with_archive {
            fields.push(("with_archive".into(), "1".to_owned()));
        }
        if self.format == ExportFormat::Csv {
            self.csv_fields(&mut fields)?;
        }
        if let Some(on) = self.formatted_text {
            fields.push(("formatted_text".into(), flag(on)));
        }
        if let Some(format) = &self.date_format {
            fields.push(("date_format".into(), format.clone()));
        }
        Ok(fields)
    }
}

/// The formats of the legacy `export.php`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LegacyExportFormat {
    /// CSV: unquoted header in data-model order, always `,`.
    #[default]
    Csv,
    /// XML of the writable attributes.
    Xml,
    /// An HTML page.
    Html,
    /// An HTML table for spreadsheets.
    Spreadsheet,
    /// An Excel workbook.
    Xlsx,
}

impl LegacyExportFormat {
    /// The value iTop expects.
    pub fn as_str(self) -> &'static str {
        match self {
            LegacyExportFormat::Csv => "csv",
            LegacyExportFormat::Xml => "xml",
            LegacyExportFormat::Html => "html",
            LegacyExportFormat::Spreadsheet => "spreadsheet",
            LegacyExportFormat::Xlsx => "xlsx",
        }
    }
}

/// An export through the legacy `export.php` (unmaintained in iTop 3.2;
/// prefer [`ExportRequest`]).
///
/// Sent by default: `format=csv`, `charset=UTF-8` (iTop then prepends a BOM,
/// which the client removes), `no_localize=1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyExportRequest {
    query: ExportQuery,
    arguments: Vec<(String, String)>,
    format: LegacyExportFormat,
    fields: Vec<String>,
}

impl LegacyExportRequest {
    /// A legacy export of `query`, as CSV.
    pub fn new(query: ExportQuery) -> LegacyExportRequest {
        LegacyExportRequest {
            query,
            arguments: Vec::new(),
            format: LegacyExportFormat::Csv,
            fields: Vec::new(),
        }
    }

    /// A value for the OQL parameter `:name`.
    pub fn argument(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.arguments.push((name.into(), value.into()));
        self
    }

    /// The output format, CSV by default.
    pub fn format(mut self, format: LegacyExportFormat) -> Self {
        self.format = format;
        self
    }

    /// The attribute codes to export (no `->`: export.php refuses them).
    /// All by default.
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.fields = fields.into_iter().map(Into::into).collect();
        self
    }

    /// The format asked for.
    pub fn export_format(&self) -> LegacyExportFormat {
        self.format
    }
}

impl Request for LegacyExportRequest {
    fn service(&self) -> Service {
        Service::ExportLegacy
    }

    fn wire_fields(&self) -> Result<Vec<Field>> {
        let mut fields = Vec::new();
        query_fields(&self.query, &mut fields)?;
        for (name, value) in &self.arguments {
            fields.push((format!("arg_{name}").into(), value.clone()));
        }
        fields.push(("format".into(), self.format.as_str().to_owned()));
        if let Some(bad) = self.fields.iter().find(|f| f.contains("->")) {
            return Err(Error::InvalidRequest {
                field: "fields",
                reason: format!(
                    "export.php refuses external fields such as {bad:?}; use export-v2"
                ),
            });
        }
        if !self.fields.is_empty() {
            fields.push(("fields".into(), self.fields.join(",")));
        }
        fields.push(("no_localize".into(), "1".to_owned()));
        if self.format == LegacyExportFormat::Csv {
            fields.push(("charset".into(), "UTF-8".to_owned()));
        }
        Ok(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_export_sends_explicit_dialect() {
        let fields = ExportRequest::oql("SELECT Person WHERE org_id = :org")
            .argument("org", "3")
            .fields(["first_name", "name"])
            .wire_fields()
            .unwrap();
        let expected: Vec<Field> = vec![
            (
                "expression".into(),
                "SELECT Person WHERE org_id = :org".into(),
            ),
            ("arg_org".into(), "3".into()),
            ("format".into(), "csv".into()),
            ("fields".into(), "first_name,name".into()),
            ("no_localize".into(), "1".into()),
            ("separator".into(), ",".into()),
            ("text-qualifier".into(), "\"".into()),
            ("charset".into(), "UTF-8".into()),
        ];
        assert_eq!(fields, expected);
    }

    #[test]
    fn csv_without_fields_is_refused_but_xml_is_not() {
        assert!(ExportRequest::oql("SELECT Person").wire_fields().is_err());
        let xml = ExportRequest::oql("SELECT Person").format(ExportFormat::Xml);
        assert!(xml.wire_fields().is_ok());
    }

    #[test]
    fn legacy_export_refuses_external_fields() {
        let request = LegacyExportRequest::new(ExportQuery::Expression("SELECT Person".into()))
            .fields(["org_id->name"]);
        assert!(request.wire_fields().is_err());
    }
}
