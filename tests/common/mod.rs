//! Shared helpers for pidone's integration tests.
//!
//! Every test runs the real `pidone` binary, either as PID 1 of a fresh PID
//! namespace (`unshare --pid --fork --mount-proc pidone ...`) or as a plain
//! child (where it makes itself a child subreaper), with `probe`
//! (examples/probe.rs) as the workload. Nothing waits by sleeping: tests block
//! on lines the probes print, on pipes closing, and on pidfds; every blocking
//! wait has a generous deadline that only guards against hangs.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// How long any single wait may take before the test is declared hung.
pub const LIMIT: Duration = Duration::from_secs(20);

/// A grace period that a correct pidone never waits out in these tests: a
/// test that sees pidone exit well before it (`QUICK`) shows pidone did not
/// wait for it. Only lower time bounds are tight (timers never fire early);
/// upper bounds stay far from every wrong outcome, so load cannot flake them.
pub const LONG_GRACE: &str = "30s";
pub const QUICK: Duration = Duration::from_secs(15);
/// Watchdog for tests with LONG_GRACE, so a pidone that waits it out fails
/// on the QUICK assertion rather than on a timeout.
pub const LONG: Duration = Duration::from_secs(45);

pub const SIGRTMIN: i32 = 34;
pub const SIGRTMAX: i32 = 64;

/// Every signal pidone must forward: 1–64 without KILL and STOP (uncatchable),
/// CHLD (pidone's own) and 32/33 (reserved by glibc, which the probe uses).
pub fn forwardable_signals() -> Vec<i32> {
    (1..=64)
        .filter(|s| ![9, 17, 19, 32, 33].contains(s))
        .collect()
}

/// SIGCONT and the stop signals TSTP, TTIN, TTOU cancel each other while
/// pending (the kernel's prepare_signal drops a pending SIGCONT when a stop
/// signal arrives and the other way round), at pidone and at the probe alike.
/// Tests send these one at a time, each after the last has arrived.
pub const CONT_AND_STOPS: [i32; 4] = [libc::SIGCONT, libc::SIGTSTP, libc::SIGTTIN, libc::SIGTTOU];

/// The pidone under test: the executable named by `PIDONE_BIN` when set (another
/// architecture's build, see tests/cross/run), else the one cargo built.
pub fn pidone_path() -> PathBuf {
    std::env::var_os("PIDONE_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_pidone")),
        PathBuf::from,
    )
}

pub fn probe_path() -> PathBuf {
    let pidone = PathBuf::from(env!("CARGO_BIN_EXE_pidone"));
    let probe = pidone
        .parent()
        .expect("pidone has a directory")
        .join("examples")
        .join("probe");
    assert!(
        probe.exists(),
        "test workload {} is missing: run `cargo test` without target filters (or `cargo build --examples`) first",
        probe.display()
    );
    probe
}

/// Where pidone runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// PID 1 of a fresh PID namespace.
    Pid1,
    /// A plain child of the test: a child subreaper.
    Child,
}

/// Run a scenario in both modes, concurrently, in threads named after the mode.
pub fn both(scenario: impl Fn(Mode) + Sync) {
    std::thread::scope(|s| {
        let handles: Vec<_> = [Mode::Pid1, Mode::Child]
            .into_iter()
            .map(|mode| {
                let scenario = &scenario;
                std::thread::Builder::new()
                    .name(format!("{mode:?}"))
                    .spawn_scoped(s, move || scenario(mode))
                    .expect("spawn thread")
            })
            .collect();
        let mut panic = None;
        for h in handles {
            if let Err(e) = h.join() {
                panic.get_or_insert(e);
            }
        }
        if let Some(e) = panic {
            std::panic::resume_unwind(e);
        }
    });
}

/// The probe command line: `probe STEP...`.
pub fn probe(steps: &[&str]) -> Vec<OsString> {
    let mut v = vec![probe_path().into_os_string()];
    v.extend(steps.iter().map(OsString::from));
    v
}

/// The probe command line from a script of whitespace-separated words:
/// `script("tag cmd block ready report --until-eof")`.
pub fn script(words: &str) -> Vec<OsString> {
    probe(&words.split_whitespace().collect::<Vec<_>>())
}

