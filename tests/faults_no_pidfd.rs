#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `pidfd_open` unavailable (issue 9, bug 3): kernels before 5.3, or a
//! seccomp profile that answers ENOSYS or EPERM. As PID 1, with a process
//! that entered the namespace still there at shutdown, pidone must not
//! spin forking watchers: it degrades to a slow, bounded poll, says so once,
//! and still exits soon after that process leaves.
//!
//! `examples/no_pidfd.rs` installs the seccomp filter and execs pidone, so
//! pidone and everything it starts see `pidfd_open` fail. The number of
//! processes created in the namespace is read from its `ns_last_pid`.

mod common;
use common::*;
use std::ffi::OsString;
use std::time::{Duration, Instant};

/// How long pidone is watched while the entered process stays. An
/// observation window, not a wait for an event: the spin it looks for made
/// thousands of processes a second.
const WINDOW: Duration = Duration::from_secs(2);
/// Processes pidone may create over the window: a handful.
const MAX_FORKS: i32 = 20;
/// How soon after the entered process leaves pidone must exit.
const SOON_AFTER: Duration = Duration::from_secs(3);

fn without_pidfd(errno: &str) {
    let mut argv: Vec<OsString> = vec![example_path("no_pidfd").into(), errno.into()];
    argv.push(pidone_path().into());
    argv.extend(os(&["--grace", LONG_GRACE, "--"]));
    argv.extend(script("tag cmd ready wait-stdin exit 3"));
    let mut p = Proc::spawn(in_mode(Mode::Pid1, &argv), Some(Mode::Pid1), "pidone");
    p.wait_ready("cmd");
    let host = p.pidone_pid();
    let mut entered = nsenter(host, &script("tag entered block ready report --until-eof"));
    entered.wait_ready("entered");
    // The command exits: the shutdown starts, and its SIGTERM reaches the
    // entered process, which only reports it and stays.
    p.close_stdin();
    assert_eq!(
        entered.wait_signal("entered", libc::SIGTERM),
        1,
        "{errno}: the shutdown's SIGTERM"
    );
    let before = ns_last_pid(host);
    std::thread::sleep(WINDOW);
    let after = ns_last_pid(host);
    // Each reading is one process of its own (nsenter's child).
    let made = after - before - 1;
    assert!(
        (0..MAX_FORKS).contains(&made),
        "{errno}: pidone created {} processes in {WINDOW:?} while waiting for the entered \
         process (ns_last_pid {before} -> {after})",
        if made < 0 {
            "so many that the pid numbers wrapped around:".to_string()
        } else {
            made.to_string()
        }
    );
    assert!(
        p.try_exited().is_none(),
        "{errno}: pidone exited while the entered process was still there"
    );
    let left_at = Instant::now();
    entered.close_stdin();
    let e = entered.finish();
    assert!(
        e.has_line("entered eof"),
        "{errno}: it left on its own\n{e}"
    );
    let f = p.finish_within(SOON_AFTER + Duration::from_secs(10));
    assert_eq!(f.code(), 3, "{errno}\n{f}");
    let took = f.exited_at.saturating_duration_since(left_at);
    assert!(
        took < SOON_AFTER,
        "{errno}: pidone exited {took:?} after the entered process was let go (bound {SOON_AFTER:?})\n{f}"
    );
    let warnings: Vec<&String> = f.stderr.iter().filter(|l| l.contains("pidfd")).collect();
    assert_eq!(
        warnings.len(),
        1,
        "{errno}: one warning that names the missing pidfd support\n{f}"
    );
}

#[test]
fn without_pidfd_open_pid1_polls_slowly_for_an_entered_process_and_says_so_once() {
    std::thread::scope(|s| {
        let enosys = s.spawn(|| without_pidfd("ENOSYS"));
        let eperm = s.spawn(|| without_pidfd("EPERM"));
        let results = [enosys.join(), eperm.join()];
        for r in results {
            if let Err(e) = r {
                std::panic::resume_unwind(e);
            }
        }
    });
}
