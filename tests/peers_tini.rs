#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Differential tests: pidone called `tini` or `docker-init` against the
//! real tini 0.19.0 (Debian's package), on the same scenarios, both as PID 1
//! of a new PID namespace and as a plain child.

#[path = "peers/mod.rs"]
mod peers;

use peers::*;

/// tini's exit codes, with both the names Docker and users call it by.
#[test]
fn exit_status_of_the_command_passes_through() {
    for name in ["tini", "docker-init"] {
        for mode in [Mode::Pid1, Mode::Child] {
            exit_status_passes_through("tini", name, mode, &["-s", "--"]);
        }
    }
}

#[test]
fn e_remaps_exit_codes_to_zero() {
    let statuses = differential("tini", "tini", |init| {
        [
            (vec!["-e", "3", "-e", "4"], vec!["exit", "3"]),
            (vec!["-e", "3", "-e", "4"], vec!["exit", "4"]),
            (vec!["-e", "3", "-e", "4"], vec!["exit", "5"]),
            (vec!["-e3"], vec!["exit", "3"]),
            (vec!["-e", "143"], vec!["die", "TERM"]),
            (vec!["-e", "0"], vec!["exit", "0"]),
        ]
        .into_iter()
        .map(|(args, steps)| {
            Setup::new(init, Mode::Pid1)
                .args(args)
                .arg("--")
                .probe(steps)
                .outcome()
                .status
        })
        .collect::<Vec<_>>()
    });
    assert_eq!(statuses, [0, 0, 5, 0, 0, 0].map(|c| Some(Status::Code(c))));
}

#[test]
fn exec_failures_exit_127_126_or_1() {
    exec_failures("tini", "tini", &[&["--"]], [127, 127, 126, 1]);
}

/// glibc's execvp, which tini calls, runs an executable file that the
/// kernel cannot execute (ENOEXEC) with /bin/sh: a script without `#!`
/// works under tini.
#[test]
fn a_script_without_shebang_runs_with_sh() {
    script_without_shebang_runs_with_sh("tini", "tini", &["--"]);
}

#[test]
fn help_goes_to_stdout_and_exits_0() {
    let (_, ours) = prints(
        "tini",
        "tini",
        Mode::Child,
        &["-h"],
        Printed {
            status: Some(Status::Code(0)),
            stdout: true,
            stderr: false,
        },
    );
    assert!(
        ours.stdout[0].starts_with("tini (tini version 0.19.0")
            && ours.stdout[0].contains("pidone"),
        "{}",
        ours.stdout[0]
    );
}

/// The help text is tini's, with pidone named in the version.
#[test]
fn help_text_is_tinis() {
    let (theirs, ours) = both("tini", "tini", |init| oneshot(init, Mode::Child, &["-h"]));
    // The first line names the version: pidone's own is in it.
    assert_eq!(ours.stdout[1..], theirs.stdout[1..]);
}

#[test]
fn version_alone_is_on_stdout_in_a_form_docker_parses() {
    for name in ["tini", "docker-init"] {
        version_docker_parses("tini", name, &["--version"], "0.19.0");
    }
}

#[test]
fn usage_errors_exit_1_with_a_message_on_stderr() {
    usage_errors(
        "tini",
        "tini",
        &[
            &[],
            &["-x", "true"],
            &["--version", "true"],
            &["true", "--version"],
            &["--help"],
            &["-v"],
            &["-p"],
            &["-e"],
            &["-p", "KILL", "true"],
            &["-p", "9", "true"],
            &["-p", "SIGkill", "true"],
            &["-e", "256", "true"],
            &["-e", "x", "true"],
            &["true", "-x"],
        ],
    );
}

/// `-l` prints a license on stdout and exits 0; pidone's own license, not
/// tini's (which is not the license pidone is under).
#[test]
fn l_prints_a_license_on_stdout() {
    license_on_stdout("tini", "tini", "-l", "MIT");
}

const SIGNALS: &[i32] = &[
    SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGCONT, SIGTSTP,
    SIGTTIN, SIGTTOU, SIGURG, SIGWINCH, SIGRTMIN1,
];

/// By default every signal goes to the command alone, but SIGTTIN and
/// SIGTTOU, which tini ignores.
#[test]
fn signals_go_to_the_command_only() {
    for mode in [Mode::Pid1, Mode::Child] {
        signals_forwarded(
            "tini",
            "tini",
            mode,
            &["-s", "--"],
            SIGNALS,
            &[SIGTTIN, SIGTTOU],
            false,
        );
    }
}

