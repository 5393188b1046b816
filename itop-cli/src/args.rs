//! Command-line arguments.
//!
//! Long options use dashes (`--data-source-id`); iTop's own spellings
//! (`--data_source_id`, `--auth_user`, `--param_file`) are accepted too, so
//! commands copied from iTop's documentation keep working.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Client for the bulk services of Combodo iTop (import, export,
/// synchronization, cron), over HTTP or on the iTop host.
#[derive(Debug, Parser)]
#[command(name = "itop", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every subcommand.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Base URL of iTop (the folder holding webservices/); or $ITOP_URL
    #[arg(long, global = true, env = "ITOP_URL")]
    pub url: Option<String>,

    /// Run on this iTop host as `php -q DIR/<script> ...` instead of HTTP (wins over --url)
    #[arg(long = "itop-root", global = true, value_name = "DIR")]
    pub itop_root: Option<PathBuf>,

    /// PHP executable for --itop-root (default: php from PATH)
    #[arg(long, global = true, value_name = "PATH")]
    pub php: Option<PathBuf>,

    /// With --itop-root: let a password a parameters file cannot hold (e.g. with '#') go on php's command line
    #[arg(long = "allow-password-on-argv", global = true)]
    pub allow_password_on_argv: bool,

    /// Parameters file(s) in iTop's format, comma-separated, later files win: credentials and the subcommand's options
    #[arg(
        long = "param-file",
        alias = "param_file",
        global = true,
        value_name = "FILE[,FILE]"
    )]
    pub param_file: Option<String>,

    /// Login; or $ITOP_USER, or auth_user in a parameters file
    #[arg(
        long = "user",
        alias = "auth_user",
        global = true,
        value_name = "LOGIN"
    )]
    pub user: Option<String>,

    /// Password (visible to other local users: prefer $ITOP_PWD or a parameters file)
    #[arg(
        long = "password",
        alias = "auth_pwd",
        global = true,
        value_name = "PASSWORD"
    )]
    pub password: Option<String>,

    /// Send credentials as HTTP Basic instead of form fields
    #[arg(long, global = true)]
    pub basic: bool,

    /// Trust the CA certificates of this PEM file (instead of the bundled roots)
    #[arg(long = "ca-bundle", global = true, value_name = "FILE")]
    pub ca_bundle: Option<PathBuf>,

    /// DANGER: do not verify the server's certificate (test instances only)
    #[arg(long = "insecure", global = true)]
    pub insecure: bool,

    /// Proxy URL (default: HTTPS_PROXY/HTTP_PROXY/ALL_PROXY from the environment)
    #[arg(long, global = true, value_name = "URL")]
    pub proxy: Option<String>,

    /// Connect directly, ignoring proxy environment variables
    #[arg(long = "no-proxy", global = true, conflicts_with = "proxy")]
    pub no_proxy: bool,

    /// Whole-call timeout in seconds (default: 900 for cron, 14400 otherwise)
    #[arg(long, global = true, value_name = "SECONDS")]
    pub timeout: Option<u64>,

    /// Print the report, or the error, as one JSON object on stdout
    #[arg(long, global = true)]
    pub json: bool,

    /// More logging on stderr (-v, -vv)
    #[arg(short = 'v', global = true, action = clap::ArgAction::Count)]
    pub log_level: u8,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the background tasks (webservices/cron.php; administrators only)
    Cron(CronArgs),
    /// Synchronize data sources (synchro/synchro_exec.php)
    #[command(name = "synchro-exec")]
    SynchroExec(SynchroExecArgs),
    /// Load CSV into a data source, then synchronize (synchro/synchro_import.php)
    #[command(name = "synchro-import")]
    SynchroImport(SynchroImportArgs),
    /// Import CSV into a class (webservices/import.php)
    Import(ImportArgs),
    /// Export the result of an OQL query (webservices/export-v2.php)
    Export(ExportArgs),
    /// Read and check parameters files
    #[command(subcommand)]
    Params(ParamsCommand),
}

