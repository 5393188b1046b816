//! The iTop scripts this crate talks to.

use std::fmt;

/// One of iTop's bulk services, named by its script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Service {
    /// `webservices/cron.php`: background tasks.
    Cron,
    /// `synchro/synchro_exec.php`: synchronize data sources.
    SynchroExec,
    /// `synchro/synchro_import.php`: load a data source, then synchronize.
    SynchroImport,
    /// `webservices/import.php`: CSV import into one class.
    Import,
    /// `webservices/export-v2.php`: export the result of an OQL query.
    Export,
    /// `webservices/export.php`: the legacy export.
    ExportLegacy,
}

impl Service {
    /// The script's path under the iTop root, e.g. `webservices/import.php`.
    pub fn script(self) -> &'static str {
        match self {
            Service::Cron => "webservices/cron.php",
            Service::SynchroExec => "synchro/synchro_exec.php",
            Service::SynchroImport => "synchro/synchro_import.php",
            Service::Import => "webservices/import.php",
            Service::Export => "webservices/export-v2.php",
            Service::ExportLegacy => "webservices/export.php",
        }
    }

    /// A short name for messages: `cron`, `synchro_exec`, `import`, ...
    pub fn name(self) -> &'static str {
        match self {
            Service::Cron => "cron",
            Service::SynchroExec => "synchro_exec",
            Service::SynchroImport => "synchro_import",
            Service::Import => "import",
            Service::Export => "export-v2",
            Service::ExportLegacy => "export",
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
