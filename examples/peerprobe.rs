#![allow(clippy::unwrap_used, clippy::expect_used)]
//! peerprobe: harness and workload for the differential tests that run
//! pidone under a peer's name (`tests/peers_*.rs`) side by side with the
//! real tini, dumb-init and catatonit.
//!
//! `peerprobe harness [OPTION...] -- PROG ARG...` starts PROG (the init, or
//! `unshare ... INIT ...`) and reports on its stdout, one line each:
//! `init PID` (the process it started), `exit PID code N` or
//! `exit PID signal N` for every process it reaps (it is a child subreaper,
//! so orphans that no init adopted and processes left over by an init that
//! exited come to it), `stop PID sig N` and `cont PID` for its stopped and
//! continued children, and `done` when it has no child left. PROG runs in
//! a process group of its own, with the harness's fd 3 as its stdout.
//! Options, all applied to PROG only:
//!
//! | option | effect |
//! | --- | --- |
//! | `--parent` | start PROG from an intermediate process that then waits to be killed (for `-p`: the init's parent dies) |
//! | `--dirty` | start PROG with SIGUSR2 blocked and SIGHUP ignored |
//! | `--extra-fd` | start PROG with /dev/null open on fd 5 (not close-on-exec) |
//! | `--listen-pid-self` | set `LISTEN_PID` to PROG's own pid |
//!
//! `peerprobe announce -- PROG ARG...` blocks every signal, prints
//! `announce PID` and execs PROG: the test knows the init's pid (in PID 1
//! mode too) before it runs, and signals it sends from then on wait for
//! the init to handle them.
//!
//! `peerprobe STEP...` is the workload: it runs the steps in order, then
//! exits 0. Every line it prints starts with its tag (default `cmd`) and goes
//! out in one `write`, so lines of processes sharing a pipe never mix.
//!
//! | step | what it does |
//! | --- | --- |
//! | `tag NAME` | prefix later lines with NAME |
//! | `status` | print `TAG status pid= ppid= pgid= sid= sigblk= sigign= cwd= listen_pid= fds=` (sigign without SIGPIPE, which Rust's runtime ignores) |
//! | `args` | print `TAG argv` and the arguments, `\|`-separated; exit 0 (what follows is only arguments) |
//! | `block` | block every signal (needed before `record`) |
//! | `ready` | print `TAG ready pid= pgid= sid=` and release the `spawn` waiting for it |
//! | `record [--until SIG] [--exit-on SIG=CODE]... [--die-on SIG]` | print `TAG sig N` for each signal received (never SIGCHLD); `--until`: go on with the next step after SIG; `--exit-on`: print `TAG exiting CODE` and exit CODE; `--die-on`: die of SIG |
//! | `spawn [--orphan] [--setsid] [--newpgrp] [ STEP... ]` | fork a process running STEP... and wait until it is `ready` (or gone); print `TAG spawned PID`. `--orphan`: its parent exits at once; `--newpgrp`: it gets a process group of its own (`home-pgrp` takes it back) |
//! | `home-pgrp` | rejoin the process group left by the nearest `spawn --newpgrp` |
//! | `watch [ STEP... ]` | fork a process running STEP..., wait until it is ready, become `ready`, then print `TAG child stopped SIG`, `TAG child continued`, `TAG child exited` as it happens; go on when it has exited |
//! | `orphans N` | make N orphans (their parent exits at once) that then exit together; print `TAG orphan PID` each and `TAG orphans-dead N` once all are zombies or reaped |
//! | `check-orphans` | print `TAG orphan PID reaped` or `TAG orphan PID zombie` for each orphan of `orphans` |
//! | `say TEXT` | print `TAG TEXT` |
//! | `wait-stdin` | read stdin until end of file |
//! | `exit N` | print `TAG exiting N` and exit N |
//! | `die SIG` | die of SIG (no core dump) |
//! | `pause` | sleep until killed |

use std::ffi::CString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;

#[path = "support/sys.rs"]
mod sys;
use sys::{check, close, errno, exit, fork, pipe, read_to_eof, write_fd};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("harness") => harness(&args[1..]),
        Some("announce") => announce(&args[1..]),
        _ => {}
    }
    let mut probe = Probe {
        tag: "cmd".into(),
        ready_fd: None,
        home_pgid: 0,
        orphans: Vec::new(),
    };
    probe.run(&args);
    exit(0);
}

