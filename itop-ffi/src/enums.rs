//! The C enums: closed sets passed in (as `uint32_t`, checked) or out.
//!
//! A C enum value is any integer, so functions take these as `uint32_t`
//! and refuse numbers outside the set with `ITOP_STATUS_INVALID_REQUEST`.

use itop_core::report::{OutputMode, RowStatus, SynchroRowKind};
use itop_core::{AuthChannel, ExportFormat, LegacyExportFormat, Service};

use crate::guard::Failure;

/// A service, for `itop_params_lint`.
#[repr(C)]
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum itop_service {
    /// No particular service: check only what every service shares.
    Any = 0,
    /// `webservices/cron.php`.
    Cron = 1,
    /// `synchro/synchro_exec.php`.
    SynchroExec = 2,
    /// `synchro/synchro_import.php`.
    SynchroImport = 3,
    /// `webservices/import.php`.
    Import = 4,
    /// `webservices/export-v2.php`.
    Export = 5,
    /// `webservices/export.php`.
    ExportLegacy = 6,
}

/// The detail of an import report (`output=`).
#[repr(C)]
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum itop_output_mode {
    /// Header lines and counters (the default).
    Summary = 0,
    /// The summary and one line per data row.
    Details = 1,
    /// Only the number of rows not written.
    Retcode = 2,
}

/// The format of an export.
#[repr(C)]
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum itop_export_format {
    /// CSV (the default).
    Csv = 0,
    /// XML.
    Xml = 1,
    /// An HTML page.
    Html = 2,
    /// An HTML table for spreadsheets.
    Spreadsheet = 3,
    /// An Excel workbook.
    Xlsx = 4,
    /// A PDF document.
    Pdf = 5,
}

/// How credentials travel over HTTP.
#[repr(C)]
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum itop_auth_channel {
    /// POST fields `auth_user`, `auth_pwd` (the default).
    Form = 0,
    /// An `Authorization: Basic` header (no `:` in the password).
    Basic = 1,
}

/// What happened to one imported row.
#[repr(C)]
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum itop_row_status {
    /// The object was created.
    Created = 0,
    /// The object was updated (`changed_columns` says how many).
    Updated = 1,
    /// Nothing changed.
    Unchanged = 2,
    /// `disappeared, changed <n> cols`.
    Disappeared = 3,
    /// The row was not written (see the status text for the reason).
    Issue = 4,
    /// A status this library does not know (see the status text).
    Unrecognized = 5,
}

/// What one row line of a synchro import says.
#[repr(C)]
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum itop_synchro_row_kind {
    /// `New entry, reconciliation: ...`.
    New = 0,
    /// `Update entry, reconciliation: ...`.
    Update = 1,
    /// `Wrong format for DATE column ...`.
    WrongDateFormat = 2,
    /// `Error - Failed to reconcile ...`.
    FailedToReconcile = 3,
    /// `Import error '...' (continuing)...`.
    ImportError = 4,
    /// A line this library does not know.
    Unrecognized = 5,
}

/// How serious a parameters-file finding is.
#[repr(C)]
#[allow(non_camel_case_types, reason = "C type name")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum itop_severity {
    /// iTop does what the file says, which may not be what was meant.
    Warning = 0,
    /// iTop will not do what is written.
    Changed = 1,
}

/// The service numbered `number`; `None` for `ITOP_SERVICE_ANY`.
pub(crate) fn service(number: u32) -> Result<Option<Service>, Failure> {
    let services = [
        Service::Cron,
        Service::SynchroExec,
        Service::SynchroImport,
        Service::Import,
        Service::Export,
        Service::ExportLegacy,
    ];
    match number {
        0 => Ok(None),
        n => services
            .get(n as usize - 1)
            .copied()
            .map(Some)
            .ok_or_else(|| unknown("service", n)),
    }
}

/// The output mode numbered `number`.
pub(crate) fn output_mode(number: u32) -> Result<OutputMode, Failure> {
    let modes = [
        OutputMode::Summary,
        OutputMode::Details,
        OutputMode::Retcode,
    ];
    modes
        .get(number as usize)
        .copied()
        .ok_or_else(|| unknown("output mode", number))
}

/// The export format numbered `number`.
pub(crate) fn export_format(number: u32) -> Result<ExportFormat, Failure> {
    let formats = [
        ExportFormat::Csv,
        ExportFormat::Xml,
        ExportFormat::Html,
        ExportFormat::Spreadsheet,
        ExportFormat::Xlsx,
        ExportFormat::Pdf,
    ];
    formats
        .get(number as usize)
        .copied()
        .ok_or_else(|| unknown("export format", number))
}

