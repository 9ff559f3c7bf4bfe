#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The state the command starts in: own process group, and the signal mask
//! and ignored signals pidone itself inherited, as a shell passes them on
//! (tests/inherited_signal_state.rs has the other names and the details).

mod common;
use common::*;

const INHERITED_BLOCKED: &[i32] = &[
    libc::SIGUSR1,
    libc::SIGTERM,
    libc::SIGINT,
    SIGRTMIN + 1,
    libc::SIGCHLD,
    SIGRTMAX,
];
const INHERITED_IGNORED: &[i32] = &[
    libc::SIGPIPE,
    libc::SIGHUP,
    libc::SIGUSR2,
    libc::SIGQUIT,
    libc::SIGTSTP,
    libc::SIGTTOU,
    libc::SIGTTIN,
];

#[test]
fn command_starts_with_the_mask_and_ignored_signals_pidone_inherited_and_nothing_caught() {
    both(|mode| {
        let f = pidone(mode)
            .start_blocked(INHERITED_BLOCKED)
            .start_ignored(INHERITED_IGNORED)
            .arg("--")
            .args(script("tag cmd status"))
            .run();
        assert_eq!(f.code(), 0, "{mode:?}\n{f}");
        let status = f
            .stdout
            .iter()
            .find(|l| l.starts_with("cmd status "))
            .expect("status line");
        assert_eq!(
            field(status, "sigblk"),
            format!("{:016x}", mask(INHERITED_BLOCKED)),
            "{mode:?}: SigBlk of the command is the mask pidone was given\n{f}"
        );
        assert_eq!(
            field(status, "sigign"),
            format!("{:016x}", mask(INHERITED_IGNORED)),
            "{mode:?}: SigIgn of the command is what pidone was given ignored\n{f}"
        );
        assert_eq!(
            field(status, "sigcgt"),
            "0000000000000000",
            "{mode:?}: SigCgt of the command\n{f}"
        );
    });
}

#[test]
fn command_starts_with_an_empty_mask_and_nothing_ignored_when_pidone_was_given_none() {
    both(|mode| {
        let f = pidone(mode).arg("--").args(script("tag cmd status")).run();
        assert_eq!(f.code(), 0, "{mode:?}\n{f}");
        let status = f
            .stdout
            .iter()
            .find(|l| l.starts_with("cmd status "))
            .expect("status line");
        for key in ["sigblk", "sigign", "sigcgt"] {
            assert_eq!(
                field(status, key),
                "0000000000000000",
                "{mode:?}: {key} of the command: pidone's own blocking does not leak\n{f}"
            );
        }
    });
}

#[test]
fn command_runs_in_its_own_process_group() {
    both(|mode| {
        let mut p = pidone(mode)
            .arg("--")
            .args(script("tag cmd status ready wait-stdin"))
            .spawn();
        let status = p.wait_line("cmd status ");
        p.wait_ready("cmd");
        let (pid, pgid, ppid) = (
            field(&status, "pid"),
            field(&status, "pgid"),
            field(&status, "ppid"),
        );
        assert_eq!(
            pgid, pid,
            "{mode:?}: the command leads its own process group\n{status}"
        );
        let host = p.pidone_pid();
        assert_eq!(
            ppid,
            p.pidone_ns_pid().to_string(),
            "{mode:?}: the command is pidone's child\n{status}"
        );
        // SAFETY: plain getpgid.
        let pidone_pgid = unsafe { libc::getpgid(host) };
        if mode == Mode::Child {
            assert_ne!(
                pgid,
                pidone_pgid.to_string(),
                "{mode:?}: not pidone's group\n{status}"
            );
        } else {
            assert_ne!(
                pid, "1",
                "{mode:?}: pidone is PID 1, the command is not\n{status}"
            );
        }
        let f = p.finish();
        assert_eq!(f.code(), 0, "{mode:?}\n{f}");
    });
}

#[test]
fn signals_ignored_when_pidone_started_are_still_forwarded() {
    both(|mode| {
        let mut p = pidone(mode)
            .start_ignored(&[libc::SIGHUP, libc::SIGUSR1, libc::SIGWINCH])
            .arg("--")
            .args(script("tag cmd block ready report --until-eof"))
            .spawn();
        p.wait_ready("cmd");
        let from = p.pidone_ns_pid();
        for sig in [libc::SIGHUP, libc::SIGUSR1, libc::SIGWINCH] {
            p.signal(sig);
            assert_eq!(
                p.wait_signal("cmd", sig),
                from,
                "{mode:?}: signal {sig} came from pidone"
            );
        }
        let f = p.finish();
        assert_eq!(f.code(), 0, "{mode:?}\n{f}");
    });
}