pub fn os(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

/// A unique temporary directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "pidone-test-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn read_file(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

/// How to start pidone.
pub struct Launch {
    pub mode: Mode,
    args: Vec<OsString>,
    cmd_env: Vec<(OsString, Option<OsString>)>,
    env_clear: bool,
    blocked: Vec<i32>,
    ignored: Vec<i32>,
    launcher: bool,
}

pub fn pidone(mode: Mode) -> Launch {
    Launch {
        mode,
        args: Vec::new(),
        cmd_env: Vec::new(),
        env_clear: false,
        blocked: Vec::new(),
        ignored: Vec::new(),
        launcher: false,
    }
}

impl Launch {
    pub fn arg(mut self, a: impl AsRef<OsStr>) -> Self {
        self.args.push(a.as_ref().to_owned());
        self
    }
    pub fn args<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(mut self, args: I) -> Self {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }
    pub fn env(mut self, k: impl AsRef<OsStr>, v: impl AsRef<OsStr>) -> Self {
        self.cmd_env
            .push((k.as_ref().to_owned(), Some(v.as_ref().to_owned())));
        self
    }
    pub fn env_remove(mut self, k: impl AsRef<OsStr>) -> Self {
        self.cmd_env.push((k.as_ref().to_owned(), None));
        self
    }
    pub fn env_clear(mut self) -> Self {
        self.env_clear = true;
        self
    }
    /// Start pidone with these signals blocked (inherited mask).
    pub fn start_blocked(mut self, sigs: &[i32]) -> Self {
        self.blocked.extend_from_slice(sigs);
        self
    }
    /// Start pidone with these signals ignored (inherited SIG_IGN).
    pub fn start_ignored(mut self, sigs: &[i32]) -> Self {
        self.ignored.extend_from_slice(sigs);
        self
    }
    /// Start pidone through `probe tag launcher block ready exec pidone ...`:
    /// pidone starts with every signal blocked (so none sent early is lost)
    /// and the `launcher ready` line tells that pidone's process exists. For
    /// tests without a command that could print `ready`.
    pub fn via_launcher(mut self) -> Self {
        self.launcher = true;
        self
    }
    /// The command that starts pidone in this mode.
    pub fn command(&self) -> Command {
        let mut argv: Vec<OsString> = Vec::new();
        if self.mode == Mode::Pid1 {
            argv.extend(
                ["/usr/bin/unshare", "--pid", "--fork", "--mount-proc"].map(OsString::from),
            );
        }
        if self.launcher {
            argv.extend(probe(&["tag", "launcher", "block", "ready", "exec"]));
        }
        argv.push(pidone_path().into_os_string());
        let mut cmd = Command::new(&argv[0]);
        cmd.args(&argv[1..]);
        cmd.args(&self.args);
        if self.env_clear {
            cmd.env_clear();
        }
        for (k, v) in &self.cmd_env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        inherit_signal_state(&mut cmd, &self.blocked, &self.ignored);
        cmd
    }

    pub fn spawn(self) -> Proc {
        Proc::spawn(self.command(), Some(self.mode), "pidone")
    }

    /// Run to completion with stdin closed.
    pub fn run(self) -> Finished {
        self.spawn().finish()
    }
}

/// A running process (pidone, its unshare wrapper, or a helper) with its
/// stdout and stderr read line by line in background threads.
pub struct Proc {
    pub name: String,
    pub mode: Option<Mode>,
    /// PID of the process we spawned (unshare in PID 1 mode).
    pub pid: i32,
    stdin: Option<ChildStdin>,
    out: Stream,
    err: Stream,
    exit: Receiver<(ExitStatus, Instant)>,
    pub started: Instant,
    host_pidone: Option<i32>,
    finished: bool,
}

struct Stream {
    lines: Receiver<String>,
    seen: Vec<String>,
    raw: Receiver<Vec<u8>>,
    eof: bool,
}

impl Stream {
    fn new(mut r: impl Read + Send + 'static) -> Stream {
        let (ltx, lrx) = channel();
        let (rtx, rrx) = channel();
        std::thread::spawn(move || {
            let mut all = Vec::new();
            let mut partial = Vec::new();
            let mut buf = [0u8; 65536];
            loop {
                let n = match r.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                all.extend_from_slice(&buf[..n]);
                for &b in &buf[..n] {
                    if b == b'\n' {
                        let line = String::from_utf8_lossy(&partial)
                            .trim_end_matches('\r')
                            .to_string();
                        partial.clear();
                        let _ = ltx.send(line);
                    } else {
                        partial.push(b);
                    }
                }
            }
            if !partial.is_empty() {
                let _ = ltx.send(String::from_utf8_lossy(&partial).to_string());
            }
            drop(ltx);
            let _ = rtx.send(all);
        });
        Stream {
            lines: lrx,
            seen: Vec::new(),
            raw: rrx,
            eof: false,
        }
    }

    /// Receive one more line; false at end of stream or deadline.
    fn more(&mut self, deadline: Instant) -> bool {
        if self.eof {
            return false;
        }
        match self
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            Ok(l) => {
                self.seen.push(l);
                true
            }
            Err(RecvTimeoutError::Disconnected) => {
                self.eof = true;
                false
            }
            Err(RecvTimeoutError::Timeout) => false,
        }
    }

    fn drain_now(&mut self) {
        while let Ok(l) = self.lines.try_recv() {
            self.seen.push(l);
        }
    }
}

