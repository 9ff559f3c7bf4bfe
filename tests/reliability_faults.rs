//! Faults (issue 6, part 3): what pidone does when fork fails, /proc is
//! missing, its output is closed or a broken pipe, it runs as an
//! unprivileged user, the command dies of a signal at once, and the grace
//! period is zero or enormous. Each test checks the message and the exit
//! status.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "reliability/mod.rs"]
mod reliability;

use common::PidsCgroup;
use reliability::plan::Plan;
use reliability::trees::{Options, run};
use reliability::{Running, Setup, at_eof_now, code, killed_pids, pipe, tree_path};
use std::ffi::{CString, OsString};
use std::io::{BufRead, BufReader};
use std::os::fd::OwnedFd;
use std::process::Stdio;
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(30);

fn wait(running: &mut Running) -> std::process::ExitStatus {
    running.wait(LIMIT).expect("pidone exits")
}

// ---------------------------------------------------------------------------
// Fork failure.

const FORK_FAILED: &str =
    "pidone: cannot start the command: fork: Resource temporarily unavailable\n";

/// With a pids cgroup that holds only pidone (and unshare), the fork of the
/// command fails: one clear line, exit 1.
#[test]
fn fork_failure_in_a_pids_cgroup_is_reported() {
    for pid1 in [false, true] {
        // As PID 1, unshare is in the cgroup too.
        let cgroup = PidsCgroup::new();
        cgroup.set_max(if pid1 { "2" } else { "1" });
        let mut setup = Setup::new(pid1).command(["true"]);
        setup.pre_exec = Some(Box::new(cgroup.joiner()));
        let mut running = setup.start();
        let status = wait(&mut running);
        assert_eq!(running.stderr(), FORK_FAILED, "pid1 {pid1}");
        assert_eq!(code(status), 1, "pid1 {pid1}");
    }
}

/// A user at its RLIMIT_NPROC: the same message and exit status, as a
/// subreaper and as PID 1 of a namespace.
#[test]
fn fork_failure_at_the_process_limit_of_a_user_is_reported() {
    // A uid of its own, so that no other process counts against the limit.
    let uid = 200_000 + std::process::id() % 100_000;
    for pid1 in [false, true] {
        let setpriv: Vec<OsString> = [
            "setpriv".to_string(),
            format!("--reuid={uid}"),
            format!("--regid={uid}"),
            "--clear-groups".to_string(),
        ]
        .into_iter()
        .map(OsString::from)
        .collect();
        let mut setup = Setup::new(pid1).command(["true"]);
        if pid1 {
            setup.inner_wrapper = setpriv;
        } else {
            setup.wrapper = setpriv;
        }
        setup.pre_exec = Some(Box::new(|| {
            let one = libc::rlimit {
                rlim_cur: 1,
                rlim_max: 1,
            };
            // SAFETY: setrlimit with a valid struct.
            if unsafe { libc::setrlimit(libc::RLIMIT_NPROC, &one) } != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        }));
        let mut running = setup.start();
        let status = wait(&mut running);
        assert_eq!(running.stderr(), FORK_FAILED, "pid1 {pid1}");
        assert_eq!(code(status), 1, "pid1 {pid1}");
    }
}

// ---------------------------------------------------------------------------
// No /proc.

/// A leftover that ignores SIGTERM in the command's process group.
fn stubborn_leftover(code: u8) -> Vec<String> {
    vec![
        "sh".into(),
        "-c".into(),
        format!("trap '' TERM; sleep 1000 & exit {code}"),
    ]
}

/// Runs pidone in a mount namespace of its own without /proc.
const UNMOUNT_PROC: &[&str] = &[
    "unshare",
    "--mount",
    "sh",
    "-c",
    "umount -l /proc && exec \"$0\" \"$@\"",
];