/// `itop cron`.
#[derive(Debug, Args)]
pub struct CronArgs {
    /// Ask iTop for detailed progress lines (verbose=1)
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "1", default_value = "0", value_parser = itop_flag)]
    pub verbose: bool,
    /// Ask iTop for stack traces with errors (debug=1)
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "1", default_value = "0", value_parser = itop_flag)]
    pub debug: bool,
    /// Only print the task status table (status_only=1; command-line mode only)
    #[arg(long = "status-only", alias = "status_only", num_args = 0..=1, require_equals = true, default_missing_value = "1", default_value = "0", value_parser = itop_flag)]
    pub status_only: bool,
}

/// `itop synchro-exec`.
#[derive(Debug, Args)]
pub struct SynchroExecArgs {
    /// Data source ids, comma-separated, processed in order (required)
    #[arg(
        long = "data-sources",
        alias = "data_sources",
        value_delimiter = ',',
        value_name = "ID,ID"
    )]
    pub data_sources: Vec<u32>,
    /// Compute the report, then roll back
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "1", default_value = "0", value_parser = itop_flag)]
    pub simulate: bool,
    /// Replicas per child process (command-line mode only: with --itop-root)
    #[arg(long = "max-chunk-size", alias = "max_chunk_size")]
    pub max_chunk_size: Option<u32>,
}

/// The CSV dialect of uploads.
#[derive(Debug, Args)]
pub struct CsvArgs {
    /// The CSV file to send, "-" for standard input (required)
    #[arg(long = "csv", alias = "csvfile", value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Column separator: one character, or "tab" (default: "," for import, ";" for synchro-import)
    #[arg(long)]
    pub separator: Option<String>,
    /// Text qualifier: one character (default '"')
    #[arg(long)]
    pub qualifier: Option<String>,
    /// Encoding of the file (default UTF-8; a UTF-8 BOM is removed)
    #[arg(long)]
    pub charset: Option<String>,
    /// PHP format of date cells, e.g. d/m/Y (default: Y-m-d H:i:s)
    #[arg(long = "date-format", alias = "date_format")]
    pub date_format: Option<String>,
    /// Report detail (default: summary)
    #[arg(long, value_enum)]
    pub output: Option<Output>,
    /// Report what would happen, write nothing
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "1", default_value = "0", value_parser = itop_flag)]
    pub simulate: bool,
    /// Comment for the objects' history (import) or the report (synchro-import)
    #[arg(long)]
    pub comment: Option<String>,
}

/// How large uploads are cut (HTTP mode).
#[derive(Debug, Args)]
pub struct ChunkArgs {
    /// Most data rows per request (default 1000); large files are sent in chunks
    #[arg(long = "chunk-rows", value_name = "ROWS")]
    pub chunk_rows: Option<u64>,
    /// Most bytes per request, form-encoded (default 4 MiB, under PHP's post_max_size)
    #[arg(long = "chunk-bytes", value_name = "BYTES")]
    pub chunk_bytes: Option<u64>,
    /// Start at this line of the file (as told after an interrupted upload)
    #[arg(long = "resume-from-line", value_name = "LINE")]
    pub resume_from_line: Option<u64>,
}

impl ChunkArgs {
    /// True when any chunk option was given.
    pub fn is_given(&self) -> bool {
        self.chunk_rows.is_some() || self.chunk_bytes.is_some() || self.resume_from_line.is_some()
    }
}

