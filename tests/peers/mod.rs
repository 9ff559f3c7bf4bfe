//! Support for the differential tests: run the real peer (tini, dumb-init,
//! catatonit from Debian) and pidone called by the peer's name on the same
//! scenario, and observe what happens through `examples/peerprobe.rs`.
//!
//! Every run goes through `peerprobe harness`, a child subreaper that starts
//! the init (directly, or as PID 1 of a new PID namespace through
//! `unshare`), reports every process it reaps, stops and continues, and
//! hands the init a pipe as stdout that the workload writes its events to.
//! Nothing here sleeps to wait: every wait is for a line on a pipe, and the
//! timeout is only a guard against a hang.

#![allow(dead_code)]

use std::collections::HashSet;
use std::fmt::Debug;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long anything may take before the test gives up. Only reached when
/// something is broken.
pub const TIMEOUT: Duration = Duration::from_secs(30);

pub const SIGHUP: i32 = 1;
pub const SIGINT: i32 = 2;
pub const SIGQUIT: i32 = 3;
pub const SIGILL: i32 = 4;
pub const SIGTRAP: i32 = 5;
pub const SIGABRT: i32 = 6;
pub const SIGBUS: i32 = 7;
pub const SIGFPE: i32 = 8;
pub const SIGKILL: i32 = 9;
pub const SIGUSR1: i32 = 10;
pub const SIGSEGV: i32 = 11;
pub const SIGUSR2: i32 = 12;
pub const SIGPIPE: i32 = 13;
pub const SIGALRM: i32 = 14;
pub const SIGTERM: i32 = 15;
pub const SIGCHLD: i32 = 17;
pub const SIGCONT: i32 = 18;
pub const SIGSTOP: i32 = 19;
pub const SIGTSTP: i32 = 20;
pub const SIGTTIN: i32 = 21;
pub const SIGTTOU: i32 = 22;
pub const SIGURG: i32 = 23;
pub const SIGWINCH: i32 = 28;
pub const SIGSYS: i32 = 31;
/// RTMIN+1 as glibc numbers it.
pub const SIGRTMIN1: i32 = 35;
/// The sentinel: the highest signal, so that an init with other signals
/// pending handles (and forwards) them first, SIGCHLD included.
pub const SIGRTMAX: i32 = 64;
/// Sent to the init to make the workload exit (`record --exit-on 63=0`).
pub const SIGEND: i32 = 63;
/// Sent straight to a workload process to collect what it received.
pub const SIGDRAIN: i32 = 62;

/// The pidone under test: the executable named by `PIDONE_BIN` when set (another
/// architecture's build, see tests/cross/run), else the one cargo built.
pub fn pidone() -> PathBuf {
    std::env::var_os("PIDONE_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_pidone")),
        PathBuf::from,
    )
}

pub fn peerprobe() -> String {
    let path = Path::new(env!("CARGO_BIN_EXE_pidone"))
        .parent()
        .expect("binary directory")
        .join("examples/peerprobe");
    assert!(
        path.exists(),
        "{} is missing: `cargo test` builds it (or `cargo build --examples`)",
        path.display()
    );
    path.display().to_string()
}

/// The real peer, as installed by ./test.sh from Debian's packages.
pub fn peer(name: &str) -> PathBuf {
    let path = PathBuf::from("/usr/bin").join(name);
    assert!(
        path.exists(),
        "{} is missing: ./test.sh installs it (apt-get install {name})",
        path.display()
    );
    path
}

/// pidone under another name: a symlink in a directory of its own,
/// removed on drop.
pub struct Named {
    dir: PathBuf,
    pub path: PathBuf,
}