/// The legacy export format numbered `number`: the numbers of
/// `itop_export_format`, PDF excepted (`export.php` has none).
pub(crate) fn legacy_export_format(number: u32) -> Result<LegacyExportFormat, Failure> {
    let formats = [
        LegacyExportFormat::Csv,
        LegacyExportFormat::Xml,
        LegacyExportFormat::Html,
        LegacyExportFormat::Spreadsheet,
        LegacyExportFormat::Xlsx,
    ];
    if number == itop_export_format::Pdf as u32 {
        return Err(Failure::invalid(
            "legacy export format",
            "export.php has no PDF output; use export-v2",
        ));
    }
    formats
        .get(number as usize)
        .copied()
        .ok_or_else(|| unknown("export format", number))
}

/// The auth channel numbered `number`.
pub(crate) fn auth_channel(number: u32) -> Result<AuthChannel, Failure> {
    let channels = [AuthChannel::Form, AuthChannel::Basic];
    channels
        .get(number as usize)
        .copied()
        .ok_or_else(|| unknown("auth channel", number))
}

fn unknown(what: &str, number: u32) -> Failure {
    Failure::invalid(
        what,
        format_args!("{number} is not one of the ITOP_ constants"),
    )
}

/// A row status and its changed-column count.
pub(crate) fn row_status(status: &RowStatus) -> (itop_row_status, u32) {
    match status {
        RowStatus::Created => (itop_row_status::Created, 0),
        RowStatus::Updated { cols } => (itop_row_status::Updated, *cols),
        RowStatus::Unchanged => (itop_row_status::Unchanged, 0),
        RowStatus::Disappeared { cols } => (itop_row_status::Disappeared, *cols),
        RowStatus::Issue { .. } => (itop_row_status::Issue, 0),
        RowStatus::Unrecognized => (itop_row_status::Unrecognized, 0),
    }
}

/// A synchro row kind.
pub(crate) fn synchro_row_kind(kind: SynchroRowKind) -> itop_synchro_row_kind {
    match kind {
        SynchroRowKind::New => itop_synchro_row_kind::New,
        SynchroRowKind::Update => itop_synchro_row_kind::Update,
        SynchroRowKind::WrongDateFormat => itop_synchro_row_kind::WrongDateFormat,
        SynchroRowKind::FailedToReconcile => itop_synchro_row_kind::FailedToReconcile,
        SynchroRowKind::ImportError => itop_synchro_row_kind::ImportError,
        SynchroRowKind::Unrecognized => itop_synchro_row_kind::Unrecognized,
    }
}

/// A one-byte C character as a Rust `char` (bytes above 127 are refused).
pub(crate) fn ascii(c: std::ffi::c_char, what: &str) -> Result<char, Failure> {
    let byte = c as u8;
    if !byte.is_ascii() {
        return Err(Failure::invalid(
            what,
            format_args!("byte {byte:#04x} is not ASCII"),
        ));
    }
    Ok(char::from(byte))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::itop_status;

    #[test]
    fn numbers_outside_the_sets_are_refused() {
        assert_eq!(service(0).ok(), Some(None));
        assert_eq!(service(4).ok(), Some(Some(Service::Import)));
        assert_eq!(
            service(7).err().map(|f| f.status),
            Some(itop_status::InvalidRequest)
        );
        assert_eq!(output_mode(2).ok(), Some(OutputMode::Retcode));
        assert!(output_mode(3).is_err());
        assert_eq!(export_format(4).ok(), Some(ExportFormat::Xlsx));
        assert!(export_format(u32::MAX).is_err());
        assert_eq!(auth_channel(1).ok(), Some(AuthChannel::Basic));
        assert!(auth_channel(2).is_err());
        let xlsx = itop_export_format::Xlsx as u32;
        assert_eq!(
            legacy_export_format(xlsx).ok(),
            Some(LegacyExportFormat::Xlsx)
        );
        let pdf = legacy_export_format(itop_export_format::Pdf as u32).err();
        assert!(pdf.is_some_and(|f| f.message.contains("no PDF")));
        assert!(legacy_export_format(6).is_err());
    }

    #[test]
    fn the_c_numbers_follow_the_lists() {
        assert_eq!(itop_service::Export as u32, 5);
        assert_eq!(itop_output_mode::Retcode as u32, 2);
        assert_eq!(itop_export_format::Pdf as u32, 5);
        assert_eq!(itop_auth_channel::Basic as u32, 1);
    }

    #[test]
    fn non_ascii_bytes_are_refused() {
        assert_eq!(ascii(b';' as std::ffi::c_char, "separator").ok(), Some(';'));
        assert!(ascii(0xA7u8 as std::ffi::c_char, "separator").is_err());
    }
}
