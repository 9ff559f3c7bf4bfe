//! The reliability suite's workload: builds what `tests/reliability_*.rs`
//! throw at pidone.
//!
//! ```text
//! tree tree PLAN          a random process tree (tests/reliability/plan.rs)
//! tree orphans N BATCH    N orphans, BATCH at a time, each reparented to pidone
//! tree forker KIND        on SIGTERM, fork as fast as possible: reap | pile | comet
//! tree sigwatch CODE [ping]  count every signal; on SIGRTMAX (or the sync
//!                         signal) write the counts and exit CODE
//! tree crash SIGNAL       die of SIGNAL at once
//! ```
//!
//! File descriptors set up by the test: 3 is held by every process the
//! workload creates (its read end reaches end-of-file when they are all
//! gone), 4 is a file opened for appending where processes write records
//! (one `write` each, so they never interleave), 5 is a pipe on which the
//! command writes one byte when the test may go on.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/reliability/plan.rs"]
mod plan;

use plan::{Late, Life, Plan, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SYNC, Trigger};
use std::time::{Duration, Instant};

const RECORD_FD: i32 = 4;
const READY_FD: i32 = 5;
/// How long any wait of the workload may take: a guard against hangs only.
const LIMIT: Duration = Duration::from_secs(60);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    match arg(1) {
        "tree" => match Plan::decode(arg(2)) {
            Some(plan) => root(&plan),
            None => fail("bad plan"),
        },
        "orphans" => orphans(arg(2).parse().unwrap(), arg(3).parse().unwrap()),
        "forker" => forker(arg(2)),
        "sigwatch" => sigwatch(arg(2).parse().unwrap(), arg(3) == "ping"),
        "crash" => die_of(arg(2).parse().unwrap()),
        _ => fail("usage: tree tree|orphans|forker|sigwatch|crash ..."),
    }
}

/// Appends one line to the record file in a single write.
fn record(line: &str) {
    let line = format!("{line}\n");
    // SAFETY: writing a live buffer to a descriptor.
    unsafe { libc::write(RECORD_FD, line.as_ptr().cast(), line.len()) };
}

fn fail(why: &str) -> ! {
    record(&format!("E {} {why}", getpid()));
    eprintln!("tree: {why}");
    // SAFETY: ends the process.
    unsafe { libc::_exit(99) }
}

fn exit(code: i32) -> ! {
    // SAFETY: ends the process without running anything forked copies of
    // the parent's state might still want to flush.
    unsafe { libc::_exit(code) }
}

fn getpid() -> i32 {
    // SAFETY: no arguments.
    unsafe { libc::getpid() }
}

/// The start time of a process (field 22 of its stat), which with the pid
/// names it across pid reuse.
fn start_time(pid: &str) -> String {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rfind(')').map_or("", |i| &stat[i + 2..]);
    after.split(' ').nth(19).unwrap_or("?").to_string()
}

fn me() -> String {
    format!("{} {}", getpid(), start_time("self"))
}

fn sigset(signals: &[i32]) -> libc::sigset_t {
    // SAFETY: sigset_t is plain data, initialised by sigemptyset.
    unsafe {
        let mut set = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for &s in signals {
            libc::sigaddset(&mut set, s);
        }
        set
    }
}

fn set_mask(how: i32, signals: &[i32]) {
    let set = sigset(signals);
    // SAFETY: a valid set; single-threaded.
    unsafe { libc::sigprocmask(how, &set, std::ptr::null_mut()) };
}

fn disposition(signal: i32, handler: libc::sighandler_t) {
    // SAFETY: SIG_DFL and SIG_IGN install no code.
    unsafe { libc::signal(signal, handler) };
}

