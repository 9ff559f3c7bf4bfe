#![allow(clippy::unwrap_used, clippy::expect_used)]
//! probe: a scriptable workload for pidone's integration tests.
//!
//! `probe STEP...` runs its steps in order, then exits 0. Every line it prints
//! starts with its tag (default `probe`) and goes out in one `write`, so lines
//! from many probes sharing one pipe never interleave. Steps:
//!
//! | step | what it does |
//! | --- | --- |
//! | `tag NAME` | prefix later output lines with NAME |
//! | `block` | block every signal (children inherit the mask from birth) |
//! | `ignore SIG` | set SIG's disposition to SIG_IGN |
//! | `ready` | print `TAG ready pid=P pgid=G sid=S`, release a waiting `spawn` |
//! | `spawn [--setsid] [--orphan] [--stopped] [--no-wait] [ STEP... ]` | start a probe running STEP...; wait until it is `ready` (or gone); print `TAG spawned PID`. `--orphan`: double fork, so the new probe's parent exits at once; `--stopped`: wait until it has stopped itself |
//! | `await-spawned` | wait until every probe started by `spawn` (and all they started) has exited |
//! | `report [--out FILE] [--until-eof] [--eof-exit N] [--exit-on SIG=N]... [--stop-on SIG]...` | needs `block`. Print `TAG sig N from PID` for each signal received. `--until-eof`: stop when stdin reaches end of file (pending signals are reported first); `--exit-on`: print `TAG exiting N` and exit N; `--stop-on`: go on with the next step |
//! | `exit N` | print `TAG exiting N`, exit N |
//! | `raise SIG` | die of SIG (default action, no core dump) |
//! | `status` | print `TAG status pid= ppid= pgid= sid= tpgid= sigblk= sigign= sigcgt= fds= fd0= fd1= fd2=`; the signal fields are the mask, ignored and caught signals the process was started with (captured before Rust's runtime sets SIGPIPE to ignored and installs its SIGSEGV/SIGBUS handlers), as hex bit sets like /proc's |
//! | `args` | print `TAG arg HEX` per argv element, `TAG env HEX` per environment entry, `TAG args-end`; exit 0 (ignores the rest of argv) |
//! | `cat` | copy stdin to stdout until end of file |
//! | `stderr TEXT` | write TEXT and a newline to stderr |
//! | `orphans N [CODES]` | make N orphans (double fork) that all exit together; CODES is a comma list cycled over them, `7` = exit 7, `k9` = killed by signal 9. Prints `TAG orphan PID` for each, then `TAG orphans-exited N` once every one of them is dead |
//! | `sleep MS` | sleep MS milliseconds (a workload doing slow cleanup) |
//! | `write FILE TEXT` | append the line `TAG TEXT` to FILE |
//! | `stop` | stop itself with SIGSTOP |
//! | `pause` | sleep until killed |
//! | `wait-stdin` | read stdin until end of file |
//! | `subreaper` | become a child subreaper |
//! | `reap-all` | wait for every child, printing `TAG reaped PID code N` or `TAG reaped PID signal N`, until none is left |
//! | `exec PROG ARG...` | replace itself with PROG (takes the rest of argv) |

use std::ffi::{CString, OsString};
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

#[path = "support/sys.rs"]
mod sys;
use sys::{check, close, errno, exec, exit, fork, pipe, read_to_eof, write_fd};

const READY_FD_VAR: &str = "PROBE_READY_FD";

/// Signal state at exec time, as /proc-style bit sets (bit N-1 = signal N).
static START_BLOCKED: AtomicU64 = AtomicU64::new(0);
static START_IGNORED: AtomicU64 = AtomicU64::new(0);
static START_CAUGHT: AtomicU64 = AtomicU64::new(0);