impl Drop for Named {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh directory of our own under the temporary directory.
pub fn temp_dir(what: &str) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("pidone-peers-{}-{n}-{what}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

pub fn pidone_as(name: &str) -> Named {
    let dir = temp_dir(name);
    let path = dir.join(name);
    std::os::unix::fs::symlink(pidone(), &path).expect("symlink");
    Named { dir, path }
}

/// Runs `scenario` with the real `peer` and with pidone called `name`, at
/// the same time, and asserts that both observed the same. Returns the
/// peer's observation for further checks.
pub fn differential<T, F>(peer_name: &str, name: &str, scenario: F) -> T
where
    T: PartialEq + Debug + Send,
    F: Fn(&Path) -> T + Sync,
{
    let (theirs, ours) = both(peer_name, name, scenario);
    assert_eq!(
        ours, theirs,
        "pidone as {name} (left) differs from the real {peer_name} (right)"
    );
    theirs
}

/// Runs `scenario` with the real `peer` and with pidone called `name`, at
/// the same time; returns (peer's, pidone's) observations.
pub fn both<T, F>(peer_name: &str, name: &str, scenario: F) -> (T, T)
where
    T: Send,
    F: Fn(&Path) -> T + Sync,
{
    let real = peer(peer_name);
    let named = pidone_as(name);
    std::thread::scope(|s| {
        let theirs = s.spawn(|| scenario(&real));
        let ours = scenario(&named.path);
        let theirs = theirs
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (theirs, ours)
    })
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// The init is PID 1 of a new PID namespace (`unshare --pid --fork
    /// --mount-proc`), whose parent is unshare.
    Pid1,
    /// The init is a plain child of the harness.
    Child,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Status {
    Code(i32),
    Signal(i32),
}

impl Status {
    fn parse(words: &[&str]) -> Status {
        let n = words[1].parse().expect("status number");
        match words[0] {
            "code" => Status::Code(n),
            "signal" => Status::Signal(n),
            other => panic!("bad status {other}"),
        }
    }
}

/// How to start one run.
pub struct Setup {
    init: PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
    mode: Mode,
    harness: Vec<&'static str>,
    announce: bool,
}

impl Setup {
    pub fn new(init: &Path, mode: Mode) -> Setup {
        Setup {
            init: init.to_path_buf(),
            args: Vec::new(),
            env: Vec::new(),
            mode,
            harness: Vec::new(),
            announce: false,
        }
    }

    /// Start the init through `peerprobe announce`, which blocks every
    /// signal and prints `announce PID` before it execs the init: for inits
    /// that run no workload to say when they are up.
    pub fn announce(mut self) -> Setup {
        self.announce = true;
        self
    }

    pub fn args<S: AsRef<str>>(mut self, args: impl IntoIterator<Item = S>) -> Setup {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    pub fn arg(self, arg: &str) -> Setup {
        self.args([arg])
    }

    /// The workload: peerprobe with these steps.
    pub fn probe<S: AsRef<str>>(self, steps: impl IntoIterator<Item = S>) -> Setup {
        self.args([peerprobe()]).args(steps)
    }

    pub fn env(mut self, name: &str, value: &str) -> Setup {
        self.env.push((name.into(), value.into()));
        self
    }

    /// A `peerprobe harness` option (`--parent`, `--dirty`, ...).
    pub fn harness(mut self, option: &'static str) -> Setup {
        self.harness.push(option);
        self
    }

    pub fn start(self) -> Run {
        let mut fds = [0; 2];
        // SAFETY: valid array of two ints.
        let ret = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
        assert_eq!(ret, 0, "pipe2");
        // SAFETY: pipe2 just returned these descriptors; nobody else owns them.
        let (out_r, out_w) =
            unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        let mut command = Command::new(peerprobe());
        command.arg("harness").args(&self.harness).arg("--");
        if self.mode == Mode::Pid1 {
            command.args(["unshare", "--pid", "--fork", "--mount-proc"]);
        }
        if self.announce {
            command.args([peerprobe().as_str(), "announce", "--"]);
        }
        command
            .arg(&self.init)
            .args(&self.args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let raw = out_w.as_raw_fd();
        // SAFETY: dup2 is async-signal-safe; the new fd 3 is not close-on-exec.
        unsafe {
            command.pre_exec(move || {
                if libc::dup2(raw, 3) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut harness = command.spawn().expect("start peerprobe harness");
        drop(out_w);
        let (tx, rx) = channel();
        lines(
            harness.stdout.take().expect("harness stdout"),
            Src::Report,
            tx.clone(),
        );
        lines(File::from(out_r), Src::Out, tx);
        let mut stderr_pipe = harness.stderr.take().expect("harness stderr");
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr_pipe.read_to_string(&mut text);
            text
        });
        let stdin = harness.stdin.take();
        let mut run = Run {
            harness,
            stdin,
            mode: self.mode,
            rx,
            out: Vec::new(),
            out_eof: false,
            reports: Vec::new(),
            reports_eof: false,
            stderr: Some(stderr),
            top: 0,
            init: None,
            finished: false,
        };
        let line = run.report(|l| l.starts_with("init "));
        run.top = line[5..].parse().expect("init pid");
        run
    }

    /// Starts, waits for the init to exit, then ends the run.
    pub fn outcome(self) -> Outcome {
        let mut run = self.start();
        let status = run.init_exit();
        let mut outcome = run.finish();
        outcome.status = Some(status);
        outcome
    }
}

/// Where a line came from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Src {
    /// The init's stdout (the workload's events).
    Out,
    /// The harness's reports.
    Report,
}

fn lines(pipe: impl Read + Send + 'static, src: Src, tx: Sender<(Src, Option<String>)>) {
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if tx.send((src, Some(line))).is_err() {
                return;
            }
        }
        let _ = tx.send((src, None));
    });
}

/// What is left to look at after a run.
#[derive(Debug)]
pub struct Outcome {
    /// The init's exit status (seen through unshare in PID 1 mode).
    pub status: Option<Status>,
    /// Every line written to the init's stdout: the workload's events, or
    /// the init's own output.
    pub stdout: Vec<String>,
    pub stderr: String,
    /// The harness's reports.
    pub reports: Vec<String>,
}

impl Outcome {
    pub fn stdout_text(&self) -> String {
        self.stdout.iter().map(|l| format!("{l}\n")).collect()
    }
}

/// One running init under the harness.
pub struct Run {
    harness: Child,
    stdin: Option<ChildStdin>,
    pub mode: Mode,
    rx: Receiver<(Src, Option<String>)>,
    out: Vec<String>,
    out_eof: bool,
    reports: Vec<String>,
    reports_eof: bool,
    stderr: Option<JoinHandle<String>>,
    /// The process the harness started: the init, or unshare.
    top: i32,
    init: Option<i32>,
    finished: bool,
}

impl Run {
    /// Reads lines until `pred` holds for a (source, line) read after
    /// `out_from` (stdout) or `rep_from` (reports), or until both pipes are
    /// at end of file (`None`).
    fn wait_for(
        &mut self,
        out_from: usize,
        rep_from: usize,
        pred: &dyn Fn(Src, &str) -> bool,
        timeout: Duration,
    ) -> Option<(Src, String)> {
        let old_out = self.out[out_from.min(self.out.len())..]
            .iter()
            .map(|l| (Src::Out, l));
        let old_rep = self.reports[rep_from.min(self.reports.len())..]
            .iter()
            .map(|l| (Src::Report, l));
        if let Some((src, line)) = old_out.chain(old_rep).find(|(s, l)| pred(*s, l)) {
            return Some((src, line.clone()));
        }
        let deadline = Instant::now() + timeout;
        while !(self.out_eof && self.reports_eof) {
            match self
                .rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok((src, Some(line))) => {
                    let found = pred(src, &line);
                    match src {
                        Src::Out => self.out.push(line.clone()),
                        Src::Report => self.reports.push(line.clone()),
                    }
                    if found {
                        return Some((src, line));
                    }
                }
                Ok((Src::Out, None)) => self.out_eof = true,
                Ok((Src::Report, None)) => self.reports_eof = true,
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => panic!(
                    "timed out; stdout so far:\n{}\nreports so far:\n{}",
                    self.out.join("\n"),
                    self.reports.join("\n")
                ),
            }
        }
        None
    }

    /// Waits for a line from either pipe that satisfies `pred`.
    pub fn either(&mut self, pred: impl Fn(Src, &str) -> bool) -> (Src, String) {
        self.wait_for(0, 0, &pred, TIMEOUT).unwrap_or_else(|| {
            panic!(
                "pipes ended; stdout:\n{}\nreports:\n{}",
                self.out.join("\n"),
                self.reports.join("\n")
            )
        })
    }

    /// The first line of the init's stdout that satisfies `pred`, waiting
    /// for it if need be. Panics if it never comes.
    pub fn line(&mut self, pred: impl Fn(&str) -> bool) -> String {
        self.either(|s, l| s == Src::Out && pred(l)).1
    }

    /// The first stdout line that starts with `prefix`.
    pub fn wait(&mut self, prefix: &str) -> String {
        self.line(|l| l.starts_with(prefix))
    }

    /// Every stdout line read so far.
    pub fn seen(&self) -> &[String] {
        &self.out
    }

    /// Reads stdout to its end: every process that had it is gone.
    pub fn stdout_eof(&mut self) -> Vec<String> {
        let deadline = Instant::now() + TIMEOUT;
        while !self.out_eof {
            match self
                .rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok((Src::Out, Some(line))) => self.out.push(line),
                Ok((Src::Report, Some(line))) => self.reports.push(line),
                Ok((Src::Out, None)) => self.out_eof = true,
                Ok((Src::Report, None)) => self.reports_eof = true,
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => panic!(
                    "stdout never ended; seen:\n{}\nreports:\n{}",
                    self.out.join("\n"),
                    self.reports.join("\n")
                ),
            }
        }
        self.out.clone()
    }

