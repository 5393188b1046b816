//! Ctrl-C in command-line mode: php runs in its own process group (so that
//! a timeout can kill it and everything it started), which also shields it
//! from the terminal's signals. So `itop` catches SIGINT, SIGTERM and
//! SIGHUP, and the core's watchdog kills php's group and removes the
//! private parameters file before `itop` exits with 130.

use std::sync::{
    Arc, OnceLock,
    atomic::{AtomicBool, Ordering},
};

static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();

extern "C" fn on_signal(_signal: libc::c_int) {
    // Only an atomic store: safe in a signal handler.
    if let Some(flag) = FLAG.get() {
        flag.store(true, Ordering::SeqCst);
    }
}

/// Installs the handlers; the flag is set when a signal arrives.
pub fn cancel_on_signals() -> Arc<AtomicBool> {
    let flag = FLAG
        .get_or_init(|| Arc::new(AtomicBool::new(false)))
        .clone();
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
