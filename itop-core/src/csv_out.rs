//! Writing CSV in iTop's input dialect (PROTOCOL.md §1.13), from records
//! or from `serde` structs, so programs can build uploads.
//!
//! iTop's reader has no backslash escape: an embedded qualifier is
//! doubled. Blanks at the ends of an unquoted cell are trimmed by iTop, so
//! such cells are quoted. `<NULL>` means "no value" (for a synchronization:
//! leave the attribute alone) and is written for `None`; an empty cell
//! resets the attribute. The text `<NULL>` itself cannot be sent (iTop
//! reads it as no value, quoted or not) and is refused. Lines end with
//! `\n`, no BOM is written.

use std::io::Write;

use serde::ser::{self, Impossible, Serialize};

use crate::{Error, Result};

const NULL: &[u8] = b"<NULL>";

/// When cells are quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quoting {
    /// Every cell but `<NULL>` (the default; what PROTOCOL.md advises).
    #[default]
    Always,
    /// Only cells that need it: separator, qualifier, `\r`, `\n`, or a
    /// blank at either end.
    Necessary,
}

/// The value of a column for an update: keep, reset or set.
///
/// `Keep` is written `<NULL>`, `Reset` as an empty cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Update<T> {
    /// Leave the attribute as it is (`<NULL>`).
    Keep,
    /// Empty the attribute (an empty cell).
    Reset,
    /// Set this value.
    Set(T),
}

impl<T: Serialize> Serialize for Update<T> {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Update::Keep => serializer.serialize_none(),
            Update::Reset => serializer.serialize_str(""),
            Update::Set(value) => value.serialize(serializer),
        }
    }
}

/// A CSV writer for iTop's dialect over any [`Write`].
///
/// ```
/// use itop_core::csv_out::{CsvWriter, Update};
///
/// #[derive(serde::Serialize)]
/// struct Person<'a> {
///     email: &'a str,
///     first_name: &'a str,
///     function: Update<&'a str>,
/// }
///
/// let mut out = CsvWriter::new(Vec::new());
/// out.serialize(&Person { email: "a@x", first_name: " Al", function: Update::Keep })?;
/// out.serialize(&Person { email: "b@x", first_name: "Bo \"B\"", function: Update::Reset })?;
/// let csv = String::from_utf8(out.into_inner()?).unwrap();
/// assert_eq!(csv, "\"email\",\"first_name\",\"function\"\n\
///                  \"a@x\",\" Al\",<NULL>\n\
///                  \"b@x\",\"Bo \"\"B\"\"\",\"\"\n");
/// # Ok::<(), itop_core::Error>(())
/// ```
#[derive(Debug)]
pub struct CsvWriter<W: Write> {
    inner: W,
    separator: u8,
    qualifier: u8,
    quoting: Quoting,
    header_done: bool,
    line: Vec<u8>,
    cells: Vec<Option<String>>,
    names: Vec<&'static str>,
}

impl<W: Write> CsvWriter<W> {
    /// A writer with separator `,`, qualifier `"`, every cell quoted.
    pub fn new(inner: W) -> CsvWriter<W> {
        CsvWriter {
            inner,
            separator: b',',
            qualifier: b'"',
            quoting: Quoting::Always,
            header_done: false,
            line: Vec::new(),
            cells: Vec::new(),
            names: Vec::new(),
        }
    }

    /// The separator, `,` by default (use `;` for `synchro_import.php`'s
    /// default). One ASCII byte, not a blank but TAB.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for anything else.
    pub fn separator(mut self, separator: char) -> Result<CsvWriter<W>> {
        self.separator = dialect_byte("separator", separator, true)?;
        Ok(self)
    }

    /// The qualifier, `"` by default. One printable ASCII byte.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for anything else.
    pub fn qualifier(mut self, qualifier: char) -> Result<CsvWriter<W>> {
        self.qualifier = dialect_byte("qualifier", qualifier, false)?;
        Ok(self)
    }

    /// When to quote, [`Quoting::Always`] by default.
    pub fn quoting(mut self, quoting: Quoting) -> CsvWriter<W> {
        self.quoting = quoting;
        self
    }