/// `-g` and `TINI_KILL_PROCESS_GROUP` (set to anything): signals go to the
/// command's process group, not to a process that left it.
#[test]
fn g_and_tini_kill_process_group_signal_the_group() {
    let signals = [SIGHUP, SIGUSR1, SIGTERM, SIGWINCH, SIGTTIN];
    for (args, env) in [
        (&["-g", "-s", "--"][..], None),
        (&["-s", "--"], Some("1")),
        (&["-s", "--"], Some("")),
    ] {
        let seen = differential("tini", "tini", |init| {
            let mut setup = Setup::new(init, Mode::Pid1).args(args);
            if let Some(value) = env {
                setup = setup.env("TINI_KILL_PROCESS_GROUP", value);
            }
            forwarding(setup, &signals)
        });
        assert_eq!(
            seen.gc,
            [SIGHUP, SIGUSR1, SIGTERM, SIGWINCH],
            "{args:?} {env:?}"
        );
        assert_eq!(seen.other, [], "{args:?} {env:?}");
    }
}

/// As PID 1, with `-s`, or with `TINI_SUBREAPER` set (even empty), tini
/// adopts and reaps orphans; as a plain child without them it does not, and
/// they go to the next subreaper up (the harness).
#[test]
fn orphans_are_reaped_by_pid1_or_a_subreaper() {
    let cases: &[(Mode, &[&str], Option<&str>, Reaper)] = &[
        (Mode::Pid1, &["--"], None, Reaper::Init),
        (Mode::Child, &["-s", "--"], None, Reaper::Init),
        (Mode::Child, &["--"], Some("1"), Reaper::Init),
        (Mode::Child, &["--"], Some(""), Reaper::Init),
        (Mode::Child, &["--"], None, Reaper::Harness),
    ];
    for &(mode, args, env, reaper) in cases {
        eprintln!("case: {mode:?} {args:?} {env:?}");
        let env = env.map(|value| ("TINI_SUBREAPER", value));
        orphans_reaped_by("tini", "tini", mode, args, env, reaper);
    }
}

/// Neither PID 1 nor a subreaper: both warn on stderr, in tini's words,
/// unless TINI_VERBOSITY is 0.
#[test]
fn warning_when_neither_pid1_nor_subreaper() {
    type Case<'a> = (Mode, &'a [&'a str], &'a [(&'a str, &'a str)], bool);
    let cases: &[Case] = &[
        (Mode::Child, &["--"], &[], true),
        (
            Mode::Child,
            &["-v", "--"],
            &[("TINI_VERBOSITY", "0")],
            false,
        ),
        (Mode::Child, &["-s", "--"], &[], false),
        (Mode::Child, &["--"], &[("TINI_SUBREAPER", "")], false),
        (Mode::Pid1, &["--"], &[], false),
    ];
    for &(mode, args, env, warns) in cases {
        let (theirs, ours) = both("tini", "tini", |init| {
            let mut setup = Setup::new(init, mode).args(args);
            for (k, v) in env {
                setup = setup.env(k, v);
            }
            setup.probe(["exit", "0"]).outcome()
        });
        let what = format!("{mode:?} {args:?} {env:?}");
        assert_eq!(
            !theirs.stderr.is_empty(),
            warns,
            "{what}: {}",
            theirs.stderr
        );
        assert_eq!(!ours.stderr.is_empty(), warns, "{what}: {}", ours.stderr);
        assert_eq!(
            peer_words(&ours.stderr),
            peer_words(&theirs.stderr),
            "{what}"
        );
        assert_eq!(ours.status, theirs.status, "{what}");
    }
}

/// `-w`: one line on stderr per adopted zombie reaped, naming its pid.
#[test]
fn w_logs_each_adopted_zombie() {
    for mode in [Mode::Pid1, Mode::Child] {
        for (args, expected) in [(&["-w", "-s", "--"][..], 1), (&["-s", "--"], 0)] {
            let counts = differential("tini", "tini", |init| {
                let o = orphans(Setup::new(init, mode).args(args));
                o.pids
                    .iter()
                    .map(|&pid| o.stderr.lines().filter(|l| mentions_number(l, pid)).count())
                    .collect::<Vec<_>>()
            });
            assert_eq!(counts, vec![expected; 3], "{mode:?} {args:?}");
        }
    }
}

/// The init's log lines, on either stream (the workload's lines are
/// tagged `cmd`).
fn log_lines(outcome: &Outcome) -> Vec<String> {
    outcome
        .stdout
        .iter()
        .filter(|l| !l.starts_with("cmd "))
        .cloned()
        .chain(outcome.stderr.lines().map(String::from))
        .collect()
}

