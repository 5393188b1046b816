//! Running one `php` child: stderr captured on a thread, a watchdog that
//! kills the child's whole process group when the deadline passes, and a
//! guard that does the same on error or panic, so that nothing is left
//! running behind the caller.

use std::{
    io::{self, Read},
    os::unix::process::CommandExt,
    process::{Child, ChildStdout, Command, ExitStatus, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
        mpsc::{self, RecvTimeoutError, Sender},
    },
    thread::{self, JoinHandle},
    time::{Duration, Instant},
};

/// Most of stderr kept (PHP warnings can be many).
const STDERR_LIMIT: u64 = 1024 * 1024;

/// A running child in its own process group.
pub(crate) struct Running {
    child: Child,
    stderr: Option<JoinHandle<String>>,
    watchdog: Option<(Sender<()>, JoinHandle<bool>)>,
    finished: bool,
}

/// How a child ended.
pub(crate) struct Ended {
    /// The exit status; `None` when the watchdog killed it (deadline passed
    /// or cancelled).
    pub(crate) status: Option<ExitStatus>,
    /// What it wrote on stderr.
    pub(crate) stderr: String,
}

fn kill_group(pid: u32) {
    if let Ok(pid) = i32::try_from(pid) {
        // SAFETY: kill(2) with a negative pid signals the process group that
        // process_group(0) created for our child (its pgid is its pid); no
        // memory of ours is involved.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

/// How often the watchdog looks at the cancel flag.
const CANCEL_POLL: Duration = Duration::from_millis(50);

/// Kills the group when the deadline passes or `cancel` is set; returns
/// whether it did.
fn watchdog(
    pid: u32,
    timeout: Option<Duration>,
    cancel: Option<Arc<AtomicBool>>,
) -> (Sender<()>, JoinHandle<bool>) {
    let (stop, stopped) = mpsc::channel::<()>();
    let deadline = timeout.map(|t| Instant::now() + t);
    let handle = thread::spawn(move || {
        loop {
            let left =
                deadline.map_or(CANCEL_POLL, |d| d.saturating_duration_since(Instant::now()));
            match stopped.recv_timeout(left.min(CANCEL_POLL)) {
                Err(RecvTimeoutError::Timeout) => {}
                _ => return false,
            }
            let cancelled = cancel.as_ref().is_some_and(|c| c.load(Ordering::SeqCst));
            let late = deadline.is_some_and(|d| Instant::now() >= d);
            if cancelled || late {
                kill_group(pid);
                return true;
            }
        }
    });
    (stop, handle)
}

impl Running {
    /// Starts `command` in a new process group, stdin closed, stdout and
    /// stderr piped; the group is killed when `timeout` passes or `cancel`
    /// is set.
    pub(crate) fn start(
        mut command: Command,
        timeout: Option<Duration>,
        cancel: Option<Arc<AtomicBool>>,
    ) -> io::Result<Running> {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let mut child = command.spawn()?;
        let stderr = child.stderr.take().map(|mut pipe| {
            thread::spawn(move || {
                let mut text = Vec::new();
                let _ = (&mut pipe).take(STDERR_LIMIT).read_to_end(&mut text);
                // Drain the rest so the child never blocks on a full pipe.
                let _ = io::copy(&mut pipe, &mut io::sink());
                String::from_utf8_lossy(&text).into_owned()
            })
        });
        let watched = timeout.is_some() || cancel.is_some();
        let watchdog = watched.then(|| watchdog(child.id(), timeout, cancel));
        Ok(Running {
            child,
            stderr,
            watchdog,
            finished: false,
        })
    }

    /// The child's stdout, to be read by the caller.
    pub(crate) fn stdout(&mut self) -> Option<ChildStdout> {
        self.child.stdout.take()
    }

    /// Waits for the end of the child.
    pub(crate) fn wait(mut self) -> io::Result<Ended> {
        let status = self.child.wait()?;
        self.finished = true;
        let killed = match self.watchdog.take() {
            Some((stop, handle)) => {
                let _ = stop.send(());
                handle.join().unwrap_or(false)
            }
            None => false,
        };
        let stderr = self
            .stderr
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        Ok(Ended {
            status: if killed { None } else { Some(status) },
            stderr,
        })
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if !self.finished {
            kill_group(self.child.id());
            let _ = self.child.wait();
        }
    }
}
