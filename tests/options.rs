#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Option syntax (clusters, attached and separate values) and environment
//! variables, proven by their effects.

mod common;
use common::*;
use std::time::{Duration, Instant};

type Flags = &'static [&'static str];
type Env = &'static [(&'static str, &'static str)];

#[test]
fn short_options_cluster() {
    both(|mode| {
        // -gw: group target and zombie logging at once.
        let mut p = pidone(mode)
            .arg("-gw")
            .arg("--")
            .args(script(
                "tag cmd block spawn [ tag grp block ready report --until-eof ] \
                ready orphans 1 report --until-eof await-spawned",
            ))
            .spawn();
        p.wait_ready("grp");
        let orphan = p
            .wait_line("cmd orphan ")
            .rsplit(' ')
            .next()
            .unwrap()
            .to_string();
        p.wait_stderr_lines(&format!("pidone: reaped zombie {orphan} "), 1);
        let me = p.pidone_ns_pid();
        p.signal(libc::SIGUSR1);
        assert_eq!(
            p.wait_signal("grp", libc::SIGUSR1),
            me,
            "{mode:?}: -g in a cluster"
        );
        let f = p.finish();
        assert_eq!(f.code(), 0, "{mode:?}\n{f}");
    });
}

#[test]
fn verbosity_subreaper_and_duration_forms_are_accepted() {
    let cases: &[(Flags, Env)] = &[
        (&["-v"], &[]),
        (&["-vvv"], &[]),
        (&["--verbose", "--verbose"], &[]),
        (&["-q"], &[]),
        (&["--quiet"], &[]),
        (&["-s"], &[]),
        (&["--subreaper"], &[]),
        (&["-sv", "-q"], &[]),
        (&["--grace", "2m"], &[]),
        (&["--grace=1h"], &[]),
        (&["--grace", "250ms"], &[]),
        (&["--grace", "0"], &[]),
        (&["--grace", "5"], &[]),
        (&["--forward-to", "child"], &[]),
        (&["-pTERM"], &[]),
        (&["-p", "RTMIN+3"], &[]),
        (&["-p", "rtmax-2"], &[]),
        (&["-p", "64"], &[]),
        (&[], &[("PIDONE_VERBOSITY", "0")]),
        (&[], &[("PIDONE_VERBOSITY", "3")]),
        (&[], &[("PIDONE_SUBREAPER", "1")]),
        (&[], &[("PIDONE_GRACE", "2m")]),
        (&[], &[("PIDONE_FORWARD_TO", "all")]),
    ];
    both(|mode| {
        for (flags, env) in cases {
            let mut l = pidone(mode).args(*flags);
            for (k, v) in *env {
                l = l.env(k, v);
            }
            let f = l.arg("--").args(script("exit 3")).run();
            assert_eq!(f.code(), 3, "{mode:?}: {flags:?} {env:?} accepted\n{f}");
        }
    });
}

/// Time from asking the command to exit to pidone's exit, with one leftover
/// that never gives up (it blocks SIGTERM).
fn shutdown_time(flags: &[&str], env: &[(&str, &str)]) -> Duration {
    let mut l = pidone(Mode::Child).args(flags);
    for (k, v) in env {
        l = l.env(k, v);
    }
    let mut p = l
        .arg("--")
        .args(script(
            "tag cmd block spawn --orphan --setsid [ tag left block ready report ] \
            ready report --exit-on USR1=0",
        ))
        .spawn();
    p.wait_ready("cmd");
    let t0 = Instant::now();
    p.signal(libc::SIGUSR1);
    let f = p.finish_within(LONG);
    assert_eq!(f.code(), 0, "{flags:?} {env:?}\n{f}");
    assert_eq!(
        f.kill_lines().len(),
        1,
        "{flags:?} {env:?}: the leftover was killed\n{f}"
    );
    f.exited_at - t0
}