    /// Writes one record; `None` cells become `<NULL>`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for a cell holding the text `<NULL>`,
    /// [`Error::Io`] when writing fails.
    pub fn write_record<I, S>(&mut self, cells: I) -> Result<()>
    where
        I: IntoIterator<Item = Option<S>>,
        S: AsRef<str>,
    {
        self.line.clear();
        for (at, cell) in cells.into_iter().enumerate() {
            if at > 0 {
                self.line.push(self.separator);
            }
            self.push_cell(cell.as_ref().map(AsRef::as_ref))?;
        }
        self.line.push(b'\n');
        self.inner.write_all(&self.line)?;
        Ok(())
    }

    /// Writes `row`, a struct (or map) of plain values; the header, from
    /// its field names (`#[serde(rename)]` applies), goes first.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for nested values, byte strings or a cell
    /// holding the text `<NULL>`, [`Error::Io`] when writing fails.
    pub fn serialize<T: Serialize>(&mut self, row: &T) -> Result<()> {
        self.cells.clear();
        let mut names = Vec::new();
        row.serialize(RowSerializer {
            cells: &mut self.cells,
            names: &mut names,
        })
        .map_err(SerError::into_error)?;
        if !self.header_done {
            self.names = names;
            let header: Vec<Option<&str>> = self.names.iter().map(|n| Some(*n)).collect();
            self.write_record(header)?;
            self.header_done = true;
        }
        let cells = std::mem::take(&mut self.cells);
        let written = self.write_record(cells.iter().map(Option::as_deref));
        self.cells = cells;
        written
    }

    /// Flushes the underlying writer.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when flushing fails.
    pub fn flush(&mut self) -> Result<()> {
        self.inner.flush()?;
        Ok(())
    }

    /// Flushes, then hands the writer back.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when flushing fails.
    pub fn into_inner(mut self) -> Result<W> {
        self.flush()?;
        Ok(self.inner)
    }

    fn push_cell(&mut self, cell: Option<&str>) -> Result<()> {
        let Some(text) = cell else {
            self.line.extend_from_slice(NULL);
            return Ok(());
        };
        let bytes = text.as_bytes();
        if bytes == NULL {
            return Err(Error::InvalidRequest {
                field: "csv",
                reason: "iTop reads the text <NULL> as no value; write None instead".to_owned(),
            });
        }
        if !self.needs_quotes(bytes) {
            self.line.extend_from_slice(bytes);
            return Ok(());
        }
        self.line.push(self.qualifier);
        for &byte in bytes {
            if byte == self.qualifier {
                self.line.push(byte);
            }
            self.line.push(byte);
        }
        self.line.push(self.qualifier);
        Ok(())
    }

    fn needs_quotes(&self, bytes: &[u8]) -> bool {
        if self.quoting == Quoting::Always {
            return true;
        }
        let blank = |b: Option<&u8>| matches!(b, Some(b' ' | b'\t'));
        blank(bytes.first())
            || blank(bytes.last())
            || bytes
                .iter()
                .any(|&b| b == self.separator || b == self.qualifier || b == b'\n' || b == b'\r')
    }
}

fn dialect_byte(field: &'static str, c: char, tab_ok: bool) -> Result<u8> {
    let ok = c.is_ascii() && (c.is_ascii_graphic() || (tab_ok && c == '\t'));
    match u8::try_from(c) {
        Ok(byte) if ok && byte != b'\n' => Ok(byte),
        _ => Err(Error::InvalidRequest {
            field,
            reason: format!("{c:?} is not a one-byte printable character"),
        }),
    }
}

/// Why a value could not become a cell.
#[derive(Debug)]
struct SerError(String);

impl SerError {
    fn into_error(self) -> Error {
        Error::InvalidRequest {
            field: "csv",
            reason: self.0,
        }
    }
}

impl std::fmt::Display for SerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SerError {}

impl ser::Error for SerError {
    fn custom<T: std::fmt::Display>(msg: T) -> SerError {
        SerError(msg.to_string())
    }
}

fn unsupported<T>(what: &str) -> std::result::Result<T, SerError> {
    Err(SerError(format!("a CSV cell cannot hold {what}")))
}

/// Turns a struct or map into header names and cells.
struct RowSerializer<'a> {
    cells: &'a mut Vec<Option<String>>,
    names: &'a mut Vec<&'static str>,
}

