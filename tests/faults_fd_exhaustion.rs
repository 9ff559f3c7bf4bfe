#![allow(clippy::unwrap_used, clippy::expect_used)]
//! An exhausted file descriptor table (issue 9, bug 4): a failure to open
//! something under /proc for want of a descriptor (EMFILE) is not "no
//! /proc". A subreaper pidone started with a single free descriptor slot
//! must still find its descendants through /proc at shutdown, one
//! descriptor at a time, and SIGTERM a leftover that left the command's
//! process group.
//!
//! `examples/fd_table.rs fill 16` sets RLIMIT_NOFILE to 16 (soft and hard)
//! and leaves pidone only descriptor 15 free; `fd_table close` gives the
//! command its descriptors back before it runs.

mod common;
use common::*;
use std::ffi::OsString;
use std::time::Duration;

const LIMIT_NOFILE: &str = "16";
const GRACE: Duration = Duration::from_secs(5);

#[test]
fn with_one_free_descriptor_a_subreaper_still_terminates_a_setsid_leftover() {
    let fd_table = example_path("fd_table");
    let mut argv: Vec<OsString> = vec![
        fd_table.clone().into(),
        "fill".into(),
        LIMIT_NOFILE.into(),
        pidone_path().into(),
    ];
    argv.extend(os(&["--grace", "5s", "--"]));
    argv.extend([fd_table.into(), "close".into()]);
    argv.extend(script(
        "tag cmd spawn --setsid [ tag left block ready report --exit-on TERM=0 ] ready exit 3",
    ));
    let mut p = Proc::spawn(in_mode(Mode::Child, &argv), Some(Mode::Child), "pidone");
    let left = p.wait_ready("left");
    p.wait_ready("cmd");
    let me = p.pidone_pid();
    let limits = std::fs::read_to_string(format!("/proc/{me}/limits")).unwrap();
    assert!(
        limits
            .lines()
            .any(|l| l.starts_with("Max open files") && l.split_whitespace().nth(3) == Some("16")),
        "pidone runs with RLIMIT_NOFILE 16\n{limits}"
    );
    // Without /proc, pidone would wait for the leftover for ever after the
    // grace period: the bound only ends the test sooner.
    let f = p.finish_within(GRACE + Duration::from_secs(10));
    assert!(
        f.stderr.iter().all(|l| !l.contains("no /proc")),
        "/proc is there: pidone must not say it is missing\n{f}"
    );
    assert_eq!(
        f.signals_of("left"),
        vec![(libc::SIGTERM, me)],
        "the setsid'd leftover {left} got pidone's SIGTERM\n{f}"
    );
    assert!(f.has_line("left exiting 0"), "{f}");
    assert!(f.kill_lines().is_empty(), "{f}");
    assert_eq!(f.code(), 3, "{f}");
}