// ---------------------------------------------------------------- syscalls

fn fail(msg: &str) -> ! {
    let _ = std::io::stderr().write_all(format!("peerprobe: {msg}\n").as_bytes());
    exit(99);
}

fn getpid() -> i32 {
    // SAFETY: no preconditions.
    unsafe { libc::getpid() }
}

fn all_signals() -> libc::sigset_t {
    // SAFETY: sigfillset initialises the set.
    unsafe {
        let mut set = std::mem::zeroed();
        libc::sigfillset(&mut set);
        set
    }
}

fn parse_signal(text: &str) -> i32 {
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
        ("CHLD", 17),
        ("CONT", 18),
        ("STOP", 19),
        ("TSTP", 20),
        ("TTIN", 21),
        ("TTOU", 22),
        ("WINCH", 28),
        ("SYS", 31),
    ];
    let name = text.strip_prefix("SIG").unwrap_or(text);
    NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|&(_, s)| s)
        .or_else(|| name.parse().ok())
        .unwrap_or_else(|| fail(&format!("unknown signal {text}")))
}

// ----------------------------------------------------------------- harness

fn harness(args: &[String]) -> ! {
    let (mut parent, mut dirty, mut extra_fd, mut listen_pid_self) = (false, false, false, false);
    let mut rest = args;
    while let Some((first, tail)) = rest.split_first() {
        rest = tail;
        match first.as_str() {
            "--parent" => parent = true,
            "--dirty" => dirty = true,
            "--extra-fd" => extra_fd = true,
            "--listen-pid-self" => listen_pid_self = true,
            "--" => break,
            other => fail(&format!("harness: unknown option {other}")),
        }
    }
    if rest.is_empty() {
        fail("harness: no program");
    }
    // A clean start whatever the test process left: default actions, no
    // blocked signal, no descriptor but 0 to 3.
    // SAFETY: plain syscalls on valid arguments.
    unsafe {
        // The raw call: glibc's refuses signals 32 and 33.
        let default = [0u64; 4];
        for sig in 1..=64 {
            if sig != libc::SIGKILL && sig != libc::SIGSTOP {
                libc::syscall(
                    libc::SYS_rt_sigaction,
                    sig,
                    default.as_ptr(),
                    std::ptr::null_mut::<u64>(),
                    8,
                );
            }
        }
        let mut empty: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut empty);
        libc::sigprocmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut());
        libc::syscall(libc::SYS_close_range, 4u32, u32::MAX, 0u32);
    }
    // SAFETY: plain prctl.
    check(
        unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) },
        "PR_SET_CHILD_SUBREAPER",
    );
    let start = |report: bool| {
        let pid = fork();
        if pid == 0 {
            exec_prog(rest, dirty, extra_fd, listen_pid_self);
        }
        if report {
            write_fd(1, format!("init {pid}\n").as_bytes());
        }
        pid
    };
    if parent {
        let middle = fork();
        if middle == 0 {
            start(true);
            close(1);
            close(3);
            loop {
                // SAFETY: pause has no preconditions.
                unsafe { libc::pause() };
            }
        }
        write_fd(1, format!("parent {middle}\n").as_bytes());
    } else {
        start(true);
    }
    // The workload's output pipe must reach end of file once the workload is
    // gone: the harness keeps no copy.
    close(3);
    loop {
        let mut status = 0;
        // SAFETY: valid pointer.
        let pid = unsafe {
            libc::waitpid(
                -1,
                &mut status,
                libc::__WALL | libc::WUNTRACED | libc::WCONTINUED,
            )
        };
        if pid < 0 {
            match errno() {
                libc::EINTR => continue,
                libc::ECHILD => {
                    write_fd(1, b"done\n");
                    exit(0);
                }
                _ => fail("harness: waitpid"),
            }
        }
        let line = if libc::WIFEXITED(status) {
            format!("exit {pid} code {}\n", libc::WEXITSTATUS(status))
        } else if libc::WIFSIGNALED(status) {
            format!("exit {pid} signal {}\n", libc::WTERMSIG(status))
        } else if libc::WIFSTOPPED(status) {
            format!("stop {pid} sig {}\n", libc::WSTOPSIG(status))
        } else {
            format!("cont {pid}\n")
        };
        write_fd(1, line.as_bytes());
    }
}