impl Proc {
    pub fn spawn(mut cmd: Command, mode: Option<Mode>, name: &str) -> Proc {
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Self::adopt(child, mode, name)
    }

    fn adopt(mut child: Child, mode: Option<Mode>, name: &str) -> Proc {
        let started = Instant::now();
        let pid = child.id() as i32;
        let stdin = child.stdin.take();
        let out = Stream::new(child.stdout.take().expect("stdout"));
        let err = Stream::new(child.stderr.take().expect("stderr"));
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let st = child.wait().expect("wait");
            let _ = tx.send((st, Instant::now()));
        });
        Proc {
            name: name.to_string(),
            mode,
            pid,
            stdin,
            out,
            err,
            exit: rx,
            started,
            host_pidone: if mode == Some(Mode::Child) {
                Some(pid)
            } else {
                None
            },
            finished: false,
        }
    }

    /// pidone's PID as the test (host) sees it. In PID 1 mode pidone is the
    /// single child of unshare: call this after the command printed a line,
    /// so that pidone surely exists.
    pub fn pidone_pid(&mut self) -> i32 {
        if let Some(p) = self.host_pidone {
            return p;
        }
        let kids = children(self.pid);
        assert_eq!(
            kids.len(),
            1,
            "unshare {} should have exactly one child (pidone), has {kids:?}",
            self.pid
        );
        self.host_pidone = Some(kids[0]);
        kids[0]
    }

    /// pidone's PID as processes in its namespace see it.
    pub fn pidone_ns_pid(&mut self) -> i32 {
        match self.mode {
            Some(Mode::Pid1) => 1,
            _ => self.pidone_pid(),
        }
    }

    /// Host PID of a process pidone's namespace knows as `ns_pid`, if it
    /// still exists among pidone's descendants.
    pub fn host_pid(&mut self, ns_pid: i32) -> Option<i32> {
        match self.mode {
            Some(Mode::Pid1) => {
                let root = self.pidone_pid();
                descendants(root)
                    .into_iter()
                    .find(|&p| ns_pid_of(p) == Some(ns_pid))
            }
            _ => Some(ns_pid),
        }
    }

    pub fn signal(&mut self, sig: i32) {
        let pid = self.pidone_pid();
        send(pid, sig);
    }

    pub fn take_stdin(&mut self) -> Option<ChildStdin> {
        self.stdin.take()
    }

    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    fn context(&mut self) -> String {
        self.out.drain_now();
        self.err.drain_now();
        format!(
            "\n--- {} ({:?}) stdout so far:\n{}\n--- stderr so far:\n{}",
            self.name,
            self.mode,
            self.out.seen.join("\n"),
            self.err.seen.join("\n")
        )
    }

    fn wait_in(
        &mut self,
        stderr: bool,
        what: &str,
        count: usize,
        pred: &dyn Fn(&str) -> bool,
    ) -> Vec<String> {
        let deadline = Instant::now() + LIMIT;
        loop {
            let s = if stderr { &mut self.err } else { &mut self.out };
            let hits: Vec<String> = s.seen.iter().filter(|l| pred(l)).cloned().collect();
            if hits.len() >= count {
                return hits;
            }
            if !s.more(deadline) {
                let eof = s.eof;
                let ctx = self.context();
                self.kill_all();
                panic!(
                    "{}: waited for {count} line(s) on {} matching {what}, got {} ({}){ctx}",
                    self.name,
                    if stderr { "stderr" } else { "stdout" },
                    hits.len(),
                    if eof { "stream closed" } else { "timed out" },
                );
            }
        }
    }

    /// Wait for the first stdout line that starts with `prefix`.
    pub fn wait_line(&mut self, prefix: &str) -> String {
        self.wait_in(false, prefix, 1, &|l| l.starts_with(prefix))
            .remove(0)
    }

    pub fn wait_lines(&mut self, prefix: &str, count: usize) -> Vec<String> {
        self.wait_in(false, prefix, count, &|l| l.starts_with(prefix))
    }

    pub fn wait_stderr_lines(&mut self, prefix: &str, count: usize) -> Vec<String> {
        self.wait_in(true, prefix, count, &|l| l.starts_with(prefix))
    }

    /// Wait for a probe's `TAG ready pid=...` line; returns its PID (as seen
    /// in pidone's namespace).
    pub fn wait_ready(&mut self, tag: &str) -> i32 {
        let line = self.wait_line(&format!("{tag} ready "));
        field(&line, "pid").parse().expect("pid")
    }

    /// Wait until a probe tagged `tag` reported signal `sig`; returns the
    /// sender PID it saw.
    pub fn wait_signal(&mut self, tag: &str, sig: i32) -> i32 {
        let line = self.wait_line(&format!("{tag} sig {sig} from "));
        line.rsplit(' ').next().unwrap().parse().unwrap()
    }

    /// Stdout lines received so far.
    pub fn lines_so_far(&mut self) -> Vec<String> {
        self.out.drain_now();
        self.out.seen.clone()
    }

    /// Has the process exited yet (without waiting)?
    pub fn try_exited(&mut self) -> Option<ExitStatus> {
        self.exit.try_recv().ok().map(|(s, _)| s)
    }

    /// Wait for exit (within `limit`), then for stdout and stderr to close.
    pub fn finish_within(mut self, limit: Duration) -> Finished {
        self.close_stdin();
        let (status, exited_at) = match self.exit.recv_timeout(limit) {
            Ok(v) => v,
            Err(_) => {
                let ctx = self.context();
                self.kill_all();
                panic!("{} did not exit within {limit:?}{ctx}", self.name);
            }
        };
        self.finished = true;
        let deadline = Instant::now() + LIMIT;
        while self.out.more(deadline) {}
        while self.err.more(deadline) {}
        if !self.out.eof || !self.err.eof {
            let ctx = self.context();
            self.kill_probes();
            panic!(
                "{} exited ({status:?}) but its stdout/stderr stayed open: something it started outlived it{ctx}",
                self.name
            );
        }
        let stdout_raw = self.out.raw.recv_timeout(LIMIT).unwrap_or_default();
        Finished {
            status,
            elapsed: exited_at - self.started,
            exited_at,
            stdout: std::mem::take(&mut self.out.seen),
            stderr: std::mem::take(&mut self.err.seen),
            stdout_raw,
        }
    }

    pub fn finish(self) -> Finished {
        self.finish_within(LIMIT)
    }

    /// Kill whatever is left: the process tree under what we spawned, and
    /// every probe that announced itself (it may have left the tree).
    fn kill_all(&mut self) {
        let mut pids = descendants(self.pid);
        pids.push(self.pid);
        for p in pids {
            send(p, libc::SIGKILL);
        }
        self.kill_probes();
    }

    fn kill_probes(&mut self) {
        if self.mode == Some(Mode::Pid1) {
            return; // the namespace died with pidone
        }
        self.out.drain_now();
        for l in &self.out.seen {
            if l.contains(" ready pid=") {
                let pid: i32 = field(l, "pid").parse().unwrap_or(0);
                if pid > 0 && comm(pid).as_deref() == Some("probe") {
                    send(pid, libc::SIGKILL);
                }
            }
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if !self.finished {
            self.stdin = None;
            self.kill_all();
        }
    }
}

