//! The engine behind `import.php` (PROTOCOL.md §5.2): input columns matched
//! to attributes, reconciliation keys, and one row turned into a created,
//! updated, unchanged or refused object, with the cells of the details
//! table.

use crate::csv_in::Cell;
use crate::dates::{self, DateTime};
use crate::model::{self, Attribute, Class, Kind};
use crate::store::{Object, Store};

/// What an input column feeds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Column {
    /// An attribute (an external key column holds an object id).
    Attribute(&'static Attribute),
    /// `<extkey>-><remote attribute>`: the target is searched by value.
    Remote {
        key: &'static Attribute,
        remote: &'static Attribute,
    },
}

impl Column {
    /// The internal name (`first_name`, `org_id->name`).
    pub fn code(&self) -> String {
        match self {
            Column::Attribute(attribute) => attribute.code.to_owned(),
            Column::Remote { key, remote } => format!("{}->{}", key.code, remote.code),
        }
    }

    fn label(&self) -> String {
        match self {
            Column::Attribute(attribute) => attribute.label.to_owned(),
            Column::Remote { key, remote } => format!("{}->{}", key.label, remote.label),
        }
    }

    /// The name a header must have (`localized`: the label).
    pub fn name(&self, localized: bool) -> String {
        if localized { self.label() } else { self.code() }
    }

    /// The external key this column resolves, if any.
    pub fn ext_key(&self) -> Option<&'static Attribute> {
        match self {
            Column::Attribute(attribute) if matches!(attribute.kind, Kind::ExtKey(_)) => {
                Some(attribute)
            }
            Column::Attribute(_) => None,
            Column::Remote { key, .. } => Some(key),
        }
    }
}

/// Every column `class` accepts, in data-model order.
pub(crate) fn all_columns(class: &Class) -> Vec<Column> {
    let mut columns = Vec::new();
    for attribute in class.attributes.iter().filter(|a| a.is_writable()) {
        columns.push(Column::Attribute(attribute));
        if let Kind::ExtKey(target) = attribute.kind {
            let target = model::class(target)
                .map(|c| c.attributes)
                .unwrap_or_default();
            let remote = target.iter().filter(|remote| remote.is_writable());
            columns.extend(remote.map(|remote| Column::Remote {
                key: attribute,
                remote,
            }));
        }
    }
    columns
}

/// Matches a header cell: trimmed, `*` before `->` or at the end
/// ignored, case-insensitive.
pub(crate) fn match_column(class: &Class, header: &str, localized: bool) -> Option<Column> {
    let cleaned = header.trim().replace("*->", "->");
    let cleaned = cleaned.trim_end_matches('*').to_lowercase();
    let mut columns = all_columns(class).into_iter();
    columns.find(|column| column.name(localized).to_lowercase() == cleaned)
}

/// One reconciliation key: an attribute, and for an external key the
/// remote attributes the input gives it by.
#[derive(Debug, Clone)]
pub(crate) struct Key {
    pub attribute: &'static Attribute,
    pub remote: Vec<&'static str>,
}

impl Key {
    /// `email`, or `org_id (name)`.
    pub fn display(&self) -> String {
        if self.remote.is_empty() {
            self.attribute.code.to_owned()
        } else {
            format!("{} ({})", self.attribute.code, self.remote.join(","))
        }
    }
}

fn key_for(attribute: &'static Attribute, columns: &[Column]) -> Option<Key> {
    let remote = columns.iter().filter_map(|column| match column {
        Column::Remote { key, remote } if key.code == attribute.code => Some(remote.code),
        _ => None,
    });
    let remote: Vec<&str> = remote.collect();
    let direct = columns
        .iter()
        .any(|column| matches!(column, Column::Attribute(a) if a.code == attribute.code));
    (direct || !remote.is_empty()).then(|| Key {
        attribute,
        remote: if direct { Vec::new() } else { remote },
    })
}

