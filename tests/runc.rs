//! pidone as PID 1 of real containers run by runc, driven through runc's own
//! interface (`create`, `start`, `kill`, `state`, `delete`) the way container
//! engines drive it. Each bundle's root filesystem holds only the init, a static
//! busybox and the scripts in tests/runc/.
//!
//! Needs root, `runc` and `busybox-static` (the test command installs them).
//! Set `PIDONE_RUNC_INIT=/path/to/an/init` to run these tests against another
//! init binary than the one cargo built, e.g. a deliberately broken build, to
//! see them fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "runc/harness.rs"]
mod harness;

use harness::{
    Bundle, Container, Exit, InitAt, Spec, descendants, make_fifo, open_fifo_for_writing,
    wait_reaped,
};
use std::fs;
use std::time::{Duration, Instant};

/// Docker waits this long after SIGTERM before it sends SIGKILL.
const DOCKER_STOP_TIMEOUT: Duration = Duration::from_secs(10);
/// What a stop may take when nothing has to wait out a grace period: the
/// application exits at once, so anything near pidone's default grace (5 s)
/// means a process was left to time out.
const PROMPT: Duration = Duration::from_secs(3);

/// Starts the container and waits until `trap-exit.sh` says it is ready,
/// running as the child of the container's init (PID 1).
fn start_app(bundle: &Bundle) -> Container<'_> {
    let mut container = bundle.start();
    let ready = container.expect_line("app: ready");
    assert!(
        ready.contains("ppid=1"),
        "the application should run as the init's child: {ready}"
    );
    container
}

#[test]
fn docker_stop_reaches_the_application_which_exits_with_its_own_status() {
    let bundle = Bundle::new(&Spec {
        name: "docker-stop",
        init: InitAt::Image("/pidone"),
        args: &["/pidone", "--", "/app/trap-exit.sh", "42"],
        terminal: false,
    });
    let mut container = start_app(&bundle);
    assert_eq!(container.status().as_deref(), Some("running"));

    let stop = Instant::now();
    container.kill("TERM");
    let exit = container.wait(DOCKER_STOP_TIMEOUT);
    let took = stop.elapsed();
    assert_eq!(
        exit,
        Ok(Exit::Code(42)),
        "docker stop would have had to SIGKILL the container; it said {:#?}",
        container.output()
    );
    assert!(took < PROMPT, "the container took {took:?} to stop");
    container.expect_line("app: got SIGTERM, exiting 42");
    let stderr = container.stderr();
    assert!(
        !stderr.contains("pidone:"),
        "pidone should have nothing to report: {stderr:?}"
    );
    assert_eq!(container.status().as_deref(), Some("stopped"));
    container.delete();
}

#[test]
fn docker_kill_with_another_signal_reaches_the_application_and_the_container_keeps_running() {
    let bundle = Bundle::new(&Spec {
        name: "docker-kill-hup",
        init: InitAt::Image("/pidone"),
        args: &["/pidone", "--", "/app/trap-exit.sh", "42"],
        terminal: false,
    });
    let mut container = start_app(&bundle);
    for _ in 0..3 {
        container.kill("HUP");
        container.expect_line("app: got SIGHUP, reloading");
    }
    assert_eq!(container.status().as_deref(), Some("running"));
    container.kill("TERM");
    assert_eq!(container.expect_exit(DOCKER_STOP_TIMEOUT), Exit::Code(42));
    container.delete();
}

#[test]
fn docker_stop_ends_an_application_without_a_handler_with_status_143() {
    // As PID 1, `sleep` would ignore SIGTERM (PID 1 gets no default actions)
    // and `docker stop` would wait its full 10 s. Under pidone it is an
    // ordinary process: SIGTERM's default action ends it.
    let bundle = Bundle::new(&Spec {
        name: "no-handler",
        init: InitAt::Image("/pidone"),
        args: &[
            "/pidone",
            "--",
            "/bin/sh",
            "-c",
            "echo ready; exec sleep 1000",
        ],
        terminal: false,
    });
    let mut container = bundle.start();
    container.expect_line("ready");
    let stop = Instant::now();
    container.kill("TERM");
    let exit = container.wait(DOCKER_STOP_TIMEOUT);
    let took = stop.elapsed();
    assert_eq!(exit, Ok(Exit::Code(128 + libc::SIGTERM)));
    assert!(took < PROMPT, "the container took {took:?} to stop");
    container.delete();
}

#[test]
fn stop_gives_every_worker_sigterm_and_kills_the_one_that_ignores_it_after_the_grace_period() {
    const GRACE: Duration = Duration::from_secs(1);
    let bundle = Bundle::new(&Spec {
        name: "workers",
        init: InitAt::Image("/pidone"),
        args: &["/pidone", "--grace", "1s", "--", "/app/main.sh"],
        terminal: false,
    });
    let mut container = bundle.start();
    for ready in [
        "worker 1: ready",
        "worker 2: ready",
        "worker 3: ready",
        "stubborn: ready",
    ] {
        container.expect_line(ready);
    }
    container.expect_line("main: ready");
    let stubborn_pid = fs::read_to_string(bundle.shared().join("stubborn.pid")).unwrap();
    let stubborn_pid = stubborn_pid.trim();

    let stop = Instant::now();
    container.kill("TERM");
    let exit = container.expect_exit(GRACE + DOCKER_STOP_TIMEOUT);
    let took = stop.elapsed();
    let output = container.output();
    let stderr = container.stderr();

    assert_eq!(
        exit,
        Exit::Code(5),
        "the exit status of main.sh; output {output:#?}"
    );
    assert!(
        output.contains(&"main: got SIGTERM, exiting 5".to_string()),
        "pidone should forward the stop signal to main.sh: {output:#?}"
    );
    for n in 1..=3 {
        assert!(
            bundle.shared().join(format!("worker-{n}.clean")).exists(),
            "worker {n} did not clean up: it got no SIGTERM, or was killed before it could; \
             output {output:#?}; stderr {stderr:?}"
        );
    }
    let reports: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("grace period over"))
        .collect();
    assert_eq!(
        reports,
        [format!(
            "pidone: grace period over: killed {stubborn_pid} (stubborn-worker)"
        )],
        "exactly the worker that ignores SIGTERM should be killed and named; stderr {stderr:?}"
    );
    assert!(
        took >= GRACE,
        "the stubborn worker was killed after {took:?}, before the grace period was over"
    );
    assert!(
        took < GRACE + PROMPT,
        "the stop took {took:?} with a grace period of {GRACE:?}"
    );
    container.delete();
}