/// What a finished process did.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    /// From spawn to exit.
    pub elapsed: Duration,
    pub exited_at: Instant,
    pub stdout: Vec<String>,
    pub stderr: Vec<String>,
    pub stdout_raw: Vec<u8>,
}

impl Finished {
    /// The exit code; fails the test if the process died of a signal.
    pub fn code(&self) -> i32 {
        match self.status.code() {
            Some(c) => c,
            None => panic!(
                "expected an exit code, but died of signal {:?}\n{self}",
                self.status.signal()
            ),
        }
    }
    pub fn stderr_text(&self) -> String {
        self.stderr.iter().map(|l| format!("{l}\n")).collect()
    }
    /// Signals a probe tagged `tag` reported, in order, as (signal, sender).
    pub fn signals_of(&self, tag: &str) -> Vec<(i32, i32)> {
        signals_in(&self.stdout, tag)
    }
    pub fn has_line(&self, prefix: &str) -> bool {
        self.stdout.iter().any(|l| l.starts_with(prefix))
    }
    pub fn index_of(&self, prefix: &str) -> Option<usize> {
        self.stdout.iter().position(|l| l.starts_with(prefix))
    }
    pub fn kill_lines(&self) -> Vec<&String> {
        self.stderr
            .iter()
            .filter(|l| l.starts_with("pidone: grace period over"))
            .collect()
    }
}