/// Runs from .init_array, before Rust's runtime touches any disposition.
extern "C" fn capture_start_state() {
    // SAFETY: querying (not changing) the mask and dispositions.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigprocmask(libc::SIG_BLOCK, std::ptr::null(), &mut set);
        let (mut blocked, mut ignored, mut caught) = (0u64, 0u64, 0u64);
        for sig in 1..=64 {
            let bit = 1u64 << (sig - 1);
            if libc::sigismember(&set, sig) == 1 {
                blocked |= bit;
            }
            let mut act: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(sig, std::ptr::null(), &mut act) == 0 {
                if act.sa_sigaction == libc::SIG_IGN {
                    ignored |= bit;
                } else if act.sa_sigaction != libc::SIG_DFL {
                    caught |= bit;
                }
            }
        }
        START_BLOCKED.store(blocked, Ordering::Relaxed);
        START_IGNORED.store(ignored, Ordering::Relaxed);
        START_CAUGHT.store(caught, Ordering::Relaxed);
    }
}

#[used]
#[unsafe(link_section = ".init_array")]
static CAPTURE_START_STATE: extern "C" fn() = capture_start_state;

struct Probe {
    tag: String,
    exe: PathBuf,
    /// Write end of the pipe a waiting `spawn` reads: closed at `ready`.
    ready_fd: Option<i32>,
    /// Read ends of the life pipes of spawned probes.
    spawned_life: Vec<i32>,
}

fn main() {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let ready_fd = std::env::var(READY_FD_VAR)
        .ok()
        .and_then(|v| v.parse::<i32>().ok());
    if let Some(fd) = ready_fd {
        set_cloexec(fd);
        // SAFETY: single-threaded at this point.
        unsafe { std::env::remove_var(READY_FD_VAR) };
    }
    let mut probe = Probe {
        tag: "probe".into(),
        exe: std::env::current_exe().expect("current_exe"),
        ready_fd,
        spawned_life: Vec::new(),
    };
    probe.run(&args);
    exit(0);
}

fn fail(msg: &str) -> ! {
    let _ = std::io::stderr().write_all(format!("probe: {msg}\n").as_bytes());
    exit(99);
}

fn set_cloexec(fd: i32) {
    // SAFETY: plain fcntl on an fd we own.
    unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
}

