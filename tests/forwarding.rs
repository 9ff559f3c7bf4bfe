#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Signal forwarding: every catchable signal reaches the target chosen with
//! --forward-to (child, group, all), after -r rewriting; job-control signals
//! are forwarded without stopping pidone.

mod common;
use common::*;
use std::collections::BTreeSet;

/// The command (`cmd`), a child of it in its process group (`grp`), and an
/// orphan in its own session (`sess`, adopted by pidone). All report signals
/// until stdin closes; `cmd` exits after the other two are gone, so no
/// shutdown signal mixes into the reports.
fn family() -> Vec<std::ffi::OsString> {
    script(
        "tag cmd block spawn [ tag grp block ready report --until-eof ] \
        spawn --setsid --orphan [ tag sess block ready report --until-eof ] \
        ready report --until-eof await-spawned",
    )
}

fn from_pidone(f: &Finished, tag: &str, pidone: i32) -> BTreeSet<i32> {
    f.signals_of(tag)
        .into_iter()
        .filter(|(_, from)| *from == pidone)
        .map(|(s, _)| s)
        .collect()
}

/// Send every forwardable signal to pidone; return what each probe got.
fn forward_all_signals(mode: Mode, flags: &[&str], receivers: &[&str], others: &[&str]) {
    let mut p = pidone(mode).args(flags).arg("--").args(family()).spawn();
    for tag in ["grp", "sess", "cmd"] {
        p.wait_ready(tag);
    }
    let me = p.pidone_ns_pid();
    let sigs = forwardable_signals();
    let burst: Vec<i32> = sigs
        .iter()
        .copied()
        .filter(|s| !CONT_AND_STOPS.contains(s))
        .collect();
    for &s in &burst {
        p.signal(s);
    }
    for tag in receivers {
        for &s in &burst {
            let from = p.wait_signal(tag, s);
            assert_eq!(
                from, me,
                "{mode:?} {flags:?}: {tag} got signal {s} from pidone"
            );
        }
    }
    for s in CONT_AND_STOPS {
        p.signal(s);
        for tag in receivers {
            let from = p.wait_signal(tag, s);
            assert_eq!(
                from, me,
                "{mode:?} {flags:?}: {tag} got signal {s} from pidone"
            );
        }
    }
    let f = p.finish();
    assert_eq!(f.code(), 0, "{mode:?} {flags:?}\n{f}");
    let want: BTreeSet<i32> = sigs.iter().copied().collect();
    for tag in receivers {
        assert_eq!(
            from_pidone(&f, tag, me),
            want,
            "{mode:?} {flags:?}: {tag} got exactly the forwardable signals\n{f}"
        );
    }
    for tag in others {
        assert_eq!(
            from_pidone(&f, tag, me),
            BTreeSet::new(),
            "{mode:?} {flags:?}: {tag} is not a target\n{f}"
        );
    }
    for tag in ["cmd", "grp", "sess"] {
        assert!(
            !from_pidone(&f, tag, me).contains(&libc::SIGCHLD),
            "{mode:?}: SIGCHLD is never forwarded\n{f}"
        );
    }
}

#[test]
fn child_target_forwards_every_catchable_signal_to_the_command_only() {
    both(|mode| forward_all_signals(mode, &[], &["cmd"], &["grp", "sess"]));
    both(|mode| forward_all_signals(mode, &["--forward-to", "child"], &["cmd"], &["grp", "sess"]));
}

#[test]
fn group_target_forwards_every_catchable_signal_to_the_commands_process_group() {
    both(|mode| forward_all_signals(mode, &["--forward-to", "group"], &["cmd", "grp"], &["sess"]));
}

#[test]
fn short_g_means_group_target() {
    both(|mode| forward_all_signals(mode, &["-g"], &["cmd", "grp"], &["sess"]));
}

#[test]
fn all_target_forwards_every_catchable_signal_to_every_descendant_including_setsid_orphans() {
    both(|mode| forward_all_signals(mode, &["--forward-to=all"], &["cmd", "grp", "sess"], &[]));
}

#[test]
fn all_target_as_pid1_reaches_processes_that_entered_the_namespace() {
    let mut p = pidone(Mode::Pid1)
        .args(["--forward-to", "all", "--"])
        .args(script("tag cmd block ready report --until-eof"))
        .spawn();
    p.wait_ready("cmd");
    let host = p.pidone_pid();
    let mut entered = nsenter(host, &script("tag entered block ready report --until-eof"));
    entered.wait_ready("entered");
    for sig in [libc::SIGUSR1, libc::SIGHUP, SIGRTMIN + 2] {
        p.signal(sig);
        assert_eq!(
            entered.wait_signal("entered", sig),
            1,
            "the entered process got {sig} from PID 1"
        );
        assert_eq!(p.wait_signal("cmd", sig), 1);
    }
    let e = entered.finish();
    assert_eq!(e.code(), 0, "{e}");
    let f = p.finish();
    assert_eq!(f.code(), 0, "{f}");
}

