#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Processes that entered pidone's namespace from outside (`docker exec`,
//! `nsenter`) with `--wait` (issue 9, bug 2): as PID 1, pidone is
//! responsible for them although no SIGCHLD tells of their end. When the
//! command exits first and pidone lingers, it must still notice that the
//! last of them has left, and exit then, as README promises ("`--wait`
//! ends when the others exit on their own").

mod common;
use common::*;
use std::time::{Duration, Instant};

/// A bound far from the wrong outcome (pidone waiting for ever), and far
/// above a pidfd's wake-up or a slow fallback poll.
const SOON_AFTER: Duration = Duration::from_secs(5);

#[test]
fn wait_as_pid1_exits_once_an_entered_process_that_outlived_the_command_leaves() {
    let mut p = pidone(Mode::Pid1)
        .args(["-v", "--wait", "--"])
        .args(script("tag cmd ready wait-stdin exit 3"))
        .spawn();
    p.wait_ready("cmd");
    let host = p.pidone_pid();
    let mut entered = nsenter(host, &script("tag entered block ready report --until-eof"));
    entered.wait_ready("entered");
    // The command exits (its stdin is pidone's) while the entered process
    // runs; pidone reaps it and lingers.
    p.close_stdin();
    p.wait_stderr_lines("pidone: command ended", 1);
    assert!(
        p.try_exited().is_none(),
        "pidone must wait for the entered process, which still runs"
    );
    // The entered process leaves on its own.
    let left_at = Instant::now();
    entered.close_stdin();
    let e = entered.finish();
    assert!(e.has_line("entered eof"), "it left on its own\n{e}");
    assert!(
        e.signals_of("entered").is_empty(),
        "--wait sends nothing to those it waits for\n{e}"
    );
    let f = p.finish_within(SOON_AFTER + Duration::from_secs(5));
    assert_eq!(f.code(), 3, "{f}");
    let after = f.exited_at.saturating_duration_since(left_at);
    assert!(
        after < SOON_AFTER,
        "pidone exited {after:?} after the entered process was let go (bound {SOON_AFTER:?})\n{f}"
    );
}