/// Waits for one of `signals` (blocked by the caller), at most LIMIT.
fn wait_signal(signals: &[i32]) -> Option<i32> {
    let set = sigset(signals);
    let timeout = libc::timespec {
        tv_sec: LIMIT.as_secs() as i64,
        tv_nsec: 0,
    };
    loop {
        // SAFETY: valid set and timeout; the siginfo may be null.
        let s = unsafe { libc::sigtimedwait(&set, std::ptr::null_mut(), &timeout) };
        if s > 0 {
            return Some(s);
        }
        if std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            return None;
        }
    }
}

fn fork() -> i32 {
    // SAFETY: the workload is single-threaded, so the child may run Rust.
    unsafe { libc::fork() }
}

fn pause_forever() -> ! {
    loop {
        // SAFETY: no arguments.
        unsafe { libc::pause() };
    }
}

fn pipe() -> (i32, i32) {
    let mut fds = [0; 2];
    // SAFETY: fds has room for two descriptors.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        fail("pipe");
    }
    (fds[0], fds[1])
}

fn close(fd: i32) {
    // SAFETY: closing a descriptor this process owns.
    unsafe { libc::close(fd) };
}

/// Reads until end-of-file.
fn drain(fd: i32) {
    let mut buf = [0u8; 64];
    // SAFETY: reading into a live buffer.
    while unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) } != 0 {}
}

fn write_fd(fd: i32, text: &str) {
    // SAFETY: writing a live buffer.
    unsafe { libc::write(fd, text.as_ptr().cast(), text.len()) };
}

fn die_of(signal: i32) -> ! {
    disposition(signal, libc::SIG_DFL);
    set_mask(libc::SIG_UNBLOCK, &[signal]);
    // SAFETY: signalling ourselves.
    unsafe { libc::kill(getpid(), signal) };
    fail("still alive after raising a deadly signal")
}

fn nanosleep(duration: Duration) {
    std::thread::sleep(duration);
}

// ---------------------------------------------------------------------------
// Random trees.

struct Pipes {
    /// Nodes report `H` (hello) and `S` (a child is stopped) to the command.
    control: i32,
    /// Transient nodes exit when its write end, the command's, closes.
    go: i32,
    go_writer: i32,
}

fn root(plan: &Plan) {
    record(&format!("H 0 {}", me()));
    // Blocked from the start, so that no forwarded signal is lost before
    // the command waits for it; children undo what they do not want.
    set_mask(libc::SIG_BLOCK, &[SIGTERM, SIGINT, SIGQUIT, SYNC]);
    disposition(SIGHUP, libc::SIG_IGN);
    let (control_reader, control) = pipe();
    let (go, go_writer) = pipe();
    let pipes = Pipes {
        control,
        go,
        go_writer,
    };
    for (i, node) in plan.nodes.iter().enumerate().skip(1) {
        if node.parent == 0 {
            spawn_node(plan, i, &pipes);
        }
    }
    close(control);
    // Every node closes its copy once it and its children are set up.
    let reports = read_all(control_reader);
    let mut pids = std::collections::HashMap::new();
    let mut stopped = 0;
    for line in reports.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        match fields[..] {
            ["H", id, pid, _] => {
                pids.insert(id.parse::<usize>().unwrap(), pid.parse::<i32>().unwrap());
            }
            ["S", _] => stopped += 1,
            _ => fail(&format!("bad report {line:?}")),
        }
    }
    let expected_stopped = plan.nodes.iter().filter(|n| n.stopped).count();
    if pids.len() != plan.nodes.len() - 1 || stopped != expected_stopped {
        fail(&format!(
            "built {} of {} nodes, {stopped} of {expected_stopped} stopped",
            pids.len(),
            plan.nodes.len() - 1
        ));
    }
    // The transient nodes are alive until `go` closes, so their pidfds
    // cannot name a recycled pid.
    let transient: Vec<i32> = plan
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.life == Life::Transient)
        .map(|(i, _)| pidfd_open(pids[&i]))
        .collect();
    close(go_writer);
    for pidfd in transient {
        wait_readable(pidfd);
        close(pidfd);
    }
    // pidfd readiness can be seen a moment before the exit's SIGCHLD is
    // queued (both happen under the tasklist lock, which the poller does not
    // take): kill(-1, 0) takes that lock, so after it every SIGCHLD of the
    // exits seen above is pending at pidone.
    // SAFETY: signal 0 only checks permissions.
    unsafe { libc::kill(-1, 0) };
    // SAFETY: no arguments.
    let pidone = unsafe { libc::getppid() };
    // SAFETY: signalling pidone.
    unsafe { libc::kill(pidone, SYNC) };
    if wait_signal(&[SYNC]) != Some(SYNC) {
        fail("the sync signal did not come back");
    }
    record(&format!("Z {}", zombies_of(pidone)));
    // The shutdown starts now: the test times it from here.
    write_fd(READY_FD, "r");
    match plan.trigger {
        Trigger::Exit(code) => exit(code.into()),
        Trigger::Raise(signal) => die_of(signal),
        Trigger::Stop { signal, exit: code } => {
            let Some(got) = wait_signal(&[SIGTERM, SIGINT, SIGQUIT]) else {
                fail("no stop signal came");
            };
            if got != signal {
                record(&format!("E 0 got signal {got} instead of {signal}"));
            }
            match code {
                Some(code) => exit(code.into()),
                None => die_of(got),
            }
        }
    }
}

