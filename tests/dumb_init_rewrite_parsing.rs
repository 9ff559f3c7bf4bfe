#![allow(clippy::unwrap_used, clippy::expect_used)]
//! dumb-init reads `-r FROM:TO` with `sscanf("%d:%d")` (issue 9): whatever
//! follows the second number is ignored, so `-r 1:2:3` rewrites SIGHUP to
//! SIGINT. Under dumb-init's name pidone accepts it and does the same; the
//! real dumb-init runs alongside.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

/// `init -r 1:2:3` with a command that exits 5 on SIGINT and 6 on SIGHUP;
/// SIGHUP is sent to the init. Returns (signals the command got, exit code).
fn rewrite_1_2_3(init: &Path, who: &str) -> (Vec<i32>, i32) {
    let mut cmd = Command::new(init);
    cmd.args(["-r", "1:2:3"]).args(script(
        "tag cmd block ready report --exit-on INT=5 --exit-on HUP=6",
    ));
    let mut p = Proc::spawn(cmd, Some(Mode::Child), who);
    p.wait_ready("cmd");
    p.signal(libc::SIGHUP);
    let f = p.finish();
    let sigs = f.signals_of("cmd").into_iter().map(|(s, _)| s).collect();
    (sigs, f.code())
}

#[test]
fn under_dumb_inits_name_rewrite_ignores_what_follows_the_second_number() {
    let dir = TempDir::new("rewrite");
    let ours = named_pidone(&dir, "dumb-init");
    let theirs = Path::new("/usr/bin/dumb-init");
    assert!(
        theirs.exists(),
        "/usr/bin/dumb-init is missing: ./test.sh installs it"
    );
    let real = rewrite_1_2_3(theirs, "dumb-init");
    assert_eq!(
        real,
        (vec![libc::SIGINT], 5),
        "the real dumb-init rewrites HUP to INT"
    );
    let pidone = rewrite_1_2_3(&ours, "pidone as dumb-init");
    assert_eq!(pidone, real, "pidone as dumb-init does what dumb-init does");
}
