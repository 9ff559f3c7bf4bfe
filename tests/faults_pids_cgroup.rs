#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A full pids cgroup at shutdown (issue 9, bug 5): as PID 1, pidone waits
//! within the grace period for processes that entered the namespace. When
//! it cannot fork a helper for that, it must keep its promise without one
//! (keep polling until the grace period ends) rather than exit, which would
//! make the kernel SIGKILL the entered process in the middle of its
//! cleanup. It warns once.
//!
//! The namespace (unshare, pidone, the command) and the entered process
//! (nsenter and its child) share a pids cgroup; once everything runs, its
//! limit is set to what will be left after the command exits, so that no
//! process can be created during the shutdown.

mod common;
use common::*;
use std::process::Command;
use std::time::Instant;

#[test]
fn with_a_full_pids_cgroup_pid1_still_waits_for_an_entered_process_to_clean_up() {
    let cgroup = PidsCgroup::new();
    let mut cmd = in_mode(
        Mode::Pid1,
        &[pidone_path().into_os_string()]
            .into_iter()
            .chain(os(&["--grace", LONG_GRACE, "--"]))
            .chain(script("tag cmd ready wait-stdin exit 3"))
            .collect::<Vec<_>>(),
    );
    cgroup.join(&mut cmd);
    let mut p = Proc::spawn(cmd, Some(Mode::Pid1), "pidone");
    p.wait_ready("cmd");
    let host = p.pidone_pid();
    // The entered process takes a second to clean up after SIGTERM.
    let mut enter = Command::new("/usr/bin/nsenter");
    enter
        .arg(format!("--target={host}"))
        .args(["--pid", "--"])
        .args(script(
            "tag entered block ready report --stop-on TERM sleep 1000 exit 0",
        ));
    cgroup.join(&mut enter);
    let mut entered = Proc::spawn(enter, None, "nsenter");
    entered.wait_ready("entered");
    // unshare, pidone, the command, nsenter and the entered process: once
    // the command has exited, the rest fill the cgroup.
    let now = cgroup.current();
    assert!(now >= 5, "tasks in the cgroup: {:?}", cgroup.procs());
    cgroup.set_max(&(now - 1).to_string());
    let stop = Instant::now();
    p.close_stdin();
    assert_eq!(entered.wait_signal("entered", libc::SIGTERM), 1);
    let e = entered.finish();
    let f = p.finish_within(LONG);
    assert!(
        e.has_line("entered exiting 0") && e.status.success(),
        "the entered process finished its cleanup before pidone exited (pidone: {:?} after \
         the stop)\n{e}\n--- pidone:\n{f}",
        f.exited_at - stop
    );
    assert_eq!(f.code(), 3, "{f}");
    assert!(
        f.kill_lines().is_empty() && f.exited_at - stop < QUICK,
        "pidone exited long before the end of the {LONG_GRACE} grace period, without killing\n{f}"
    );
    assert_eq!(
        f.stderr.len(),
        1,
        "one warning that pidone cannot wait as it would\n{f}"
    );
}