/// `-v` (repeated) and TINI_VERBOSITY: whether anything is logged at all
/// in an uneventful run (PID 1, so no warning).
#[test]
fn verbosity_from_v_and_tini_verbosity() {
    // TINI_VERBOSITY is read with atoi and wins over -v.
    let cases: &[(&[&str], Option<&str>, bool)] = &[
        (&["--"], None, false),
        (&["-v", "--"], None, true),
        (&["-vv", "--"], None, true),
        (&["-v", "-v", "-v", "--"], None, true),
        (&["-vvvv", "--"], None, true),
        (&["-vvv", "--"], Some("0"), false),
        (&["--"], Some("1"), false),
        (&["--"], Some("2"), true),
        (&["--"], Some("3"), true),
        (&["-vvv", "--"], Some("x"), false),
        (&["--"], Some("2x"), true),
    ];
    for &(args, env, expected) in cases {
        eprintln!("case: {args:?} {env:?}");
        let logged = differential("tini", "tini", |init| {
            let mut setup = Setup::new(init, Mode::Pid1).args(args);
            if let Some(value) = env {
                setup = setup.env("TINI_VERBOSITY", value);
            }
            let outcome = setup.probe(["exit", "0"]).outcome();
            (outcome.status, !log_lines(&outcome).is_empty())
        });
        assert_eq!(
            logged,
            (Some(Status::Code(0)), expected),
            "{args:?} {env:?}"
        );
    }
}

/// Where the log lines of `-v` go: tini writes INFO, DEBUG and TRACE to
/// stdout, and so does pidone by its name.
#[test]
fn verbose_logs_go_to_stdout_as_tinis() {
    let (theirs, ours) = both("tini", "tini", |init| {
        let outcome = Setup::new(init, Mode::Pid1)
            .args(["-vvv", "--"])
            .probe(["exit", "0"])
            .outcome();
        let on_stdout = outcome.stdout.iter().any(|l| !l.starts_with("cmd "));
        (on_stdout, !outcome.stderr.is_empty())
    });
    assert_eq!(theirs, (true, false), "the real tini");
    assert_eq!(ours, theirs, "pidone as tini");
}

/// `-p SIGNAL`: the init gets SIGNAL when its parent dies, and handles it
/// like any other signal it receives.
#[test]
fn p_sets_the_parent_death_signal() {
    // SIGUSR1 is forwarded to the command, which goes on running.
    let got = differential("tini", "tini", |init| {
        let mut run = Setup::new(init, Mode::Child)
            .harness("--parent")
            .args(["-s", "-p", "SIGUSR1", "--"])
            .probe(["block", "ready", "record", "--exit-on", "63=0"])
            .start();
        run.wait("cmd ready");
        let parent = run.report(|l| l.starts_with("parent "));
        let parent: i32 = parent["parent ".len()..].parse().unwrap();
        kill(parent, SIGKILL);
        run.wait("cmd sig");
        let got = run.signal_and_sync(SIGUSR2, &["cmd"]);
        run.signal(SIGEND);
        let status = run.init_exit();
        (signals_of(&run.stdout_eof(), "cmd"), got, status)
    });
    assert_eq!(
        got,
        (
            vec![SIGUSR1, SIGUSR2, SIGRTMAX, SIGEND],
            vec![vec![SIGUSR2]],
            Status::Code(0)
        )
    );
    // SIGKILL kills the init, and the command is left running.
    let got = differential("tini", "tini", |init| {
        let mut run = Setup::new(init, Mode::Child)
            .harness("--parent")
            .args(["-s", "-p", "SIGKILL", "--"])
            .probe(["block", "ready", "record"])
            .start();
        let ready = run.wait("cmd ready");
        let cmd: i32 = field(&ready, "pid").parse().unwrap();
        let parent = run.report(|l| l.starts_with("parent "));
        let parent: i32 = parent["parent ".len()..].parse().unwrap();
        kill(parent, SIGKILL);
        let status = run.init_exit();
        let got = run.drain(cmd, "cmd");
        (status, got)
    });
    assert_eq!(got, (Status::Signal(SIGKILL), vec![]));
}

/// pidone knows SIGPWR (and SIGSTKFLT, SIGIO) for `-p`; tini's table
/// lacks them. A known difference.
#[test]
fn p_accepts_sigpwr_unlike_tini() {
    let (theirs, ours) = both("tini", "tini", |init| {
        Setup::new(init, Mode::Pid1)
            .args(["-p", "SIGPWR", "--"])
            .probe(["exit", "0"])
            .outcome()
    });
    assert_eq!(theirs.status, Some(Status::Code(1)), "{}", theirs.stderr);
    assert_eq!(ours.status, Some(Status::Code(0)), "{}", ours.stderr);
}

