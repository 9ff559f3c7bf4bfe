//! Support for the reliability suite (`tests/reliability_*.rs`): runs the
//! real pidone, as PID 1 of a new PID namespace or as a plain child (a
//! subreaper), with `examples/tree.rs` as the workload, and collects what
//! happened. Nothing here waits by sleeping: waits block on pipes and pidfds,
//! and every one has a deadline that only guards against a hang.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod plan;
pub mod trees;

use std::ffi::OsString;
use std::fs::File;
use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The pidone under test: the executable named by `PIDONE_BIN` when set (another
/// architecture's build, see tests/cross/run), else the one cargo built.
pub fn pidone_path() -> PathBuf {
    std::env::var_os("PIDONE_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_pidone")),
        PathBuf::from,
    )
}

/// `examples/tree`, which `cargo test` builds next to the binary.
pub fn tree_path() -> PathBuf {
    let path = Path::new(env!("CARGO_BIN_EXE_pidone"))
        .parent()
        .expect("the binary has a directory")
        .join("examples")
        .join("tree");
    assert!(
        path.exists(),
        "{} is missing: run `cargo test` (which builds the examples) or `cargo build --examples`",
        path.display()
    );
    path
}

/// A fresh directory for one run, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(what: &str) -> Scratch {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "pidone-reliability-{}-{what}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A pipe whose both ends are close-on-exec, so that no other test's child
/// inherits them.
pub fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    // SAFETY: fds has room for two descriptors.
    let r = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    assert_eq!(r, 0, "pipe2: {}", std::io::Error::last_os_error());
    // SAFETY: both are fresh descriptors owned by nobody else.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

/// Waits until `fd` is readable (or hung up), at most `limit`.
pub fn readable(fd: RawFd, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut pfd, 1, left.as_millis().max(1) as i32) };
        if n > 0 {
            return true;
        }
        if n == 0 && Instant::now() >= deadline {
            return false;
        }
    }
}

/// Whether the pipe whose read end is `fd` is at end-of-file right now:
/// every write end is closed. Never blocks.
pub fn at_eof_now(fd: &OwnedFd) -> bool {
    let fd = fd.as_raw_fd();
    // SAFETY: fcntl on a descriptor we own.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK);
    }
    let mut buf = [0u8; 64];
    loop {
        // SAFETY: reading into a live buffer.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        match n {
            0 => return true,
            n if n > 0 => continue,
            _ => return false,
        }
    }
}

/// The exit code as a shell reports it: 128+N for death by signal N.
pub fn code(status: ExitStatus) -> i32 {
    status
        .code()
        .or_else(|| status.signal().map(|s| 128 + s))
        .unwrap()
}

/// How to run pidone.
pub struct Setup {
    /// As PID 1 of a new PID namespace (through `unshare`), or as a child.
    pub pid1: bool,
    pub pidone_args: Vec<OsString>,
    pub command: Vec<OsString>,
    pub env: Vec<(OsString, OsString)>,
    /// Run through this wrapper (e.g. `setpriv ...`), before `unshare`.
    pub wrapper: Vec<OsString>,
    /// Run through this wrapper after `unshare`, right before pidone.
    pub inner_wrapper: Vec<OsString>,
    /// Extra work in the child before exec (after the descriptors are set).
    pub pre_exec: Option<Box<dyn Fn() -> std::io::Result<()> + Send + Sync>>,
    /// Where pidone's stderr goes; a file in the scratch directory if None.
    pub stderr: Option<Stdio>,
    pub stdout: Option<Stdio>,
}

impl Setup {
    pub fn new(pid1: bool) -> Setup {
        Setup {
            pid1,
            pidone_args: Vec::new(),
            command: Vec::new(),
            env: Vec::new(),
            wrapper: Vec::new(),
            inner_wrapper: Vec::new(),
            pre_exec: None,
            stderr: None,
            stdout: None,
        }
    }

