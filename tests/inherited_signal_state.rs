#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The signal state the command inherits (issue 9, "the shell's contract";
//! issue 10, behaviour 2). Signals ignored on entry stay ignored in the
//! commands a shell starts, which is what `nohup` relies on, and tini and
//! catatonit pass on the mask they were given. So pidone is transparent:
//! the command starts with the signal mask and the ignored set pidone
//! itself was given, under its own name and under the tini and catatonit
//! names. Under dumb-init's name the command starts clean, as under the
//! real dumb-init (checked here side by side).
//!
//! The inherited state never changes what pidone itself does: it still
//! forwards a signal it was given ignored or blocked, and an ignored
//! SIGCHLD does not make it lose its children.

mod common;
use common::*;
use std::ffi::OsString;
use std::path::Path;

const INHERITED_BLOCKED: &[i32] = &[
    libc::SIGUSR1,
    libc::SIGTERM,
    libc::SIGINT,
    SIGRTMIN + 1,
    SIGRTMAX,
];
const INHERITED_IGNORED: &[i32] = &[
    libc::SIGPIPE,
    libc::SIGHUP,
    libc::SIGUSR2,
    libc::SIGQUIT,
    libc::SIGTSTP,
    libc::SIGTTOU,
    libc::SIGTTIN,
];

/// The names under which the command inherits pidone's signal state, each
/// with what comes before the command. tini wants `-s` when it is not PID 1.
const TRANSPARENT: &[(&str, &[&str], &[&str])] = &[
    ("pidone", &["--"], &["--"]),
    ("tini", &["-s", "--"], &["--"]),
    ("tini-static", &["-s", "--"], &["--"]),
    ("docker-init", &["-s", "--"], &["--"]),
    ("catatonit", &["--"], &["--"]),
    ("podman-init", &["--"], &["--"]),
];

