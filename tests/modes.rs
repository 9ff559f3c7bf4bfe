#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The modes: --wait (let leftovers finish), --pause (no command), and -p
//! (a signal when pidone's parent dies).

mod common;
use common::*;
use std::process::Command;
use std::time::{Duration, Instant};

/// Block until the command (PID `cmd` in pidone's namespace) has exited.
fn await_command_exit(p: &mut Proc, cmd: i32) {
    if let Some(h) = p.host_pid(cmd) {
        await_exit(h);
    }
}

#[test]
fn wait_lets_leftovers_run_and_exits_with_the_commands_status_when_the_last_is_gone() {
    both(|mode| {
        let mut p = pidone(mode)
            .args(["--wait", "-g", "--grace", "300ms", "--"])
            .args(script(
                "tag cmd block spawn --orphan [ tag left block ready report --until-eof ] \
                ready exit 3",
            ))
            .spawn();
        let cmd = p.wait_ready("cmd");
        p.wait_line("cmd exiting 3");
        await_command_exit(&mut p, cmd);
        // Barrier: WINCH (28) is handled after the command's SIGCHLD (17),
        // and -g sends it to the leftover in the command's group.
        p.signal(libc::SIGWINCH);
        p.wait_signal("left", libc::SIGWINCH);
        let early: Vec<i32> = signals_in(&p.lines_so_far(), "left")
            .into_iter()
            .map(|(s, _)| s)
            .collect();
        assert_eq!(
            early,
            vec![libc::SIGWINCH],
            "{mode:?}: no shutdown signal reached the leftover"
        );
        assert!(
            p.try_exited().is_none(),
            "{mode:?}: pidone waits for the leftover"
        );
        let f = p.finish();
        assert_eq!(
            f.code(),
            3,
            "{mode:?}: the command's status once the leftover exited\n{f}"
        );
        assert!(
            f.has_line("left eof"),
            "{mode:?}: the leftover ended on its own\n{f}"
        );
        assert!(f.kill_lines().is_empty(), "{mode:?}\n{f}");
    });
}

#[test]
fn wait_then_a_stop_signal_starts_the_normal_shutdown() {
    both(|mode| {
        // The leftovers stay in the command's group, so -g lets a WINCH
        // show that pidone has taken the command's SIGCHLD (17 before 28).
        let mut p = pidone(mode)
            .args(["--wait", "-g", "--grace", "1s", "--"])
            .args(script(
                "tag cmd block spawn --orphan [ tag stubborn block ready report ] \
                spawn --orphan [ tag polite block ready report --exit-on TERM=0 ] \
                ready exit 3",
            ))
            .spawn();
        let stubborn = p.wait_ready("stubborn");
        let cmd = p.wait_ready("cmd");
        await_command_exit(&mut p, cmd);
        p.signal(libc::SIGWINCH);
        p.wait_signal("stubborn", libc::SIGWINCH);
        p.wait_signal("polite", libc::SIGWINCH);
        let me = p.pidone_ns_pid();
        let t0 = Instant::now();
        p.signal(libc::SIGTERM);
        let f = p.finish();
        assert_eq!(f.code(), 3, "{mode:?}\n{f}");
        assert!(
            f.has_line("polite exiting 0"),
            "{mode:?}: SIGTERM reached the polite leftover\n{f}"
        );
        let got = f.signals_of("stubborn");
        assert!(
            got.contains(&(libc::SIGTERM, me)) && got.contains(&(libc::SIGCONT, me)),
            "{mode:?}: SIGTERM and SIGCONT\n{f}"
        );
        // The stop request started the shutdown, whose SIGTERM reached the
        // group already: it is not forwarded to it a second time.
        let terms = got.iter().filter(|&&(s, _)| s == libc::SIGTERM).count();
        assert_eq!(terms, 1, "{mode:?}: one SIGTERM, not two\n{f}");
        assert_eq!(
            f.kill_lines(),
            vec![&format!(
                "pidone: grace period over: killed {stubborn} (probe)"
            )],
            "{mode:?}\n{f}"
        );
        assert!(
            f.exited_at - t0 >= Duration::from_secs(1),
            "{mode:?}: the grace period ran from the stop signal\n{f}"
        );
    });
}

