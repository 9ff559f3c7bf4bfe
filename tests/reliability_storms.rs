//! Storms (issue 6, part 2): 100,000 orphans, 100,000 signals of mixed
//! kinds, and processes that fork as fast as they can during the shutdown,
//! each as PID 1 and as a subreaper. The storms take the whole machine, so
//! they run one at a time (`ONE_AT_A_TIME`), not side by side.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "reliability/mod.rs"]
mod reliability;

use reliability::{Setup, at_eof_now, code, env_number, killed_pids};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

const LIMIT: Duration = Duration::from_secs(120);

/// `PIDONE_STORM_ORPHANS` orphans (default 100,000), handed to pidone in
/// batches of 500: every one is reaped (pidone logs each with `-w`), none
/// is left when pidone exits, and pidone exits with the command's status.
/// More orphans than pid_max (32,768 here) can only be made if the earlier
/// ones were reaped along the way.
fn orphans(pid1: bool) {
    let _guard = one_at_a_time();
    let n = env_number("PIDONE_STORM_ORPHANS", 100_000);
    let mut running = Setup::new(pid1)
        .args(["-w", "--grace", "10s"])
        .tree(["orphans".to_string(), n.to_string(), "500".to_string()])
        .start();
    let status = running.wait(LIMIT).expect("pidone exits");
    let live_gone = at_eof_now(&running.live);
    let elapsed = running.started.elapsed();
    let stderr = running.stderr();
    let records = running.records();
    let reaped = stderr
        .lines()
        .filter(|l| l.starts_with("pidone: reaped zombie "))
        .count() as u64;
    let other: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("pidone: reaped zombie "))
        .take(5)
        .collect();
    eprintln!(
        "orphans (pid1 {pid1}): {reaped} of {n} orphans reaped in {elapsed:?}, exit {}",
        code(status)
    );
    assert_eq!(records.trim(), format!("O {n}"), "the workload: {records}");
    assert!(other.is_empty(), "unexpected messages: {other:?}");
    assert_eq!(reaped, n, "every orphan is reaped, once");
    assert_eq!(code(status), 42, "the command's status");
    if !pid1 {
        assert!(live_gone, "an orphan outlived pidone");
    }
}

#[test]
fn hundred_thousand_orphans_as_subreaper() {
    orphans(false);
}

#[test]
fn hundred_thousand_orphans_as_pid1() {
    orphans(true);
}

/// The signals of the storm: every one pidone may receive, except KILL and
/// STOP (which no process can catch) and RTMAX (the end marker).
fn storm_signals() -> Vec<i32> {
    (1..64).filter(|s| ![9, 19].contains(s)).collect()
}

/// Sends `signal` to `pid` in one of three ways, retrying while the
/// kernel's queue of pending real-time signals is full.
fn send(pid: i32, signal: i32, how: u64) -> u64 {
    let mut retries = 0;
    loop {
        // SAFETY: plain signal-sending syscalls with valid arguments.
        let r = unsafe {
            match how % 3 {
                0 => libc::kill(pid, signal),
                // pidone is single-threaded: its thread id is its pid.
                1 => libc::syscall(libc::SYS_tgkill, pid, pid, signal) as i32,
                _ => {
                    let mut info: libc::siginfo_t = std::mem::zeroed();
                    info.si_signo = signal;
                    info.si_code = libc::SI_QUEUE;
                    libc::syscall(libc::SYS_rt_sigqueueinfo, pid, signal, &info) as i32
                }
            }
        };
        if r == 0 {
            return retries;
        }
        let e = std::io::Error::last_os_error();
        assert_eq!(
            e.raw_os_error(),
            Some(libc::EAGAIN),
            "sending {signal}: {e}"
        );
        retries += 1;
        assert!(retries < 10_000_000, "the signal queue never drained");
        std::thread::yield_now();
    }
}