/// tini parses with GNU getopt, which permutes: options after the program
/// are tini's, and `--` keeps the rest for the program.
#[test]
fn options_after_the_program_are_tinis() {
    let probe = peerprobe();
    options_after_the_program(
        "tini",
        "tini",
        &[
            (vec![&probe, "args"], 0, Some("PROBE|args")),
            (vec![&probe, "--", "args", "-v"], 0, Some("PROBE|args|-v")),
            (vec![&probe, "args", "--", "-v"], 0, Some("PROBE|args|-v")),
            (vec![&probe, "args", "-v"], 0, Some("PROBE|args")),
            (vec!["-s", &probe, "args", "-g"], 0, Some("PROBE|args")),
            (vec![&probe, "args", "-p", "SIGUSR1"], 0, Some("PROBE|args")),
            (vec![&probe, "args", "-x"], 1, None),
            (vec!["--", &probe, "args", "-s"], 0, Some("PROBE|args|-s")),
        ],
    );
}

/// With POSIXLY_CORRECT set, GNU getopt stops at the first non-option, so
/// tini leaves the options after the program to the program.
#[test]
fn posixly_correct_stops_options_at_the_program() {
    let probe = peerprobe();
    let seen = differential("tini", "tini", |init| {
        let outcome = Setup::new(init, Mode::Pid1)
            .env("POSIXLY_CORRECT", "1")
            .args([probe.as_str(), "args", "-v"])
            .outcome();
        outcome
            .stdout
            .iter()
            .find_map(|l| l.strip_prefix("cmd argv "))
            .map(|a| a.replace(&probe, "PROBE"))
    });
    assert_eq!(seen.as_deref(), Some("PROBE|args|-v"));
}

/// The command can leave a process behind: tini exits with the command.
/// As PID 1 the kernel then kills it; as a subreaper it runs on. Neither
/// gets a signal from tini, with or without -g.
#[test]
fn leftovers_are_not_waited_for() {
    for mode in [Mode::Pid1, Mode::Child] {
        for args in [&["-s", "--"][..], &["-s", "-g", "--"]] {
            leftover_gets("tini", "tini", mode, args, &[], mode == Mode::Child);
        }
    }
}

/// PIDONE_GRACE turns on pidone's graceful shutdown under tini's name.
#[test]
fn pidone_grace_shuts_leftovers_down_gracefully() {
    graceful_as(
        "tini",
        &[
            (Mode::Pid1, &["--"], None),
            (Mode::Child, &["--"], Some(("PIDONE_SUBREAPER", "1"))),
            (Mode::Child, &["-s", "--"], None),
        ],
    );
}

/// Without -s, tini is no subreaper as a plain child: the leftovers of the
/// command are no longer pidone's once the command exits. PIDONE_GRACE
/// still has to shut them down.
#[test]
fn pidone_grace_shuts_leftovers_down_when_not_a_subreaper() {
    graceful_as("tini", &[(Mode::Child, &["--"], None)]);
}

/// Known difference: pidone forwards synchronous signals sent with kill();
/// tini leaves them unblocked, so as a plain child it dies of them (and as
/// PID 1 the kernel drops them).
#[test]
fn synchronous_signals_sent_with_kill_are_forwarded() {
    synchronous_signals_kill_the_peer("tini", "tini", &["-s", "--"], &["--"]);
}

/// Both pass on the mask they inherited and the signals they inherited
/// ignored (SIGUSR2 blocked and SIGHUP ignored here), as a shell does.
#[test]
fn command_inherits_the_signal_state_tini_was_given() {
    let given = (mask(&[SIGUSR2]), mask(&[SIGHUP]));
    inherited_signal_state("tini", "tini", &["-s", "--"], given, given);
}

/// Both keep the descriptors above 2 they inherited (the command gets them
/// too); known difference: pidone leaves the working directory once the
/// command runs, tini keeps it.
#[test]
fn inherited_descriptors_and_working_directory() {
    inherited_descriptors(
        "tini",
        "tini",
        &["-s", "--"],
        Inherited {
            command_has_fd5: true,
            init_keeps_fd5: true,
            init_cwd_is_root: false,
        },
        Inherited {
            command_has_fd5: true,
            init_keeps_fd5: true,
            init_cwd_is_root: true,
        },
    );
}