fn os_args(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

const NO_PROC_KILL: &str =
    "pidone: grace period over: killing the remaining processes (no /proc to name them)\n";

fn no_proc_run(wrapper: &[&str], code_expected: u8) {
    let grace = Duration::from_millis(300);
    let mut setup = Setup::new(false)
        .args(["--grace", "300ms"])
        .command(stubborn_leftover(code_expected));
    setup.wrapper = os_args(wrapper);
    let mut running = setup.start();
    let status = wait(&mut running);
    let elapsed = running.started.elapsed();
    assert_eq!(running.stderr(), NO_PROC_KILL, "{wrapper:?}");
    assert_eq!(code(status), code_expected.into(), "{wrapper:?}");
    assert!(
        elapsed >= grace,
        "{wrapper:?}: exited before the grace period"
    );
    assert!(
        at_eof_now(&running.live),
        "{wrapper:?}: the leftover outlived pidone"
    );
}

/// As PID 1 whose /proc belongs to another namespace, or without /proc at
/// all, pidone still kills everything with kill(-1) but cannot name the
/// survivors: it says so in one line, and exits with the command's status.
#[test]
fn without_proc_pid1_kills_survivors_without_naming_them() {
    no_proc_run(&["unshare", "--pid", "--fork", "--kill-child"], 3);
    no_proc_run(
        &[
            "unshare",
            "--mount",
            "--pid",
            "--fork",
            "--kill-child",
            "sh",
            "-c",
            "umount -l /proc && exec \"$0\" \"$@\"",
        ],
        5,
    );
}

/// Without /proc a subreaper reaches the command's process group only
/// until the command is reaped, and in that same round: later the group may
/// have emptied and its number gone to a stranger, which pidone could not
/// tell. A leftover in the group gets the shutdown's SIGTERM.
#[test]
fn without_proc_a_subreaper_signals_the_commands_group_when_the_command_exits() {
    let mut setup = Setup::new(false).args(["--grace", "30s"]).command([
        "sh".to_string(),
        "-c".to_string(),
        "sh -c 'trap \"exit 0\" TERM; while :; do sleep 1; done' & exit 4".to_string(),
    ]);
    setup.wrapper = os_args(UNMOUNT_PROC);
    let mut running = setup.start();
    let status = wait(&mut running);
    assert_eq!(code(status), 4);
    assert!(
        running.started.elapsed() < Duration::from_secs(15),
        "the leftover got no SIGTERM: pidone waited out the grace period"
    );
}

/// ...but a descendant that left the group with setsid is out of its
/// reach: pidone can neither SIGTERM nor SIGKILL it, and waits for it to
/// exit on its own rather than exit while it lives.
#[test]
fn without_proc_a_subreaper_waits_for_what_it_cannot_reach() {
    let scratch = reliability::Scratch::new("noproc");
    let fifo = scratch.path("release");
    let up = scratch.path("up");
    for path in [&fifo, &up] {
        let path = CString::new(path.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo with a valid path.
        assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
    }
    let (reader, writer) = pipe();
    // The command waits until the escaped process has left its group and
    // ignores SIGTERM (it then opens `up`), so that the shutdown cannot
    // catch it half-way.
    let script = format!(
        "setsid sh -c \"trap '' TERM; echo > {up}; read x < {fifo}\" & read x < {up}; exit 4",
        up = up.display(),
        fifo = fifo.display()
    );
    let mut setup = Setup::new(false).args(["--grace", "200ms"]).command([
        "sh".to_string(),
        "-c".to_string(),
        script,
    ]);
    setup.wrapper = os_args(UNMOUNT_PROC);
    setup.stderr = Some(Stdio::from(writer));
    let mut running = setup.start();
    let mut lines = BufReader::new(std::fs::File::from(reader)).lines();
    // Blocks until pidone writes it; the escaped process holds stderr too,
    // so the pipe does not close under us.
    let line = lines.next().expect("a line from pidone").unwrap();
    assert_eq!(format!("{line}\n"), NO_PROC_KILL);
    assert!(
        running.child.try_wait().unwrap().is_none(),
        "pidone exited while a process it cannot reach was alive"
    );
    // Let the escaped process go; pidone then reaps it and exits.
    let released = Instant::now();
    drop(std::fs::File::options().write(true).open(&fifo).unwrap());
    let status = wait(&mut running);
    assert_eq!(code(status), 4);
    assert!(released.elapsed() < Duration::from_secs(5));
    assert!(lines.next().is_none(), "no other message");
}

// ---------------------------------------------------------------------------
// Closed and broken output.

fn close_std_fds(fds: &'static [i32]) -> Box<dyn Fn() -> std::io::Result<()> + Send + Sync> {
    Box::new(move || {
        for &fd in fds {
            // SAFETY: closing standard descriptors of the child.
            unsafe { libc::close(fd) };
        }
        Ok(())
    })
}

/// With stdin, stdout and stderr closed, pidone still supervises: leftovers
/// are terminated and killed (the messages go nowhere), and the exit status
/// is the command's.
#[test]
fn closed_standard_descriptors_change_nothing_but_the_messages() {
    for pid1 in [false, true] {
        let plan = Plan {
            pid1,
            ..Plan::decode("c.x3/0:i::/0:h20::/0:t::/3:h0::").unwrap()
        };
        let mut options = Options::grace(Duration::from_millis(500));
        options.stderr = false;
        options.setup = |mut s| {
            s.pre_exec = Some(close_std_fds(&[0, 1, 2]));
            s
        };
        run(&plan, &options).unwrap();
    }
    // A command that cannot be found: the message is lost, the status not.
    let mut setup = Setup::new(false).command(["/nonexistent/command"]);
    setup.pre_exec = Some(close_std_fds(&[1, 2]));
    let mut running = setup.start();
    assert_eq!(code(wait(&mut running)), 127);
}

/// A pipe whose reader is gone.
fn broken_pipe() -> OwnedFd {
    let (reader, writer) = pipe();
    drop(reader);
    writer
}

fn counts(records: &str) -> std::collections::BTreeMap<i32, u64> {
    records
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            (f.len() == 3 && f[0] == "C").then(|| (f[1].parse().unwrap(), f[2].parse().unwrap()))
        })
        .collect()
}