#[test]
fn thousands_of_orphans_leave_no_zombie_in_the_container() {
    const ORPHANS: usize = 2000;
    let bundle = Bundle::new(&Spec {
        name: "orphans",
        init: InitAt::Image("/pidone"),
        args: &["/pidone", "--", "/app/orphans.sh", &ORPHANS.to_string()],
        terminal: false,
    });
    let gate_path = bundle.shared().join("gate");
    make_fifo(&gate_path);
    let mut container = bundle.start();
    let gate = open_fifo_for_writing(&gate_path);
    let made = container.expect_line(&format!("orphans: {ORPHANS} made by "));
    let script: i32 = made.rsplit(' ').next().unwrap().parse().unwrap();

    let orphans: Vec<_> = descendants(container.pid)
        .into_iter()
        .filter(|p| p.nspid != script)
        .collect();
    assert_eq!(orphans.len(), ORPHANS, "the orphans should all be alive");
    assert!(
        orphans.iter().all(|p| p.ppid == container.pid),
        "the kernel should have handed every orphan to the container's init"
    );

    // Closing the only writer ends every orphan's read: they all exit at once,
    // and their SIGCHLDs coalesce. Each must be reaped, soon.
    drop(gate);
    let deadline = Instant::now() + Duration::from_secs(10);
    let unreaped: Vec<String> = orphans
        .iter()
        .filter(|p| !wait_reaped(p.pid, deadline))
        .map(|p| format!("{} ({})", p.pid, p.comm))
        .collect();
    assert!(
        unreaped.is_empty(),
        "{} of {ORPHANS} orphans were never reaped, e.g. {:?}",
        unreaped.len(),
        &unreaped[..unreaped.len().min(5)]
    );

    container.send_line("exit");
    container.expect_line("orphans: exiting");
    assert_eq!(container.expect_exit(DOCKER_STOP_TIMEOUT), Exit::Code(0));
    container.delete();
}

#[test]
fn in_a_terminal_container_the_application_is_the_foreground_process_group() {
    let bundle = Bundle::new(&Spec {
        name: "terminal",
        init: InitAt::Image("/pidone"),
        args: &["/pidone", "--", "/app/tty.sh"],
        terminal: true,
    });
    let mut container = bundle.start();
    let report = container.expect_line("tty: pid=");
    let field = |name: &str| -> i32 {
        let value = report
            .split(' ')
            .find_map(|w| w.strip_prefix(&format!("{name}=")));
        value
            .unwrap_or_else(|| panic!("no {name} in {report:?}"))
            .parse()
            .unwrap()
    };
    assert_ne!(
        field("pid"),
        1,
        "the application should run under the init: {report}"
    );
    assert_eq!(
        field("pgrp"),
        field("pid"),
        "the application should lead its own process group: {report}"
    );
    assert_eq!(
        field("tpgid"),
        field("pgrp"),
        "the terminal's foreground group should be the application's: {report}"
    );

    // Ctrl-C: the terminal sends SIGINT to its foreground group.
    container.type_keys(b"\x03");
    container.expect_line("tty: got SIGINT");
    assert_eq!(container.expect_exit(DOCKER_STOP_TIMEOUT), Exit::Code(3));
    container.delete();
}

/// Started as the engine starts its `--init`: the binary bind-mounted read-only
/// at the engine's path, and `INIT -- CMD ARGS` as the container's command.
fn engine_init(name: &str, path: &'static str) {
    let bundle = Bundle::new(&Spec {
        name,
        init: InitAt::BindMount(path),
        args: &[path, "--", "/app/trap-exit.sh", "7"],
        terminal: false,
    });
    let mut container = start_app(&bundle);
    let stop = Instant::now();
    container.kill("TERM");
    let exit = container.expect_exit(DOCKER_STOP_TIMEOUT);
    assert_eq!(exit, Exit::Code(7), "output {:#?}", container.output());
    assert!(
        stop.elapsed() < PROMPT,
        "the container took {:?} to stop",
        stop.elapsed()
    );
    container.expect_line("app: got SIGTERM, exiting 7");
    container.delete();
}

#[test]
fn as_docker_init_it_runs_the_command_forwards_stop_and_returns_its_status() {
    engine_init("docker-init", "/sbin/docker-init");
}

#[test]
fn as_podman_init_it_runs_the_command_forwards_stop_and_returns_its_status() {
    engine_init("podman-init", "/run/podman-init");
}