impl ser::SerializeStruct for RowSerializer<'_> {
    type Ok = ();
    type Error = SerError;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> std::result::Result<(), SerError> {
        self.names.push(key);
        self.cells.push(value.serialize(CellSerializer)?);
        Ok(())
    }

    fn end(self) -> std::result::Result<(), SerError> {
        Ok(())
    }
}

macro_rules! display_cell {
    ($($method:ident: $type:ty),*) => {$(
        fn $method(self, value: $type) -> std::result::Result<Option<String>, SerError> {
            Ok(Some(value.to_string()))
        }
    )*};
}

macro_rules! not_a_row {
    ($($method:ident: $($arg:ty),*);*) => {$(
        fn $method(self, $(_: $arg),*) -> std::result::Result<(), SerError> {
            unsupported("a row that is not a struct")
        }
    )*};
}

impl<'a> ser::Serializer for RowSerializer<'a> {
    type Ok = ();
    type Error = SerError;
    type SerializeSeq = Impossible<(), SerError>;
    type SerializeTuple = Impossible<(), SerError>;
    type SerializeTupleStruct = Impossible<(), SerError>;
    type SerializeTupleVariant = Impossible<(), SerError>;
    type SerializeMap = Impossible<(), SerError>;
    type SerializeStruct = RowSerializer<'a>;
    type SerializeStructVariant = Impossible<(), SerError>;

    fn serialize_struct(self, _: &'static str, _: usize) -> std::result::Result<Self, SerError> {
        Ok(self)
    }

    not_a_row!(serialize_bool: bool; serialize_i8: i8; serialize_i16: i16; serialize_i32: i32;
        serialize_i64: i64; serialize_u8: u8; serialize_u16: u16; serialize_u32: u32;
        serialize_u64: u64; serialize_f32: f32; serialize_f64: f64; serialize_char: char;
        serialize_str: &str; serialize_bytes: &[u8]; serialize_none: ; serialize_unit: ;
        serialize_unit_struct: &'static str;
        serialize_unit_variant: &'static str, u32, &'static str);

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> std::result::Result<(), SerError> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> std::result::Result<(), SerError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> std::result::Result<(), SerError> {
        unsupported("an enum row")
    }

    fn serialize_seq(self, _: Option<usize>) -> std::result::Result<Self::SerializeSeq, SerError> {
        unsupported("a sequence row (use write_record)")
    }