/// `announce -- PROG ARG...`: blocks every signal, prints `announce PID`,
/// and becomes PROG (same pid, same mask): signals sent to PROG once the
/// line is out wait until PROG handles them.
fn announce(args: &[String]) -> ! {
    let argv = match args.split_first() {
        Some((dashdash, rest)) if dashdash == "--" && !rest.is_empty() => rest,
        _ => fail("announce -- PROG ARG..."),
    };
    block_all();
    write_fd(1, format!("announce {}\n", getpid()).as_bytes());
    exec(argv);
}

fn exec(argv: &[String]) -> ! {
    let argv: Vec<CString> = argv
        .iter()
        .map(|a| CString::new(a.as_bytes()).unwrap())
        .collect();
    sys::exec(&argv)
}

/// In the forked child: becomes PROG.
fn exec_prog(argv: &[String], dirty: bool, extra_fd: bool, listen_pid_self: bool) -> ! {
    // A group of its own, so that no init can signal the test's group.
    // SAFETY: plain syscall.
    check(unsafe { libc::setpgid(0, 0) }, "setpgid");
    // SAFETY: plain syscalls on valid arguments; single-threaded.
    unsafe {
        if dirty {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGUSR2);
            libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
            libc::signal(libc::SIGHUP, libc::SIG_IGN);
        }
        if extra_fd {
            let fd = libc::open(c"/dev/null".as_ptr(), libc::O_RDONLY);
            check(libc::dup2(check(fd, "open"), 5), "dup2");
            close(fd);
        }
        if listen_pid_self {
            std::env::set_var("LISTEN_PID", getpid().to_string());
        }
        check(libc::dup2(3, 1), "dup2 stdout");
        close(3);
    }
    exec(argv);
}

// ---------------------------------------------------------------- workload

struct Probe {
    tag: String,
    /// Write end of the pipe the spawning process reads: closed at `ready`.
    ready_fd: Option<i32>,
    /// The process group left by `spawn --newpgrp`.
    home_pgid: i32,
    /// Orphans made by `orphans`: pid and pidfd.
    orphans: Vec<(i32, i32)>,
}

/// Splits `[ STEP... ] REST...` into the bracketed steps and the rest.
fn block(args: &[String]) -> (&[String], &[String]) {
    if args.first().map(String::as_str) != Some("[") {
        fail("expected [");
    }
    let mut depth = 0;
    for (i, arg) in args.iter().enumerate() {
        match arg.as_str() {
            "[" => depth += 1,
            "]" => {
                depth -= 1;
                if depth == 0 {
                    return (&args[1..i], &args[i + 1..]);
                }
            }
            _ => {}
        }
    }
    fail("unbalanced [");
}

impl Probe {
    fn say(&self, text: &str) {
        write_fd(1, format!("{} {text}\n", self.tag).as_bytes());
    }

    fn run(&mut self, mut args: &[String]) {
        while let Some((step, rest)) = args.split_first() {
            args = rest;
            let mut value = || {
                let (v, r) = args
                    .split_first()
                    .unwrap_or_else(|| fail(&format!("{step} needs a value")));
                args = r;
                v.clone()
            };
            match step.as_str() {
                "tag" => self.tag = value(),
                "status" => self.status(),
                "args" => {
                    let argv: Vec<String> = std::env::args().collect();
                    self.say(&format!("argv {}", argv.join("|")));
                    exit(0);
                }
                "block" => block_all(),
                "ready" => self.ready(),
                "record" => {
                    let mut options = Vec::new();
                    while args.first().is_some_and(|a| a.starts_with("--")) {
                        options.push(args[0].clone());
                        options.push(args[1].clone());
                        args = &args[2..];
                    }
                    self.record(&options);
                }
                "spawn" | "watch" => {
                    let mut flags = Vec::new();
                    while args.first().is_some_and(|a| a.starts_with("--")) {
                        flags.push(args[0].as_str());
                        args = &args[1..];
                    }
                    let (steps, rest) = block(args);
                    args = rest;
                    if step == "spawn" {
                        let pid = self.spawn(&flags, steps);
                        self.say(&format!("spawned {pid}"));
                    } else {
                        self.watch(steps);
                    }
                }
                "home-pgrp" => {
                    // SAFETY: plain syscall.
                    check(unsafe { libc::setpgid(0, self.home_pgid) }, "setpgid home");
                }
                "orphans" => {
                    let n = value().parse().unwrap_or_else(|_| fail("orphans N"));
                    self.orphans(n);
                }
                "check-orphans" => {
                    for &(pid, pidfd) in &self.orphans {
                        let state = if reaped(pidfd) { "reaped" } else { "zombie" };
                        self.say(&format!("orphan {pid} {state}"));
                    }
                }
                "say" => {
                    let text = value();
                    self.say(&text);
                }
                "wait-stdin" => {
                    read_to_eof(0);
                }
                "exit" => {
                    let code: i32 = value().parse().unwrap_or_else(|_| fail("exit N"));
                    self.say(&format!("exiting {code}"));
                    exit(code);
                }
                "die" => die(parse_signal(&value())),
                "pause" => loop {
                    // SAFETY: no preconditions.
                    unsafe { libc::pause() };
                },
                other => fail(&format!("unknown step {other}")),
            }
        }
    }

