#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Reaping: every zombie pidone adopts is collected, however many die at
//! once; with -w each one is logged.

mod common;
use common::*;
use std::collections::BTreeSet;

/// No zombie left anywhere under pidone, and pidone's only child is the
/// command.
fn assert_no_zombies(p: &mut Proc, mode: Mode, cmd_ns_pid: i32) {
    let host = p.pidone_pid();
    let zombies: Vec<i32> = descendants(host)
        .into_iter()
        .filter(|&d| state(d) == Some('Z'))
        .collect();
    assert!(
        zombies.is_empty(),
        "{mode:?}: zombies left under pidone: {} of them, e.g. {:?}",
        zombies.len(),
        &zombies[..zombies.len().min(10)]
    );
    let kids: Vec<i32> = children(host)
        .into_iter()
        .map(|k| ns_pid_of(k).unwrap_or(-1))
        .collect();
    assert_eq!(
        kids,
        vec![cmd_ns_pid],
        "{mode:?}: pidone's only child is the command"
    );
}

#[test]
fn thousands_of_orphans_dying_at_once_are_all_reaped() {
    both(|mode| {
        let n = 3000;
        let mut p = pidone(mode)
            .arg("--")
            .args(script(&format!(
                "tag cmd block ready orphans {n} 0,1,k9,k15 report --until-eof"
            )))
            .spawn();
        let cmd = p.wait_ready("cmd");
        // Every orphan has exited (so pidone got its SIGCHLD) once this line is out.
        p.wait_line(&format!("cmd orphans-exited {n}"));
        // Barrier: pidone takes the pending SIGCHLD (17) before WINCH (28),
        // so when the command has WINCH, pidone has run its reaping loop
        // after the last orphan died.
        p.signal(libc::SIGWINCH);
        p.wait_signal("cmd", libc::SIGWINCH);
        assert_no_zombies(&mut p, mode, cmd);
        let f = p.finish();
        assert_eq!(f.code(), 0, "{mode:?}\n{}", f.stderr_text());
    });
}

#[test]
fn w_logs_each_adopted_zombie_with_its_exit_code_or_signal() {
    both(|mode| {
        let mut p = pidone(mode)
            .args(["-w", "--"])
            .args(script(
                "tag cmd block ready orphans 3 0,7,k9 report --until-eof",
            ))
            .spawn();
        p.wait_ready("cmd");
        let orphans: Vec<i32> = p
            .wait_lines("cmd orphan ", 3)
            .iter()
            .map(|l| l.rsplit(' ').next().unwrap().parse().unwrap())
            .collect();
        let logged = p.wait_stderr_lines("pidone: reaped zombie ", 3);
        let want: BTreeSet<String> = [
            format!("pidone: reaped zombie {} (exit 0)", orphans[0]),
            format!("pidone: reaped zombie {} (exit 7)", orphans[1]),
            format!("pidone: reaped zombie {} (signal 9)", orphans[2]),
        ]
        .into();
        let got: BTreeSet<String> = logged.into_iter().collect();
        assert_eq!(got, want, "{mode:?}: one line per adopted zombie");
        let f = p.finish();
        assert_eq!(f.code(), 0, "{mode:?}\n{f}");
        assert_eq!(
            f.stderr.len(),
            3,
            "{mode:?}: only adopted zombies are logged, not the command\n{f}"
        );
    });
}

#[test]
fn w_logs_every_one_of_thousands_of_orphans_exactly_once() {
    both(|mode| {
        let n = 2000;
        let mut p = pidone(mode)
            .args(["-w", "--"])
            .args(script(&format!(
                "tag cmd block ready orphans {n} report --until-eof"
            )))
            .spawn();
        p.wait_ready("cmd");
        let orphans: BTreeSet<String> = p
            .wait_lines("cmd orphan ", n)
            .iter()
            .map(|l| l.rsplit(' ').next().unwrap().to_string())
            .collect();
        assert_eq!(orphans.len(), n);
        let logged = p.wait_stderr_lines("pidone: reaped zombie ", n);
        let pids: Vec<String> = logged
            .iter()
            .map(|l| {
                let rest = l.strip_prefix("pidone: reaped zombie ").unwrap();
                let (pid, how) = rest.split_once(' ').unwrap();
                assert_eq!(how, "(exit 0)", "{mode:?}: {l}");
                pid.to_string()
            })
            .collect();
        let unique: BTreeSet<String> = pids.iter().cloned().collect();
        assert_eq!(unique.len(), n, "{mode:?}: each orphan logged once");
        assert_eq!(
            unique, orphans,
            "{mode:?}: the logged PIDs are the orphans'"
        );
        let f = p.finish();
        assert_eq!(f.code(), 0, "{mode:?}");
        assert_eq!(f.stderr.len(), n, "{mode:?}: no other stderr line");
    });
}

#[test]
fn orphans_made_during_the_shutdown_are_reaped_and_do_not_delay_it() {
    both(|mode| {
        // A leftover answers SIGTERM by making 200 orphans, then exits: pidone
        // must reap them all and exit at once with the command's code.
        let mut p = pidone(mode)
            .args(["--grace", LONG_GRACE, "--"])
            .args(script("tag cmd spawn --orphan --setsid [ tag left block ready report --stop-on TERM orphans 200 exit 0 ] \
                exit 4"))
            .spawn();
        p.wait_line("cmd exiting 4");
        let t0 = std::time::Instant::now();
        let f = p.finish_within(LONG);
        assert_eq!(f.code(), 4, "{mode:?}\n{f}");
        assert!(f.has_line("left orphans-exited 200"), "{mode:?}\n{f}");
        assert!(
            f.kill_lines().is_empty(),
            "{mode:?}: nothing needed SIGKILL\n{f}"
        );
        assert!(
            f.exited_at - t0 < QUICK,
            "{mode:?}: exited long before the 30 s grace period\n{f}"
        );
    });
}
