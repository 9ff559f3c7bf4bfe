//! Running a random tree (plan.rs) under pidone and checking every
//! invariant: shared by the tree tests and the fault tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use super::plan::{Forward, Life, Plan, Trigger};
use super::{Running, Setup, at_eof_now, code, killed_pids, still_exists};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

/// A run that takes longer than this has hung.
pub const LIMIT: Duration = Duration::from_secs(40);

#[derive(Default, Debug)]
pub struct Figures {
    pub runs: u64,
    pub pid1_runs: u64,
    pub processes: u64,
    pub orphans: u64,
    pub late: u64,
    pub handled: u64,
    pub killed: u64,
    pub stopped: u64,
    pub setsid: u64,
}

impl Figures {
    pub fn add(&mut self, other: &Figures) {
        self.runs += other.runs;
        self.pid1_runs += other.pid1_runs;
        self.processes += other.processes;
        self.orphans += other.orphans;
        self.late += other.late;
        self.handled += other.handled;
        self.killed += other.killed;
        self.stopped += other.stopped;
        self.setsid += other.setsid;
    }
}

/// How to run a tree.
pub struct Options {
    /// The grace period pidone is given, for the expectations.
    pub grace: Duration,
    /// How it is given: `--grace` with this value, or `PIDONE_GRACE` if
    /// `grace_env`.
    pub grace_arg: String,
    pub grace_env: bool,
    /// Adjusts the set-up (a wrapper, closed descriptors...).
    pub setup: fn(Setup) -> Setup,
    /// Whether pidone's stderr can be read (it names what it kills).
    pub stderr: bool,
}

impl Options {
    pub fn grace(grace: Duration) -> Options {
        Options {
            grace,
            grace_arg: format!("{}ms", grace.as_millis()),
            grace_env: false,
            setup: |s| s,
            stderr: true,
        }
    }
}

/// Runs `plan` under pidone and checks every invariant; `Err` says which
/// one broke, with what pidone and the tree reported.
pub fn run(plan: &Plan, options: &Options) -> Result<Figures, String> {
    let grace = options.grace;
    let encoded = plan.encode();
    let forward = match plan.forward {
        Forward::Child => "child",
        Forward::Group => "group",
        Forward::All => "all",
    };
    let mut setup = Setup::new(plan.pid1).tree(["tree", &encoded]);
    setup = if options.grace_env {
        setup.env("PIDONE_GRACE", &options.grace_arg)
    } else {
        setup.args(["--grace", &options.grace_arg])
    };
    setup = setup.args(["--forward-to", forward]);
    let mut running = (options.setup)(setup).start();
    let context = |running: &Running, what: String| {
        format!(
            "{what}\nplan: {encoded}\n{plan:#?}\nrecords:\n{}\npidone's stderr:\n{}",
            running.records(),
            running.stderr()
        )
    };
    if !running.wait_ready(LIMIT) {
        let _ = running.child.kill();
        let _ = running.child.wait();
        return Err(context(&running, "the command never got ready".into()));
    }
    // The tree is built and the command is about to end it.
    let shutdown = Instant::now();
    if let Trigger::Stop { signal, .. } = plan.trigger {
        running.signal_pidone(signal);
    }
    let Some(status) = running.wait(LIMIT) else {
        return Err(context(
            &running,
            format!("pidone did not exit within {LIMIT:?}"),
        ));
    };
    // Before anything else: whoever still holds the pipe outlived pidone.
    let live_gone = at_eof_now(&running.live);
    let elapsed = running.started.elapsed();
    let shutdown = shutdown.elapsed();
    let records = running.records();
    let stderr = running.stderr();
    let fail = |what: String| Err(context(&running, what));

    let stderr = if options.stderr {
        stderr
    } else {
        String::new()
    };
    if !plan.pid1 && !live_gone {
        return fail("a process of the tree was still alive when pidone exited".into());
    }
    let mut pids: HashMap<usize, (i32, String)> = HashMap::new();
    let mut existed: Vec<(i32, String)> = Vec::new();
    let mut handled = HashSet::new();
    let mut zombies = None;
    for line in records.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        match f[..] {
            ["H", id, pid, start] => {
                let entry = (pid.parse().unwrap(), start.to_string());
                existed.push(entry.clone());
                pids.insert(id.parse().unwrap(), entry);
            }
            ["L", pid, start] => existed.push((pid.parse().unwrap(), start.to_string())),
            ["T", id] => {
                handled.insert(id.parse::<usize>().unwrap());
            }
            ["Z", n] => zombies = Some(n.parse::<usize>().unwrap()),
            _ => return fail(format!("the tree reported a problem: {line}")),
        }
    }
    if pids.len() != plan.nodes.len() {
        return fail(format!(
            "{} of {} processes said hello",
            pids.len(),
            plan.nodes.len()
        ));
    }
    match zombies {
        Some(0) => {}
        Some(n) => return fail(format!("{n} zombies were left unreaped by pidone")),
        None => return fail("the command never checked for zombies".into()),
    }
    if !plan.pid1 {
        if let Some((pid, _)) = existed
            .iter()
            .find(|(pid, start)| still_exists(*pid, start))
        {
            return fail(format!(
                "process {pid} of the tree still exists after pidone"
            ));
        }
    }
    if code(status) != plan.exit_code() {
        return fail(format!(
            "pidone exited {} ({status:?}), the command's status was {}",
            code(status),
            plan.exit_code()
        ));
    }
    let killed: HashSet<i32> = killed_pids(&stderr).into_iter().collect();
    let mut figures = Figures {
        runs: 1,
        pid1_runs: plan.pid1.into(),
        processes: existed.len() as u64,
        late: (existed.len() - pids.len()) as u64,
        killed: killed.len() as u64,
        ..Figures::default()
    };
    for (i, node) in plan.nodes.iter().enumerate().skip(1) {
        let pid = pids[&i].0;
        let parent = &plan.nodes[node.parent];
        if node.parent != 0 && parent.life == Life::Transient {
            figures.orphans += 1;
        }
        figures.stopped += u64::from(node.stopped);
        figures.setsid += u64::from(node.setsid);
        match node.life {
            Life::Handler { .. } => {
                if !handled.contains(&i) {
                    return fail(format!(
                        "process {pid} (node {i}) handles SIGTERM within the grace period \
                         but never finished its handler"
                    ));
                }
                if killed.contains(&pid) {
                    return fail(format!("process {pid} (node {i}) was SIGKILLed"));
                }
                figures.handled += 1;
            }
            Life::Ignore => {
                if options.stderr && !killed.contains(&pid) {
                    return fail(format!(
                        "process {pid} (node {i}) ignores SIGTERM but was not named as killed"
                    ));
                }
            }
            Life::Transient | Life::Default => {}
        }
    }
    if !plan.may_persist() && !killed.is_empty() {
        return fail(format!(
            "nothing outlives SIGTERM, yet pidone killed {killed:?} after the grace period"
        ));
    }
    if !plan.may_persist() && shutdown >= grace {
        return fail(format!(
            "nothing outlives SIGTERM, yet pidone's shutdown took {shutdown:?} (grace {grace:?})"
        ));
    }
    if plan.must_persist() && elapsed < grace {
        return fail(format!(
            "pidone exited after {elapsed:?}, before the grace period ({grace:?}) was over, \
             with processes that ignore SIGTERM"
        ));
    }
    // Lines other than the kills would be errors.
    if let Some(line) = stderr
        .lines()
        .find(|l| !l.starts_with("pidone: grace period over: killed "))
    {
        return fail(format!("unexpected message: {line}"));
    }
    Ok(figures)
}