    fn status(&self) {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map_or_else(String::new, |v| v.trim().to_owned())
        };
        let cwd = std::fs::read_link("/proc/self/cwd")
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let listen_pid = std::env::var("LISTEN_PID").unwrap_or_else(|_| "-".into());
        // SAFETY: plain syscalls.
        let (pid, ppid, pgid, sid) = unsafe {
            (
                libc::getpid(),
                libc::getppid(),
                libc::getpgid(0),
                libc::getsid(0),
            )
        };
        let fds = open_fds();
        // Rust's runtime ignores SIGPIPE before main: what was inherited for
        // it cannot be seen, so it is left out.
        let sigign =
            u64::from_str_radix(&field("SigIgn:"), 16).unwrap_or(0) & !(1 << (libc::SIGPIPE - 1));
        self.say(&format!(
            "status pid={pid} ppid={ppid} pgid={pgid} sid={sid} sigblk={} sigign={sigign:016x} cwd={cwd} listen_pid={listen_pid} fds={}",
            field("SigBlk:"),
            fds.join(","),
        ));
    }

    fn ready(&mut self) {
        // SAFETY: plain syscalls.
        let (pid, pgid, sid) = unsafe { (libc::getpid(), libc::getpgid(0), libc::getsid(0)) };
        self.say(&format!("ready pid={pid} pgid={pgid} sid={sid}"));
        if let Some(fd) = self.ready_fd.take() {
            close(fd);
        }
    }

    fn record(&self, options: &[String]) {
        let mut until = Vec::new();
        let mut exit_on = Vec::new();
        let mut die_on = Vec::new();
        for pair in options.chunks(2) {
            match pair[0].as_str() {
                "--until" => until.push(parse_signal(&pair[1])),
                "--die-on" => die_on.push(parse_signal(&pair[1])),
                "--exit-on" => {
                    let (sig, code) = pair[1]
                        .split_once('=')
                        .unwrap_or_else(|| fail("--exit-on SIG=CODE"));
                    exit_on.push((parse_signal(sig), code.parse::<i32>().unwrap()));
                }
                other => fail(&format!("record: unknown option {other}")),
            }
        }
        block_all();
        let set = all_signals();
        loop {
            // SAFETY: valid set; a null info pointer is allowed.
            let sig = unsafe { libc::sigwaitinfo(&set, std::ptr::null_mut()) };
            if sig < 0 {
                continue;
            }
            if sig == libc::SIGCHLD {
                continue;
            }
            self.say(&format!("sig {sig}"));
            if let Some(&(_, code)) = exit_on.iter().find(|(s, _)| *s == sig) {
                self.say(&format!("exiting {code}"));
                exit(code);
            }
            if die_on.contains(&sig) {
                die(sig);
            }
            if until.contains(&sig) {
                return;
            }
        }
    }

    /// Forks a process that runs `steps`; returns its pid once it is ready.
    fn spawn(&mut self, flags: &[&str], steps: &[String]) -> i32 {
        let (r, w) = pipe();
        let pid = fork();
        if pid == 0 {
            close(r);
            if let Some(fd) = self.ready_fd.replace(w) {
                close(fd);
            }
            for &(_, pidfd) in &self.orphans {
                close(pidfd);
            }
            self.orphans.clear();
            if flags.contains(&"--orphan") && fork() != 0 {
                exit(0);
            }
            // SAFETY: plain syscalls.
            unsafe {
                if flags.contains(&"--setsid") {
                    check(libc::setsid(), "setsid");
                }
                if flags.contains(&"--newpgrp") {
                    self.home_pgid = libc::getpgid(0);
                    check(libc::setpgid(0, 0), "setpgid");
                }
            }
            write_fd(w, getpid().to_string().as_bytes());
            self.run(steps);
            exit(0);
        }
        close(w);
        let text = read_to_eof(r);
        close(r);
        if flags.contains(&"--orphan") {
            let mut status = 0;
            // SAFETY: valid pointer; pid is our child.
            unsafe { libc::waitpid(pid, &mut status, 0) };
        }
        String::from_utf8_lossy(&text)
            .parse()
            .unwrap_or_else(|_| fail("spawned process died before it was ready"))
    }

    fn watch(&mut self, steps: &[String]) {
        let child = self.spawn(&[], steps);
        self.say(&format!("watching {child}"));
        self.ready();
        loop {
            // SAFETY: zeroed siginfo is a valid out buffer.
            let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
            // SAFETY: valid pointer.
            let ret = unsafe {
                libc::waitid(
                    libc::P_PID,
                    child as libc::id_t,
                    &mut info,
                    libc::WSTOPPED | libc::WCONTINUED | libc::WEXITED,
                )
            };
            if ret < 0 {
                if errno() == libc::EINTR {
                    continue;
                }
                fail("waitid");
            }
            // SAFETY: filled in by waitid.
            let status = unsafe { info.si_status() };
            match info.si_code {
                libc::CLD_STOPPED => self.say(&format!("child stopped {status}")),
                libc::CLD_CONTINUED => self.say("child continued"),
                _ => {
                    self.say("child exited");
                    return;
                }
            }
        }
    }

    fn orphans(&mut self, n: usize) {
        let (r, w) = pipe();
        for _ in 0..n {
            let (pr, pw) = pipe();
            let middle = fork();
            if middle == 0 {
                close(pr);
                let orphan = fork();
                if orphan == 0 {
                    close(w);
                    close(pw);
                    read_to_eof(r);
                    exit(0);
                }
                write_fd(pw, orphan.to_string().as_bytes());
                exit(0);
            }
            close(pw);
            let pid: i32 = String::from_utf8_lossy(&read_to_eof(pr))
                .parse()
                .unwrap_or_else(|_| fail("orphan pid"));
            close(pr);
            let mut status = 0;
            // SAFETY: valid pointer; middle is our child.
            unsafe { libc::waitpid(middle, &mut status, 0) };
            // SAFETY: plain syscall; the orphan is alive (it waits for `w`).
            let pidfd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) } as i32;
            check(pidfd, "pidfd_open");
            self.orphans.push((pid, pidfd));
        }
        close(r);
        close(w);
        for &(pid, pidfd) in &self.orphans {
            let mut poll = libc::pollfd {
                fd: pidfd,
                events: libc::POLLIN,
                revents: 0,
            };
            // Readable once the orphan is a zombie (or already reaped).
            // SAFETY: one valid pollfd.
            while unsafe { libc::poll(&mut poll, 1, -1) } < 0 {}
            self.say(&format!("orphan {pid}"));
        }
        self.say(&format!("orphans-dead {n}"));
    }
}