    pub fn args<S: Into<OsString>>(mut self, args: impl IntoIterator<Item = S>) -> Setup {
        self.pidone_args.extend(args.into_iter().map(Into::into));
        self
    }

    /// The command: `tree` and its arguments.
    pub fn tree<S: Into<OsString>>(mut self, args: impl IntoIterator<Item = S>) -> Setup {
        self.command = vec![tree_path().into()];
        self.command.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn command<S: Into<OsString>>(mut self, args: impl IntoIterator<Item = S>) -> Setup {
        self.command = args.into_iter().map(Into::into).collect();
        self
    }

    pub fn env(mut self, name: &str, value: &str) -> Setup {
        self.env.push((name.into(), value.into()));
        self
    }

    pub fn start(self) -> Running {
        // Tests run in threads of one process: a fork by another thread
        // while this run's pipe ends are open here would copy them into a
        // child that keeps them until it execs, and a slow exec would look
        // like a process of this tree outliving pidone. One start at a time.
        static STARTING: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let starting = STARTING.lock().unwrap_or_else(|e| e.into_inner());
        let scratch = Scratch::new("run");
        let records = scratch.path("records");
        let stderr_path = scratch.path("stderr");
        let (live_reader, live_writer) = pipe();
        let (ready_reader, ready_writer) = pipe();
        let record_file = File::options()
            .create(true)
            .append(true)
            .open(&records)
            .unwrap();
        let mut argv: Vec<OsString> = self.wrapper.clone();
        if self.pid1 {
            // --kill-child: if the test gives up on unshare, pidone (and so
            // the whole namespace) goes with it.
            argv.extend(
                ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child"]
                    .iter()
                    .map(OsString::from),
            );
        }
        argv.extend(self.inner_wrapper.iter().cloned());
        argv.push(pidone_path().into());
        argv.extend(self.pidone_args.iter().cloned());
        argv.extend(self.command.iter().cloned());
        let mut command = Command::new(&argv[0]);
        command.args(&argv[1..]).stdin(Stdio::null());
        command.stdout(self.stdout.unwrap_or_else(Stdio::null));
        command.stderr(
            self.stderr
                .unwrap_or_else(|| File::create(&stderr_path).unwrap().into()),
        );
        for (name, value) in &self.env {
            command.env(name, value);
        }
        let fds = [
            live_writer.as_raw_fd(),
            record_file.as_raw_fd(),
            ready_writer.as_raw_fd(),
        ];
        let extra = self.pre_exec;
        // SAFETY: only async-signal-safe calls (fcntl, dup2, close,
        // setrlimit) plus the caller's `pre_exec`, which promises the same.
        unsafe {
            command.pre_exec(move || {
                // Each to a high number first, so that moving one into 3..5
                // cannot overwrite another.
                let mut high = [0; 3];
                for (h, &fd) in high.iter_mut().zip(&fds) {
                    *h = libc::fcntl(fd, libc::F_DUPFD, 100);
                    if *h < 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                for (target, &h) in (3..).zip(&high) {
                    if libc::dup2(h, target) < 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    libc::close(h);
                }
                // Crashing workloads must not leave core files behind.
                let none = libc::rlimit {
                    rlim_cur: 0,
                    rlim_max: 0,
                };
                libc::setrlimit(libc::RLIMIT_CORE, &none);
                match &extra {
                    Some(f) => f(),
                    None => Ok(()),
                }
            });
        }
        let started = Instant::now();
        let child = command.spawn().unwrap();
        drop(live_writer);
        drop(ready_writer);
        drop(record_file);
        drop(starting);
        // Pids the workload records are the test's own unless a wrapper
        // made a PID namespace.
        let host_pids = !self.pid1 && !self.wrapper.iter().any(|w| w == "--pid");
        Running {
            child,
            host_pids,
            pid1: self.pid1,
            live: live_reader,
            ready: ready_reader,
            records,
            stderr: stderr_path,
            started,
            _scratch: scratch,
        }
    }
}

pub struct Running {
    pub child: Child,
    pub pid1: bool,
    host_pids: bool,
    /// Read end of the pipe every workload process holds.
    pub live: OwnedFd,
    pub ready: OwnedFd,
    pub records: PathBuf,
    pub stderr: PathBuf,
    pub started: Instant,
    _scratch: Scratch,
}

impl Running {
    /// Waits for the command's one-byte "go on".
    pub fn wait_ready(&self, limit: Duration) -> bool {
        if !readable(self.ready.as_raw_fd(), limit) {
            return false;
        }
        let mut byte = [0u8; 1];
        // SAFETY: reading into a live buffer.
        unsafe { libc::read(self.ready.as_raw_fd(), byte.as_mut_ptr().cast(), 1) == 1 }
    }

    /// pidone's pid as the test sees it.
    pub fn pidone_pid(&self) -> i32 {
        let pid = self.child.id() as i32;
        if !self.pid1 {
            return pid;
        }
        // unshare --fork has exactly one child, pidone, by the time the
        // command has said it is ready.
        let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap();
        children.trim().parse().expect("unshare has one child")
    }

    pub fn signal_pidone(&self, signal: i32) {
        // SAFETY: sending a signal.
        let r = unsafe { libc::kill(self.pidone_pid(), signal) };
        assert_eq!(r, 0, "kill: {}", std::io::Error::last_os_error());
    }

    /// Waits for pidone (or unshare) to exit, at most `limit`; kills it and
    /// returns None if it does not.
    pub fn wait(&mut self, limit: Duration) -> Option<ExitStatus> {
        let pid = self.child.id() as i32;
        // SAFETY: pidfd_open takes a pid and flags.
        let pidfd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) } as i32;
        assert!(
            pidfd >= 0,
            "pidfd_open: {}",
            std::io::Error::last_os_error()
        );
        // SAFETY: a fresh descriptor nobody else owns.
        let pidfd = unsafe { OwnedFd::from_raw_fd(pidfd) };
        if !readable(pidfd.as_raw_fd(), limit) {
            let _ = self.child.kill();
            let _ = self.child.wait();
            return None;
        }
        Some(self.child.wait().unwrap())
    }

