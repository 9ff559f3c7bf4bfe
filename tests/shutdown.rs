#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Shutdown: when the command exits, what is left gets SIGTERM (and
//! SIGCONT), then SIGKILL with a report once the grace period is over; pidone
//! exits with the command's status only after the last one is gone.

mod common;
use common::*;
use std::time::{Duration, Instant};

/// The command: starts `leftovers` (each a probe script, started as an
/// orphan in its own session), then exits 5 when the test sends USR1.
fn command(leftovers: &[&str]) -> Vec<std::ffi::OsString> {
    let mut words = String::from("tag cmd block");
    for l in leftovers {
        words += &format!(" spawn --orphan --setsid [ {l} ]");
    }
    script(&(words + " ready report --exit-on USR1=5"))
}

/// Make the command exit; returns when that was asked (so pidone's grace
/// period surely starts later).
fn end_command(p: &mut Proc) -> Instant {
    p.wait_ready("cmd");
    let t0 = Instant::now();
    p.signal(libc::SIGUSR1);
    t0
}

#[test]
fn leftover_that_handles_term_exits_by_its_own_handler_and_pidone_follows_at_once() {
    both(|mode| {
        let dir = TempDir::new("handler");
        let file = dir.path("left");
        let file_s = file.to_str().unwrap();
        let mut p = pidone(mode)
            .args(["--grace", LONG_GRACE, "--"])
            .args(command(&[&format!("tag left block ready report --out {file_s} --stop-on TERM sleep 300 write {file_s} cleanup-done exit 0")]))
            .spawn();
        let left = p.wait_ready("left");
        let left_host = p.host_pid(left).unwrap();
        let me = p.pidone_ns_pid();
        let t0 = end_command(&mut p);
        let f = p.finish_within(LONG);
        assert_eq!(f.code(), 5, "{mode:?}\n{f}");
        let log = read_file(&file);
        assert!(
            log.contains(&format!("left sig 15 from {me}\n")),
            "{mode:?}: the leftover got SIGTERM from pidone:\n{log}\n{f}"
        );
        assert!(
            log.contains("left cleanup-done\n"),
            "{mode:?}: the leftover finished its cleanup:\n{log}\n{f}"
        );
        assert!(
            f.kill_lines().is_empty(),
            "{mode:?}: nothing was killed\n{f}"
        );
        let took = f.exited_at - t0;
        assert!(
            took < QUICK,
            "{mode:?}: pidone exits right after the leftover, long before the 30 s grace period (took {took:?})"
        );
        if mode == Mode::Child {
            assert!(
                !alive(left_host),
                "{mode:?}: pidone exited while the leftover was alive"
            );
        }
    });
}

#[test]
fn leftovers_that_ignore_term_are_killed_after_the_grace_period_and_named() {
    both(|mode| {
        let grace = Duration::from_millis(300);
        let mut p = pidone(mode)
            .args(["--grace", "300ms", "--"])
            .args(command(&[
                "tag left1 ignore TERM ready pause",
                "tag left2 ignore TERM ready pause",
            ]))
            .spawn();
        let l1 = p.wait_ready("left1");
        let l2 = p.wait_ready("left2");
        let t0 = end_command(&mut p);
        let f = p.finish();
        assert_eq!(
            f.code(),
            5,
            "{mode:?}: the command's status, not the leftovers'\n{f}"
        );
        let took = f.exited_at - t0;
        assert!(
            took >= grace,
            "{mode:?}: the leftovers had their grace period (took {took:?})\n{f}"
        );
        let mut kills: Vec<String> = f.kill_lines().into_iter().cloned().collect();
        kills.sort();
        let mut want = vec![
            format!("pidone: grace period over: killed {l1} (probe)"),
            format!("pidone: grace period over: killed {l2} (probe)"),
        ];
        want.sort();
        assert_eq!(kills, want, "{mode:?}: one line per killed process\n{f}");
        assert_eq!(f.stderr.len(), 2, "{mode:?}: nothing else on stderr\n{f}");
    });
}

#[test]
fn stubborn_leftover_gets_term_and_cont_then_sigkill() {
    both(|mode| {
        let mut p = pidone(mode)
            .args(["--grace", "1s", "--"])
            .args(command(&["tag left block ready report"]))
            .spawn();
        let left = p.wait_ready("left");
        let me = p.pidone_ns_pid();
        let t0 = end_command(&mut p);
        let f = p.finish();
        assert_eq!(f.code(), 5, "{mode:?}\n{f}");
        let got = f.signals_of("left");
        assert!(
            got.contains(&(libc::SIGTERM, me)),
            "{mode:?}: SIGTERM from pidone\n{f}"
        );
        assert!(
            got.contains(&(libc::SIGCONT, me)),
            "{mode:?}: SIGCONT from pidone\n{f}"
        );
        assert!(
            f.exited_at - t0 >= Duration::from_secs(1),
            "{mode:?}: killed only after the grace period\n{f}"
        );
        assert_eq!(
            f.kill_lines(),
            vec![&format!("pidone: grace period over: killed {left} (probe)")],
            "{mode:?}\n{f}"
        );
    });
}

