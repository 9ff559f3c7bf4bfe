#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Pid reuse (issue 9, bug 1): once the command is reaped, its pid, which
//! was also its process group's id, can be handed to anyone. A subreaper
//! pidone must not signal that group any more unless /proc shows a
//! descendant of its own in it: not in the SIGKILL sweep at the end of the
//! grace period, not when it forwards a signal with `-g`.
//!
//! The reuse is forced, not waited for: pidone runs as a plain child (a
//! subreaper) of the first process of a private PID namespace, and once the
//! command is reaped, `examples/take_pid.rs` (entered with nsenter, so not
//! pidone's descendant) writes the namespace's `ns_last_pid` and forks a
//! `setsid`'d victim that gets the command's old pid. The victim reports
//! what ended it: the test's own SIGALRM after pidone has exited, or
//! whatever pidone sent it before.

mod common;
use common::*;
use std::ffi::OsString;
use std::process::Command;

/// `probe` as PID 1 of a new PID namespace, starting pidone with `args` as
/// its child and `cmd` (probe words) as pidone's command; it reports how
/// pidone exits (`init reaped PID code N`), then waits for its stdin to
/// close. Returns the process and pidone's pid in the namespace.
fn pidone_under_namespace_init(args: &[&str], cmd: &str) -> (Proc, i32) {
    let mut inner: Vec<OsString> = os(&["tag", "init", "spawn", "--no-wait", "[", "exec"]);
    inner.push(pidone_path().into_os_string());
    inner.extend(os(args));
    inner.push("--".into());
    inner.extend(script(cmd));
    inner.extend(os(&["]", "reap-all", "wait-stdin"]));
    let argv: Vec<OsString> = probe(&[]).into_iter().chain(inner).collect();
    let mut ns = Proc::spawn(in_mode(Mode::Pid1, &argv), Some(Mode::Pid1), "namespace");
    let line = ns.wait_line("init spawned ");
    let pidone: i32 = line.rsplit(' ').next().unwrap().parse().unwrap();
    (ns, pidone)
}

/// Host pid of the namespace's PID 1 (the `init` probe).
fn init_host_pid(ns: &mut Proc) -> i32 {
    ns.pidone_pid()
}

/// Runs take_pid in the namespace: its victim takes `pid`.
fn victim_with_pid(ns: &mut Proc, pid: i32) -> Proc {
    let init = init_host_pid(ns);
    let mut cmd = Command::new("/usr/bin/nsenter");
    cmd.arg(format!("--target={init}"))
        .args(["--pid", "--"])
        .arg(example_path("take_pid"))
        .arg(pid.to_string());
    let mut victim = Proc::spawn(cmd, None, "take_pid");
    let ready = victim.wait_line("victim ready ");
    assert_eq!(
        (field(&ready, "pid"), field(&ready, "pgid")),
        (pid.to_string(), pid.to_string()),
        "the victim should have taken pid {pid} and lead its group: {ready}"
    );
    victim
}

/// pidone's exit code, from the init's report.
fn pidone_exit_code(ns: &mut Proc, pidone: i32) -> String {
    let line = ns.wait_line(&format!("init reaped {pidone} "));
    line.rsplit_once(&format!("{pidone} "))
        .unwrap()
        .1
        .to_string()
}

/// Lets the victim go: it gets the test's SIGALRM now unless something
/// ended it before. Returns what ended it.
fn victim_end(mut victim: Proc) -> String {
    victim.close_stdin();
    let line = victim.wait_line("victim ended ");
    let f = victim.finish();
    assert_eq!(f.code(), 0, "{f}");
    line.trim_start_matches("victim ended ").to_string()
}

/// Whether the process has exited or has a SIGKILL pending: the SIGKILL
/// sweep has reached it.
fn swept(host_pid: i32) -> bool {
    let kill_bit = mask(&[libc::SIGKILL]);
    let pending =
        |name| status_field(host_pid, name).map_or(0, |v| u64::from_str_radix(&v, 16).unwrap_or(0));
    !alive(host_pid) || (pending("SigPnd:") | pending("ShdPnd:")) & kill_bit != 0
}

const ALARM: &str = "signal 14";

#[test]
fn the_sigkill_sweep_spares_a_stranger_that_took_the_commands_old_pid() {
    // The command leaves a setsid'd leftover that ignores SIGTERM (it only
    // reports it), so the grace period runs out and the SIGKILL sweep comes.
    let (mut ns, pidone) = pidone_under_namespace_init(
        &["-v", "--grace", "3s"],
        "tag cmd spawn --setsid [ tag left block ready report ] ready exit 3",
    );
    let left = ns.wait_ready("left");
    let cmd = ns.wait_ready("cmd");
    // The command is reaped and the grace period has begun.
    ns.wait_stderr_lines("pidone: sending SIGTERM", 1);
    let victim = victim_with_pid(&mut ns, cmd);
    let left_host = ns.host_pid(left).expect("the leftover is alive");
    assert!(
        !swept(left_host),
        "setup too slow: the grace period ended before the victim took pid {cmd}"
    );
    let code = pidone_exit_code(&mut ns, pidone);
    let ended = victim_end(victim);
    ns.close_stdin();
    let f = ns.finish();
    assert_eq!(
        ended, ALARM,
        "the stranger that took the command's old pid {cmd} (its own group, not pidone's \
         descendant) was ended by pidone ({ended}) instead of living on\n{f}"
    );
    assert_eq!(
        code, "code 3",
        "pidone exits with the command's status\n{f}"
    );
    assert!(
        f.stderr
            .iter()
            .any(|l| l == &format!("pidone: grace period over: killed {left} (probe)")),
        "pidone's own leftover {left} is still killed and named\n{f}"
    );
    assert!(
        f.stderr
            .iter()
            .all(|l| !l.starts_with(&format!("pidone: grace period over: killed {cmd} "))),
        "the stranger is not named\n{f}"
    );
}

#[test]
fn forwarding_to_the_group_spares_a_stranger_that_took_the_commands_old_pid() {
    // --wait -g: after the command exits, pidone lingers for a leftover that
    // left the command's group, and forwards what it gets to "the group".
    let (mut ns, pidone) = pidone_under_namespace_init(
        &["-v", "--wait", "-g"],
        "tag cmd spawn --setsid [ tag left block ready report --exit-on TERM=0 ] ready exit 3",
    );
    ns.wait_ready("left");
    let cmd = ns.wait_ready("cmd");
    ns.wait_stderr_lines("pidone: command ended", 1);
    let victim = victim_with_pid(&mut ns, cmd);
    let pidone_host = ns.host_pid(pidone).expect("pidone runs");
    // pidone handles USR1 before the TERM sent after it (and lower-numbered
    // pending signals first); the TERM ends the lingering, and pidone exits
    // once the leftover has handled it.
    send(pidone_host, libc::SIGUSR1);
    send(pidone_host, libc::SIGTERM);
    ns.wait_line("left exiting 0");
    let code = pidone_exit_code(&mut ns, pidone);
    let ended = victim_end(victim);
    ns.close_stdin();
    let f = ns.finish();
    assert_eq!(
        ended, ALARM,
        "the stranger that took the command's old pid {cmd} got a signal from pidone \
         ({ended}): SIGUSR1 is 10, SIGTERM 15\n{f}"
    );
    assert_eq!(code, "code 3", "{f}");
}