pub fn parse_signal(s: &str) -> i32 {
    const NAMES: &[(&str, i32)] = &[
        ("HUP", 1),
        ("INT", 2),
        ("QUIT", 3),
        ("ILL", 4),
        ("TRAP", 5),
        ("ABRT", 6),
        ("BUS", 7),
        ("FPE", 8),
        ("KILL", 9),
        ("USR1", 10),
        ("SEGV", 11),
        ("USR2", 12),
        ("PIPE", 13),
        ("ALRM", 14),
        ("TERM", 15),
        ("STKFLT", 16),
        ("CHLD", 17),
        ("CONT", 18),
        ("STOP", 19),
        ("TSTP", 20),
        ("TTIN", 21),
        ("TTOU", 22),
        ("URG", 23),
        ("XCPU", 24),
        ("XFSZ", 25),
        ("VTALRM", 26),
        ("PROF", 27),
        ("WINCH", 28),
        ("IO", 29),
        ("PWR", 30),
        ("SYS", 31),
    ];
    if let Ok(n) = s.parse() {
        return n;
    }
    let up = s.to_ascii_uppercase();
    let name = up.strip_prefix("SIG").unwrap_or(&up);
    if let Some(rest) = name.strip_prefix("RTMIN") {
        return 34
            + rest
                .strip_prefix('+')
                .map_or(0, |n| n.parse().unwrap_or_else(|_| fail(s)));
    }
    if let Some(rest) = name.strip_prefix("RTMAX") {
        return 64
            - rest
                .strip_prefix('-')
                .map_or(0, |n| n.parse().unwrap_or_else(|_| fail(s)));
    }
    NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or_else(|| fail(&format!("bad signal {s}")), |(_, n)| *n)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Probe {
    fn say(&self, line: &str) {
        write_fd(1, format!("{} {line}\n", self.tag).as_bytes());
    }

    fn run(&mut self, args: &[OsString]) {
        let mut i = 0;
        let s = |i: usize| -> String {
            args.get(i)
                .map(|a| a.to_string_lossy().into_owned())
                .unwrap_or_else(|| fail("missing argument"))
        };
        while i < args.len() {
            let step = s(i);
            i += 1;
            match step.as_str() {
                "tag" => {
                    self.tag = s(i);
                    i += 1;
                }
                "block" => block_all(),
                "ignore" => {
                    let sig = parse_signal(&s(i));
                    i += 1;
                    // SAFETY: setting SIG_IGN is always sound.
                    unsafe { libc::signal(sig, libc::SIG_IGN) };
                }
                "ready" => self.ready(),
                "spawn" => {
                    let mut opts = SpawnOpts::default();
                    while s(i) != "[" {
                        match s(i).as_str() {
                            "--setsid" => opts.setsid = true,
                            "--orphan" => opts.orphan = true,
                            "--stopped" => opts.stopped = true,
                            "--no-wait" => opts.no_wait = true,
                            o => fail(&format!("spawn: unknown option {o}")),
                        }
                        i += 1;
                    }
                    i += 1;
                    let start = i;
                    let mut depth = 1;
                    while depth > 0 {
                        match s(i).as_str() {
                            "[" => depth += 1,
                            "]" => depth -= 1,
                            _ => {}
                        }
                        i += 1;
                    }
                    self.spawn(&opts, &args[start..i - 1]);
                }
                "await-spawned" => {
                    for fd in std::mem::take(&mut self.spawned_life) {
                        read_to_eof(fd);
                        close(fd);
                    }
                }
                "report" => {
                    let mut opts = ReportOpts::default();
                    while i < args.len() && s(i).starts_with("--") {
                        let o = s(i);
                        i += 1;
                        match o.as_str() {
                            "--out" => {
                                opts.out = Some(s(i));
                                i += 1;
                            }
                            "--until-eof" => opts.until_eof = true,
                            "--eof-exit" => {
                                opts.eof_exit =
                                    Some(s(i).parse().unwrap_or_else(|_| fail("--eof-exit")));
                                i += 1;
                            }
                            "--exit-on" => {
                                let v = s(i);
                                i += 1;
                                let (sig, code) =
                                    v.split_once('=').unwrap_or_else(|| fail("--exit-on SIG=N"));
                                opts.exit_on.push((
                                    parse_signal(sig),
                                    code.parse().unwrap_or_else(|_| fail("--exit-on")),
                                ));
                            }
                            "--stop-on" => {
                                opts.stop_on.push(parse_signal(&s(i)));
                                i += 1;
                            }
                            _ => fail(&format!("report: unknown option {o}")),
                        }
                    }
                    self.report(&opts);
                }
                "exit" => {
                    let code: i32 = s(i).parse().unwrap_or_else(|_| fail("exit N"));
                    self.say(&format!("exiting {code}"));
                    exit(code);
                }
                "raise" => die_of(parse_signal(&s(i))),
                "status" => self.status(),
                "args" => {
                    self.args();
                    exit(0);
                }
                "cat" => {
                    let mut buf = Vec::new();
                    std::io::stdin()
                        .lock()
                        .read_to_end(&mut buf)
                        .expect("read stdin");
                    write_fd(1, &buf);
                }
                "stderr" => {
                    write_fd(2, format!("{}\n", s(i)).as_bytes());
                    i += 1;
                }
                "orphans" => {
                    let n: usize = s(i).parse().unwrap_or_else(|_| fail("orphans N"));
                    i += 1;
                    let codes = if i < args.len()
                        && s(i)
                            .chars()
                            .next()
                            .is_some_and(|c| c.is_ascii_digit() || c == 'k')
                    {
                        i += 1;
                        s(i - 1)
                    } else {
                        "0".into()
                    };
                    self.orphans(n, &codes);
                }
                "sleep" => {
                    let ms: u64 = s(i).parse().unwrap_or_else(|_| fail("sleep MS"));
                    i += 1;
                    std::thread::sleep(std::time::Duration::from_millis(ms));
                }
                "write" => {
                    let (file, text) = (s(i), s(i + 1));
                    i += 2;
                    append(&file, &format!("{} {text}\n", self.tag));
                }
                "stop" => {
                    // SAFETY: raising a signal at ourselves.
                    unsafe { libc::raise(libc::SIGSTOP) };
                }
                "pause" => loop {
                    // SAFETY: pause has no preconditions.
                    unsafe { libc::pause() };
                },
                "wait-stdin" => {
                    read_to_eof(0);
                }
                "subreaper" => {
                    // SAFETY: plain prctl.
                    check(
                        unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) },
                        "subreaper",
                    );
                }
                "reap-all" => self.reap_all(),
                "exec" => {
                    let argv: Vec<CString> = args[i..]
                        .iter()
                        .map(|a| CString::new(a.as_bytes()).expect("nul in argument"))
                        .collect();
                    exec(&argv);
                }
                other => fail(&format!("unknown step {other}")),
            }
        }
    }

    fn ready(&mut self) {
        // SAFETY: plain getters.
        let (pid, pgid, sid) = unsafe { (libc::getpid(), libc::getpgrp(), libc::getsid(0)) };
        self.say(&format!("ready pid={pid} pgid={pgid} sid={sid}"));
        if let Some(fd) = self.ready_fd.take() {
            close(fd);
        }
    }

    fn spawn(&mut self, opts: &SpawnOpts, steps: &[OsString]) {
        let ready = (!opts.no_wait).then(pipe);
        let (life_r, life_w) = pipe();
        let (pid_r, pid_w) = pipe();
        let pid = fork();
        if pid == 0 {
            close(life_r);
            close(pid_r);
            if let Some(fd) = self.ready_fd.take() {
                close(fd);
            }
            if opts.setsid {
                // SAFETY: plain setsid.
                check(unsafe { libc::setsid() }, "setsid");
            }
            if opts.orphan && fork() != 0 {
                exit(0);
            }
            // SAFETY: plain getpid.
            let me = unsafe { libc::getpid() };
            write_fd(pid_w, &me.to_ne_bytes());
            close(pid_w);
            // Keep the life pipe across exec: it closes when this probe and
            // everything it starts are gone.
            // SAFETY: plain fcntl.
            unsafe { libc::fcntl(life_w, libc::F_SETFD, 0) };
            if let Some((r, w)) = ready {
                close(r);
                // SAFETY: plain fcntl; single-threaded setenv.
                unsafe {
                    libc::fcntl(w, libc::F_SETFD, 0);
                    std::env::set_var(READY_FD_VAR, w.to_string());
                }
            }
            let mut argv = vec![CString::new(self.exe.as_os_str().as_bytes()).expect("exe path")];
            argv.extend(
                steps
                    .iter()
                    .map(|a| CString::new(a.as_bytes()).expect("nul in argument")),
            );
            exec(&argv);
        }
        close(life_w);
        close(pid_w);
        let child = read_to_eof(pid_r);
        close(pid_r);
        let child = i32::from_ne_bytes(
            child
                .try_into()
                .unwrap_or_else(|_| fail("spawn: no pid from child")),
        );
        if opts.orphan {
            // Reap the intermediate process: the new probe is now an orphan.
            let mut st = 0;
            // SAFETY: waiting for our own child.
            check(unsafe { libc::waitpid(pid, &mut st, 0) }, "waitpid");
        }
        if let Some((r, w)) = ready {
            close(w);
            read_to_eof(r);
            close(r);
        }
        if opts.stopped {
            let mut st = 0;
            // SAFETY: waiting for our own child.
            check(
                unsafe { libc::waitpid(child, &mut st, libc::WUNTRACED) },
                "waitpid",
            );
            if !libc::WIFSTOPPED(st) {
                fail("spawned probe did not stop");
            }
        }
        self.spawned_life.push(life_r);
        self.say(&format!("spawned {child}"));
    }

    fn report(&self, opts: &ReportOpts) {
        let mut out_fd = 1;
        if let Some(path) = &opts.out {
            let f = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .custom_flags(libc::O_CLOEXEC)
                .open(path)
                .unwrap_or_else(|e| fail(&format!("open {path}: {e}")));
            out_fd = std::os::fd::IntoRawFd::into_raw_fd(f);
        }
        // SAFETY: sigset manipulation on a local, zeroed set.
        let sfd = unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigfillset(&mut set);
            check(
                libc::signalfd(-1, &set, libc::SFD_NONBLOCK | libc::SFD_CLOEXEC),
                "signalfd",
            )
        };
        let emit = |line: String| write_fd(out_fd, format!("{} {line}\n", self.tag).as_bytes());
        // Returns true when the report should stop.
        let drain = || -> bool {
            loop {
                // SAFETY: zeroed POD, read into it.
                let mut info: libc::signalfd_siginfo = unsafe { std::mem::zeroed() };
                let size = std::mem::size_of::<libc::signalfd_siginfo>();
                // SAFETY: valid buffer of the right size.
                let n = unsafe { libc::read(sfd, (&raw mut info).cast(), size) };
                if n != size as isize {
                    return false;
                }
                let sig = info.ssi_signo as i32;
                emit(format!("sig {sig} from {}", info.ssi_pid));
                if let Some((_, code)) = opts.exit_on.iter().find(|(s, _)| *s == sig) {
                    emit(format!("exiting {code}"));
                    exit(*code);
                }
                if opts.stop_on.contains(&sig) {
                    return true;
                }
            }
        };
        loop {
            let mut fds = [
                libc::pollfd {
                    fd: sfd,
                    events: libc::POLLIN,
                    revents: 0,
                },
                libc::pollfd {
                    fd: 0,
                    events: libc::POLLIN,
                    revents: 0,
                },
            ];
            let nfds = if opts.until_eof { 2 } else { 1 };
            // SAFETY: valid pollfd array.
            let n = unsafe { libc::poll(fds.as_mut_ptr(), nfds, -1) };
            if n < 0 {
                if errno() == libc::EINTR {
                    continue;
                }
                fail("poll");
            }
            if fds[0].revents != 0 && drain() {
                break;
            }
            if opts.until_eof && fds[1].revents != 0 {
                let mut buf = [0u8; 512];
                // SAFETY: valid buffer.
                let r = unsafe { libc::read(0, buf.as_mut_ptr().cast(), buf.len()) };
                if r <= 0 && !(r < 0 && errno() == libc::EINTR) {
                    if drain() {
                        break;
                    }
                    emit("eof".into());
                    if let Some(code) = opts.eof_exit {
                        emit(format!("exiting {code}"));
                        exit(code);
                    }
                    break;
                }
            }
        }
        close(sfd);
        if out_fd != 1 {
            close(out_fd);
        }
    }

    fn status(&self) {
        let bits = |a: &AtomicU64| format!("{:016x}", a.load(Ordering::Relaxed));
        let mut fds: Vec<i32> = std::fs::read_dir("/proc/self/fd")
            .expect("/proc/self/fd")
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse().ok()))
            .filter(|fd| {
                // Leave out the directory fd of this very listing.
                std::fs::read_link(format!("/proc/self/fd/{fd}"))
                    .is_ok_and(|t| !t.to_string_lossy().ends_with("/fd"))
            })
            .collect();
        fds.sort_unstable();
        let link = |fd: i32| {
            std::fs::read_link(format!("/proc/self/fd/{fd}"))
                .map_or_else(|_| "-".into(), |t| t.to_string_lossy().replace(' ', "_"))
        };
        // SAFETY: plain getters.
        let (pid, ppid, pgid, sid, tpgid) = unsafe {
            (
                libc::getpid(),
                libc::getppid(),
                libc::getpgrp(),
                libc::getsid(0),
                libc::tcgetpgrp(0),
            )
        };
        let fd_list: Vec<String> = fds.iter().map(|f| f.to_string()).collect();
        self.say(&format!(
            "status pid={pid} ppid={ppid} pgid={pgid} sid={sid} tpgid={tpgid} sigblk={} sigign={} sigcgt={} fds={} fd0={} fd1={} fd2={}",
            bits(&START_BLOCKED),
            bits(&START_IGNORED),
            bits(&START_CAUGHT),
            fd_list.join(","),
            link(0),
            link(1),
            link(2),
        ));
    }

    fn args(&self) {
        let cmdline = std::fs::read("/proc/self/cmdline").expect("/proc/self/cmdline");
        let environ = std::fs::read("/proc/self/environ").expect("/proc/self/environ");
        let mut out = String::new();
        for (kind, data) in [("arg", &cmdline), ("env", &environ)] {
            if data.is_empty() {
                continue;
            }
            // Each entry ends with a NUL.
            for item in data[..data.len() - 1].split(|b| *b == 0) {
                out.push_str(&format!("{} {kind} {}\n", self.tag, hex(item)));
            }
        }
        out.push_str(&format!("{} args-end\n", self.tag));
        write_fd(1, out.as_bytes());
    }

    fn orphans(&self, n: usize, codes: &str) {
        let codes: Vec<&str> = codes.split(',').collect();
        // The orphans hold `go` open and wait for it to close, so they all
        // exit together after we hold a pidfd for each of them.
        raise_nofile_limit();
        let (go_r, go_w) = pipe();
        let (pid_r, pid_w) = pipe();
        let mut pidfds = Vec::with_capacity(n);
        let mut out = String::new();
        let mut pids = Vec::with_capacity(n);
        for k in 0..n {
            let code = codes[k % codes.len()];
            let mid = fork();
            if mid == 0 {
                let grandchild = fork();
                if grandchild == 0 {
                    close(go_w);
                    close(pid_r);
                    close(pid_w);
                    read_to_eof(go_r);
                    match code.strip_prefix('k') {
                        Some(sig) => die_of(parse_signal(sig)),
                        None => exit(code.parse().unwrap_or_else(|_| fail("orphans: bad code"))),
                    }
                }
                write_fd(pid_w, &grandchild.to_ne_bytes());
                exit(0);
            }
            let mut st = 0;
            // SAFETY: waiting for our own child.
            check(unsafe { libc::waitpid(mid, &mut st, 0) }, "waitpid");
            let mut buf = [0u8; 4];
            // SAFETY: valid buffer; the pid was written before the child exited.
            if unsafe { libc::read(pid_r, buf.as_mut_ptr().cast(), 4) } != 4 {
                fail("orphans: no pid");
            }
            let pid = i32::from_ne_bytes(buf);
            pids.push(pid);
            // SAFETY: plain syscall; the orphan is alive (it waits on `go`).
            let pidfd = check(
                unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) } as i32,
                "pidfd_open",
            );
            pidfds.push(pidfd);
            out.push_str(&format!("{} orphan {pid}\n", self.tag));
        }
        close(pid_r);
        close(pid_w);
        close(go_r);
        write_fd(1, out.as_bytes());
        close(go_w);
        for pidfd in pidfds {
            let mut p = libc::pollfd {
                fd: pidfd,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: valid pollfd; a pidfd polls readable once the process has exited.
            while unsafe { libc::poll(&mut p, 1, -1) } < 0 && errno() == libc::EINTR {}
            close(pidfd);
        }
        self.say(&format!("orphans-exited {n}"));
    }

    fn reap_all(&self) {
        loop {
            let mut st = 0;
            // SAFETY: waiting for any child.
            let pid = unsafe { libc::waitpid(-1, &mut st, 0) };
            if pid < 0 {
                if errno() == libc::EINTR {
                    continue;
                }
                return;
            }
            if libc::WIFSIGNALED(st) {
                self.say(&format!("reaped {pid} signal {}", libc::WTERMSIG(st)));
            } else {
                self.say(&format!("reaped {pid} code {}", libc::WEXITSTATUS(st)));
            }
        }
    }
}