/// `PIDONE_STORM_SIGNALS` signals (default 100,000) of every catchable kind,
/// sent by kill, tgkill and sigqueue while the command runs: pidone
/// survives, forwards every kind (the real-time ones, which queue, exactly
/// as many times as they were sent), never forwards SIGCHLD, is still
/// forwarding afterwards, and exits with the command's status.
fn signals(pid1: bool) {
    let _guard = one_at_a_time();
    let n = env_number("PIDONE_STORM_SIGNALS", 100_000);
    let mut running = Setup::new(pid1).tree(["sigwatch", "33"]).start();
    assert!(running.wait_ready(LIMIT), "the command got ready");
    let pidone = running.pidone_pid();
    let kinds = storm_signals();
    let mut sent: BTreeMap<i32, u64> = BTreeMap::new();
    let mut rng = reliability::plan::Rng::new(n);
    let mut retries = 0;
    let started = Instant::now();
    for i in 0..n {
        let signal = rng.pick(&kinds);
        retries += send(pidone, signal, i);
        *sent.entry(signal).or_default() += 1;
    }
    let sending = started.elapsed();
    // The end marker: pidone takes pending signals lowest number first, so
    // it forwards SIGRTMAX after everything above; the command likewise.
    send(pidone, 64, 0);
    let status = running.wait(LIMIT).expect("pidone exits");
    let stderr = running.stderr();
    let records = running.records();
    let mut received: BTreeMap<i32, u64> = BTreeMap::new();
    for line in records.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        assert_eq!(f[0], "C", "the workload: {line}");
        received.insert(f[1].parse().unwrap(), f[2].parse().unwrap());
    }
    // A forward can fail only if the command's queue is full: pidone says so.
    let failed_forwards = stderr
        .lines()
        .filter(|l| l.starts_with("pidone: cannot forward"))
        .count() as u64;
    eprintln!(
        "signals (pid1 {pid1}): {n} signals of {} kinds sent in {sending:?} ({retries} retries \
         on a full queue), {} received by the command, {failed_forwards} forwards failed, \
         exit {}",
        sent.len(),
        received.values().sum::<u64>(),
        code(status)
    );
    assert_eq!(code(status), 33, "the command's status; stderr: {stderr}");
    assert_eq!(received.get(&64), Some(&1), "the end marker was forwarded");
    assert_eq!(
        received.get(&17),
        None,
        "pidone forwarded SIGCHLD: {received:?}"
    );
    let mut rt_lost = 0;
    for (&signal, &count) in &sent {
        if signal == 17 {
            continue;
        }
        let got = received.get(&signal).copied().unwrap_or(0);
        assert!(
            got >= 1,
            "signal {signal} sent {count} times, never forwarded"
        );
        assert!(
            got <= count,
            "signal {signal} sent {count} times, received {got}"
        );
        if signal >= 32 {
            rt_lost += count - got;
        }
    }
    assert!(
        rt_lost <= failed_forwards,
        "{rt_lost} real-time signals were lost, pidone reported {failed_forwards}: \
         sent {sent:?}, received {received:?}"
    );
    assert!(
        stderr
            .lines()
            .all(|l| l.starts_with("pidone: cannot forward")),
        "unexpected messages: {stderr}"
    );
}

#[test]
fn hundred_thousand_signals_as_subreaper() {
    signals(false);
}

#[test]
fn hundred_thousand_signals_as_pid1() {
    signals(true);
}

/// A process that ignores SIGTERM and, once pidone's SIGTERM comes, forks
/// as fast as it can: pidone still finishes within the grace period plus a
/// small bound, kills everything (nothing holds the pipe when it exits),
/// names what it killed, and exits with the command's status.
fn fork_storm(kind: &str, pid1: bool) {
    let _guard = one_at_a_time();
    let grace = Duration::from_secs(1);
    let bound = Duration::from_secs(4);
    let mut running = Setup::new(pid1)
        .args(["--grace", "1s"])
        .tree(["forker", kind])
        .start();
    let status = running.wait(LIMIT).expect("pidone exits");
    let live_gone = at_eof_now(&running.live);
    let elapsed = running.started.elapsed();
    let stderr = running.stderr();
    let records = running.records();
    let forks = records
        .lines()
        .filter_map(|l| l.strip_prefix("F ")?.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    let killed = killed_pids(&stderr).len();
    eprintln!(
        "fork storm {kind} (pid1 {pid1}): pidone exited after {elapsed:?}, at least {forks} \
         forks during the shutdown, {killed} processes named as killed"
    );
    assert!(
        records.lines().any(|l| l == "F start"),
        "the forker never started: {records}"
    );
    assert_eq!(code(status), 7, "the command's status; stderr: {stderr}");
    if !pid1 {
        assert!(live_gone, "a process of the fork storm outlived pidone");
    }
    assert!(elapsed >= grace, "pidone exited before the grace period");
    assert!(
        elapsed < grace + bound,
        "pidone took {elapsed:?} to shut down a fork storm (grace {grace:?})"
    );
    // The reaping and piling forkers keep their pid: they must be named.
    // A comet's links live for microseconds: whether the naming pass sees
    // one alive is luck (kill(-1) then kills it unnamed).
    if kind != "comet" {
        assert!(killed >= 1, "the forker was not named: {stderr}");
    }
}

#[test]
fn fork_storm_during_shutdown_reaping_forker() {
    fork_storm("reap", false);
    fork_storm("reap", true);
}

#[test]
fn fork_storm_during_shutdown_piling_forker() {
    fork_storm("pile", false);
    fork_storm("pile", true);
}

/// Each process forks its successor and exits at once, so the pid keeps
/// moving. As PID 1, kill(-1) stops it atomically (the kernel aborts a fork
/// whose parent has a fatal signal pending).
#[test]
fn fork_storm_during_shutdown_comet_as_pid1() {
    fork_storm("comet", true);
}

/// As a subreaper, pidone finds the comet by scanning /proc and kills one
/// link at a time; the link has often forked its successor already.
#[test]
fn fork_storm_during_shutdown_comet_as_subreaper() {
    fork_storm("comet", false);
}
