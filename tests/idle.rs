#![allow(clippy::unwrap_used, clippy::expect_used)]
//! An idle pidone never wakes up: its context-switch counters stay put.
//!
//! Measuring that no wake-up happens over a few seconds is the one place in
//! the suite where waiting for time to pass is the point.

mod common;
use common::*;
use std::time::Duration;

const SETTLE: Duration = Duration::from_millis(500);
const WATCH: Duration = Duration::from_millis(2500);

fn assert_idle(p: &mut Proc, what: &str) {
    let pid = p.pidone_pid();
    // Whatever pidone still had to do right after the sync point (go back to
    // its wait) is done well within SETTLE.
    std::thread::sleep(SETTLE);
    let before = context_switches(pid);
    std::thread::sleep(WATCH);
    let after = context_switches(pid);
    assert_eq!(
        after,
        before,
        "{what}: pidone woke up {} times in {WATCH:?} while idle",
        after - before
    );
    assert_eq!(state(pid), Some('S'), "{what}: pidone sleeps");
}

#[test]
fn idle_pidone_never_wakes_up() {
    std::thread::scope(|s| {
        let mut handles = Vec::new();
        for mode in [Mode::Pid1, Mode::Child] {
            handles.push(s.spawn(move || {
                let what = format!("{mode:?} with a sleeping command");
                let mut p = pidone(mode)
                    .arg("--")
                    .args(script("tag cmd block ready report --until-eof"))
                    .spawn();
                p.wait_ready("cmd");
                assert_idle(&mut p, &what);
                let f = p.finish();
                assert_eq!(f.code(), 0, "{what}\n{f}");
            }));
            handles.push(s.spawn(move || {
                let what = format!("{mode:?} --pause");
                let mut p = pidone(mode).via_launcher().arg("--pause").spawn();
                p.wait_ready("launcher");
                assert_idle(&mut p, &what);
                p.signal(libc::SIGTERM);
                let f = p.finish();
                assert_eq!(f.code(), 0, "{what}\n{f}");
            }));
            handles.push(s.spawn(move || {
                let what =
                    format!("{mode:?} --wait with a sleeping leftover after the command exited");
                let mut p = pidone(mode)
                    .args(["--wait", "--"])
                    .args(script(
                        "tag cmd spawn --orphan [ tag left block ready report --until-eof ] \
                        ready exit 0",
                    ))
                    .spawn();
                let cmd = p.wait_ready("cmd");
                p.wait_line("cmd exiting 0");
                if let Some(h) = p.host_pid(cmd) {
                    await_exit(h);
                }
                assert_idle(&mut p, &what);
                let f = p.finish();
                assert_eq!(f.code(), 0, "{what}\n{f}");
            }));
        }
        let mut panic = None;
        for h in handles {
            if let Err(e) = h.join() {
                panic.get_or_insert(e);
            }
        }
        if let Some(e) = panic {
            std::panic::resume_unwind(e);
        }
    });
}
