#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Differential tests: pidone called `dumb-init` against the real dumb-init
//! 1.2.5 (Debian's package), on the same scenarios, both as PID 1 of a new
//! PID namespace and as a plain child.

#[path = "peers/mod.rs"]
mod peers;

use peers::*;

#[test]
fn exit_status_of_the_command_passes_through() {
    for mode in [Mode::Pid1, Mode::Child] {
        exit_status_passes_through("dumb-init", "dumb-init", mode, &[]);
    }
}

#[test]
fn exec_failures_exit_2() {
    exec_failures("dumb-init", "dumb-init", &[&[], &["-c"]], [2; 4]);
}

/// glibc's execvp, which dumb-init calls, runs an executable file that the
/// kernel cannot execute (ENOEXEC) with /bin/sh: a script without `#!`
/// works under dumb-init.
#[test]
fn a_script_without_shebang_runs_with_sh() {
    script_without_shebang_runs_with_sh("dumb-init", "dumb-init", &[]);
}

#[test]
fn help_and_version_go_to_stderr_and_exit_0() {
    for args in [["-h"], ["--help"], ["-V"], ["--version"]] {
        let (_, ours) = prints(
            "dumb-init",
            "dumb-init",
            Mode::Child,
            &args,
            Printed {
                status: Some(Status::Code(0)),
                stdout: false,
                stderr: true,
            },
        );
        let first = ours.stderr.lines().next().unwrap_or_default();
        assert_eq!(first, "dumb-init v1.2.5", "{args:?}");
    }
}

/// The help text is dumb-init's, byte for byte but for argv[0].
#[test]
fn help_text_is_dumb_inits() {
    let (theirs, ours) = both("dumb-init", "dumb-init", |init| {
        oneshot(init, Mode::Child, &["--help"])
    });
    // Both show argv[0] as typed; the two were started from different paths.
    let rest = |text: &str, argv0: &str| {
        text.lines()
            .map(|l| l.replacen(argv0, "ARGV0", 1))
            .collect::<Vec<_>>()
    };
    let argv0 = |text: &str| {
        let usage = text.lines().nth(1).unwrap_or_default();
        usage.split(' ').nth(1).unwrap_or_default().to_string()
    };
    assert!(
        argv0(&ours.stderr).ends_with("/dumb-init"),
        "{}",
        ours.stderr
    );
    assert_eq!(
        rest(&ours.stderr, &argv0(&ours.stderr)),
        rest(&theirs.stderr, &argv0(&theirs.stderr))
    );
}

#[test]
fn usage_errors_exit_1_with_a_message_on_stderr() {
    usage_errors(
        "dumb-init",
        "dumb-init",
        &[
            &["-x", "true"],
            &["--rewrite"],
            &["--single-child=yes", "true"],
        ],
    );
}