impl std::fmt::Display for Finished {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "status {:?} after {:?}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.status,
            self.elapsed,
            self.stdout.join("\n"),
            self.stderr.join("\n")
        )
    }
}

pub fn signals_in(lines: &[String], tag: &str) -> Vec<(i32, i32)> {
    let prefix = format!("{tag} sig ");
    lines
        .iter()
        .filter_map(|l| l.strip_prefix(&prefix))
        .map(|rest| {
            let (sig, from) = rest.split_once(" from ").expect("sig line");
            (sig.parse().unwrap(), from.parse().unwrap())
        })
        .collect()
}

pub fn signal_set(sigs: &[(i32, i32)]) -> BTreeSet<i32> {
    sigs.iter().map(|(s, _)| *s).collect()
}

/// `key=value` from a probe line.
pub fn field(line: &str, key: &str) -> String {
    let pat = format!("{key}=");
    line.split(' ')
        .find_map(|w| w.strip_prefix(&pat))
        .unwrap_or_else(|| panic!("no {key}= in {line:?}"))
        .to_string()
}

pub fn send(pid: i32, sig: i32) {
    // SAFETY: plain kill.
    unsafe { libc::kill(pid, sig) };
}

/// Direct children of `pid` (all threads).
pub fn children(pid: i32) -> Vec<i32> {
    let mut out = Vec::new();
    if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
        for t in tasks.flatten() {
            let s = std::fs::read_to_string(t.path().join("children")).unwrap_or_default();
            out.extend(s.split_whitespace().filter_map(|p| p.parse::<i32>().ok()));
        }
    }
    out
}

pub fn descendants(pid: i32) -> Vec<i32> {
    let mut out = Vec::new();
    let mut todo = children(pid);
    while let Some(p) = todo.pop() {
        out.push(p);
        todo.extend(children(p));
    }
    out
}

/// Process state letter from /proc/PID/stat (`R`, `S`, `T`, `Z`, ...).
pub fn state(pid: i32) -> Option<char> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    s[s.rfind(')')? + 2..].chars().next()
}

pub fn comm(pid: i32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .ok()
        .map(|s| s.trim_end().to_string())
}

pub fn status_field(pid: i32, name: &str) -> Option<String> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
}

/// The PID of a host process in its innermost namespace.
pub fn ns_pid_of(pid: i32) -> Option<i32> {
    status_field(pid, "NSpid:")?
        .split_whitespace()
        .last()?
        .parse()
        .ok()
}

/// Block until process `pid` has exited (is a zombie or gone). Fails the test
/// after LIMIT.
pub fn await_exit(pid: i32) {
    // SAFETY: plain syscall.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) } as i32;
    if fd < 0 {
        return; // already reaped
    }
    // SAFETY: we own the fd.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let mut p = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: valid pollfd.
    let n = unsafe { libc::poll(&mut p, 1, LIMIT.as_millis() as i32) };
    assert!(n == 1, "process {pid} did not exit within {LIMIT:?}");
}

/// Is the process alive (exists and is not a zombie)?
pub fn alive(pid: i32) -> bool {
    matches!(state(pid), Some(s) if s != 'Z' && s != 'X')
}

