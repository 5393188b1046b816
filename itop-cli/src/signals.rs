//! Ctrl-C, SIGTERM and SIGHUP.
//!
//! In command-line mode php runs in its own process group (so that a
//! timeout can kill it and everything it started), which also shields it
//! from the terminal's signals. So `itop` catches the signals, and the
//! core's watchdog kills php's group and removes the private parameters
//! file before `itop` exits with 130.
//!
//! During a chunked upload over HTTP, the first signal lets the chunk in
//! flight finish and sends no further one, so that the report tells which
//! rows are written and where to resume; a second signal quits at once.

use std::sync::{
    Arc, OnceLock,
    atomic::{AtomicBool, Ordering},
};

static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// Set while a chunked upload over HTTP runs (see the module's doc).
static BETWEEN_CHUNKS: AtomicBool = AtomicBool::new(false);

/// What the first signal prints during a chunked upload over HTTP.
const STOPPING: &[u8] =
    b"\nitop: stopping after the chunk in flight (signal again to quit at once)\n";

extern "C" fn on_signal(_signal: libc::c_int) {
    // Only atomics, write(2) and _exit(2): safe in a signal handler.
    let Some(flag) = FLAG.get() else { return };
    let again = flag.swap(true, Ordering::SeqCst);
    if BETWEEN_CHUNKS.load(Ordering::SeqCst) {
        if again {
            // SAFETY: _exit is async-signal-safe.
            unsafe { libc::_exit(130) };
        }
        // SAFETY: write(2) on stderr with a static buffer is
        // async-signal-safe; a failed write is of no consequence.
        unsafe {
            libc::write(
                libc::STDERR_FILENO,
                STOPPING.as_ptr().cast(),
                STOPPING.len(),
            );
        }
    }
}

/// The flag set by a signal, for the client's `cancel_flag` (the
/// handlers are installed by [`cancel_on_signals`] or
/// [`stop_between_chunks`]).
pub fn flag() -> Arc<AtomicBool> {
    FLAG.get_or_init(|| Arc::new(AtomicBool::new(false)))
        .clone()
}

/// From now on a signal stops a chunked upload over HTTP after the chunk
/// in flight; a second one quits at once.
pub fn stop_between_chunks() {
    BETWEEN_CHUNKS.store(true, Ordering::SeqCst);
    cancel_on_signals();
}

/// What to tell after a signal stopped the work.
pub fn interruption_note() -> &'static str {
    if BETWEEN_CHUNKS.load(Ordering::SeqCst) {
        "interrupted: no further chunk was sent"
    } else {
        "interrupted: php and its children were stopped"
    }
}

/// Installs the handlers; the flag is set when a signal arrives.
pub fn cancel_on_signals() -> Arc<AtomicBool> {
    let flag = flag();
    let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: the handler only performs an atomic store on a value that
        // lives for the whole program (a static OnceLock set above).
        unsafe {
            libc::signal(signal, handler);
        }
    }
    flag
}

/// True once a signal arrived.
pub fn interrupted() -> bool {
    FLAG.get().is_some_and(|flag| flag.load(Ordering::SeqCst))
}