#[test]
fn rewrite_sends_the_replacement_signal_once_without_chaining() {
    both(|mode| {
        let mut p = pidone(mode)
            .args(["-r", "USR1:USR2", "-r", "SIGHUP:usr1", "--"])
            .args(script("tag cmd block ready report --until-eof"))
            .spawn();
        p.wait_ready("cmd");
        let me = p.pidone_ns_pid();
        p.signal(libc::SIGUSR1);
        p.wait_signal("cmd", libc::SIGUSR2);
        p.signal(libc::SIGHUP);
        p.wait_signal("cmd", libc::SIGUSR1);
        let f = p.finish();
        assert_eq!(f.code(), 0, "{mode:?}\n{f}");
        let got: Vec<i32> = f
            .signals_of("cmd")
            .into_iter()
            .filter(|(_, from)| *from == me)
            .map(|(s, _)| s)
            .collect();
        assert_eq!(
            got,
            vec![libc::SIGUSR2, libc::SIGUSR1],
            "{mode:?}: USR1 became USR2, HUP became USR1\n{f}"
        );
    });
}

#[test]
fn rewrite_to_zero_drops_the_signal() {
    both(|mode| {
        let mut p = pidone(mode)
            .args(["-r", "HUP:0", "--"])
            .args(script("tag cmd block ready report --until-eof"))
            .spawn();
        p.wait_ready("cmd");
        p.signal(libc::SIGHUP);
        // WINCH is handled after HUP (sent later, and pending signals are
        // taken lowest number first), so once it arrives HUP would have too.
        p.signal(libc::SIGWINCH);
        p.wait_signal("cmd", libc::SIGWINCH);
        let f = p.finish();
        assert_eq!(f.code(), 0, "{mode:?}\n{f}");
        assert!(
            !signal_set(&f.signals_of("cmd")).contains(&libc::SIGHUP),
            "{mode:?}: HUP was dropped\n{f}"
        );
    });
}

#[test]
fn rewrite_accepts_realtime_numeric_and_prefixed_names() {
    both(|mode| {
        let mut p = pidone(mode)
            .args([
                "-r",
                "RTMIN+3:RTMAX-2",
                "--rewrite=10:12",
                "-rSIGWINCH:sigurg",
                "--rewrite",
                "rtmin:RTMIN+1",
                "--",
            ])
            .args(script("tag cmd block ready report --until-eof"))
            .spawn();
        p.wait_ready("cmd");
        for (from, to) in [(37, 62), (10, 12), (28, 23), (34, 35)] {
            p.signal(from);
            p.wait_signal("cmd", to);
        }
        let f = p.finish();
        assert_eq!(f.code(), 0, "{mode:?}\n{f}");
        let got = signal_set(&f.signals_of("cmd"));
        for from in [37, 10, 28, 34] {
            assert!(
                !got.contains(&from),
                "{mode:?}: {from} arrived unrewritten\n{f}"
            );
        }
    });
}

#[test]
fn job_control_signals_are_forwarded_and_pidone_never_stops() {
    both(|mode| {
        let mut p = pidone(mode)
            .arg("--")
            .args(script("tag cmd block ready report --until-eof"))
            .spawn();
        p.wait_ready("cmd");
        let host = p.pidone_pid();
        for sig in [libc::SIGTSTP, libc::SIGTTIN, libc::SIGTTOU] {
            p.signal(sig);
            p.wait_signal("cmd", sig);
            let st = state(host).unwrap();
            assert_ne!(st, 'T', "{mode:?}: pidone stopped after signal {sig}");
        }
        // Still responsive afterwards.
        p.signal(libc::SIGUSR1);
        p.wait_signal("cmd", libc::SIGUSR1);
        let f = p.finish();
        assert_eq!(f.code(), 0, "{mode:?}\n{f}");
    });
}

#[test]
fn child_target_drops_signals_after_the_command_exited() {
    both(|mode| {
        // With --wait the command's process-group mate `grp` outlives it.
        // Real-time signals are taken after the command's SIGCHLD (17), so
        // RTMIN (rewritten to USR1) surely arrives after pidone reaped the
        // command, and RTMAX (rewritten to TERM) after that.
        let mut p = pidone(mode)
            .args([
                "--wait",
                "--grace",
                "10s",
                "-r",
                "RTMIN:USR1",
                "-r",
                "RTMAX:TERM",
                "--",
            ])
            .args(script(
                "tag cmd block spawn --orphan [ tag grp block ready report --until-eof ] \
                ready exit 3",
            ))
            .spawn();
        let cmd = p.wait_ready("cmd");
        p.wait_line("cmd exiting 3");
        if let Some(h) = p.host_pid(cmd) {
            await_exit(h);
        }
        p.signal(SIGRTMIN);
        p.signal(SIGRTMAX);
        p.wait_signal("grp", libc::SIGTERM);
        let f = p.finish_within(std::time::Duration::from_secs(30));
        assert_eq!(f.code(), 3, "{mode:?}\n{f}");
        let got = signal_set(&f.signals_of("grp"));
        assert!(
            !got.contains(&libc::SIGUSR1),
            "{mode:?}: USR1 after the command's exit went nowhere\n{f}"
        );
    });
}