/// Whether the process behind `pidfd` has been reaped (not just exited).
fn reaped(pidfd: i32) -> bool {
    let mut poll = libc::pollfd {
        fd: pidfd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    unsafe { libc::poll(&mut poll, 1, 0) };
    poll.revents & libc::POLLHUP != 0
}

fn block_all() {
    let set = all_signals();
    // SAFETY: valid set.
    unsafe { libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) };
}

fn die(sig: i32) -> ! {
    // SAFETY: plain syscalls; no core dump, default action, unblocked.
    unsafe {
        let limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::setrlimit(libc::RLIMIT_CORE, &limit);
        libc::signal(sig, libc::SIG_DFL);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, sig);
        libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::kill(libc::getpid(), sig);
    }
    fail("survived its own signal");
}

/// The descriptors above 2, without the one that lists them.
fn open_fds() -> Vec<String> {
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else {
        return Vec::new();
    };
    let mut fds: Vec<i32> = dir
        .filter_map(|e| e.ok())
        .filter(|e| {
            // The directory stream's own descriptor points at the fd dir.
            !std::fs::read_link(e.path()).is_ok_and(|t| t.as_os_str().as_bytes().ends_with(b"/fd"))
        })
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .filter(|&fd| fd > 2)
        .collect();
    fds.sort_unstable();
    fds.iter().map(i32::to_string).collect()
}