    /// The first harness report that satisfies `pred`.
    pub fn report(&mut self, pred: impl Fn(&str) -> bool) -> String {
        self.either(|s, l| s == Src::Report && pred(l)).1
    }

    pub fn reports(&self) -> &[String] {
        &self.reports
    }

    /// The pid of the process the harness started (unshare in PID 1 mode).
    pub fn top(&self) -> i32 {
        self.top
    }

    /// The init's pid as seen from here. In PID 1 mode, unshare's child:
    /// call it once the workload is known to run.
    pub fn init_pid(&mut self) -> i32 {
        if let Some(pid) = self.init {
            return pid;
        }
        let pid = match self.mode {
            Mode::Child => self.top,
            Mode::Pid1 => {
                let path = format!("/proc/{0}/task/{0}/children", self.top);
                let children = std::fs::read_to_string(&path).expect("unshare's children");
                children
                    .split_whitespace()
                    .next()
                    .unwrap_or_else(|| panic!("unshare has no child yet"))
                    .parse()
                    .expect("pid")
            }
        };
        self.init = Some(pid);
        pid
    }

    /// The pid seen from here of the process that calls itself `pid` (in
    /// the init's PID namespace).
    pub fn host_pid(&mut self, pid: i32) -> i32 {
        if self.mode == Mode::Child {
            return pid;
        }
        let harness = self.harness.id() as i32;
        descendants(harness)
            .into_iter()
            .find(|&p| {
                let status =
                    std::fs::read_to_string(format!("/proc/{p}/status")).unwrap_or_default();
                status
                    .lines()
                    .find_map(|l| l.strip_prefix("NSpid:"))
                    .and_then(|ids| ids.split_whitespace().last())
                    .is_some_and(|last| last == pid.to_string())
                    && status
                        .lines()
                        .any(|l| l.starts_with("NSpid:") && l.split_whitespace().count() > 2)
            })
            .unwrap_or_else(|| panic!("no process is {pid} in the namespace"))
    }

    /// Sends `sig` to the init.
    pub fn signal(&mut self, sig: i32) {
        let pid = self.init_pid();
        kill(pid, sig);
    }

    /// Sends `sig` to the init, then the sentinel (SIGRTMAX), and waits for
    /// each workload process in `tags` to record the sentinel: by then the
    /// init has handled `sig` (it handles lower signals first), and each
    /// process it forwarded `sig` to recorded it before the sentinel.
    /// Returns what each of `tags` recorded in between, sentinel excluded.
    pub fn signal_and_sync(&mut self, sig: i32, tags: &[&str]) -> Vec<Vec<i32>> {
        let before = self.out.len();
        self.signal(sig);
        self.signal(SIGRTMAX);
        tags.iter()
            .map(|tag| {
                let end = self.until(before, &format!("{tag} sig {SIGRTMAX}"));
                signals_of(&self.out[before..end], tag)
            })
            .collect()
    }

    /// Sends SIGDRAIN straight to `pid` (as seen from here), waits for
    /// `tag` to record it, and returns everything `tag` recorded before it
    /// but the sentinels: signals anyone sent it earlier are handled first,
    /// as they are lower.
    pub fn drain(&mut self, pid: i32, tag: &str) -> Vec<i32> {
        let before = self.out.len();
        kill(pid, SIGDRAIN);
        let end = self.until(before, &format!("{tag} sig {SIGDRAIN}"));
        signals_of(&self.out[..end], tag)
            .into_iter()
            .filter(|&s| s != SIGRTMAX && s != SIGDRAIN)
            .collect()
    }

    /// Waits for `line` on stdout, read after the first `before` lines, and
    /// returns its index. Panics if stdout ends first.
    fn until(&mut self, before: usize, line: &str) -> usize {
        self.wait_for(
            before,
            usize::MAX,
            &|s, l| s == Src::Out && l == line,
            TIMEOUT,
        )
        .unwrap_or_else(|| panic!("stdout ended before {line}; seen:\n{}", self.out.join("\n")));
        self.out[before..]
            .iter()
            .position(|l| l == line)
            .map_or(self.out.len(), |i| before + i)
    }

    pub fn close_stdin(&mut self) {
        self.stdin.take();
    }

    pub fn write_stdin(&mut self, text: &str) {
        if let Some(stdin) = self.stdin.as_mut() {
            stdin.write_all(text.as_bytes()).expect("write stdin");
        }
    }

    /// Waits for the exit of `pid`, a process the harness reaps.
    pub fn exit_of(&mut self, pid: i32) -> Status {
        let prefix = format!("exit {pid} ");
        let line = self.report(|l| l.starts_with(&prefix));
        let words: Vec<&str> = line.split_whitespace().collect();
        Status::parse(&words[2..])
    }

    /// Whether the harness has reported the exit of `pid` so far.
    pub fn reported_exit(&self, pid: i32) -> bool {
        let prefix = format!("exit {pid} ");
        self.reports.iter().any(|l| l.starts_with(&prefix))
    }

    /// Waits for the init (or unshare, in PID 1 mode) to exit.
    pub fn init_exit(&mut self) -> Status {
        self.exit_of(self.top)
    }

