//! Randomised process trees under pidone (issue 6, part 1).
//!
//! A seeded generator (tests/reliability/plan.rs) draws a tree: processes
//! that exit at once (leaving their children as orphans: the double fork),
//! handle SIGTERM slowly, ignore it, die of it, call setsid, stop
//! themselves, or fork more processes while they shut down. The command
//! then exits, kills itself, or pidone gets a stop signal. Each run checks:
//! - no zombie accumulates: once every short-lived process has exited, and
//!   pidone has handled the SIGCHLDs (see `SYNC` in plan.rs), none of its
//!   children is a zombie;
//! - pidone exits only after every process of the tree is gone: they all
//!   hold a pipe, which is at end-of-file the moment pidone's exit is seen,
//!   and none of the recorded (pid, start time) pairs exists any more;
//! - every process that handles SIGTERM within the grace period exits by its
//!   own handler (it writes a marker) and is never named as killed; every
//!   one that ignores SIGTERM is killed and named;
//! - with nothing that outlives SIGTERM, pidone never waits out the grace;
//! - pidone's exit status is the command's.
//!
//! `PIDONE_TREE_RUNS` sets the number of random runs (default 300),
//! `PIDONE_TREE_SEED` the first seed (default: from the clock; every failure
//! prints its seed and the command that replays it).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "reliability/mod.rs"]
mod reliability;

use reliability::env_number;
use reliability::plan::{Late, Life, Plan};
use reliability::trees::{Figures, Options, run};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const GRACE: Duration = Duration::from_secs(3);

fn replay_hint(seed: u64) -> String {
    format!(
        "replay: PIDONE_TREE_SEED={seed} PIDONE_TREE_RUNS=1 cargo test --test reliability_trees \
         random_trees -- --nocapture"
    )
}

#[test]
fn random_trees() {
    let runs = env_number("PIDONE_TREE_RUNS", 300);
    let first = match std::env::var("PIDONE_TREE_SEED") {
        Ok(_) => env_number("PIDONE_TREE_SEED", 0),
        Err(_) => {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                % 1_000_000_000
        }
    };
    eprintln!("random_trees: seeds {first}..{}", first + runs);
    let next = AtomicU64::new(0);
    let failures = Mutex::new(Vec::new());
    let total = Mutex::new(Figures::default());
    let started = Instant::now();
    // Most of a run is waiting (for handlers, for the grace period), so
    // several run side by side even on two cores.
    let workers = env_number("PIDONE_TREE_WORKERS", 6);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= runs {
                        return;
                    }
                    let seed = first + i;
                    let plan = Plan::generate(seed);
                    match run(&plan, &Options::grace(GRACE)) {
                        Ok(figures) => total.lock().unwrap().add(&figures),
                        Err(why) => {
                            eprintln!("seed {seed} FAILED: {why}\n{}", replay_hint(seed));
                            failures.lock().unwrap().push(seed);
                        }
                    }
                }
            });
        }
    });
    let total = total.into_inner().unwrap();
    eprintln!(
        "random_trees: {} runs ({} as PID 1) in {:?}: {} processes, {} orphaned before the \
         shutdown, {} forked during it, {} stopped, {} setsid, {} SIGTERM handlers finished, \
         {} processes killed after the grace period",
        total.runs,
        total.pid1_runs,
        started.elapsed(),
        total.processes,
        total.orphans,
        total.late,
        total.stopped,
        total.setsid,
        total.handled,
        total.killed
    );
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {runs} trees failed, seeds {failures:?} (details above)",
        failures.len()
    );
}

/// Hand-written trees for each behaviour the generator mixes, in both modes,
/// so that each is covered on every run whatever the seeds draw.
#[test]
fn each_kind_of_tree() {
    let cases = [
        // A handler that is stopped when the shutdown starts: pidone's
        // SIGCONT must wake it to handle its SIGTERM.
        "c.x3/0:h50:z:",
        // Double fork: the middle exits at once, its child is adopted.
        "c.x0/0:t::/1:h10::/1:d::",
        // setsid: out of the command's group and session, still shut down.
        "c.s15:4/0:h0:s:/1:h30::",
        // A parent that never reaped dies: its zombies pass to pidone.
        "c.x5/0:d::/1:t::/1:t::/1:t::",
        // Forks during the shutdown: an orphan chain that persists, and one
        // that ignores SIGTERM, both forked after the SIGTERM sweep.
        "c.x1/0:h20::C3i",
        // Ignores SIGTERM: killed after the grace period and named.
        "g.s2/0:i::/0:h40::/2:i:s:",
        // The command dies of a signal with leftovers of every kind.
        "a.r10/0:h5::e/0:d::/0:t::/3:h0:sz:",
    ];
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .iter()
            .flat_map(|case| [false, true].map(|pid1| (case, pid1)))
            .map(|(case, pid1)| {
                scope.spawn(move || {
                    let mut plan = Plan::decode(case).unwrap();
                    plan.pid1 = pid1;
                    assert_eq!(Plan::decode(&plan.encode()).as_ref(), Some(&plan));
                    run(&plan, &Options::grace(GRACE))
                        .err()
                        .map(|e| format!("{case} (pid1 {pid1}): {e}"))
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn plans_round_trip_through_their_encoding() {
    for seed in 0..2000 {
        let plan = Plan::generate(seed);
        assert_eq!(
            Plan::decode(&plan.encode()),
            Some(plan.clone()),
            "seed {seed}"
        );
        // Late processes only ever come from handlers.
        for node in &plan.nodes {
            if !matches!(node.life, Life::Handler { .. }) {
                assert!(node.late.is_empty() && !node.stopped);
            }
            for late in &node.late {
                if let Late::Chain { n, .. } = late {
                    assert!((1..=3).contains(n));
                }
            }
        }
    }
}