/// The reconciliation keys from the `reconciliationkeys` parameter, or
/// the class defaults present among the columns; `Err` is the report line.
pub(crate) fn reconciliation_keys(
    class: &Class,
    requested: &str,
    columns: &[Column],
    localized: bool,
) -> Result<Vec<Key>, String> {
    let mut keys = Vec::new();
    let items = requested
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty());
    for item in items {
        let column = match_column(class, item, localized)
            .ok_or(format!("Unknown reconciliation key: '{item}'"))?;
        let attribute = match column {
            Column::Attribute(attribute) | Column::Remote { key: attribute, .. } => attribute,
        };
        let key = key_for(attribute, columns);
        keys.push(key.ok_or(format!(
            "Reconciliation key not found in the input columns: '{item}'"
        ))?);
    }
    if !requested.trim().is_empty() {
        return Ok(keys);
    }
    let defaults = class
        .reconciliation
        .iter()
        .filter_map(|code| class.attribute(code));
    keys.extend(defaults.filter_map(|attribute| key_for(attribute, columns)));
    if keys.is_empty() {
        // Joined with a bare `,`, as iTop's import.php does.
        let wanted = class.reconciliation.join(",");
        let message = format!(
            "No reconciliation scheme could be defined, please add a column corresponding to one defined reconciliation key (class: '{}', reconciliation:{wanted})",
            class.name
        );
        return Err(message);
    }
    Ok(keys)
}

/// Settings shared by every row of one import.
#[derive(Debug)]
pub(crate) struct Job<'a> {
    pub class: &'static Class,
    pub columns: &'a [Column],
    pub keys: &'a [Key],
    pub localized: bool,
    pub date_format: Option<String>,
    pub simulate: bool,
}

/// What happened to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Issue,
    Created,
    Updated,
    Unchanged,
}

/// One row of the report.
#[derive(Debug, Clone)]
pub(crate) struct RowResult {
    pub outcome: Outcome,
    pub status: String,
    pub object: Option<u64>,
    /// External key cells, then attribute cells, as printed.
    pub cells: Vec<String>,
}

/// A converted value, or the cell's error message.
type Converted = Result<Option<String>, CellError>;

#[derive(Debug, Clone)]
enum CellError {
    Value(String),
    Date(String),
}

impl CellError {
    fn message(&self) -> &str {
        match self {
            CellError::Value(message) | CellError::Date(message) => message,
        }
    }
}

fn invalid(value: &str, code: &str, reason: &str) -> CellError {
    CellError::Value(format!(
        "'{value}' is an invalid value. Unexpected value for attribute '{code}': {reason}"
    ))
}

fn convert_date(job: &Job<'_>, value: &str) -> Converted {
    let format = job.date_format.clone().map(|f| dates::date_part(&f));
    let parsed = match &format {
        Some(format) => dates::parse(format, value),
        None => dates::parse("Y-m-d", value).or_else(|| dates::parse("Y-m-d H:i:s", value)),
    };
    let example = DateTime {
        year: 2022,
        month: 10,
        day: 23,
        ..DateTime::default()
    };
    let expected = dates::format(format.as_deref().unwrap_or("Y-m-d"), &example);
    match parsed {
        Some(date) => Ok(Some(dates::format("Y-m-d", &date))),
        None => Err(CellError::Date(format!(
            "'{value}' is an invalid value. Expected format: {expected}"
        ))),
    }
}

fn convert(job: &Job<'_>, attribute: &Attribute, cell: &Cell) -> Converted {
    let Some(value) = cell else { return Ok(None) };
    if value.is_empty() && attribute.mandatory {
        return Err(invalid("", attribute.code, "Null not allowed"));
    }
    match attribute.kind {
        Kind::Enum(_) => match attribute.enum_code(value, job.localized) {
            Some(code) => Ok(Some(code.to_owned())),
            None => Err(invalid(
                value,
                attribute.code,
                &format!("Value not allowed [{value}]"),
            )),
        },
        Kind::Date if !value.is_empty() => convert_date(job, value),
        _ => Ok(Some(value.clone())),
    }
}

fn no_match(store: &Store, target: &str, value: &str) -> String {
    let label = model::class(target).map_or(target, |class| class.label);
    let names: Vec<String> = store
        .sorted_ids(target)
        .iter()
        .map(|id| store.friendly_name(target, *id))
        .collect();
    let more = if names.len() > 3 { "..." } else { "" };
    let shown = names.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
    format!("No match for value '{value}'. Some possible '{label}' value(s): {shown}{more}")
}