/// `itop synchro-import`.
#[derive(Debug, Args)]
pub struct SynchroImportArgs {
    /// Id of the synchronization data source (required)
    #[arg(long = "data-source-id", alias = "data_source_id")]
    pub data_source_id: Option<u32>,
    #[command(flatten)]
    pub csv: CsvArgs,
    /// Load only; do not synchronize (synchronize=0)
    #[arg(long = "no-synchronize")]
    pub no_synchronize: bool,
    /// Report a row's SQL error and go on
    #[arg(long = "no-stop-on-import-error", alias = "no_stop_on_import_error", num_args = 0..=1, require_equals = true, default_missing_value = "1", default_value = "0", value_parser = itop_flag)]
    pub no_stop_on_import_error: bool,
    /// Synchronize in child processes of at most N replicas (command-line mode only: with --itop-root)
    #[arg(long = "max-chunk-size", alias = "max_chunk_size")]
    pub max_chunk_size: Option<u32>,
    #[command(flatten)]
    pub chunks: ChunkArgs,
}

/// `itop import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Target class, e.g. Person (required)
    #[arg(long)]
    pub class: Option<String>,
    #[command(flatten)]
    pub csv: CsvArgs,
    /// Columns identifying existing objects, comma-separated (default: the class's own keys)
    #[arg(
        long = "reconciliation-keys",
        alias = "reconciliationkeys",
        value_name = "COL,COL"
    )]
    pub reconciliation_keys: Option<String>,
    /// Headers and values are labels in the user's language (no_localize=0)
    #[arg(long)]
    pub localize: bool,
    #[command(flatten)]
    pub chunks: ChunkArgs,
}

/// `itop export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// OQL query, e.g. "SELECT Person" (this or --query is required)
    #[arg(long, conflicts_with = "query")]
    pub expression: Option<String>,
    /// Query phrasebook id
    #[arg(long)]
    pub query: Option<String>,
    /// OQL argument NAME=VALUE for :NAME (repeatable)
    #[arg(long = "arg", value_name = "NAME=VALUE")]
    pub args: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "csv")]
    pub format: Format,
    /// Fields, comma-separated, in order: attcode, extkey->attcode, alias.attcode (required but for xml)
    #[arg(long)]
    pub fields: Option<String>,
    /// Write to FILE (complete or not at all) instead of stdout
    #[arg(long = "output", short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Headers and values as labels in the user's language instead of codes (no_localize=0)
    #[arg(long)]
    pub localize: bool,
    /// Include archived objects
    #[arg(long = "with-archive", alias = "with_archive", num_args = 0..=1, require_equals = true, default_missing_value = "1", default_value = "0", value_parser = itop_flag)]
    pub with_archive: bool,
    /// CSV separator: one character, or "tab" (default ",")
    #[arg(long)]
    pub separator: Option<String>,
    /// CSV encoding (default UTF-8)
    #[arg(long)]
    pub charset: Option<String>,
    /// PHP date format, e.g. d/m/Y (default: Y-m-d H:i:s)
    #[arg(long = "date-format", alias = "date_format")]
    pub date_format: Option<String>,
}

/// `itop params …`.
#[derive(Debug, Subcommand)]
pub enum ParamsCommand {
    /// Show what iTop will read from parameters files, and what it will not do as written
    Check {
        /// File(s), comma-separated as iTop takes them
        files: String,
        /// The service the file is meant for: cron, synchro_exec, synchro_import, import, export (export-v2.php), export-legacy
        #[arg(long)]
        service: Option<String>,
    },
}

/// Report detail of imports.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Output {
    /// Counters only
    Summary,
    /// Counters and one line per row
    Details,
    /// Only the number of rows not written
    Retcode,
}

/// Export formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// CSV
    Csv,
    /// XML
    Xml,
    /// HTML page
    Html,
    /// HTML table for spreadsheets
    Spreadsheet,
    /// Excel workbook
    Xlsx,
    /// PDF
    Pdf,
}

/// A flag as iTop spells it on its command line: bare (`--simulate`) or
/// with a value (`--simulate=1`, `--simulate=0`).
fn itop_flag(value: &str) -> Result<bool, String> {
    // An empty value is refused: `--simulate=` must not write for real.
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => Err(format!(
            "{other:?} is not 1 or 0 (nor true/false, yes/no, on/off)"
        )),
    }
}
