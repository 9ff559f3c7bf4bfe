#![allow(clippy::unwrap_used, clippy::expect_used)]
//! pidone exits with the command's status: its exit code, 128+N when it died
//! of signal N, and `-e` remaps applied to that final code.

mod common;
use common::*;

fn status_of(mode: Mode, pidone_args: &[&str], steps: &[&str]) -> Finished {
    pidone(mode)
        .args(pidone_args)
        .arg("--")
        .args(probe(steps))
        .run()
}

#[test]
fn exit_code_of_the_command_is_propagated() {
    both(|mode| {
        for code in [0, 1, 3, 42, 127, 255] {
            let f = status_of(mode, &[], &["exit", &code.to_string()]);
            assert_eq!(f.code(), code, "{mode:?}: exit {code}\n{f}");
        }
    });
}

#[test]
fn death_by_signal_n_gives_exit_code_128_plus_n() {
    both(|mode| {
        for (sig, code) in [
            ("TERM", 143),
            ("KILL", 137),
            ("INT", 130),
            ("SEGV", 139),
            ("USR1", 138),
            ("RTMIN+2", 164),
            ("64", 192),
        ] {
            let f = status_of(mode, &[], &["raise", sig]);
            // An exit code, not pidone itself dying of the signal.
            assert_eq!(
                f.status.code(),
                Some(code),
                "{mode:?}: command killed by {sig}\n{f}"
            );
        }
    });
}

#[test]
fn remap_exit_turns_the_listed_code_into_zero() {
    both(|mode| {
        let cases: &[(&[&str], &[&str], i32)] = &[
            (&["-e", "3"], &["exit", "3"], 0),
            (&["-e", "3"], &["exit", "4"], 4),
            (&["-e", "3", "-e", "4"], &["exit", "4"], 0),
            (&["--remap-exit=4", "--remap-exit", "3"], &["exit", "3"], 0),
            (&["-e143"], &["raise", "TERM"], 0),
            (&["-e", "15"], &["raise", "TERM"], 143),
            (&["-e", "0"], &["exit", "0"], 0),
        ];
        for (flags, steps, want) in cases {
            let f = status_of(mode, flags, steps);
            assert_eq!(
                f.code(),
                *want,
                "{mode:?}: {flags:?} with command {steps:?}\n{f}"
            );
        }
    });
}
