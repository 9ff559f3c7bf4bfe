#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A symlink loop found through PATH (issue 9): execvp stops at ELOOP and
//! reports it, so pidone says "Too many levels of symbolic links", not "No
//! such file or directory". Under its own name the exit code is 127 (the
//! command cannot be found as a program, as dash reports it); under a
//! peer's name it is that peer's code, measured here with the real peer.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

const ELOOP_TEXT: &str = "Too many levels of symbolic links";
const NAME: &str = "pidone-test-loop";

/// A directory holding `NAME`, a symlink to itself, first in PATH.
fn looped_path(dir: &TempDir) -> String {
    let link = dir.path(NAME);
    if !link.exists() && link.symlink_metadata().is_err() {
        std::os::unix::fs::symlink(NAME, &link).expect("symlink");
    }
    format!("{}:/usr/bin:/bin", dir.0.display())
}

fn run(init: &Path, before: &[&str], path: &str, who: &str) -> Finished {
    let mut cmd = Command::new(init);
    cmd.args(before).arg(NAME).env("PATH", path);
    Proc::spawn(cmd, Some(Mode::Child), who).finish()
}

#[test]
fn a_symlink_loop_in_path_is_reported_as_such_with_127() {
    let dir = TempDir::new("eloop");
    let path = looped_path(&dir);
    let f = run(&pidone_path(), &["--"], &path, "pidone");
    assert_eq!(
        f.stderr,
        vec![format!("pidone: cannot run '{NAME}': {ELOOP_TEXT}")],
        "{f}"
    );
    assert_eq!(f.code(), 127, "{f}");
}

#[test]
fn under_a_peers_name_a_symlink_loop_gives_the_peers_exit_code() {
    let dir = TempDir::new("eloop-peers");
    let path = looped_path(&dir);
    let mut wrong = Vec::new();
    for (name, before) in [
        ("tini", &["-s", "--"][..]),
        ("dumb-init", &[][..]),
        ("catatonit", &["--"][..]),
    ] {
        let real = Path::new("/usr/bin").join(name);
        assert!(
            real.exists(),
            "{} is missing: ./test.sh installs it",
            real.display()
        );
        let theirs = run(&real, before, &path, name);
        let ours = run(&named_pidone(&dir, name), before, &path, name);
        let outcome = |f: &Finished| (f.stderr_text().contains(ELOOP_TEXT), f.code());
        assert!(
            outcome(&theirs).0,
            "the real {name} reports ELOOP\n{theirs}"
        );
        if outcome(&ours) != outcome(&theirs) {
            wrong.push(format!(
                "=== {name}: (reports ELOOP, exit code) is {:?} under pidone, {:?} under the \
                 real {name}\n--- real:\n{theirs}\n--- pidone:\n{ours}",
                outcome(&ours),
                outcome(&theirs)
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
