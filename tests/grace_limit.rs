#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The grace period is bounded by its value, not by how many digits it has
//! (issue 9): anything up to and including 1,000,000 seconds (about 11.5
//! days) is accepted, in any unit; anything longer is a usage error that
//! says what the maximum is. Before, `--grace 999999999h` was accepted and
//! `9999999999ms` (under 4 months) rejected.

mod common;
use common::*;

/// The maximum, in seconds, as the usage error must state it.
const MAX_SECONDS: &str = "1000000";

const ACCEPTED: &[&str] = &[
    "1000000",
    "1000000s",
    "16666m",
    "277h",
    "1000000000ms",
    "999999999ms",
    "0",
];

const TOO_LONG: &[&str] = &[
    "1000001",
    "1000001s",
    "16667m",
    "278h",
    "1000000001ms",
    "9999999999ms",
    "999999999h",
    "1000000000",
    "18446744073709551615s",
];

#[test]
fn a_grace_period_up_to_the_maximum_is_accepted_in_any_unit() {
    for grace in ACCEPTED {
        let f = pidone(Mode::Child).args(["--grace", grace, "true"]).run();
        assert_eq!(f.code(), 0, "--grace {grace}\n{f}");
        assert!(f.stderr.is_empty(), "--grace {grace}\n{f}");
        let f = pidone(Mode::Child)
            .env("PIDONE_GRACE", grace)
            .arg("true")
            .run();
        assert_eq!(f.code(), 0, "PIDONE_GRACE={grace}\n{f}");
        assert!(f.stderr.is_empty(), "PIDONE_GRACE={grace}\n{f}");
    }
}

#[test]
fn a_longer_grace_period_is_a_usage_error_that_states_the_maximum() {
    for grace in TOO_LONG {
        for f in [
            pidone(Mode::Child).args(["--grace", grace, "true"]).run(),
            pidone(Mode::Child)
                .env("PIDONE_GRACE", grace)
                .arg("true")
                .run(),
        ] {
            assert_usage_error(&f, Some(grace), &format!("grace {grace}"));
            assert!(
                f.stderr[0].contains(MAX_SECONDS),
                "grace {grace}: the message states the maximum ({MAX_SECONDS} seconds)\n{f}"
            );
        }
    }
}