#[derive(Default)]
struct SpawnOpts {
    setsid: bool,
    orphan: bool,
    stopped: bool,
    no_wait: bool,
}

#[derive(Default)]
struct ReportOpts {
    out: Option<String>,
    until_eof: bool,
    eof_exit: Option<i32>,
    exit_on: Vec<(i32, i32)>,
    stop_on: Vec<i32>,
}

fn block_all() {
    // SAFETY: sigset manipulation on a local, zeroed set.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut set);
        check(
            libc::sigprocmask(libc::SIG_SETMASK, &set, std::ptr::null_mut()),
            "sigprocmask",
        );
    }
}

fn die_of(sig: i32) -> ! {
    // SAFETY: prctl/signal/sigprocmask/raise with valid arguments.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
        libc::signal(sig, libc::SIG_DFL);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, sig);
        libc::kill(libc::getpid(), sig);
        libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
    }
    fail(&format!("still alive after signal {sig}"));
}

fn raise_nofile_limit() {
    // SAFETY: get/setrlimit on a local struct.
    unsafe {
        let mut lim: libc::rlimit = std::mem::zeroed();
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
        lim.rlim_cur = lim.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
    }
}

fn append(path: &str, text: &str) {
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .unwrap_or_else(|e| fail(&format!("open {path}: {e}")));
    f.write_all(text.as_bytes())
        .unwrap_or_else(|e| fail(&format!("write {path}: {e}")));
}
