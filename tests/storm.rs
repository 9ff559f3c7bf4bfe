#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A storm of thousands of signals while orphans come and go: pidone stays
//! alive and responsive, forwards every kind, reaps every orphan, and exits
//! with the command's status.

mod common;
use common::*;
use std::collections::BTreeMap;

#[test]
fn signal_storm_is_survived_and_forwarded() {
    both(|mode| {
        // No SIGCONT: it and SIGTSTP cancel each other while pending.
        let kinds = [
            libc::SIGUSR1,
            libc::SIGUSR2,
            libc::SIGHUP,
            libc::SIGWINCH,
            libc::SIGTSTP,
            libc::SIGTTIN,
            libc::SIGALRM,
            SIGRTMIN,
            SIGRTMIN + 1,
            SIGRTMIN + 5,
            SIGRTMAX,
        ];
        let rounds = 400; // 4400 signals
        let mut p = pidone(mode)
            .arg("--")
            .args(script(
                "tag cmd block ready orphans 500 report --until-eof --eof-exit 5",
            ))
            .spawn();
        let cmd = p.wait_ready("cmd");
        let host = p.pidone_pid();
        let me = p.pidone_ns_pid();
        for _ in 0..rounds {
            for &k in &kinds {
                send(host, k);
            }
        }
        assert!(
            alive(host) && state(host) != Some('T'),
            "{mode:?}: pidone survived the storm, not stopped"
        );
        for &k in &kinds {
            assert_eq!(
                p.wait_signal("cmd", k),
                me,
                "{mode:?}: signal {k} forwarded by pidone"
            );
        }
        p.wait_line("cmd orphans-exited 500");
        // Still responsive, and (SIGCHLD being taken before PWR) done reaping.
        p.signal(libc::SIGPWR);
        p.wait_signal("cmd", libc::SIGPWR);
        let zombies: Vec<i32> = descendants(host)
            .into_iter()
            .filter(|&d| state(d) == Some('Z'))
            .collect();
        assert!(
            zombies.is_empty(),
            "{mode:?}: {} zombies left after the storm",
            zombies.len()
        );
        let kids: Vec<i32> = children(host)
            .into_iter()
            .map(|k| ns_pid_of(k).unwrap_or(-1))
            .collect();
        assert_eq!(kids, vec![cmd], "{mode:?}: every orphan reaped");
        let f = p.finish();
        assert_eq!(
            f.code(),
            5,
            "{mode:?}: the command's status after the storm\n{}",
            f.stderr_text()
        );
        let mut counts: BTreeMap<i32, usize> = BTreeMap::new();
        for (s, from) in f.signals_of("cmd") {
            if from == me {
                *counts.entry(s).or_default() += 1;
            }
        }
        for &k in &kinds {
            let n = counts.get(&k).copied().unwrap_or(0);
            assert!(
                n >= 1 && n <= rounds,
                "{mode:?}: signal {k} arrived {n} times (sent {rounds})"
            );
        }
    });
}
