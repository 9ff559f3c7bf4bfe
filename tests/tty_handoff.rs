#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The terminal hand-off under dumb-init's name (issue 10, behaviour 1).
//! `docker run -it` makes the init the session leader of a pseudo-terminal.
//! dumb-init gives the terminal up to the command's new session, and the
//! kernel then sends the init a SIGHUP and a SIGCONT that are not meant
//! for the command: those two are dropped, and every later one is
//! forwarded. A real SIGHUP from the user must reach the command; dumb-init
//! exits 129 when the command dies of it.
//!
//! `examples/pty_session.rs` starts the init on a new pseudo-terminal, as
//! its session leader; the real dumb-init runs the same scenario alongside.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

/// Runs `init -v probe...` as session leader of a new terminal: the command
/// reports signals until SIGHUP, then dies of it.
fn hangup_after_handoff(init: &Path, who: &str) {
    let mut cmd = Command::new(example_path("pty_session"));
    cmd.arg(init)
        .arg("-v")
        .args(script("tag cmd block ready report --stop-on HUP raise HUP"));
    let mut p = Proc::spawn(cmd, None, who);
    let line = p.wait_line("pty child pid=");
    let init_pid: i32 = field(&line, "pid").parse().unwrap();
    p.wait_ready("cmd");
    // The hand-off's SIGHUP was pending before the command existed, and a
    // lower-numbered pending signal is taken first: once the command has
    // SIGUSR1, the init has taken that SIGHUP, and the next one is the
    // user's.
    send(init_pid, libc::SIGUSR1);
    assert_eq!(
        p.wait_signal("cmd", libc::SIGUSR1),
        init_pid,
        "{who}: SIGUSR1 forwarded"
    );
    send(init_pid, libc::SIGHUP);
    let got = p.wait_line("cmd sig 1 from ");
    assert_eq!(
        got,
        format!("cmd sig 1 from {init_pid}"),
        "{who}: the user's SIGHUP is forwarded"
    );
    let end = p.wait_line("pty exited ");
    let f = p.finish();
    assert_eq!(
        end, "pty exited code 129",
        "{who}: exits 128+1 as the command died of SIGHUP\n{f}"
    );
}

#[test]
fn under_dumb_inits_name_a_sighup_after_the_terminal_handoff_is_forwarded() {
    let dir = TempDir::new("tty");
    let ours = named_pidone(&dir, "dumb-init");
    let theirs = Path::new("/usr/bin/dumb-init");
    assert!(
        theirs.exists(),
        "/usr/bin/dumb-init is missing: ./test.sh installs it"
    );
    std::thread::scope(|s| {
        let real = s.spawn(|| hangup_after_handoff(theirs, "dumb-init"));
        let pidone = s.spawn(|| hangup_after_handoff(&ours, "pidone as dumb-init"));
        for r in [real.join(), pidone.join()] {
            if let Err(e) = r {
                std::panic::resume_unwind(e);
            }
        }
    });
}