/// dumb-init's own words, byte for byte but for argv[0]: no command, an
/// unknown long option, a bad `-r`.
#[test]
fn usage_errors_in_dumb_inits_words() {
    let cases: [&[&str]; 8] = [
        &[],
        &["-c"],
        &["--nope", "true"],
        &["-r", "15", "true"],
        &["-r", "32:1", "true"],
        &["-r", "1:32", "true"],
        &["-r", "0:1", "true"],
        &["-r", "TERM:INT", "true"],
    ];
    // argv[0] as typed differs: the two are started from different paths.
    let named = |text: &str| {
        text.split(' ')
            .map(|word| match word.rfind("/dumb-init") {
                Some(i) => &word[i + 1..],
                None => word,
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    for args in cases {
        let (theirs, ours) = both("dumb-init", "dumb-init", |init| {
            oneshot(init, Mode::Pid1, args)
        });
        assert_eq!(ours.status, Some(Status::Code(1)), "{args:?}");
        assert_eq!(ours.status, theirs.status, "{args:?}");
        assert_eq!(named(&ours.stderr), named(&theirs.stderr), "{args:?}");
        assert!(ours.stdout.is_empty(), "{args:?}");
    }
}

/// Known difference: dumb-init's getopt_long takes unambiguous
/// abbreviations of long options; pidone does not.
#[test]
fn abbreviated_long_options_are_not_accepted() {
    for abbreviation in ["--single", "--verb"] {
        let (theirs, ours) = both("dumb-init", "dumb-init", |init| {
            oneshot(init, Mode::Pid1, &[abbreviation, "true"])
        });
        assert_eq!(theirs.status, Some(Status::Code(0)), "{abbreviation}");
        assert_eq!(ours.status, Some(Status::Code(1)), "{abbreviation}");
        assert!(
            ours.stderr
                .ends_with(&format!(": unrecognized option '{abbreviation}'\n")),
            "{abbreviation}: {}",
            ours.stderr
        );
    }
}

/// Options end at the first argument that is not one: no `--` needed,
/// and what follows the command is the command's.
#[test]
fn options_end_at_the_command() {
    let probe = peerprobe();
    let cases: Vec<Vec<&str>> = vec![
        vec![&probe, "args"],
        vec![&probe, "args", "-c", "-v"],
        vec!["-c", &probe, "args", "--help"],
        vec!["--", &probe, "args", "-V"],
        vec!["-v", "--single-child", &probe, "args"],
        vec!["-r", "10:12", "--rewrite=1:2", &probe, "args", "-r", "3:4"],
    ];
    for args in &cases {
        eprintln!("case: {args:?}");
        let seen = argv_seen("dumb-init", "dumb-init", args);
        let position = args.iter().position(|a| *a == probe).unwrap();
        let expected = args[position..].join("|").replace(&probe, "PROBE");
        assert_eq!(seen, (Some(Status::Code(0)), Some(expected)), "{args:?}");
    }
}

/// By default the command leads a session of its own; `-c` and
/// `DUMB_INIT_SETSID=0` leave it in dumb-init's session and group.
#[test]
fn session_mode_and_single_child_mode() {
    let cases: &[(&[&str], Option<&str>, bool)] = &[
        (&[], None, true),
        (&[], Some("1"), true),
        (&["-c"], None, false),
        (&["--single-child"], None, false),
        (&[], Some("0"), false),
    ];
    for &(args, setsid, leader) in cases {
        for mode in [Mode::Pid1, Mode::Child] {
            let seen = differential("dumb-init", "dumb-init", |init| {
                let mut setup = setup(init, mode, args);
                if let Some(value) = setsid {
                    setup = setup.env("DUMB_INIT_SETSID", value);
                }
                let status = status_line(setup);
                let pid = field(&status, "pid");
                (field(&status, "sid") == pid, field(&status, "pgid") == pid)
            });
            assert_eq!(seen, (leader, leader), "{args:?} {setsid:?} {mode:?}");
        }
    }
}

const SIGNALS: &[i32] = &[
    SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGCONT, SIGURG,
    SIGWINCH, SIGRTMIN1,
];

/// In session mode signals go to the command's whole process group (a
/// grandchild gets them too); with `-c` to the command alone.
#[test]
fn signals_go_to_the_group_or_with_c_to_the_command() {
    for (args, group) in [(&[][..], true), (&["-c"], false)] {
        for mode in [Mode::Pid1, Mode::Child] {
            signals_forwarded("dumb-init", "dumb-init", mode, args, SIGNALS, &[], group);
        }
    }
}

/// `-r s:r` rewrites signal numbers before forwarding; `r` 0 drops the
/// signal; repeatable, long form too.
#[test]
fn r_rewrites_and_drops_signals() {
    let args = [
        "-r",
        "10:12",
        "-r",
        "1:15",
        "--rewrite",
        "2:0",
        "--rewrite=28:10",
        "-r",
        "12:1",
    ];
    for mode in [Mode::Pid1, Mode::Child] {
        let seen = differential("dumb-init", "dumb-init", |init| {
            forwarding(
                setup(init, mode, &args),
                &[SIGUSR1, SIGHUP, SIGINT, SIGWINCH, SIGUSR2, SIGTERM],
            )
            .cmd
        });
        assert_eq!(
            seen,
            [
                (SIGUSR1, vec![SIGUSR2]),
                (SIGHUP, vec![SIGTERM]),
                (SIGINT, vec![]),
                (SIGWINCH, vec![SIGUSR1]),
                (SIGUSR2, vec![SIGHUP]),
                (SIGTERM, vec![SIGTERM]),
            ],
            "{mode:?}"
        );
    }
}

#[derive(Debug, PartialEq, Eq)]
struct JobControl {
    /// The signal that stopped dumb-init (its parent sees it).
    init_stopped: i32,
    /// The signal that stopped `x`, a process in the command's group
    /// whose parent is in another group, if it was to be stopped.
    x_stopped: Option<i32>,
    /// What the command recorded until it was sent SIGCONT and more.
    cmd: Vec<i32>,
}

/// SIGTSTP, SIGTTIN or SIGTTOU sent to dumb-init (not PID 1): in session
/// mode the group gets SIGSTOP (unless rewritten), and dumb-init stops
/// itself; SIGCONT wakes it and goes on to the command.
/// `forwarded`: what the command is to get instead, if anything (waited
/// for before SIGCONT: SIGCONT discards a pending stop signal).
fn job_control(setup: Setup, sig: i32, group_stops: bool, forwarded: Option<i32>) -> JobControl {
    let mut run = setup
        .probe([
            "spawn",
            "--newpgrp",
            "[",
            "tag",
            "w",
            "watch",
            "[",
            "tag",
            "x",
            "home-pgrp",
            "ready",
            "pause",
            "]",
            "]", //
            "block",
            "ready",
            "record",
            "--exit-on",
            "63=0",
        ])
        .start();
    run.wait("cmd ready");
    run.wait("w ready");
    run.signal(sig);
    let init = run.init_pid();
    let stop = run.report(|l| l.starts_with(&format!("stop {init} ")));
    let init_stopped = stop.rsplit(' ').next().unwrap().parse().unwrap();
    // Stopped, as anyone looking at /proc sees it, until SIGCONT.
    assert_eq!(proc_state(init), Some('T'), "{init} after {stop}");
    let x_stopped = group_stops.then(|| {
        let line = run.wait("w child stopped ");
        line["w child stopped ".len()..].parse().unwrap()
    });
    if let Some(forwarded) = forwarded {
        let line = format!("cmd sig {forwarded}");
        run.line(|l| l == line);
    }
    run.signal(SIGCONT);
    run.report(|l| *l == format!("cont {init}"));
    if group_stops {
        run.wait("w child continued");
    }
    // SIGCONT is forwarded; once the command has it, nothing is pending.
    let cont = format!("cmd sig {SIGCONT}");
    run.line(|l| l == cont);
    run.signal_and_sync(SIGUSR1, &["cmd"]);
    run.signal(SIGEND);
    run.wait("cmd exiting");
    run.init_exit();
    let cmd = signals_of(run.seen(), "cmd");
    JobControl {
        init_stopped,
        x_stopped,
        cmd: cmd
            .into_iter()
            .filter(|&s| s != SIGRTMAX && s != SIGEND)
            .collect(),
    }
}

#[test]
fn terminal_stop_signals_stop_the_group_and_dumb_init() {
    for sig in [SIGTSTP, SIGTTIN, SIGTTOU] {
        let seen = differential("dumb-init", "dumb-init", |init| {
            job_control(setup(init, Mode::Child, &[]), sig, true, None)
        });
        assert_eq!(
            seen,
            JobControl {
                init_stopped: SIGSTOP,
                x_stopped: Some(SIGSTOP),
                cmd: vec![SIGCONT, SIGUSR1]
            },
            "{sig}"
        );
    }
}

/// With `-c`, the stop signal goes to the command as it is; with `-r` it
/// is rewritten instead of becoming SIGSTOP. dumb-init stops itself either
/// way.
#[test]
fn terminal_stop_signals_with_c_or_rewritten() {
    for (args, sig, forwarded) in [
        (&["-c"][..], SIGTSTP, SIGTSTP),
        (&["-c"], SIGTTIN, SIGTTIN),
        (&["-r", "20:10"], SIGTSTP, SIGUSR1),
        (&["-r", "22:0"], SIGTTOU, 0),
    ] {
        let seen = differential("dumb-init", "dumb-init", |init| {
            job_control(
                setup(init, Mode::Child, args),
                sig,
                false,
                (forwarded != 0).then_some(forwarded),
            )
        });
        let mut cmd = vec![forwarded, SIGCONT, SIGUSR1];
        cmd.retain(|&s| s != 0);
        assert_eq!(
            seen,
            JobControl {
                init_stopped: SIGSTOP,
                x_stopped: None,
                cmd
            },
            "{args:?} {sig}"
        );
    }
}

/// dumb-init is not a subreaper: as PID 1 it reaps orphans; as a plain
/// child they go to the next subreaper up.
#[test]
fn orphans_are_reaped_as_pid1() {
    for (mode, reaper) in [(Mode::Pid1, Reaper::Init), (Mode::Child, Reaper::Harness)] {
        for args in [&[][..], &["-c"]] {
            orphans_reaped_by("dumb-init", "dumb-init", mode, args, None, reaper);
        }
    }
}

/// When the command exits, dumb-init sends SIGTERM (after `-r`) to its
/// process group and exits; a leftover that survives SIGTERM runs on.
#[test]
fn leftovers_get_sigterm_when_the_command_exits() {
    let cases: &[(&[&str], &[i32])] = &[
        (&[], &[SIGTERM]),
        (&["-r", "15:10"], &[SIGUSR1]),
        (&["-r", "15:0"], &[]),
        (&["-c"], &[]),
    ];
    for &(args, got) in cases {
        leftover_gets("dumb-init", "dumb-init", Mode::Child, args, got, true);
    }
    // As PID 1 the kernel kills what is left when dumb-init exits.
    let seen = differential("dumb-init", "dumb-init", |init| {
        let l = leftover(setup(init, Mode::Pid1, &[]));
        (l.status, l.survived)
    });
    assert_eq!(seen, (Status::Code(5), false));
}

/// `-v`, `--verbose` and `DUMB_INIT_DEBUG=1` (only 1) log on stderr.
#[test]
fn verbose_and_dumb_init_debug() {
    let cases: &[(&[&str], Option<&str>, bool)] = &[
        (&[], None, false),
        (&["-v"], None, true),
        (&["--verbose"], None, true),
        (&[], Some("1"), true),
        (&[], Some("0"), false),
        (&[], Some("yes"), false),
        (&["-c", "-v"], None, true),
    ];
    for &(args, debug, logged) in cases {
        for mode in [Mode::Pid1, Mode::Child] {
            let env = debug.map(|value| ("DUMB_INIT_DEBUG", value));
            logs_on_stderr("dumb-init", "dumb-init", mode, args, env, logged);
        }
    }
}

/// PIDONE_GRACE turns on pidone's graceful shutdown under dumb-init's name.
#[test]
fn pidone_grace_shuts_leftovers_down_gracefully() {
    graceful_as(
        "dumb-init",
        &[
            (Mode::Pid1, &["-c"], None),
            // As a plain child, with PIDONE_SUBREAPER pidone adopts the leftovers.
            (Mode::Child, &[], Some(("PIDONE_SUBREAPER", "1"))),
            (Mode::Pid1, &[], None),
        ],
    );
}

/// dumb-init is no subreaper: as a plain child, the leftovers of the
/// command are no longer pidone's once the command exits. PIDONE_GRACE
/// still has to shut them down (dumb-init itself would at least send
/// SIGTERM to the group).
#[test]
fn pidone_grace_shuts_leftovers_down_when_not_pid1() {
    graceful_as(
        "dumb-init",
        &[(Mode::Child, &["-c"], None), (Mode::Child, &[], None)],
    );
}

/// Synchronous signals sent with kill() are forwarded by both.
#[test]
fn synchronous_signals_sent_with_kill_are_forwarded() {
    let signals = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS];
    let seen = differential("dumb-init", "dumb-init", |init| {
        forwarding(setup(init, Mode::Child, &[]), &signals).cmd
    });
    assert_eq!(seen, signals.map(|s| (s, vec![s])));
}

/// The command starts with an empty signal mask and default dispositions,
/// whatever dumb-init inherited.
#[test]
fn command_starts_with_a_clean_signal_state() {
    inherited_signal_state("dumb-init", "dumb-init", &[], (0, 0), (0, 0));
}

/// dumb-init and pidone both leave the working directory and keep the
/// descriptors above 2 they inherited (the command gets them too).
#[test]
fn inherited_descriptors_and_working_directory() {
    let kept = || Inherited {
        command_has_fd5: true,
        init_keeps_fd5: true,
        init_cwd_is_root: true,
    };
    inherited_descriptors("dumb-init", "dumb-init", &[], kept(), kept());
}