#[test]
fn wait_with_a_stop_signal_before_the_command_exits_shuts_down_when_it_exits() {
    both(|mode| {
        // `docker stop` on a --wait container: the command exits on SIGTERM;
        // the stop was asked for, so the leftover gets SIGTERM too rather
        // than being waited for.
        let mut p = pidone(mode)
            .args(["--wait", "--grace", LONG_GRACE, "--"])
            .args(script("tag cmd block spawn --orphan --setsid [ tag left block ready report --exit-on TERM=0 ] \
                ready report --exit-on TERM=3"))
            .spawn();
        p.wait_ready("cmd");
        let t0 = Instant::now();
        p.signal(libc::SIGTERM);
        let f = p.finish_within(LONG);
        assert_eq!(f.code(), 3, "{mode:?}\n{f}");
        assert!(
            f.has_line("left exiting 0"),
            "{mode:?}: the leftover got SIGTERM once the command exited\n{f}"
        );
        assert!(f.exited_at - t0 < QUICK, "{mode:?}\n{f}");
    });
}

#[test]
fn pause_exits_zero_on_each_stop_signal() {
    both(|mode| {
        for (flags, sig) in [
            (&[][..], libc::SIGTERM),
            (&[][..], libc::SIGINT),
            (&[][..], libc::SIGQUIT),
            (&["-r", "HUP:TERM"][..], libc::SIGHUP),
        ] {
            let mut p = pidone(mode)
                .via_launcher()
                .args(flags)
                .arg("--pause")
                .spawn();
            p.wait_ready("launcher");
            p.signal(sig);
            let f = p.finish();
            assert_eq!(
                f.code(),
                0,
                "{mode:?} {flags:?}: --pause exits 0 on signal {sig}\n{f}"
            );
            assert!(f.stderr.is_empty(), "{mode:?}\n{f}");
        }
    });
}

#[test]
fn pause_as_pid1_reaps_orphans_and_shuts_down_what_is_left() {
    let mut p = pidone(Mode::Pid1)
        .via_launcher()
        .args(["-w", "--grace", "1s", "--pause"])
        .spawn();
    p.wait_ready("launcher");
    let host = p.pidone_pid();
    let mut entered = nsenter(
        host,
        &script(
            "tag entered spawn --orphan --setsid [ tag left block ready report ] \
            orphans 3 0,7,k9 exit 0",
        ),
    );
    let left = entered.wait_ready("left");
    let orphans: Vec<String> = entered
        .wait_lines("entered orphan ", 3)
        .iter()
        .map(|l| l.rsplit(' ').next().unwrap().to_string())
        .collect();
    let reaped = p.wait_stderr_lines("pidone: reaped zombie ", 3);
    for (o, how) in orphans.iter().zip(["(exit 0)", "(exit 7)", "(signal 9)"]) {
        let want = format!("pidone: reaped zombie {o} {how}");
        assert!(reaped.contains(&want), "orphan reaped: {want}\n{reaped:?}");
    }
    let t0 = Instant::now();
    p.signal(libc::SIGTERM);
    let f = p.finish();
    assert_eq!(f.code(), 0, "{f}");
    assert!(
        f.kill_lines().contains(&&format!(
            "pidone: grace period over: killed {left} (probe)"
        )),
        "{f}"
    );
    assert!(f.exited_at - t0 >= Duration::from_secs(1), "{f}");
    let e = entered.finish();
    let got = e.signals_of("left");
    assert!(
        got.contains(&(libc::SIGTERM, 1)) && got.contains(&(libc::SIGCONT, 1)),
        "the leftover got SIGTERM and SIGCONT\n{e}"
    );
}

/// `probe` as a subreaper that runs `inner` (bracketed probe steps) and
/// reports how each process it ends up reaping exited.
fn under_subreaper(inner: Vec<String>) -> Proc {
    let mut argv: Vec<String> = ["tag", "top", "subreaper", "spawn", "--no-wait", "["]
        .map(String::from)
        .to_vec();
    argv.extend(inner);
    argv.extend(["]", "reap-all"].map(String::from));
    let mut cmd = Command::new(probe_path());
    cmd.args(&argv);
    Proc::spawn(cmd, None, "subreaper")
}