/// Resolves one external key from the row's columns.
fn resolve_key(store: &Store, job: &Job<'_>, key: &Attribute, row: &[Cell]) -> Converted {
    let Kind::ExtKey(target) = key.kind else {
        return Ok(None);
    };
    let mut candidates: Option<Vec<u64>> = None;
    let mut first_value = None;
    for (column, cell) in job.columns.iter().zip(row) {
        let Some(value) = cell else { continue };
        let found = match column {
            Column::Attribute(a) if a.code == key.code => {
                return resolve_id(store, key, target, value);
            }
            Column::Remote { key: k, remote } if k.code == key.code => {
                store.find(target, remote.code, value)
            }
            _ => continue,
        };
        first_value.get_or_insert(value.clone());
        candidates = Some(candidates.map_or(found.clone(), |old| {
            old.into_iter().filter(|id| found.contains(id)).collect()
        }));
    }
    let (Some(candidates), Some(value)) = (candidates, first_value) else {
        return Ok(None);
    };
    match candidates.as_slice() {
        [id] => Ok(Some(id.to_string())),
        [] if value.is_empty() && key.mandatory => Err(invalid("", key.code, "Null not allowed")),
        [] => Err(CellError::Value(no_match(store, target, &value))),
        many => Err(CellError::Value(format!(
            "Ambiguous value '{value}': {} objects found",
            many.len()
        ))),
    }
}

fn resolve_id(store: &Store, key: &Attribute, target: &str, value: &str) -> Converted {
    let id: u64 = value.trim().parse().unwrap_or(0);
    if id == 0 && key.mandatory {
        return Err(invalid(value, key.code, "Null not allowed"));
    }
    if id != 0 && store.get(target, id).is_none() {
        return Err(invalid(value, key.code, "Object not found"));
    }
    Ok(Some(id.to_string()))
}

/// The external keys used by the columns, in order of first appearance.
pub(crate) fn ext_keys(columns: &[Column]) -> Vec<&'static Attribute> {
    let mut keys: Vec<&'static Attribute> = Vec::new();
    for key in columns.iter().filter_map(Column::ext_key) {
        if !keys.iter().any(|known| known.code == key.code) {
            keys.push(key);
        }
    }
    keys
}

/// The details-table header.
pub(crate) fn details_header(columns: &[Column]) -> String {
    let mut cells = vec![
        "Line".to_owned(),
        "Status".into(),
        "Object Class".into(),
        "Object Id".into(),
    ];
    cells.extend(
        ext_keys(columns)
            .iter()
            .map(|key| format!("{} ({} - ext key)", key.code, key.label)),
    );
    let attributes = columns.iter().filter(|column| column.ext_key().is_none());
    cells.extend(attributes.map(|column| format!("{} ({})", column.code(), column.label())));
    cells.join(";")
}