/// Runs `check` in `mode` with pidone under each name of TRANSPARENT (and
/// what comes before the command there); fails once, naming every name
/// whose check said what went wrong.
fn each_transparent_name(mode: Mode, check: impl Fn(&Path, &[&str]) -> Result<(), String>) {
    let dir = TempDir::new("names");
    let wrong: Vec<String> = TRANSPARENT
        .iter()
        .filter_map(|&(name, child_args, pid1_args)| {
            let before = if mode == Mode::Pid1 {
                pid1_args
            } else {
                child_args
            };
            check(&named_pidone(&dir, name), before)
                .err()
                .map(|e| format!("=== {name} ({mode:?}): {e}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Runs `init` (pidone by some name, or a real peer) in `mode` with
/// `blocked` and `ignored` inherited, and `steps` as the probe's command.
fn run_init(
    init: &Path,
    mode: Mode,
    before: &[&str],
    blocked: &[i32],
    ignored: &[i32],
    steps: &str,
) -> Proc {
    // `unshare --fork` sets SIGCHLD back to the default for its child (it
    // waits for it): as PID 1, env ignores it again after unshare (dash's
    // `trap '' CHLD` would not).
    let restore_chld: Vec<OsString> = if mode == Mode::Pid1 && ignored.contains(&libc::SIGCHLD) {
        os(&["/usr/bin/env", "--ignore-signal=CHLD"])
    } else {
        Vec::new()
    };
    let argv: Vec<OsString> = restore_chld
        .into_iter()
        .chain([init.as_os_str().to_owned()])
        .chain(os(before))
        .chain(script(steps))
        .collect();
    let mut cmd = in_mode(mode, &argv);
    inherit_signal_state(&mut cmd, blocked, ignored);
    Proc::spawn(
        cmd,
        Some(mode),
        &init.file_name().unwrap().to_string_lossy(),
    )
}

/// (SigBlk, SigIgn) the command started with, and how the init ended.
fn command_state(
    init: &Path,
    mode: Mode,
    before: &[&str],
    blocked: &[i32],
    ignored: &[i32],
) -> (u64, u64, Finished) {
    let f = run_init(
        init,
        mode,
        before,
        blocked,
        ignored,
        "tag cmd status exit 0",
    )
    .finish();
    let status = f
        .stdout
        .iter()
        .find(|l| l.starts_with("cmd status "))
        .unwrap_or_else(|| panic!("no status line\n{f}"))
        .clone();
    let hex = |key| u64::from_str_radix(&field(&status, key), 16).unwrap();
    (hex("sigblk"), hex("sigign"), f)
}

#[test]
fn the_command_inherits_the_mask_and_the_ignored_signals_pidone_was_given() {
    let want = (mask(INHERITED_BLOCKED), mask(INHERITED_IGNORED));
    both(|mode| {
        each_transparent_name(mode, |init, before| {
            let (blk, ign, f) =
                command_state(init, mode, before, INHERITED_BLOCKED, INHERITED_IGNORED);
            if f.code() != 0 || (blk, ign) != want {
                return Err(format!(
                    "(SigBlk, SigIgn) of the command are ({blk:016x}, {ign:016x}), should be \
                     what pidone was given: ({:016x}, {:016x})\n{f}",
                    want.0, want.1
                ));
            }
            Ok(())
        });
    });
}

#[test]
fn under_dumb_inits_name_the_command_starts_clean_as_under_dumb_init() {
    let dir = TempDir::new("dumb-init");
    let ours = named_pidone(&dir, "dumb-init");
    let theirs = Path::new("/usr/bin/dumb-init");
    assert!(
        theirs.exists(),
        "/usr/bin/dumb-init is missing: ./test.sh installs it"
    );
    both(|mode| {
        let (blk, ign, f) = command_state(theirs, mode, &[], INHERITED_BLOCKED, INHERITED_IGNORED);
        assert_eq!(f.code(), 0, "dumb-init {mode:?}\n{f}");
        // Rust's runtime makes SIGPIPE ignored in the test process only
        // after the probe captured its state, so nothing needs masking.
        assert_eq!((blk, ign), (0, 0), "the real dumb-init {mode:?}\n{f}");
        let (blk, ign, f) = command_state(&ours, mode, &[], INHERITED_BLOCKED, INHERITED_IGNORED);
        assert_eq!(f.code(), 0, "pidone as dumb-init {mode:?}\n{f}");
        assert_eq!(
            (blk, ign),
            (0, 0),
            "pidone as dumb-init {mode:?}: (SigBlk, SigIgn) as under dumb-init\n{f}"
        );
    });
}

/// `nohup pidone -- cmd`: SIGHUP sent to the command does not end it.
#[test]
fn under_nohup_the_command_survives_sighup() {
    both(|mode| {
        each_transparent_name(mode, |init, before| {
            let mut p = run_init(
                init,
                mode,
                before,
                &[],
                &[libc::SIGHUP],
                "tag cmd ready wait-stdin exit 0",
            );
            let cmd = p.wait_ready("cmd");
            let host = p.host_pid(cmd).expect("the command runs");
            // A fatal signal takes effect when it is sent, an ignored one is
            // dropped then: whether the command lives on is settled here.
            send(host, libc::SIGHUP);
            let f = p.finish();
            if f.status.code() != Some(0) {
                return Err(format!(
                    "the command, started with SIGHUP ignored, should have ignored SIGHUP \
                     (129: it died of it)\n{f}"
                ));
            }
            Ok(())
        });
    });
}

/// The real `nohup` in front of pidone, as a user types it.
#[test]
fn nohup_pidone_command_survives_sighup() {
    both(|mode| {
        let argv: Vec<OsString> = os(&["/usr/bin/nohup"])
            .into_iter()
            .chain([pidone_path().into_os_string(), "--".into()])
            .chain(script("tag cmd ready wait-stdin exit 0"))
            .collect();
        let mut p = Proc::spawn(in_mode(mode, &argv), Some(mode), "nohup");
        let cmd = p.wait_ready("cmd");
        let host = p.host_pid(cmd).expect("the command runs");
        send(host, libc::SIGHUP);
        let f = p.finish();
        assert_eq!(f.code(), 0, "{mode:?}: 129 means SIGHUP killed it\n{f}");
    });
}

/// An ignored SIGCHLD makes the kernel reap a process's children behind
/// its back. pidone must not lose the command's status to it, while the
/// command still starts with SIGCHLD ignored, as it was given.
#[test]
fn an_inherited_ignored_sigchld_is_passed_on_and_pidone_still_gets_the_status() {
    both(|mode| {
        each_transparent_name(mode, |init, before| {
            let f = run_init(
                init,
                mode,
                before,
                &[],
                &[libc::SIGCHLD],
                "tag cmd status exit 7",
            )
            .finish();
            if f.status.code() != Some(7) {
                return Err(format!("pidone lost the command's status (7)\n{f}"));
            }
            let status = f
                .stdout
                .iter()
                .find(|l| l.starts_with("cmd status "))
                .expect("status line");
            let want = format!("{:016x}", mask(&[libc::SIGCHLD]));
            if field(status, "sigign") != want {
                return Err(format!(
                    "the command should start with SIGCHLD ignored (SigIgn {want})\n{f}"
                ));
            }
            Ok(())
        });
    });
}

#[test]
fn signals_blocked_when_pidone_started_are_still_forwarded() {
    both(|mode| {
        let sigs = [libc::SIGHUP, libc::SIGUSR1, libc::SIGWINCH, SIGRTMIN + 1];
        let mut p = pidone(mode)
            .start_blocked(&sigs)
            .arg("--")
            .args(script("tag cmd block ready report --until-eof"))
            .spawn();
        p.wait_ready("cmd");
        let from = p.pidone_ns_pid();
        for sig in sigs {
            p.signal(sig);
            assert_eq!(
                p.wait_signal("cmd", sig),
                from,
                "{mode:?}: signal {sig} came from pidone"
            );
        }
        let f = p.finish();
        assert_eq!(f.code(), 0, "{mode:?}\n{f}");
    });
}
