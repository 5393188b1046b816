//! The pages of `docs/` as doc-tests: every ```` ```rust ```` block of the
//! guide is compiled (and run, unless marked `no_run`) by
//! `cargo test --doc -p itop-core`, so the guide cannot drift from the API.
//!
//! Only compiled for `rustdoc --test`. A page added to `docs/` gets a line
//! here; `itop-cli/tests/docs_examples.rs` checks that none is missing and
//! runs the guide's shell examples. A fence without a language would be
//! taken for Rust: tag every block (`text`, `sh`, `c`, `php`...).

/// `docs/README.md`.
#[doc = include_str!("../../docs/README.md")]
pub struct Index;

/// `docs/getting-started.md`.
#[doc = include_str!("../../docs/getting-started.md")]
pub struct GettingStarted;

/// `docs/cli.md`.
#[doc = include_str!("../../docs/cli.md")]
pub struct Cli;

/// `docs/modes.md`.
#[doc = include_str!("../../docs/modes.md")]
pub struct Modes;

/// `docs/parameters-files.md`.
#[doc = include_str!("../../docs/parameters-files.md")]
pub struct ParametersFiles;

/// `docs/troubleshooting.md`.
#[doc = include_str!("../../docs/troubleshooting.md")]
pub struct Troubleshooting;

/// `docs/testing.md`.
#[doc = include_str!("../../docs/testing.md")]
pub struct Testing;

/// `docs/c.md`.
#[doc = include_str!("../../docs/c.md")]
pub struct CApi;

/// `docs/php.md`.
#[doc = include_str!("../../docs/php.md")]
pub struct PhpBinding;

/// `docs/services/cron.md`.
#[doc = include_str!("../../docs/services/cron.md")]
pub struct CronService;

/// `docs/services/synchro-exec.md`.
#[doc = include_str!("../../docs/services/synchro-exec.md")]
pub struct SynchroExecService;

/// `docs/services/synchro-import.md`.
#[doc = include_str!("../../docs/services/synchro-import.md")]
pub struct SynchroImportService;

/// `docs/services/import.md`.
#[doc = include_str!("../../docs/services/import.md")]
pub struct ImportService;

/// `docs/services/export.md`.
#[doc = include_str!("../../docs/services/export.md")]
pub struct ExportService;

// TODO(#8): add `large-data.md`, `performance.md`, `security.md` and
// `fuzzing.md` here once their authors commit them (an include of a missing
// file would not compile); `docs_examples.rs` lists the pages still missing.

/// `docs/large-data.md`.
#[doc = include_str!("../../docs/large-data.md")]
pub struct LargeData;

/// `docs/performance.md`.
#[doc = include_str!("../../docs/performance.md")]
pub struct Performance;

/// `docs/security.md`.
#[doc = include_str!("../../docs/security.md")]
pub struct Security;

/// `docs/fuzzing.md`.
#[doc = include_str!("../../docs/fuzzing.md")]
pub struct Fuzzing;