    /// Waits until the harness has no child left, without killing anything.
    pub fn done(&mut self) {
        self.report(|l| l == "done");
    }

    /// Kills whatever is left, waits for the harness and collects the output.
    pub fn finish(mut self) -> Outcome {
        self.cleanup();
        while !(self.out_eof && self.reports_eof) {
            if self
                .wait_for(usize::MAX, usize::MAX, &|_, _| false, TIMEOUT)
                .is_none()
            {
                break;
            }
        }
        let stderr = self
            .stderr
            .take()
            .map(|h| h.join().expect("stderr reader"))
            .unwrap_or_default();
        Outcome {
            status: None,
            stdout: self.out.clone(),
            stderr,
            reports: self.reports.clone(),
        }
    }

    /// SIGKILLs every descendant of the harness until it reports `done`.
    fn cleanup(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        self.close_stdin();
        let harness = self.harness.id() as i32;
        for _ in 0..10 {
            if self.reports.iter().any(|l| l == "done") || self.reports_eof {
                break;
            }
            for pid in descendants(harness) {
                kill(pid, SIGKILL);
            }
            // Something may have forked while we killed: then another round.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.wait_for(
                    self.out.len(),
                    self.reports.len(),
                    &|s, l| s == Src::Report && l == "done",
                    Duration::from_secs(3),
                )
            }));
        }
        let _ = self.harness.kill();
        let _ = self.harness.wait();
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        self.cleanup();
    }
}

pub fn kill(pid: i32, sig: i32) {
    // SAFETY: plain syscall.
    unsafe { libc::kill(pid, sig) };
}

/// Every descendant of `pid`, from /proc.
pub fn descendants(pid: i32) -> Vec<i32> {
    let mut found = Vec::new();
    let mut seen = HashSet::new();
    let mut todo = vec![pid];
    while let Some(p) = todo.pop() {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{p}/task")) else {
            continue;
        };
        for task in tasks.flatten() {
            let children =
                std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            for child in children.split_whitespace().filter_map(|c| c.parse().ok()) {
                if seen.insert(child) {
                    found.push(child);
                    todo.push(child);
                }
            }
        }
    }
    found
}

/// The signals recorded by `tag` in `lines`, in order.
pub fn signals_of(lines: &[String], tag: &str) -> Vec<i32> {
    let prefix = format!("{tag} sig ");
    lines
        .iter()
        .filter_map(|l| l.strip_prefix(&prefix)?.parse().ok())
        .collect()
}

/// The value of `key=` in a `status` or `ready` line.
pub fn field<'a>(line: &'a str, key: &str) -> &'a str {
    let prefix = format!("{key}=");
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {key} in {line:?}"))
}

/// The state letter of `pid` in /proc (R, S, T, Z, ...).
pub fn proc_state(pid: i32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    after.trim_start().chars().next()
}

/// The descriptors above 2 that `pid` holds.
pub fn fds_of(pid: i32) -> Vec<i32> {
    let mut fds: Vec<i32> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("/proc/PID/fd")
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .filter(|&fd| fd > 2)
        .collect();
    fds.sort_unstable();
    fds
}

pub fn cwd_of(pid: i32) -> PathBuf {
    std::fs::read_link(format!("/proc/{pid}/cwd")).expect("/proc/PID/cwd")
}

/// Docker's parser for `docker-init --version` (daemon/info_unix.go,
/// parseInitVersion): the part before ` - `, without `tini version `.
pub fn docker_init_version(output: &str) -> Option<String> {
    let parts: Vec<&str> = output.split(" - ").collect();
    let first = parts[0].trim();
    first.strip_prefix("tini version ").map(str::to_owned)
}

/// Lines of stderr that pidone wrote in its own style.
pub fn pidone_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("pidone: "))
        .collect()
}

/// Whether `text` mentions `n` as a whole number.
pub fn mentions_number(text: &str, n: i32) -> bool {
    text.split(|c: char| !c.is_ascii_digit())
        .any(|w| w == n.to_string())
}

/// A file that exists and is not executable (EACCES), one that is
/// executable but no valid program and no script (ENOEXEC), and one that
/// is a shell script without a `#!` line, in a directory removed on drop.
pub struct BadPrograms {
    pub dir: PathBuf,
}

impl BadPrograms {
    pub fn new() -> BadPrograms {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("bad");
        let write = |name: &str, bytes: &[u8], mode: u32| {
            let path = dir.join(name);
            std::fs::write(&path, bytes).expect("write");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
        };
        write("not-executable", b"#!/bin/sh\nexit 0\n", 0o644);
        write("garbage", b"\x01\x02\x03garbage\x00\x00", 0o755);
        write("no-shebang", b"echo ran-by-sh\nexit 7\n", 0o755);
        BadPrograms { dir }
    }

    pub fn path(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }
}

impl Drop for BadPrograms {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

// --------------------------------------------------------------- scenarios
//
// Each returns what it observed, free of pids, so that the peer's and
// pidone's observations compare with `==`.

/// The usual workload: `cmd` with `gc`, a grandchild in its process group,
/// and `other`, a grandchild in a group of its own; all three record the
/// signals they get, and `cmd` exits 0 on SIGEND.
pub fn family() -> Vec<String> {
    [
        "spawn",
        "[",
        "tag",
        "gc",
        "block",
        "ready",
        "record",
        "]", //
        "spawn",
        "--newpgrp",
        "[",
        "tag",
        "other",
        "block",
        "ready",
        "record",
        "]", //
        "block",
        "ready",
        "record",
        "--exit-on",
        "63=0",
    ]
    .map(String::from)
    .to_vec()
}

/// The pid (as the workload sees it) that `cmd spawned` reported, in order.
pub fn spawned(run: &mut Run, index: usize) -> i32 {
    let lines: Vec<String> = run
        .seen()
        .iter()
        .filter(|l| l.starts_with("cmd spawned "))
        .cloned()
        .collect();
    lines[index]["cmd spawned ".len()..].parse().expect("pid")
}

#[derive(Debug, PartialEq, Eq)]
pub struct Forwarding {
    /// For each signal sent to the init: what `cmd` recorded.
    pub cmd: Vec<(i32, Vec<i32>)>,
    /// Everything `gc` and `other` recorded, sorted.
    pub gc: Vec<i32>,
    pub other: Vec<i32>,
    pub status: Status,
}

/// Sends each of `signals` to the init running `family()`, and sees who
/// gets what.
pub fn forwarding(setup: Setup, signals: &[i32]) -> Forwarding {
    let mut run = setup.probe(family()).start();
    run.wait("cmd ready");
    let gc = spawned(&mut run, 0);
    let other = spawned(&mut run, 1);
    let cmd = signals
        .iter()
        .map(|&sig| (sig, run.signal_and_sync(sig, &["cmd"]).remove(0)))
        .collect();
    let (gc, other) = (run.host_pid(gc), run.host_pid(other));
    let mut gc = run.drain(gc, "gc");
    let mut other = run.drain(other, "other");
    gc.sort_unstable();
    other.sort_unstable();
    run.signal(SIGEND);
    let status = run.init_exit();
    Forwarding {
        cmd,
        gc,
        other,
        status,
    }
}

/// Who reaped an orphan.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Reaper {
    /// The init, before it forwarded the next signal.
    Init,
    /// The harness: the orphan was never the init's, or the init left it.
    Harness,
    /// Nobody while the init ran (PID 1: the kernel cleaned up).
    Nobody,
}