fn read_all(fd: i32) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + LIMIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut pfd, 1, left.as_millis() as i32) };
        if n == 0 {
            fail("timed out waiting for the tree to be built");
        }
        if n < 0 {
            continue;
        }
        // SAFETY: reading into a live buffer.
        let got = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        match got {
            0 => break,
            n if n > 0 => out.extend_from_slice(&buf[..n as usize]),
            _ => {}
        }
    }
    close(fd);
    String::from_utf8(out).unwrap()
}

fn pidfd_open(pid: i32) -> i32 {
    // SAFETY: the syscall takes a pid and flags.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        fail(&format!("pidfd_open {pid}"));
    }
    fd as i32
}

fn wait_readable(fd: i32) {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    loop {
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut pfd, 1, LIMIT.as_millis() as i32) };
        match n {
            0 => fail("a transient node did not exit"),
            n if n > 0 => return,
            _ => {}
        }
    }
}

/// Zombies whose parent is `parent`.
fn zombies_of(parent: i32) -> usize {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        fail("cannot read /proc");
    };
    let parent = parent.to_string();
    dir.filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
        .filter(|stat| {
            let after = stat.rfind(')').map_or("", |i| &stat[i + 2..]);
            let mut fields = after.split(' ');
            fields.next() == Some("Z") && fields.next() == Some(parent.as_str())
        })
        .count()
}

/// Forks node `i` (and, in it, its subtree). Returns in the parent only.
fn spawn_node(plan: &Plan, i: usize, pipes: &Pipes) {
    let pid = fork();
    if pid < 0 {
        fail("fork");
    }
    if pid == 0 {
        node(plan, i, pipes);
    }
    if plan.nodes[i].stopped {
        let mut status = 0;
        // SAFETY: waiting for our own child to stop.
        let got = unsafe { libc::waitpid(pid, &mut status, libc::WUNTRACED) };
        if got != pid || !libc::WIFSTOPPED(status) {
            fail("a node meant to stop did not");
        }
        write_fd(pipes.control, &format!("S {i}\n"));
    }
}