/// Assert a usage error: exit 2, nothing on stdout, exactly one stderr line
/// starting with `pidone: ` that mentions `--help` and, if given, has a
/// single-quoted part containing `value`.
pub fn assert_usage_error(f: &Finished, value: Option<&str>, what: &str) {
    assert_eq!(f.code(), 2, "{what}: usage errors exit 2\n{f}");
    assert!(f.stdout.is_empty(), "{what}: nothing on stdout\n{f}");
    assert_eq!(f.stderr.len(), 1, "{what}: exactly one line on stderr\n{f}");
    let line = &f.stderr[0];
    assert!(
        line.starts_with("pidone: "),
        "{what}: the line starts with 'pidone: '\n{f}"
    );
    assert!(
        line.contains("--help"),
        "{what}: the line points to --help\n{f}"
    );
    if let Some(v) = value {
        let quoted: Vec<&str> = line.split('\'').skip(1).step_by(2).collect();
        assert!(
            quoted.iter().any(|q| q.contains(v)),
            "{what}: the line names the offending value '{v}' in single quotes\n{f}"
        );
    }
}

/// Write bytes to a file and make it executable (or not).
pub fn write_file(path: &Path, data: &[u8], mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, data).expect("write file");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

pub fn hex_decode(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

pub fn bytes(s: &OsStr) -> Vec<u8> {
    s.as_bytes().to_vec()
}

/// Voluntary + nonvoluntary context switches of a process.
pub fn context_switches(pid: i32) -> u64 {
    let v: u64 = status_field(pid, "voluntary_ctxt_switches:")
        .expect("pid gone")
        .parse()
        .unwrap();
    let n: u64 = status_field(pid, "nonvoluntary_ctxt_switches:")
        .expect("pid gone")
        .parse()
        .unwrap();
    v + n
}

/// A process started in the running PID namespace of pidone via nsenter
/// (so it is in the namespace but not one of pidone's descendants).
pub fn nsenter(pidone_host_pid: i32, argv: &[OsString]) -> Proc {
    let mut cmd = Command::new("/usr/bin/nsenter");
    cmd.arg(format!("--target={pidone_host_pid}"))
        .arg("--pid")
        .arg("--")
        .args(argv);
    Proc::spawn(cmd, None, "nsenter")
}

// ---------------------------------------------------------------------------
// Helpers for the fault-injection and inherited-state tests (issues 9, 10).

/// A test helper from `examples/` (built by `cargo test` next to `probe`).
pub fn example_path(name: &str) -> PathBuf {
    let path = probe_path().with_file_name(name);
    assert!(
        path.exists(),
        "test helper {} is missing: run `cargo test` without target filters (or `cargo build --examples`) first",
        path.display()
    );
    path
}

/// Bit set of signals, as /proc's SigBlk and SigIgn show them.
pub fn mask(sigs: &[i32]) -> u64 {
    sigs.iter().fold(0, |m, &s| m | 1 << (s - 1))
}

/// Make `cmd` start with `blocked` blocked and `ignored` ignored, every
/// other signal at its default action, and no other descriptor than 0, 1
/// and 2 (what `Launch` gives pidone).
pub fn inherit_signal_state(cmd: &mut Command, blocked: &[i32], ignored: &[i32]) {
    let (blocked, ignored) = (blocked.to_vec(), ignored.to_vec());
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            // pidone gets stdin, stdout and stderr only, whatever fds the
            // test process inherited without close-on-exec.
            libc::syscall(
                libc::SYS_close_range,
                3u32,
                u32::MAX,
                libc::CLOSE_RANGE_CLOEXEC,
            );
            // Only the dispositions the test asks for, whatever the test
            // runner inherited (`nohup` or `cmd &` leave some ignored).
            for s in 1..=SIGRTMAX {
                if s != libc::SIGKILL && s != libc::SIGSTOP {
                    libc::signal(s, libc::SIG_DFL);
                }
            }
            for &s in &ignored {
                libc::signal(s, libc::SIG_IGN);
            }
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            for &s in &blocked {
                libc::sigaddset(&mut set, s);
            }
            libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
            Ok(())
        });
    }
}

/// pidone under another init's name: a symlink `name` in `dir`.
pub fn named_pidone(dir: &TempDir, name: &str) -> PathBuf {
    let path = dir.path(name);
    if !path.exists() {
        std::os::unix::fs::symlink(pidone_path(), &path).expect("symlink");
    }
    path
}

/// `argv` as PID 1 of a new PID namespace with its own /proc, or as is.
pub fn in_mode(mode: Mode, argv: &[OsString]) -> Command {
    let mut full: Vec<OsString> = Vec::new();
    if mode == Mode::Pid1 {
        full.extend(
            [
                "/usr/bin/unshare",
                "--pid",
                "--fork",
                "--mount-proc",
                "--kill-child",
            ]
            .map(OsString::from),
        );
    }
    full.extend(argv.iter().cloned());
    let mut cmd = Command::new(&full[0]);
    cmd.args(&full[1..]);
    cmd
}