#[derive(Debug)]
pub struct Orphans {
    pub reapers: Vec<Reaper>,
    pub status: Status,
    /// The orphans' pids as the init sees them, for its log lines.
    pub pids: Vec<i32>,
    pub stderr: String,
}

/// The command makes 3 orphans that die; once they are zombies, a signal
/// to the init lets the command check which were reaped; it then exits 0.
pub fn orphans(setup: Setup) -> Orphans {
    let mut run = setup
        .probe([
            "block",
            "ready",
            "orphans",
            "3",
            "record",
            "--until",
            "64",
            "check-orphans",
            "exit",
            "0",
        ])
        .start();
    run.wait("cmd orphans-dead");
    run.signal(SIGRTMAX);
    let status = run.init_exit();
    run.done();
    let lines = run.stdout_eof();
    let mode = run.mode;
    let outcome = run.finish();
    let mut reapers = Vec::new();
    let mut pids = Vec::new();
    for line in lines.iter().filter(|l| l.starts_with("cmd orphan ")) {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.len() != 4 {
            continue;
        }
        let pid: i32 = words[2].parse().expect("pid");
        pids.push(pid);
        let by_harness = mode == Mode::Child
            && outcome
                .reports
                .iter()
                .any(|r| r.starts_with(&format!("exit {pid} ")));
        reapers.push(match (by_harness, words[3]) {
            (true, _) => Reaper::Harness,
            (false, "reaped") => Reaper::Init,
            _ => Reaper::Nobody,
        });
    }
    assert_eq!(reapers.len(), 3, "stdout:\n{}", lines.join("\n"));
    Orphans {
        reapers,
        status,
        pids,
        stderr: outcome.stderr,
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct Leftover {
    pub status: Status,
    /// What the leftover process got from the init before the init exited.
    pub got: Vec<i32>,
    /// Whether it still ran after the init had exited.
    pub survived: bool,
}

/// The command starts `bg` in its process group and exits 5, leaving it
/// behind.
pub fn leftover(setup: Setup) -> Leftover {
    let mut run = setup
        .probe([
            "spawn", "[", "tag", "bg", "block", "ready", "record", "]", "block", "ready", "exit",
            "5",
        ])
        .start();
    run.wait("cmd ready");
    let bg = spawned(&mut run, 0);
    let status = run.init_exit();
    let marker = format!("bg sig {SIGDRAIN}");
    let (src, _) = match run.mode {
        Mode::Child => {
            // Still there? It records the sentinel, or the harness reaps it.
            kill(bg, SIGDRAIN);
            let gone = format!("exit {bg} ");
            run.either(|s, l| {
                (s == Src::Out && l == marker) || (s == Src::Report && l.starts_with(&gone))
            })
        }
        Mode::Pid1 => {
            // The namespace is gone with its init: nothing is left to answer.
            let lines = run.stdout_eof();
            let got = signals_of(&lines, "bg");
            return Leftover {
                status,
                got,
                survived: lines.contains(&marker),
            };
        }
    };
    let survived = src == Src::Out;
    let got = signals_of(run.seen(), "bg")
        .into_iter()
        .take_while(|&s| s != SIGDRAIN)
        .collect();
    Leftover {
        status,
        got,
        survived,
    }
}

/// pidone's graceful shutdown, turned on by `PIDONE_GRACE=1s` under any
/// name: the command exits 5 and leaves `polite`, which cleans up on
/// SIGTERM until stdin closes, and `stubborn`, which ignores SIGTERM.
/// Asserts what pidone must do; there is no peer to compare with.
pub fn graceful(setup: Setup) {
    let mut run = setup
        .env("PIDONE_GRACE", "1s")
        .probe([
            "spawn",
            "[",
            "tag",
            "polite",
            "block",
            "ready",
            "record",
            "--until",
            "15",
            "say",
            "cleaning",
            "wait-stdin",
            "say",
            "bye",
            "exit",
            "0",
            "]", //
            "spawn",
            "[",
            "tag",
            "stubborn",
            "block",
            "ready",
            "record",
            "]", //
            "block",
            "ready",
            "exit",
            "5",
        ])
        .start();
    run.wait("cmd ready");
    let stubborn = spawned(&mut run, 1);
    let top = format!("exit {} ", run.top());
    let (src, line) = run.either(|s, l| {
        (s == Src::Out && l == "polite cleaning") || (s == Src::Report && l.starts_with(&top))
    });
    assert_eq!(
        src,
        Src::Out,
        "the init exited ({line}) before the leftovers got SIGTERM; stdout:\n{}",
        run.seen().join("\n")
    );
    run.wait("stubborn sig 15");
    // The init waits for the cleanup: if it had exited, polite would be
    // dead (PID 1) or the harness's (subreaper), and never say bye after
    // stdin closes.
    assert!(
        !run.reported_exit(run.top()),
        "the init exited during the cleanup: {:?}",
        run.reports()
    );
    run.close_stdin();
    run.wait("polite bye");
    let status = run.init_exit();
    assert_eq!(status, Status::Code(5), "the command's status");
    run.done();
    let top = run.top();
    let mode = run.mode;
    let outcome = run.finish();
    let exits: Vec<&String> = outcome
        .reports
        .iter()
        .filter(|r| r.starts_with("exit "))
        .collect();
    assert_eq!(
        exits.len(),
        1,
        "the init reaped everything itself ({mode:?}, init {top}): {:?}",
        outcome.reports
    );
    assert!(
        !outcome
            .stdout
            .iter()
            .any(|l| l.starts_with("stubborn exiting")),
        "{:?}",
        outcome.stdout
    );
    assert!(
        outcome
            .stderr
            .lines()
            .any(|l| l.starts_with("pidone: grace period over: killed ")
                && mentions_number(l, stubborn)),
        "stderr names the process it killed ({stubborn}):\n{}",
        outcome.stderr
    );
}

/// The command's signal mask and ignored signals, with the init started
/// with SIGUSR2 blocked and SIGHUP ignored: (SigBlk, SigIgn) in hex.
pub fn inherited_signals(setup: Setup) -> (u64, u64) {
    let line = status_line(setup.harness("--dirty"));
    let hex = |key| u64::from_str_radix(field(&line, key), 16).expect("hex");
    (hex("sigblk"), hex("sigign"))
}

/// The `cmd status` line of a command that reports its status and exits 0.
pub fn status_line(setup: Setup) -> String {
    let outcome = setup.probe(["status", "exit", "0"]).outcome();
    outcome
        .stdout
        .iter()
        .find(|l| l.starts_with("cmd status"))
        .cloned()
        .unwrap_or_else(|| panic!("no status: {outcome:?}"))
}

pub fn mask(signals: &[i32]) -> u64 {
    signals.iter().map(|&s| 1u64 << (s - 1)).sum()
}

#[derive(Debug, PartialEq, Eq)]
pub struct Inherited {
    /// Whether the command got the init's fd 5.
    pub command_has_fd5: bool,
    /// Whether the init still holds fd 5 once the command runs.
    pub init_keeps_fd5: bool,
    /// Whether the init's working directory became `/`.
    pub init_cwd_is_root: bool,
}

/// The init gets /dev/null on fd 5 and the test's working directory (not
/// `/`); what does it keep once the command runs?
pub fn inherited_fds_and_cwd(setup: Setup) -> Inherited {
    let mut run = setup
        .harness("--extra-fd")
        .probe(["status", "block", "ready", "record", "--exit-on", "63=0"])
        .start();
    let status = run.wait("cmd status");
    run.wait("cmd ready");
    // Once a signal went through, the init is in its main loop.
    run.signal_and_sync(SIGUSR1, &["cmd"]);
    let init = run.init_pid();
    let inherited = Inherited {
        command_has_fd5: field(&status, "fds").split(',').any(|f| f == "5"),
        init_keeps_fd5: fds_of(init).contains(&5),
        init_cwd_is_root: cwd_of(init) == Path::new("/"),
    };
    run.signal(SIGEND);
    run.init_exit();
    inherited
}

/// Runs `args` to the end; for help, version, usage errors, exec failures.
pub fn oneshot(init: &Path, mode: Mode, args: &[&str]) -> Outcome {
    Setup::new(init, mode).args(args).outcome()
}

/// What a caller sees of a run that prints and exits: the status, and
/// whether anything went to stdout and to stderr.
#[derive(Debug, PartialEq, Eq)]
pub struct Printed {
    pub status: Option<Status>,
    pub stdout: bool,
    pub stderr: bool,
}

pub fn printed(outcome: &Outcome) -> Printed {
    Printed {
        status: outcome.status,
        stdout: !outcome.stdout.is_empty(),
        stderr: !outcome.stderr.is_empty(),
    }
}

/// Text as a peer words it, with what may differ between two runs made
/// alike: argv[0]'s directory, where it starts a line (getopt's messages),
/// the pid in tini's and catatonit's prefixes, and the version pidone adds
/// its name to.
pub fn peer_words(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = match line.split_once(": ") {
            Some((argv0, rest)) if argv0.starts_with('/') && !argv0.contains(' ') => {
                format!("{}: {rest}", argv0.rsplit('/').next().unwrap_or(argv0))
            }
            _ => line.to_string(),
        };
        let line = match (line.find(" tini ("), line.find(")] ")) {
            (Some(open), Some(close)) if line.starts_with('[') && open < close => {
                format!("{}<pid>{}", &line[..open + 7], &line[close..])
            }
            _ => line,
        };
        let line = match (line.find(" (catatonit:"), line.find("): ")) {
            (Some(open), Some(close)) if open < close => {
                format!("{}<pid>{}", &line[..open + 12], &line[close..])
            }
            _ => line,
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.replace(
        concat!(" (pidone ", env!("CARGO_PKG_VERSION"), ") - git.pidone"),
        "",
    )
}

/// A usage error from pidone: exactly one line, in its own words.
pub fn assert_one_pidone_line(outcome: &Outcome, what: &str) {
    let lines: Vec<&str> = outcome.stderr.lines().collect();
    assert!(
        lines.len() == 1 && lines[0].starts_with("pidone: "),
        "{what}: expected one `pidone: ` line on stderr, got:\n{}",
        outcome.stderr
    );
}

// ------------------------------------------------ scenarios shared by peers
//
// Each runs one scenario with the real `peer` and with pidone called
// `name`, and asserts what every peer's test expects of it; the peer's
// option spelling comes in `args`.

pub fn setup(init: &Path, mode: Mode, args: &[&str]) -> Setup {
    Setup::new(init, mode).args(args)
}

/// `setup` with the environment variable `env`, if any.
fn with_env(setup: Setup, env: Option<(&str, &str)>) -> Setup {
    match env {
        Some((key, value)) => setup.env(key, value),
        None => setup,
    }
}

/// The command's exit code, or 128 + the signal that killed it, is the
/// init's.
pub fn exit_status_passes_through(peer: &str, name: &str, mode: Mode, args: &[&str]) {
    let statuses = differential(peer, name, |init| {
        [
            vec!["exit", "0"],
            vec!["exit", "3"],
            vec!["die", "TERM"],
            vec!["die", "USR1"],
        ]
        .into_iter()
        .map(|steps| setup(init, mode, args).probe(steps).outcome().status)
        .collect::<Vec<_>>()
    });
    let expected = [0, 3, 128 + SIGTERM, 128 + SIGUSR1].map(|c| Some(Status::Code(c)));
    assert_eq!(statuses, expected, "{name} {mode:?}");
}

/// Programs that cannot be run (missing, not in PATH, not executable, a
/// path through a file), each after each of `prefixes`: the init exits
/// with the program's entry in `codes` and says why on stderr.
pub fn exec_failures(peer: &str, name: &str, prefixes: &[&[&str]], codes: [i32; 4]) {
    let bad = BadPrograms::new();
    let statuses = differential(peer, name, |init| {
        [
            "/nonexistent/program".to_owned(),
            "no-such-program-in-path".to_owned(),
            bad.path("not-executable"),
            "/etc/passwd/x".to_owned(),
        ]
        .iter()
        .flat_map(|program| {
            prefixes
                .iter()
                .map(|prefix| {
                    let mut args = prefix.to_vec();
                    args.push(program);
                    let outcome = oneshot(init, Mode::Pid1, &args);
                    (outcome.status, outcome.stderr.is_empty())
                })
                .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>()
    });
    let expected: Vec<_> = codes
        .iter()
        .flat_map(|&c| prefixes.iter().map(move |_| (Some(Status::Code(c)), false)))
        .collect();
    assert_eq!(statuses, expected);
}

/// glibc's execvp runs an executable file that the kernel cannot execute
/// (ENOEXEC) with /bin/sh: a script without `#!` (after `prefix`) works.
pub fn script_without_shebang_runs_with_sh(peer: &str, name: &str, prefix: &[&str]) {
    let bad = BadPrograms::new();
    let outcomes = differential(peer, name, |init| {
        ["no-shebang", "garbage"]
            .iter()
            .map(|program| {
                let path = bad.path(program);
                let mut args = prefix.to_vec();
                args.push(&path);
                let outcome = oneshot(init, Mode::Pid1, &args);
                (outcome.status, outcome.stdout)
            })
            .collect::<Vec<_>>()
    });
    assert_eq!(
        outcomes[0],
        (Some(Status::Code(7)), vec!["ran-by-sh".to_owned()])
    );
}

/// Runs `args` to the end with both; asserts that both print alike, and
/// as `expected`. Returns (peer's, pidone's) outcomes.
pub fn prints(
    peer: &str,
    name: &str,
    mode: Mode,
    args: &[&str],
    expected: Printed,
) -> (Outcome, Outcome) {
    prints_alike(peer, name, &format!("{name} {args:?}"), expected, |init| {
        oneshot(init, mode, args)
    })
}

/// Asserts that the outcomes of `run` with both print alike, and as
/// `expected`. Returns (peer's, pidone's) outcomes.
pub fn prints_alike(
    peer: &str,
    name: &str,
    what: &str,
    expected: Printed,
    run: impl Fn(&Path) -> Outcome + Sync,
) -> (Outcome, Outcome) {
    let (theirs, ours) = both(peer, name, run);
    assert_eq!(printed(&ours), printed(&theirs), "{what}");
    assert_eq!(printed(&theirs), expected, "{what}");
    (theirs, ours)
}

/// `args` print the version on stdout in the `tini version VERSION` form
/// that Docker parses, with pidone named too.
pub fn version_docker_parses(peer: &str, name: &str, args: &[&str], version: &str) {
    let (theirs, ours) = prints(
        peer,
        name,
        Mode::Child,
        args,
        Printed {
            status: Some(Status::Code(0)),
            stdout: true,
            stderr: false,
        },
    );
    let (theirs, ours) = (theirs.stdout_text(), ours.stdout_text());
    assert!(
        ours.starts_with(&format!("tini version {version}")),
        "{ours}"
    );
    assert!(ours.contains("pidone"), "{ours}");
    assert_eq!(docker_init_version(&theirs).as_deref(), Some(version));
    let parsed = docker_init_version(&ours).expect("Docker parses it");
    assert!(parsed.starts_with(version), "{parsed}");
}

/// `option` prints a license on stdout and exits 0: the peer's mentions
/// `license`, pidone's is its own.
pub fn license_on_stdout(peer: &str, name: &str, option: &str, license: &str) {
    let (theirs, ours) = both(peer, name, |init| oneshot(init, Mode::Child, &[option]));
    assert_eq!(printed(&ours), printed(&theirs));
    assert_eq!(printed(&ours).status, Some(Status::Code(0)));
    assert!(theirs.stdout_text().contains(license));
    assert!(
        ours.stdout_text().contains("pidone"),
        "{}",
        ours.stdout_text()
    );
}

/// Each of `cases` is a usage error: exit 1, a message on stderr (the
/// peer's own words, or one line in pidone's), nothing on stdout.
pub fn usage_errors(peer: &str, name: &str, cases: &[&[&str]]) {
    for args in cases {
        let (theirs, ours) = prints(
            peer,
            name,
            Mode::Pid1,
            args,
            Printed {
                status: Some(Status::Code(1)),
                stdout: false,
                stderr: true,
            },
        );
        if peer_words(&ours.stderr) != peer_words(&theirs.stderr) {
            assert_one_pidone_line(&ours, &format!("{args:?}: not the peer's words either"));
        }
    }
}

/// The init's status and the argv the probe got (peerprobe's path as
/// `PROBE`), as PID 1 started with `args`.
pub fn argv_seen(peer: &str, name: &str, args: &[&str]) -> (Option<Status>, Option<String>) {
    let probe = peerprobe();
    differential(peer, name, |init| {
        let outcome = Setup::new(init, Mode::Pid1).args(args).outcome();
        let argv = outcome
            .stdout
            .iter()
            .find_map(|l| l.strip_prefix("cmd argv "))
            .map(|a| a.replace(&probe, "PROBE"));
        (outcome.status, argv)
    })
}

/// GNU getopt permutes: each of `cases` is (args, exit code, argv the
/// program gets, if it runs).
pub fn options_after_the_program(peer: &str, name: &str, cases: &[(Vec<&str>, i32, Option<&str>)]) {
    for (args, code, argv) in cases {
        let seen = argv_seen(peer, name, args);
        assert_eq!(
            seen,
            (Some(Status::Code(*code)), argv.map(String::from)),
            "{args:?}"
        );
    }
}

/// Each of `signals`, sent to the init running `family()`, goes to the
/// command, but those in `ignored`; with `group`, the others go to `gc` in
/// the command's process group too. `other`, outside it, gets nothing.
pub fn signals_forwarded(
    peer: &str,
    name: &str,
    mode: Mode,
    args: &[&str],
    signals: &[i32],
    ignored: &[i32],
    group: bool,
) {
    let seen = differential(peer, name, |init| {
        forwarding(setup(init, mode, args), signals)
    });
    for (sig, got) in &seen.cmd {
        let expected = if ignored.contains(sig) {
            vec![]
        } else {
            vec![*sig]
        };
        assert_eq!(*got, expected, "signal {sig} {args:?} {mode:?}");
    }
    let mut expected: Vec<i32> = if group {
        signals
            .iter()
            .copied()
            .filter(|s| !ignored.contains(s))
            .collect()
    } else {
        vec![]
    };
    expected.sort_unstable();
    assert_eq!(seen.gc, expected, "{args:?} {mode:?}");
    assert_eq!(seen.other, [], "{args:?} {mode:?}");
    assert_eq!(seen.status, Status::Code(0));
}

/// The 3 orphans of `orphans()` are all reaped by `reaper`, and the
/// command's 0 is the init's.
pub fn orphans_reaped_by(
    peer: &str,
    name: &str,
    mode: Mode,
    args: &[&str],
    env: Option<(&str, &str)>,
    reaper: Reaper,
) {
    let seen = differential(peer, name, |init| {
        let o = orphans(with_env(setup(init, mode, args), env));
        (o.reapers, o.status)
    });
    assert_eq!(
        seen,
        (vec![reaper; 3], Status::Code(0)),
        "{mode:?} {args:?} {env:?}"
    );
}

/// The init exits with the command's 5, once the leftover of `leftover()`
/// got `got` from it; whether the leftover runs on is `survived`.
pub fn leftover_gets(
    peer: &str,
    name: &str,
    mode: Mode,
    args: &[&str],
    got: &[i32],
    survived: bool,
) {
    let seen = differential(peer, name, |init| leftover(setup(init, mode, args)));
    assert_eq!(
        seen,
        Leftover {
            status: Status::Code(5),
            got: got.to_vec(),
            survived
        },
        "{mode:?} {args:?}"
    );
}

/// Whether anything is logged on stderr in an uneventful run, with `env`
/// set, is `logged`.
pub fn logs_on_stderr(
    peer: &str,
    name: &str,
    mode: Mode,
    args: &[&str],
    env: Option<(&str, &str)>,
    logged: bool,
) {
    let seen = differential(peer, name, |init| {
        let outcome = with_env(setup(init, mode, args), env)
            .probe(["exit", "0"])
            .outcome();
        (outcome.status, !outcome.stderr.is_empty())
    });
    assert_eq!(
        seen,
        (Some(Status::Code(0)), logged),
        "{args:?} {env:?} {mode:?}"
    );
}

/// How `graceful_as` starts one run: mode, args, environment variable.
pub type GracefulSetup<'a> = (Mode, &'a [&'a str], Option<(&'a str, &'a str)>);

/// `graceful()` with pidone called `name`, on each of `setups` at the same
/// time.
pub fn graceful_as(name: &str, setups: &[GracefulSetup]) {
    let named = pidone_as(name);
    let start = |&(mode, args, env): &GracefulSetup| {
        graceful(with_env(setup(&named.path, mode, args), env));
    };
    let (last, rest) = setups.split_last().expect("a setup");
    std::thread::scope(|s| {
        for one in rest {
            s.spawn(|| start(one));
        }
        start(last);
    });
}

/// Known difference: pidone forwards synchronous signals sent with kill();
/// the peer leaves them unblocked, so as a plain child (with `child_args`)
/// it dies of them, and as PID 1 (with `pid1_args`) the kernel drops them.
pub fn synchronous_signals_kill_the_peer(
    peer: &str,
    name: &str,
    child_args: &[&str],
    pid1_args: &[&str],
) {
    let signals = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS];
    for sig in signals {
        let (theirs, ours) = both(peer, name, |init| {
            let mut run = setup(init, Mode::Child, child_args)
                .probe(["block", "ready", "record", "--exit-on", "63=0"])
                .start();
            run.wait("cmd ready");
            run.signal(sig);
            run.either(|s, l| {
                (s == Src::Out && l.starts_with("cmd sig"))
                    || (s == Src::Report && l.starts_with("exit "))
            })
        });
        assert_eq!(theirs.0, Src::Report, "{peer} dies of {sig}: {theirs:?}");
        assert!(theirs.1.ends_with(&format!("signal {sig}")), "{theirs:?}");
        assert_eq!(ours, (Src::Out, format!("cmd sig {sig}")));
    }
    let (theirs, ours) = both(peer, name, |init| {
        forwarding(setup(init, Mode::Pid1, pid1_args), &signals).cmd
    });
    assert_eq!(theirs, signals.map(|s| (s, vec![])));
    assert_eq!(ours, signals.map(|s| (s, vec![s])));
}

/// The command's (SigBlk, SigIgn) under the peer are `theirs`, under
/// pidone `ours`: see `inherited_signals()`.
pub fn inherited_signal_state(
    peer: &str,
    name: &str,
    args: &[&str],
    theirs: (u64, u64),
    ours: (u64, u64),
) {
    let seen = both(peer, name, |init| {
        inherited_signals(setup(init, Mode::Child, args))
    });
    assert_eq!(seen.0, theirs);
    assert_eq!(seen.1, ours);
}

/// What the peer and pidone keep of their descriptors and working
/// directory: see `inherited_fds_and_cwd()`.
pub fn inherited_descriptors(
    peer: &str,
    name: &str,
    args: &[&str],
    theirs: Inherited,
    ours: Inherited,
) {
    let seen = both(peer, name, |init| {
        inherited_fds_and_cwd(setup(init, Mode::Child, args))
    });
    assert_eq!(seen.0, theirs);
    assert_eq!(seen.1, ours);
}
