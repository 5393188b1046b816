//! Running one `php` child: stderr captured on a thread, a watchdog that
//! kills the child's whole process group when the deadline passes, and a
//! guard that does the same on error or panic, so that nothing is left
//! running behind the caller.

use std::{
    io::{self, Read},
    os::unix::process::CommandExt,
    process::{Child, ChildStdout, Command, ExitStatus, Stdio},
    sync::mpsc::{self, RecvTimeoutError, Sender},
    thread::{self, JoinHandle},
    time::Duration,
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
    /// The exit status; `None` when the watchdog killed it.
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

fn watchdog(pid: u32, timeout: Duration) -> (Sender<()>, JoinHandle<bool>) {
    let (stop, stopped) = mpsc::channel::<()>();
    let handle = thread::spawn(move || match stopped.recv_timeout(timeout) {
        Err(RecvTimeoutError::Timeout) => {
            kill_group(pid);
            true
        }
        _ => false,
    });
    (stop, handle)
}

impl Running {
    /// Starts `command` in a new process group, stdin closed, stdout and
    /// stderr piped; with a `timeout`, the group is killed when it passes.
    pub(crate) fn start(mut command: Command, timeout: Option<Duration>) -> io::Result<Running> {
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
        let watchdog = timeout.map(|t| watchdog(child.id(), t));
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