/// Values of one row: ext keys then plain attributes, each with the raw
/// input and the conversion.
struct RowValues {
    keys: Vec<(&'static Attribute, Converted)>,
    attributes: Vec<(&'static Attribute, String, Converted)>,
}

fn row_values(store: &Store, job: &Job<'_>, row: &[Cell]) -> RowValues {
    let keys = ext_keys(job.columns)
        .into_iter()
        .map(|key| (key, resolve_key(store, job, key, row)))
        .collect();
    let mut attributes = Vec::new();
    for (column, cell) in job.columns.iter().zip(row) {
        if let (Column::Attribute(attribute), None) = (column, column.ext_key()) {
            let raw = cell.clone().unwrap_or_default();
            attributes.push((*attribute, raw, convert(job, attribute, cell)));
        }
    }
    RowValues { keys, attributes }
}

impl RowValues {
    fn value(&self, code: &str) -> Option<Option<String>> {
        let keys = self.keys.iter().map(|(a, c)| (a, c));
        let attributes = self.attributes.iter().map(|(a, _, c)| (a, c));
        let mut all = keys.chain(attributes);
        let (_, converted) = all.find(|(attribute, _)| attribute.code == code)?;
        converted.clone().ok()
    }

    fn errors(&self) -> Vec<&CellError> {
        let keys = self.keys.iter().filter_map(|(_, c)| c.as_ref().err());
        keys.chain(
            self.attributes
                .iter()
                .filter_map(|(_, _, c)| c.as_ref().err()),
        )
        .collect()
    }

    /// The object changes (attribute → new value) against `current`.
    fn changes(&self, current: Option<&Object>) -> Object {
        let keys = self.keys.iter().map(|(a, c)| (a, c));
        let all = keys.chain(self.attributes.iter().map(|(a, _, c)| (a, c)));
        let mut changes = Object::new();
        for (attribute, converted) in all {
            let Ok(Some(value)) = converted else { continue };
            let stored = current
                .and_then(|object| object.get(attribute.code))
                .map(String::as_str);
            if stored.unwrap_or_default() != value || current.is_none() {
                changes.insert(attribute.code.to_owned(), value.clone());
            }
        }
        changes
    }
}

/// Objects matching every reconciliation key of the row.
fn reconcile(store: &Store, job: &Job<'_>, values: &RowValues) -> Vec<u64> {
    let mut found: Option<Vec<u64>> = None;
    for key in job.keys {
        let value = values
            .value(key.attribute.code)
            .flatten()
            .unwrap_or_default();
        let ids = store.find(job.class.name, key.attribute.code, &value);
        found = Some(found.map_or(ids.clone(), |old| {
            old.into_iter().filter(|id| ids.contains(id)).collect()
        }));
    }
    found.unwrap_or_default()
}

fn render_cells(values: &RowValues, current: Option<&Object>) -> Vec<String> {
    let mut cells = Vec::new();
    for (_, converted) in &values.keys {
        cells.push(match converted {
            Ok(value) => value.clone().unwrap_or_default(),
            Err(err) => err.message().to_owned(),
        });
    }
    for (attribute, raw, converted) in &values.attributes {
        let stored = current.and_then(|object| object.get(attribute.code));
        cells.push(match (converted, current) {
            (Err(err), _) => err.message().to_owned(),
            // A value iTop writes is printed in its CSV form
            // (`GetAsCSV(…, ',', '"')`): quoted, inner quotes doubled;
            // `Modified` glued after a changed one.
            (Ok(_), None) => format!("\"{}\"", raw.replace('"', "\"\"")),
            (Ok(Some(value)), Some(_)) if stored != Some(value) => {
                format!("\"{}\"Modified", raw.replace('"', "\"\""))
            }
            (Ok(_), Some(_)) => raw.clone(),
        });
    }
    cells
}

fn issue(values: &RowValues, errors: &[&CellError], object: Option<(u64, &Object)>) -> RowResult {
    let dates_only = errors.iter().all(|err| matches!(err, CellError::Date(_)));
    let reason = if dates_only {
        "wrong date format"
    } else {
        "Unexpected attribute value(s)"
    };
    RowResult {
        outcome: Outcome::Issue,
        status: format!("Issue: {reason}"),
        object: object.map(|(id, _)| id),
        cells: render_cells(values, object.map(|(_, o)| o)),
    }
}

/// Imports one data row.
pub(crate) fn import_row(store: &mut Store, job: &Job<'_>, row: &[Cell]) -> RowResult {
    let values = row_values(store, job, row);
    let errors = values.errors();
    let matches = reconcile(store, job, &values);
    let existing = match matches.as_slice() {
        [id] => store
            .get(job.class.name, *id)
            .cloned()
            .map(|object| (*id, object)),
        [] => None,
        _ => {
            let cells = render_cells(&values, None);
            let status = "Issue: ambiguous reconciliation".to_owned();
            return RowResult {
                outcome: Outcome::Issue,
                status,
                object: None,
                cells,
            };
        }
    };
    if !errors.is_empty() {
        return issue(&values, &errors, existing.as_ref().map(|(id, o)| (*id, o)));
    }
    let cells = render_cells(&values, existing.as_ref().map(|(_, o)| o));
    let Some((id, current)) = existing else {
        let id = if job.simulate {
            0
        } else {
            store.create(job.class.name, values.changes(None))
        };
        return RowResult {
            outcome: Outcome::Created,
            status: "created".into(),
            object: Some(id),
            cells,
        };
    };
    let changes = values.changes(Some(&current));
    if changes.is_empty() {
        return RowResult {
            outcome: Outcome::Unchanged,
            status: "unchanged".into(),
            object: Some(id),
            cells,
        };
    }
    if !job.simulate {
        store.update(job.class.name, id, &changes);
    }
    let status = format!("updated {} cols", changes.len());
    RowResult {
        outcome: Outcome::Updated,
        status,
        object: Some(id),
        cells,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv_in;

    fn run(store: &mut Store, csv: &str, keys: &str, simulate: bool) -> Vec<RowResult> {
        let class = model::class("Person").expect("known");
        let rows = csv_in::parse(csv, b',', b'"');
        let header: Vec<String> = rows[0]
            .iter()
            .map(|c| c.clone().unwrap_or_default())
            .collect();
        let columns: Vec<Column> = header
            .iter()
            .map(|h| match_column(class, h, false).expect("known column"))
            .collect();
        let keys = reconciliation_keys(class, keys, &columns, false).expect("keys");
        let job = Job {
            class,
            columns: &columns,
            keys: &keys,
            localized: false,
            date_format: None,
            simulate,
        };
        rows[1..]
            .iter()
            .map(|row| import_row(store, &job, row))
            .collect()
    }

    #[test]
    fn creates_updates_then_reports_unchanged() {
        let mut store = Store::seeded();
        let csv = "first_name,name,org_id->name,email,function\nDan,Davis,Lab Org B,dan@x,Engineer\nAlice,Anderson,Lab Org A,alice.anderson@lab.example,Manager\n";
        let first = run(&mut store, csv, "email", false);
        assert_eq!(first[0].status, "created");
        assert_eq!(first[0].object, Some(9));
        assert_eq!(
            first[0].cells,
            vec!["3", "\"Dan\"", "\"Davis\"", "\"dan@x\"", "\"Engineer\""]
        );
        assert_eq!(first[1].status, "updated 1 cols");
        assert_eq!(
            first[1].cells,
            vec![
                "2",
                "Alice",
                "Anderson",
                "alice.anderson@lab.example",
                "\"Manager\"Modified"
            ]
        );
        let second = run(&mut store, csv, "email", false);
        assert!(second.iter().all(|row| row.outcome == Outcome::Unchanged));
    }

    #[test]
    fn reports_cell_errors_like_itop() {
        let mut store = Store::seeded();
        let csv = "first_name,name,org_id->name,email,status\nX,Xu,No Such Org,x@x,active\nY,,Lab Org A,y@y,active\nB,Brown,Lab Org A,bob.brown@lab.example,bogus\n";
        let rows = run(&mut store, csv, "email", true);
        assert!(rows[0].cells[0].starts_with("No match for value 'No Such Org'. Some possible 'Organization' value(s): Lab Org A, Lab Org B, Lab Org C..."));
        assert_eq!(
            rows[1].cells[2],
            "'' is an invalid value. Unexpected value for attribute 'name': Null not allowed"
        );
        assert_eq!(
            (rows[2].status.as_str(), rows[2].object),
            ("Issue: Unexpected attribute value(s)", Some(3))
        );
        assert_eq!(
            rows[2].cells[4],
            "'bogus' is an invalid value. Unexpected value for attribute 'status': Value not allowed [bogus]"
        );
        assert_eq!(store.count("Person"), 8);
    }

    #[test]
    fn reconciliation_key_errors() {
        let class = model::class("Person").expect("known");
        let columns = vec![match_column(class, "first_name", false).expect("column")];
        let unknown = reconciliation_keys(class, "nope", &columns, false);
        assert_eq!(
            unknown.err().as_deref(),
            Some("Unknown reconciliation key: 'nope'")
        );
        let absent = reconciliation_keys(class, "email", &columns, false);
        assert_eq!(
            absent.err().as_deref(),
            Some("Reconciliation key not found in the input columns: 'email'")
        );
        let org = vec![match_column(class, "Organization->Name*", true).expect("label column")];
        let keys = reconciliation_keys(class, "", &org, true).expect("default keys");
        assert_eq!(
            keys.iter().map(Key::display).collect::<Vec<_>>(),
            vec!["org_id (name)"]
        );
    }
}