    pub fn records(&self) -> String {
        read(&self.records)
    }

    pub fn stderr(&self) -> String {
        read(&self.stderr)
    }
}

/// A test that fails or panics must not leave its workload behind: pidone
/// (or unshare, whose --kill-child takes the namespace down) is killed, and
/// so is every recorded process of a subreaper's tree that still exists.
impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        if !self.host_pids {
            return;
        }
        for line in self.records().lines() {
            let f: Vec<&str> = line.split(' ').collect();
            let (pid, start) = match f[..] {
                ["H", _, pid, start] | ["L", pid, start] => (pid, start),
                _ => continue,
            };
            let Ok(pid) = pid.parse() else { continue };
            if still_exists(pid, start) {
                // SAFETY: SIGKILL to a process of this test's own tree.
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
        }
    }
}

pub fn read(path: &Path) -> String {
    let mut s = String::new();
    if let Ok(mut f) = File::open(path) {
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        s = String::from_utf8_lossy(&bytes).into_owned();
    }
    s
}

/// Pids named in `pidone: grace period over: killed PID (COMM)` lines.
pub fn killed_pids(stderr: &str) -> Vec<i32> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("pidone: grace period over: killed "))
        .filter_map(|rest| rest.split(' ').next()?.parse().ok())
        .collect()
}

/// Whether the process `pid` that started at `start` (field 22 of its stat)
/// still exists, alive or as a zombie.
pub fn still_exists(pid: i32, start: &str) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let after = stat.rfind(')').map_or("", |i| &stat[i + 2..]);
    after.split(' ').nth(19) == Some(start)
}

/// How many seeds to run: `var` if set, else `default`.
pub fn env_number(var: &str, default: u64) -> u64 {
    match std::env::var(var) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{var} must be a number, got {v:?}")),
        Err(_) => default,
    }
}