/// The last PID handed out in the PID namespace of process `host_pid`, read
/// from inside it (the reading process itself is the last one made).
pub fn ns_last_pid(host_pid: i32) -> i32 {
    let out = Command::new("/usr/bin/nsenter")
        .arg(format!("--target={host_pid}"))
        .args(["--pid", "--", "cat", "/proc/sys/kernel/ns_last_pid"])
        .stdin(Stdio::null())
        .output()
        .expect("nsenter cat");
    assert!(out.status.success(), "nsenter cat: {out:?}");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("ns_last_pid")
}

/// A pids cgroup of its own: cgroup v1's `pids` hierarchy (these machines
/// are hybrid), else cgroup v2 with the pids controller. Dropping it kills
/// whatever is still in it and removes it.
pub struct PidsCgroup {
    pub dir: PathBuf,
}

impl PidsCgroup {
    pub fn new() -> PidsCgroup {
        static N: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "pidone-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let v1 = Path::new("/sys/fs/cgroup/pids");
        let parent = if v1.join("cgroup.procs").exists() {
            v1.to_path_buf()
        } else {
            let root = ["/sys/fs/cgroup/unified", "/sys/fs/cgroup"]
                .iter()
                .map(Path::new)
                .find(|root| {
                    std::fs::read_to_string(root.join("cgroup.controllers"))
                        .is_ok_and(|c| c.split_whitespace().any(|c| c == "pids"))
                })
                .expect("no pids cgroup controller on this machine (neither v1 nor v2)");
            let _ = std::fs::write(root.join("cgroup.subtree_control"), "+pids");
            root.to_path_buf()
        };
        let dir = parent.join(name);
        std::fs::create_dir(&dir).expect("create pids cgroup");
        PidsCgroup { dir }
    }

    pub fn set_max(&self, max: &str) {
        std::fs::write(self.dir.join("pids.max"), max).expect("pids.max");
    }

    /// Tasks in the cgroup now.
    pub fn current(&self) -> u32 {
        read_file(&self.dir.join("pids.current"))
            .trim()
            .parse()
            .expect("pids.current")
    }

    pub fn procs(&self) -> Vec<i32> {
        read_file(&self.dir.join("cgroup.procs"))
            .split_whitespace()
            .filter_map(|p| p.parse().ok())
            .collect()
    }

    /// Make the child of `cmd` join the cgroup before it execs.
    pub fn join(&self, cmd: &mut Command) {
        // SAFETY: the hook makes only async-signal-safe calls.
        unsafe { cmd.pre_exec(self.joiner()) };
    }

    /// A pre-exec hook that moves the calling process into the cgroup:
    /// open, write and close only (async-signal-safe).
    pub fn joiner(&self) -> impl Fn() -> std::io::Result<()> + Send + Sync + 'static {
        let procs = std::ffi::CString::new(self.dir.join("cgroup.procs").as_os_str().as_bytes())
            .expect("path");
        move || {
            // SAFETY: open, write and close with valid buffers; getpid.
            unsafe {
                let fd = libc::open(procs.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
                if fd < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                let mut digits = [0u8; 12];
                let mut n = libc::getpid() as u32;
                let mut i = digits.len();
                loop {
                    i -= 1;
                    digits[i] = b'0' + (n % 10) as u8;
                    n /= 10;
                    if n == 0 {
                        break;
                    }
                }
                let len = digits.len() - i;
                let written = libc::write(fd, digits[i..].as_ptr().cast(), len);
                libc::close(fd);
                if written != len as isize {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        }
    }
}

impl Drop for PidsCgroup {
    fn drop(&mut self) {
        // A bounded poll: the kernel has no event for "the cgroup is empty"
        // on v1, and processes leave it only once they are fully gone.
        let deadline = Instant::now() + LIMIT;
        while Instant::now() < deadline {
            let procs = self.procs();
            if procs.is_empty() && std::fs::remove_dir(&self.dir).is_ok() {
                return;
            }
            for p in procs {
                send(p, libc::SIGKILL);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        eprintln!("could not remove cgroup {}", self.dir.display());
    }
}