    fn serialize_tuple(self, _: usize) -> std::result::Result<Self::SerializeTuple, SerError> {
        unsupported("a tuple row (use write_record)")
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeTupleStruct, SerError> {
        unsupported("a tuple struct row")
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeTupleVariant, SerError> {
        unsupported("an enum row")
    }

    fn serialize_map(self, _: Option<usize>) -> std::result::Result<Self::SerializeMap, SerError> {
        unsupported("a map row (use a struct)")
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeStructVariant, SerError> {
        unsupported("an enum row")
    }
}

/// Turns one plain value into a cell (`None` = `<NULL>`).
struct CellSerializer;

impl ser::Serializer for CellSerializer {
    type Ok = Option<String>;
    type Error = SerError;
    type SerializeSeq = Impossible<Option<String>, SerError>;
    type SerializeTuple = Impossible<Option<String>, SerError>;
    type SerializeTupleStruct = Impossible<Option<String>, SerError>;
    type SerializeTupleVariant = Impossible<Option<String>, SerError>;
    type SerializeMap = Impossible<Option<String>, SerError>;
    type SerializeStruct = Impossible<Option<String>, SerError>;
    type SerializeStructVariant = Impossible<Option<String>, SerError>;

    display_cell!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128, serialize_f32: f32, serialize_f64: f64,
        serialize_char: char, serialize_str: &str);

    fn serialize_bool(self, value: bool) -> std::result::Result<Option<String>, SerError> {
        Ok(Some(if value { "1" } else { "0" }.to_owned()))
    }

    fn serialize_bytes(self, _: &[u8]) -> std::result::Result<Option<String>, SerError> {
        unsupported("bytes (encode them, e.g. in base64)")
    }

    fn serialize_none(self) -> std::result::Result<Option<String>, SerError> {
        Ok(None)
    }

    fn serialize_some<T: ?Sized + Serialize>(
        self,
        value: &T,
    ) -> std::result::Result<Option<String>, SerError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> std::result::Result<Option<String>, SerError> {
        Ok(Some(String::new()))
    }

    fn serialize_unit_struct(
        self,
        _: &'static str,
    ) -> std::result::Result<Option<String>, SerError> {
        Ok(Some(String::new()))
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> std::result::Result<Option<String>, SerError> {
        Ok(Some(variant.to_owned()))
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> std::result::Result<Option<String>, SerError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> std::result::Result<Option<String>, SerError> {
        unsupported("an enum with data")
    }

    fn serialize_seq(self, _: Option<usize>) -> std::result::Result<Self::SerializeSeq, SerError> {
        unsupported("a sequence")
    }

    fn serialize_tuple(self, _: usize) -> std::result::Result<Self::SerializeTuple, SerError> {
        unsupported("a tuple")
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeTupleStruct, SerError> {
        unsupported("a tuple struct")
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeTupleVariant, SerError> {
        unsupported("an enum with data")
    }

    fn serialize_map(self, _: Option<usize>) -> std::result::Result<Self::SerializeMap, SerError> {
        unsupported("a map")
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeStruct, SerError> {
        unsupported("a nested struct")
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeStructVariant, SerError> {
        unsupported("an enum with data")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunk::Splitter;

    #[derive(serde::Serialize)]
    struct Row {
        #[serde(rename = "org_id->name")]
        org: String,
        name: Option<String>,
        count: u32,
        active: bool,
    }

    fn written(rows: &[Row], quoting: Quoting) -> String {
        let mut out = CsvWriter::new(Vec::new())
            .separator(';')
            .unwrap()
            .quoting(quoting);
        for row in rows {
            out.serialize(row).unwrap();
        }
        String::from_utf8(out.into_inner().unwrap()).unwrap()
    }

    fn rows() -> Vec<Row> {
        vec![
            Row {
                org: "A; B".into(),
                name: None,
                count: 3,
                active: true,
            },
            Row {
                org: " padded ".into(),
                name: Some("say \"hi\"\nthere".into()),
                count: 0,
                active: false,
            },
            Row {
                org: "back\\slash".into(),
                name: Some(String::new()),
                count: 7,
                active: true,
            },
        ]
    }

    #[test]
    fn always_quotes_every_cell_but_null() {
        let csv = written(&rows(), Quoting::Always);
        assert_eq!(
            csv,
            "\"org_id->name\";\"name\";\"count\";\"active\"\n\
             \"A; B\";<NULL>;\"3\";\"1\"\n\
             \" padded \";\"say \"\"hi\"\"\nthere\";\"0\";\"0\"\n\
             \"back\\slash\";\"\";\"7\";\"1\"\n"
        );
    }

    #[test]
    fn necessary_quotes_separators_quotes_newlines_and_outer_blanks() {
        let csv = written(&rows(), Quoting::Necessary);
        assert_eq!(
            csv,
            "org_id->name;name;count;active\n\"A; B\";<NULL>;3;1\n\
             \" padded \";\"say \"\"hi\"\"\nthere\";0;0\nback\\slash;;7;1\n"
        );
    }

    #[test]
    fn output_splits_back_into_the_same_records() {
        let csv = written(&rows(), Quoting::Necessary);
        let chunks: Vec<_> = Splitter::new(csv.as_bytes(), b';', b'"', true, Default::default())
            .collect::<Result<_>>()
            .unwrap();
        assert_eq!(chunks[0].record_lines, [2, 3, 5]);
    }

    #[test]
    fn refuses_what_itop_cannot_read_back() {
        let mut out = CsvWriter::new(Vec::new());
        let err = out.write_record([Some("<NULL>")]).unwrap_err();
        assert!(matches!(err, Error::InvalidRequest { field: "csv", .. }));
        let err = out.serialize(&vec![1, 2]).unwrap_err();
        assert!(err.to_string().contains("sequence"), "{err}");
        assert!(CsvWriter::new(Vec::new()).separator(' ').is_err());
        assert!(CsvWriter::new(Vec::new()).separator('\t').is_ok());
    }
}