#[test]
fn stopped_leftover_is_continued_and_handles_term() {
    both(|mode| {
        let mut p = pidone(mode)
            .args(["--grace", LONG_GRACE, "--"])
            .args(script("tag cmd block spawn --setsid --stopped [ tag left block ready stop report --exit-on TERM=0 ] \
                ready report --exit-on USR1=5"))
            .spawn();
        p.wait_ready("left");
        let t0 = end_command(&mut p);
        let f = p.finish_within(LONG);
        assert_eq!(f.code(), 5, "{mode:?}\n{f}");
        assert!(
            f.has_line("left exiting 0"),
            "{mode:?}: the stopped leftover woke up and handled SIGTERM\n{f}"
        );
        assert!(f.kill_lines().is_empty(), "{mode:?}\n{f}");
        assert!(
            f.exited_at - t0 < QUICK,
            "{mode:?}: no waiting for the grace period\n{f}"
        );
    });
}

#[test]
fn every_remaining_descendant_gets_term_not_only_pidones_children() {
    both(|mode| {
        let mut p = pidone(mode)
            .args(["--grace", LONG_GRACE, "--"])
            .args(command(&[
                "tag left block spawn [ tag deep block ready report --exit-on TERM=0 ] \
                 ready report --stop-on TERM await-spawned exit 0",
            ]))
            .spawn();
        p.wait_ready("deep");
        let t0 = end_command(&mut p);
        let f = p.finish_within(LONG);
        assert_eq!(f.code(), 5, "{mode:?}\n{f}");
        assert!(
            f.has_line("deep exiting 0") && f.has_line("left exiting 0"),
            "{mode:?}: both exited on SIGTERM\n{f}"
        );
        assert!(f.kill_lines().is_empty(), "{mode:?}\n{f}");
        assert!(f.exited_at - t0 < QUICK, "{mode:?}\n{f}");
    });
}

#[test]
fn grace_zero_kills_leftovers_at_once() {
    both(|mode| {
        let mut p = pidone(mode)
            // The variable makes a pidone that misses the 0 wait an hour.
            .env("PIDONE_GRACE", "1h")
            .args(["--grace", "0", "--"])
            .args(command(&["tag left block ready report"]))
            .spawn();
        let left = p.wait_ready("left");
        let t0 = end_command(&mut p);
        let f = p.finish();
        assert_eq!(f.code(), 5, "{mode:?}\n{f}");
        assert_eq!(
            f.kill_lines(),
            vec![&format!("pidone: grace period over: killed {left} (probe)")],
            "{mode:?}\n{f}"
        );
        assert!(f.exited_at - t0 < QUICK, "{mode:?}: SIGKILL at once\n{f}");
    });
}

#[test]
fn stop_signal_is_forwarded_and_the_shutdown_starts_when_the_command_exits() {
    both(|mode| {
        let mut p = pidone(mode)
            .args(["--grace", LONG_GRACE, "--"])
            .args(script(
                "tag cmd block spawn --orphan --setsid [ tag left block ready report --until-eof ] \
                ready report --stop-on TERM sleep 300 exit 42",
            ))
            .spawn();
        p.wait_ready("cmd");
        let me = p.pidone_ns_pid();
        p.signal(libc::SIGTERM);
        assert_eq!(p.wait_signal("cmd", libc::SIGTERM), me);
        p.wait_signal("left", libc::SIGTERM);
        let f = p.finish_within(LONG);
        assert_eq!(
            f.code(),
            42,
            "{mode:?}: the command handled SIGTERM its own way\n{f}"
        );
        let exited = f.index_of("cmd exiting 42").unwrap();
        let termed = f.index_of("left sig 15 ").unwrap();
        assert!(
            exited < termed,
            "{mode:?}: the leftover got SIGTERM only after the command exited\n{f}"
        );
        assert!(f.kill_lines().is_empty(), "{mode:?}\n{f}");
    });
}

#[test]
fn process_that_entered_the_namespace_gets_term_at_shutdown_as_pid1() {
    let mut p = pidone(Mode::Pid1)
        .args(["--grace", LONG_GRACE, "--"])
        .args(command(&[]))
        .spawn();
    p.wait_ready("cmd");
    let host = p.pidone_pid();
    let mut entered = nsenter(
        host,
        &script("tag entered block ready report --exit-on TERM=0"),
    );
    entered.wait_ready("entered");
    let t0 = end_command(&mut p);
    let f = p.finish_within(LONG);
    assert_eq!(f.code(), 5, "{f}");
    let e = entered.finish();
    assert!(
        e.has_line("entered sig 15 from 1"),
        "the entered process got SIGTERM from pidone\n{e}"
    );
    assert!(f.kill_lines().is_empty(), "{f}");
    assert!(f.exited_at - t0 < QUICK, "{f}");
}