fn node(plan: &Plan, i: usize, pipes: &Pipes) -> ! {
    close(pipes.go_writer);
    close(READY_FD);
    let spec = &plan.nodes[i];
    if spec.setsid {
        // SAFETY: no arguments; a forked child is never a group leader.
        unsafe { libc::setsid() };
    }
    // Nothing of the command's set-up carries over but what this kind
    // wants. Dispositions first, then the mask: a signal already pending
    // must meet the disposition meant for it.
    disposition(SYNC, libc::SIG_IGN);
    match spec.life {
        Life::Handler { .. } => set_mask(libc::SIG_SETMASK, &[SIGTERM, SIGINT, SIGQUIT]),
        Life::Ignore => {
            for s in [SIGTERM, SIGINT, SIGQUIT] {
                disposition(s, libc::SIG_IGN);
            }
            set_mask(libc::SIG_SETMASK, &[]);
        }
        Life::Transient | Life::Default => set_mask(libc::SIG_SETMASK, &[]),
    }
    let hello = format!("H {i} {}", me());
    write_fd(pipes.control, &format!("{hello}\n"));
    record(&hello);
    for (c, child) in plan.nodes.iter().enumerate() {
        if c > i && child.parent == i {
            spawn_node(plan, c, pipes);
        }
    }
    close(pipes.control);
    if spec.stopped {
        // SAFETY: stopping ourselves; the parent waits for it.
        unsafe { libc::raise(libc::SIGSTOP) };
    }
    match spec.life {
        Life::Transient => {
            drain(pipes.go);
            exit(0)
        }
        Life::Handler { delay_ms } => {
            close(pipes.go);
            if wait_signal(&[SIGTERM, SIGINT, SIGQUIT]).is_none() {
                fail("no SIGTERM came");
            }
            for &late in &spec.late {
                spawn_late(late);
            }
            nanosleep(Duration::from_millis(delay_ms.into()));
            record(&format!("T {i}"));
            exit(0)
        }
        Life::Ignore | Life::Default => {
            close(pipes.go);
            pause_forever()
        }
    }
}

fn spawn_late(kind: Late) {
    let pid = fork();
    if pid < 0 {
        fail("fork");
    }
    if pid > 0 {
        return;
    }
    record(&format!("L {}", me()));
    // The handler's mask (TERM, INT, QUIT blocked) is inherited: a SIGTERM
    // may already be pending. An ignorer ignores it before unblocking; the
    // others die of it, as they would a moment later.
    if kind == Late::Ignorer {
        for s in [SIGTERM, SIGINT, SIGQUIT] {
            disposition(s, libc::SIG_IGN);
        }
    }
    set_mask(libc::SIG_SETMASK, &[]);
    match kind {
        Late::ExitNow => exit(0),
        Late::Sleeper | Late::Ignorer => pause_forever(),
        Late::Chain { n: 0, persist } => {
            if persist {
                pause_forever()
            }
            exit(0)
        }
        Late::Chain { n, persist } => {
            spawn_late(Late::Chain { n: n - 1, persist });
            exit(0)
        }
    }
}

// ---------------------------------------------------------------------------
// Storms.

/// N orphans: a spawner forks BATCH children and exits; they are handed to
/// pidone (alive, or as zombies if they were quicker), which must reap them.
fn orphans(n: u64, batch: u64) {
    let (done_reader, done_writer) = pipe();
    let mut made = 0;
    while made < n {
        let k = batch.min(n - made);
        let spawner = fork();
        if spawner < 0 {
            fail("fork of a spawner");
        }
        if spawner == 0 {
            close(done_reader);
            let (release, hold) = pipe();
            for j in 0..k {
                let pid = fork();
                if pid < 0 {
                    fail(&format!("fork of orphan {}", made + j));
                }
                if pid == 0 {
                    close(hold);
                    // Until the spawner is gone.
                    drain(release);
                    exit((j % 200) as i32)
                }
            }
            exit(0)
        }
        let mut status = 0;
        // SAFETY: reaping our own spawner, so that only orphans are left
        // for pidone.
        unsafe { libc::waitpid(spawner, &mut status, 0) };
        if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
            fail("a spawner failed");
        }
        made += k;
    }
    close(done_writer);
    // Every orphan holds `done_writer` until it exits.
    drain(done_reader);
    record(&format!("O {made}"));
    exit(42)
}