/// pidone logging (-v) into a broken pipe gets SIGPIPE (and EPIPE) on each
/// line: it neither dies of it nor forwards that SIGPIPE to the command,
/// still forwards what it receives, and exits with the command's status.
/// A SIGPIPE someone else sends it is forwarded as usual.
#[test]
fn a_broken_stderr_pipe_is_survived() {
    for pid1 in [false, true] {
        let mut setup = Setup::new(pid1)
            .args(["-vvv"])
            .tree(["sigwatch", "5", "ping"]);
        setup.stderr = Some(Stdio::from(broken_pipe()));
        let mut running = setup.start();
        assert!(running.wait_ready(LIMIT));
        // The command answers USR1 by sending pidone the sync signal, which
        // pidone takes after any pending SIGPIPE and forwards back.
        running.signal_pidone(libc::SIGUSR1);
        let status = wait(&mut running);
        let counts = counts(&running.records());
        assert_eq!(code(status), 5, "pid1 {pid1}");
        assert_eq!(counts.get(&libc::SIGUSR1), Some(&1), "{counts:?}");
        assert_eq!(
            counts.get(&libc::SIGPIPE),
            None,
            "pidone forwarded its own SIGPIPE"
        );
    }
    let mut setup = Setup::new(false).tree(["sigwatch", "6", "ping"]);
    setup.stderr = Some(Stdio::from(broken_pipe()));
    let mut running = setup.start();
    assert!(running.wait_ready(LIMIT));
    running.signal_pidone(libc::SIGPIPE);
    running.signal_pidone(libc::SIGUSR1);
    let status = wait(&mut running);
    let counts = counts(&running.records());
    assert_eq!(code(status), 6);
    assert_eq!(counts.get(&libc::SIGPIPE), Some(&1), "{counts:?}");
}

/// `--help` and `--version` into a broken pipe: pidone is not killed by
/// SIGPIPE (it blocks every signal first thing) and exits 0.
#[test]
fn help_into_a_broken_pipe_exits_cleanly() {
    for option in ["--help", "--version", "--license"] {
        let out = std::process::Command::new(reliability::pidone_path())
            .arg(option)
            .stdout(Stdio::from(broken_pipe()))
            .output()
            .unwrap();
        assert_eq!(code(out.status), 0, "{option}");
        assert!(out.stderr.is_empty(), "{option}");
    }
}

/// A command writing to a broken stdout dies of SIGPIPE: pidone reports
/// 128+13.
#[test]
fn a_command_killed_by_a_broken_stdout_gives_141() {
    for pid1 in [false, true] {
        let mut setup = Setup::new(pid1).command(["sh", "-c", "echo hello"]);
        setup.stdout = Some(Stdio::from(broken_pipe()));
        let mut running = setup.start();
        let status = wait(&mut running);
        assert_eq!(code(status), 141, "pid1 {pid1}");
        assert_eq!(running.stderr(), "", "pid1 {pid1}");
    }
}

// ---------------------------------------------------------------------------
// Unprivileged.

