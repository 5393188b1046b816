//! The CSV data of the import functions: a file or a caller's bytes.

use std::ffi::c_char;

use itop_core::CsvData;

use crate::guard::Failure;
use crate::ptr;

/// Where the CSV of an import comes from, borrowed for the call.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Input<'a> {
    /// The file at this path.
    File(&'a str),
    /// The caller's bytes.
    Bytes(&'a [u8]),
}

impl<'a> Input<'a> {
    /// The file at `csv_path` (named `csv_path` in errors).
    pub(crate) fn file(csv_path: *const c_char) -> Result<Input<'a>, Failure> {
        Ok(Input::File(ptr::as_str(csv_path, "csv_path")?))
    }

    /// The `len` bytes at `data` (named `data` in errors; NULL is allowed
    /// when `len` is 0).
    pub(crate) fn bytes(data: *const u8, len: usize) -> Result<Input<'a>, Failure> {
        Ok(Input::Bytes(ptr::as_bytes(data, len, "data")?))
    }

    /// The data for the core (the bytes copied).
    pub(crate) fn csv_data(self) -> CsvData {
        match self {
            Input::File(path) => CsvData::path(path),
            Input::Bytes(bytes) => CsvData::bytes(bytes),
        }
    }
}

/// The CSV file at `csv_path` (named `csv_path` in errors).
pub(crate) fn file(csv_path: *const c_char) -> Result<CsvData, Failure> {
    Ok(Input::file(csv_path)?.csv_data())
}

/// A copy of the `len` bytes at `data` (named `data` in errors; NULL is
/// allowed when `len` is 0).
pub(crate) fn bytes(data: *const u8, len: usize) -> Result<CsvData, Failure> {
    Ok(Input::bytes(data, len)?.csv_data())
}

#[cfg(test)]
mod tests {
    use std::ptr::null;

    use super::*;
    use crate::status::itop_status;

    #[test]
    fn null_pointers_are_named() {
        let status = |r: Result<CsvData, Failure>| r.err().map(|f| (f.status, f.message));
        let null_argument = itop_status::NullArgument;
        assert_eq!(
            status(file(null())),
            Some((null_argument, "csv_path is NULL".to_owned()))
        );
        assert_eq!(
            status(bytes(null(), 3)),
            Some((null_argument, "data is NULL".to_owned()))
        );
        assert_eq!(status(bytes(null(), 0)), None);
    }
}
