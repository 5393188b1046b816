//! Rendering exported objects: field specifications, cell values, and the
//! CSV, XML and HTML bodies of `export-v2.php` and `export.php`.

use crate::bulk::{self, Column};
use crate::dates;
use crate::model::{Class, Kind};
use crate::params::html_encode;
use crate::store::Store;

/// How cells are written.
#[derive(Debug, Clone)]
pub(crate) struct Style {
    /// Enumeration labels and localized headers (`no_localize=0`).
    pub localized: bool,
    /// PHP date format for dates (date part used).
    pub date_format: String,
}

/// Reads a `fields` list (`att`, `alias.att`, `extkey->att`); `Err` holds
/// the first unknown specification.
pub(crate) fn fields(class: &Class, alias: &str, list: &str) -> Result<Vec<Column>, String> {
    let specs = list
        .split(',')
        .map(str::trim)
        .filter(|spec| !spec.is_empty());
    let mut columns = Vec::new();
    for spec in specs {
        let bare = spec.strip_prefix(&format!("{alias}.")).unwrap_or(spec);
        // External fields (`org_name`) are exportable, not importable.
        let computed = class.attribute(bare).filter(|a| !a.is_writable());
        let found = bulk::all_columns(class)
            .into_iter()
            .find(|column| column.code() == bare)
            .or(computed.map(Column::Attribute));
        columns.push(found.ok_or_else(|| spec.to_owned())?);
    }
    Ok(columns)
}

/// A cell value: `(text, is_number)`.
pub(crate) fn value(
    store: &Store,
    class: &Class,
    id: u64,
    column: &Column,
    style: &Style,
) -> (String, bool) {
    let stored = |code: &str| store.value(class.name, id, code);
    match column {
        Column::Attribute(attribute) => typed(attribute, &stored(attribute.code), style),
        Column::Remote { key, remote } => {
            let Kind::ExtKey(target) = key.kind else {
                return (String::new(), false);
            };
            let target_id: u64 = stored(key.code).parse().unwrap_or(0);
            typed(remote, &store.value(target, target_id, remote.code), style)
        }
    }
}

fn typed(attribute: &crate::model::Attribute, stored: &str, style: &Style) -> (String, bool) {
    match attribute.kind {
        Kind::ExtKey(_) => (
            if stored.is_empty() {
                "0".to_owned()
            } else {
                stored.to_owned()
            },
            true,
        ),
        Kind::Enum(_) if style.localized => (attribute.value_label(stored), false),
        Kind::Date => {
            let date = dates::parse("Y-m-d", stored);
            let format = dates::date_part(&style.date_format);
            (
                date.map_or(String::new(), |d| dates::format(&format, &d)),
                false,
            )
        }
        _ => (stored.to_owned(), false),
    }
}

/// One CSV cell, quoted with `qualifier` unless a number.
fn csv_cell((text, number): (String, bool), qualifier: &str) -> String {
    if number || qualifier.is_empty() {
        return text;
    }
    format!(
        "{qualifier}{}{qualifier}",
        text.replace(qualifier, &format!("{qualifier}{qualifier}"))
    )
}

/// The `export-v2.php` CSV text (header quoted, `\n` line ends).
pub(crate) fn csv(
    store: &Store,
    class: &Class,
    ids: &[u64],
    columns: &[Column],
    style: &Style,
    separator: &str,
    qualifier: &str,
) -> String {
    let header = columns
        .iter()
        .map(|c| csv_cell((c.name(style.localized), false), qualifier));
    let mut out = header.collect::<Vec<_>>().join(separator);
    out.push('\n');
    for id in ids {
        let cells = columns
            .iter()
            .map(|column| csv_cell(value(store, class, *id, column, style), qualifier));
        out.push_str(&cells.collect::<Vec<_>>().join(separator));
        out.push('\n');
    }
    out
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The `<Class>` element of one object; `extras` adds the friendly-name
/// and obsolescence fields of export-v2.
pub(crate) fn xml_object(
    store: &Store,
    class: &Class,
    alias: &str,
    id: u64,
    style: &Style,
    extras: bool,
) -> String {
    let mut out = format!("<{} alias=\"{alias}\" id=\"{id}\">\n", class.name);
    let element = |code: &str, text: &str| format!("<{code}>{}</{code}>\n", xml_escape(text));
    let field = |attribute| value(store, class, id, &Column::Attribute(attribute), style).0;
    for attribute in class.attributes.iter().filter(|a| a.is_writable()) {
        let text = field(attribute);
        out.push_str(&element(attribute.code, &text));
        let (Kind::ExtKey(target), true) = (attribute.kind, extras) else {
            continue;
        };
        let name = store.friendly_name(target, text.parse().unwrap_or(0));
        out.push_str(&element(&format!("{}_friendlyname", attribute.code), &name));
        // iTop lists the external fields of a key right after it.
        let fields = class
            .attributes
            .iter()
            .filter(|a| matches!(a.kind, Kind::ExtField(key, _) if key == attribute.code));
        fields.for_each(|ext| out.push_str(&element(ext.code, &field(ext))));
        out.push_str(&element(
            &format!("{}_obsolescence_flag", attribute.code),
            "No",
        ));
    }
    if extras {
        let name = xml_escape(&store.friendly_name(class.name, id));
        out.push_str(&format!("<friendlyname>{name}</friendlyname>\n<obsolescence_flag>No</obsolescence_flag>\n<obsolescence_date></obsolescence_date>\n"));
    }
    out.push_str(&format!("</{}>\n", class.name));
    out
}

/// The HTML table of the html and spreadsheet formats.
pub(crate) fn html_table(
    store: &Store,
    class: &Class,
    ids: &[u64],
    columns: &[Column],
    style: &Style,
) -> String {
    let header: String = columns
        .iter()
        .map(|c| format!("<th>{}</th>", html_encode(&c.name(style.localized))))
        .collect();
    let mut out = format!("<table class=\"listResults\"><thead><tr>{header}</tr></thead><tbody>");
    for id in ids {
        let cells = columns.iter().map(|column| {
            format!(
                "<td>{}</td>",
                html_encode(&value(store, class, *id, column, style).0)
            )
        });
        out.push_str(&format!("<tr>{}</tr>", cells.collect::<String>()));
    }
    out.push_str("</tbody></table>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model;

    #[test]
    fn quotes_strings_and_leaves_ids_bare() {
        let store = Store::seeded();
        let class = model::class("Person").expect("known");
        let columns =
            fields(class, "Person", "first_name,status,org_id,org_id->name").expect("fields");
        let style = Style {
            localized: false,
            date_format: "Y-m-d H:i:s".into(),
        };
        let text = csv(&store, class, &[2], &columns, &style, ",", "\"");
        assert_eq!(
            text,
            "\"first_name\",\"status\",\"org_id\",\"org_id->name\"\n\"Alice\",\"active\",2,\"Lab Org A\"\n"
        );
        let localized = Style {
            localized: true,
            ..style
        };
        let text = csv(&store, class, &[2], &columns, &localized, ";", "'");
        assert!(
            text.starts_with(
                "'First Name';'Status';'Organization';'Organization->Name'\n'Alice';'Active';2;"
            ),
            "{text}"
        );
        assert_eq!(
            fields(class, "Person", "first_name,nope").err().as_deref(),
            Some("nope")
        );
    }
}