fn strings(v: Vec<std::ffi::OsString>) -> Vec<String> {
    v.into_iter().map(|s| s.into_string().unwrap()).collect()
}

/// Start pidone with `flags` under a parent that the test can kill; the
/// command reports signals. Returns (process, pidone's host PID, parent's host PID).
fn with_mortal_parent(mode: Mode, flags: &[&str], cmd_steps: &[&str]) -> (Proc, i32, i32) {
    let pidone_cmd: Vec<String> = std::iter::once(pidone_path().to_string_lossy().into_owned())
        .chain(flags.iter().map(|s| s.to_string()))
        .chain(std::iter::once("--".to_string()))
        .chain(strings(probe(cmd_steps)))
        .collect();
    match mode {
        Mode::Child => {
            let mut inner: Vec<String> = ["tag", "middle", "spawn", "--no-wait", "[", "exec"]
                .map(String::from)
                .to_vec();
            inner.extend(pidone_cmd);
            inner.extend(["]", "ready", "pause"].map(String::from));
            let mut p = under_subreaper(inner);
            p.wait_ready("cmd");
            let middle = p.wait_ready("middle");
            let pid: i32 = p
                .wait_line("middle spawned ")
                .rsplit(' ')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            (p, pid, middle)
        }
        Mode::Pid1 => {
            let mut inner: Vec<String> = [
                "exec",
                "/usr/bin/unshare",
                "--pid",
                "--fork",
                "--mount-proc",
            ]
            .map(String::from)
            .to_vec();
            inner.extend(pidone_cmd);
            let mut p = under_subreaper(inner);
            p.wait_ready("cmd");
            let unshare: i32 = p
                .wait_line("top spawned ")
                .rsplit(' ')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            let kids = children(unshare);
            assert_eq!(kids.len(), 1, "unshare's only child is pidone");
            (p, kids[0], unshare)
        }
    }
}

#[test]
fn pdeathsig_stop_signal_on_parent_death_ends_the_command_and_pidone() {
    both(|mode| {
        let flag = if mode == Mode::Pid1 {
            "--pdeathsig=TERM"
        } else {
            "-pTERM"
        };
        let (mut p, pidone_pid, parent) = with_mortal_parent(
            mode,
            &[flag],
            &[
                "tag",
                "cmd",
                "block",
                "ready",
                "report",
                "--exit-on",
                "TERM=0",
            ],
        );
        let me = if mode == Mode::Pid1 { 1 } else { pidone_pid };
        send(parent, libc::SIGKILL);
        assert_eq!(
            p.wait_signal("cmd", libc::SIGTERM),
            me,
            "{mode:?}: SIGTERM came through pidone"
        );
        p.wait_line(&format!("top reaped {pidone_pid} code 0"));
        let f = p.finish();
        assert!(
            f.has_line(&format!("top reaped {parent} signal 9")),
            "{mode:?}\n{f}"
        );
    });
}

#[test]
fn pdeathsig_other_signal_on_parent_death_is_forwarded_and_pidone_goes_on() {
    both(|mode| {
        let flags: &[&str] = if mode == Mode::Pid1 {
            &["-p", "USR1"]
        } else {
            &["--pdeathsig", "SIGUSR1"]
        };
        let (mut p, pidone_pid, parent) = with_mortal_parent(
            mode,
            flags,
            &[
                "tag",
                "cmd",
                "block",
                "ready",
                "report",
                "--until-eof",
                "--eof-exit",
                "6",
            ],
        );
        let me = if mode == Mode::Pid1 { 1 } else { pidone_pid };
        send(parent, libc::SIGKILL);
        assert_eq!(
            p.wait_signal("cmd", libc::SIGUSR1),
            me,
            "{mode:?}: USR1 came through pidone"
        );
        send(pidone_pid, libc::SIGUSR2);
        assert_eq!(
            p.wait_signal("cmd", libc::SIGUSR2),
            me,
            "{mode:?}: pidone goes on forwarding"
        );
        let f = p.finish();
        assert!(
            f.has_line(&format!("top reaped {pidone_pid} code 6")),
            "{mode:?}: pidone exited with the command's status\n{f}"
        );
    });
}