#[test]
fn grace_period_comes_from_the_flag_in_any_form_or_from_pidone_grace() {
    // Every value is above the 5 s default, so the lower bound (which load
    // cannot break: timers never fire early) rules the default out; the
    // upper bound only rules out wrong units and the 1 h variable.
    let cases: &[(Flags, Env, Duration)] = &[
        (&["--grace=5500ms"], &[], Duration::from_millis(5500)),
        (&["--grace", "6"], &[], Duration::from_secs(6)),
        (&["--grace", "6s"], &[], Duration::from_secs(6)),
        (&[], &[("PIDONE_GRACE", "6s")], Duration::from_secs(6)),
        (
            &["--grace", "5500ms"],
            &[("PIDONE_GRACE", "1h")],
            Duration::from_millis(5500),
        ),
    ];
    std::thread::scope(|s| {
        let hs: Vec<_> = cases
            .iter()
            .map(|(flags, env, grace)| {
                s.spawn(move || {
                    let took = shutdown_time(flags, env);
                    assert!(took >= *grace, "{flags:?} {env:?}: killed after {took:?}, before the {grace:?} grace period");
                    assert!(took < *grace + Duration::from_secs(10), "{flags:?} {env:?}: took {took:?}, far beyond {grace:?}");
                })
            })
            .collect();
        for h in hs {
            if let Err(e) = h.join() {
                std::panic::resume_unwind(e);
            }
        }
    });
}

/// Which of cmd, grp (same group) and sess (own session) get a USR1 sent to
/// pidone. `expect` are waited for (pidone signals them one by one); the
/// others report at exit what they got by then.
fn usr1_receivers(flags: &[&str], env: &[(&str, &str)], expect: &[&str]) -> Vec<&'static str> {
    let mut l = pidone(Mode::Child).args(flags);
    for (k, v) in env {
        l = l.env(k, v);
    }
    let mut p = l
        .arg("--")
        .args(script(
            "tag cmd block spawn [ tag grp block ready report --until-eof ] \
            spawn --setsid --orphan [ tag sess block ready report --until-eof ] \
            ready report --until-eof await-spawned",
        ))
        .spawn();
    for t in ["grp", "sess", "cmd"] {
        p.wait_ready(t);
    }
    let me = p.pidone_ns_pid();
    p.signal(libc::SIGUSR1);
    for t in expect {
        p.wait_signal(t, libc::SIGUSR1);
    }
    let f = p.finish();
    assert_eq!(f.code(), 0, "{f}");
    ["cmd", "grp", "sess"]
        .into_iter()
        .filter(|t| f.signals_of(t).contains(&(libc::SIGUSR1, me)))
        .collect()
}

#[test]
fn forward_target_comes_from_the_flag_or_from_pidone_forward_to() {
    let cases: &[(Flags, Env, &[&str])] = &[
        (&["--forward-to=group"], &[], &["cmd", "grp"]),
        (&[], &[("PIDONE_FORWARD_TO", "group")], &["cmd", "grp"]),
        (
            &[],
            &[("PIDONE_FORWARD_TO", "all")],
            &["cmd", "grp", "sess"],
        ),
        (
            &["--forward-to", "child"],
            &[("PIDONE_FORWARD_TO", "group")],
            &["cmd"],
        ),
        (&["-g"], &[("PIDONE_FORWARD_TO", "all")], &["cmd", "grp"]),
    ];
    std::thread::scope(|s| {
        let hs: Vec<_> = cases
            .iter()
            .map(|(flags, env, want)| {
                s.spawn(move || {
                    // Wait for every process, so a wrong extra one shows too.
                    let got = usr1_receivers(flags, env, want);
                    assert_eq!(
                        got,
                        want.to_vec(),
                        "{flags:?} {env:?}: the flag wins over the variable"
                    );
                })
            })
            .collect();
        for h in hs {
            if let Err(e) = h.join() {
                std::panic::resume_unwind(e);
            }
        }
    });
}