/// A process that starts forking as fast as it can when pidone's SIGTERM
/// comes: `reap` (children exit at once and are auto-reaped), `pile`
/// (children stay, up to 2000, then exit at once), `comet` (each process
/// forks its successor and exits: the pid keeps moving). It stops by itself
/// after 30 s so that a pidone that loses the race cannot leave a runaway.
fn forker(kind: &str) {
    set_mask(libc::SIG_BLOCK, &[SIGTERM]);
    let pid = fork();
    if pid < 0 {
        fail("fork");
    }
    if pid > 0 {
        // The command exits at once: the shutdown starts.
        exit(7)
    }
    disposition(SIGHUP, libc::SIG_IGN);
    close(READY_FD);
    if wait_signal(&[SIGTERM]).is_none() {
        fail("no SIGTERM came");
    }
    disposition(SIGTERM, libc::SIG_IGN);
    disposition(SIGINT, libc::SIG_IGN);
    set_mask(libc::SIG_SETMASK, &[]);
    record("F start");
    let stop = Instant::now() + Duration::from_secs(30);
    let mut forks: u64 = 0;
    match kind {
        "reap" | "pile" => {
            disposition(libc::SIGCHLD, libc::SIG_IGN);
            let mut piled = 0;
            loop {
                let pile = kind == "pile" && piled < 2000;
                let pid = fork();
                if pid == 0 {
                    if pile {
                        pause_forever()
                    }
                    exit(0)
                }
                if pid > 0 {
                    forks += 1;
                    piled += u32::from(pile);
                }
                if forks % 1000 == 0 {
                    record(&format!("F {forks}"));
                    if Instant::now() > stop {
                        exit(0)
                    }
                }
            }
        }
        "comet" => loop {
            let pid = fork();
            if pid > 0 {
                exit(0)
            }
            if pid == 0 {
                forks += 1;
                if forks % 1000 == 0 {
                    record(&format!("F {forks}"));
                    if Instant::now() > stop {
                        exit(0)
                    }
                }
            }
        },
        _ => fail("unknown forker"),
    }
}

/// Counts every signal (all 64, with raw syscalls: glibc hides 32 and 33).
/// On SIGRTMAX, or with `ping` on the sync signal, writes `C SIGNAL COUNT` records and
/// exits `code`. With `ping`, a SIGUSR1 makes it send the sync signal to
/// pidone, which forwards it back after every signal pending before it.
fn sigwatch(code: i32, ping: bool) {
    let all: u64 = !0;
    // SAFETY: a raw 8-byte kernel sigset.
    unsafe {
        libc::syscall(
            libc::SYS_rt_sigprocmask,
            libc::SIG_SETMASK,
            &all,
            std::ptr::null_mut::<u64>(),
            8,
        )
    };
    write_fd(READY_FD, "r");
    let mut counts = [0u64; 65];
    let timeout = libc::timespec {
        tv_sec: LIMIT.as_secs() as i64,
        tv_nsec: 0,
    };
    loop {
        // SAFETY: raw rt_sigtimedwait with an 8-byte set.
        let s = unsafe {
            libc::syscall(
                libc::SYS_rt_sigtimedwait,
                &all,
                std::ptr::null_mut::<libc::siginfo_t>(),
                &timeout,
                8,
            )
        };
        if s < 0 {
            if std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            fail("sigwatch: no signal came");
        }
        let s = s as usize;
        counts[s] += 1;
        if s == 64 || (ping && s == SYNC as usize) {
            let mut out = String::new();
            for (n, c) in counts.iter().enumerate() {
                if *c > 0 {
                    out.push_str(&format!("C {n} {c}\n"));
                }
            }
            write_fd(RECORD_FD, &out);
            exit(code)
        }
        if ping && s == libc::SIGUSR1 as usize {
            // SAFETY: signalling pidone.
            unsafe { libc::kill(libc::getppid(), SYNC) };
        }
    }
}
