#![allow(clippy::unwrap_used, clippy::expect_used)]
//! With `--forward-to all`, a SIGTERM sent to pidone while the command runs
//! reaches everyone at once; when the command then exits, the shutdown does
//! not send the same processes a second SIGTERM, which a program may take
//! as "quit now, skip the clean-up".

mod common;
use common::*;

#[test]
fn a_forwarded_sigterm_is_not_followed_by_a_second_one() {
    both(|mode| {
        // The worker counts the SIGTERMs it gets during a one-second
        // clean-up; the command exits on its SIGTERM at once. The command
        // sets its trap before it starts the worker, so "worker ready"
        // also means the command is ready.
        let script = "trap 'exit 0' TERM; \
                      sh -c 'trap \"echo worker term; sleep 1; exit 0\" TERM; \
                      echo worker ready; while :; do sleep 0.05; done' & \
                      while :; do sleep 0.05; done";
        let mut p = pidone(mode)
            .args(["--forward-to", "all", "--grace", LONG_GRACE, "--"])
            .args(["sh", "-c", script])
            .spawn();
        p.wait_line("worker ready");
        p.signal(libc::SIGTERM);
        let f = p.finish_within(LONG);
        assert_eq!(f.code(), 0, "{mode:?}\n{f}");
        let terms = f.stdout.iter().filter(|l| *l == "worker term").count();
        assert_eq!(terms, 1, "{mode:?}: SIGTERMs the worker got\n{f}");
    });
}