/// As user 65534 (nobody), as a subreaper and as PID 1 of a user
/// namespace: the same random-tree invariants hold (orphans reaped,
/// handlers finish, an ignorer is killed and named, the status is the
/// command's).
#[test]
fn unprivileged_pidone_keeps_every_promise() {
    let plan = Plan::decode("c.x3/0:i::/0:h20::/0:t::/3:h0:s:/3:d::").unwrap();
    let mut options = Options::grace(Duration::from_millis(500));
    options.setup = |mut s| {
        s.wrapper = [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        s
    };
    run(&plan, &options).unwrap();
    // PID 1 of a user namespace made by nobody.
    options.setup = |mut s| {
        s.wrapper = [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "unshare",
            "--user",
            "--map-root-user",
            "--pid",
            "--fork",
            "--mount-proc",
            "--kill-child",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        s
    };
    run(&plan, &options).unwrap();
}

/// A command that nobody may not execute: 126 and the message.
#[test]
fn unprivileged_exec_failure_is_reported() {
    let scratch = reliability::Scratch::new("noexec");
    let script = scratch.path("script");
    std::fs::write(&script, "#!/bin/sh\nexit 0\n").unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let mut setup = Setup::new(false).command([script.clone()]);
    setup.wrapper = [
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
    ]
    .iter()
    .map(OsString::from)
    .collect();
    let mut running = setup.start();
    let status = wait(&mut running);
    assert_eq!(
        running.stderr(),
        format!(
            "pidone: cannot run '{}': Permission denied\n",
            script.display()
        )
    );
    assert_eq!(code(status), 126);
}

// ---------------------------------------------------------------------------
// The command dies of a signal at once.

/// The command execs into something that dies of a signal at once (no core
/// file: the tests set RLIMIT_CORE to 0): 128+N, nothing on stderr at the
/// default verbosity, `command ended: signal N` with -v.
#[test]
fn a_command_that_dies_of_a_signal_at_once_gives_128_plus_n() {
    let tree = tree_path();
    for pid1 in [false, true] {
        for signal in [
            libc::SIGSEGV,
            libc::SIGABRT,
            libc::SIGKILL,
            libc::SIGBUS,
            libc::SIGTERM,
        ] {
            let direct = Setup::new(pid1).tree(["crash".to_string(), signal.to_string()]);
            let via_exec = Setup::new(pid1).args(["-v"]).command([
                "sh".to_string(),
                "-c".to_string(),
                format!("exec {} crash {signal}", tree.display()),
            ]);
            for (setup, verbose) in [(direct, false), (via_exec, true)] {
                let mut running = setup.start();
                let status = wait(&mut running);
                let stderr = running.stderr();
                assert_eq!(
                    code(status),
                    128 + signal,
                    "pid1 {pid1} signal {signal}: {stderr}"
                );
                if verbose {
                    assert!(
                        stderr.contains(&format!("pidone: command ended: signal {signal}\n")),
                        "{stderr}"
                    );
                } else {
                    assert_eq!(stderr, "", "pid1 {pid1} signal {signal}");
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Zero and huge grace periods.

/// `--grace 0`: no SIGTERM at all; every leftover, even one that would
/// have handled SIGTERM, is SIGKILLed at once and named.
#[test]
fn zero_grace_kills_at_once() {
    for pid1 in [false, true] {
        for grace in ["0", "0ms", "0s"] {
            let mut running = Setup::new(pid1)
                .args(["--grace", grace])
                .tree(["tree", "c.x3/0:h0::/0:i::/1:d:s:"])
                .start();
            assert!(running.wait_ready(LIMIT));
            let status = wait(&mut running);
            let elapsed = running.started.elapsed();
            let records = running.records();
            let stderr = running.stderr();
            let pids: Vec<i32> = records
                .lines()
                .filter_map(|l| {
                    let f: Vec<&str> = l.split(' ').collect();
                    (f[0] == "H" && f[1] != "0").then(|| f[2].parse().unwrap())
                })
                .collect();
            let mut killed = killed_pids(&stderr);
            killed.sort();
            let mut expected = pids.clone();
            expected.sort();
            assert_eq!(code(status), 3, "pid1 {pid1}: {stderr}");
            assert_eq!(
                killed, expected,
                "pid1 {pid1}: every leftover named: {stderr}"
            );
            assert!(!records.contains("\nT "), "a handler ran: {records}");
            assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
            if !pid1 {
                assert!(at_eof_now(&running.live));
            }
        }
    }
}

/// `--grace 1000000s` (the largest accepted, about 11.5 days; see
/// tests/grace_limit.rs) and the same through PIDONE_GRACE: pidone exits as
/// soon as everyone is gone.
#[test]
fn huge_grace_still_exits_as_soon_as_everyone_is_gone() {
    for pid1 in [false, true] {
        for env in [false, true] {
            let plan = Plan {
                pid1,
                ..Plan::decode("c.x9/0:h30::/0:d::/0:t::/3:h0:s:/1:h10::").unwrap()
            };
            // The longest grace period accepted.
            let mut options = Options::grace(Duration::from_secs(1_000_000));
            options.grace_arg = "1000000s".into();
            options.grace_env = env;
            let started = Instant::now();
            run(&plan, &options).unwrap();
            assert!(started.elapsed() < Duration::from_secs(10));
        }
        // Nobody left behind at all.
        let mut running = Setup::new(pid1)
            .args(["--grace", "277h"])
            .command(["sh", "-c", "exit 8"])
            .start();
        assert_eq!(code(wait(&mut running)), 8);
        assert!(running.started.elapsed() < Duration::from_secs(5));
    }
}
