#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Differential tests: pidone called `catatonit` or `podman-init` against
//! the real catatonit 0.1.7 (Debian's package), on the same scenarios, both
//! as PID 1 of a new PID namespace and as a plain child (where catatonit
//! registers as a child subreaper).

#[path = "peers/mod.rs"]
mod peers;

use peers::*;

#[test]
fn exit_status_of_the_command_passes_through() {
    for name in ["catatonit", "podman-init"] {
        for mode in [Mode::Pid1, Mode::Child] {
            exit_status_passes_through("catatonit", name, mode, &["--"]);
        }
    }
}

#[test]
fn exec_failures_exit_1() {
    exec_failures("catatonit", "catatonit", &[&["--"]], [1; 4]);
}

/// glibc's execvpe, which catatonit calls, runs an executable file that
/// the kernel cannot execute (ENOEXEC) with /bin/sh: a script without `#!`
/// works under catatonit.
#[test]
fn a_script_without_shebang_runs_with_sh() {
    script_without_shebang_runs_with_sh("catatonit", "catatonit", &["--"]);
}

#[test]
fn help_goes_to_stderr_and_exits_0() {
    prints(
        "catatonit",
        "catatonit",
        Mode::Child,
        &["-h"],
        Printed {
            status: Some(Status::Code(0)),
            stdout: false,
            stderr: true,
        },
    );
}

/// The help text is catatonit's.
#[test]
fn help_text_is_catatonits() {
    let (theirs, ours) = both("catatonit", "catatonit", |init| {
        oneshot(init, Mode::Child, &["-h"])
    });
    assert_eq!(ours.stderr, theirs.stderr);
}

/// `-V` and `--version` print on stdout, in the `tini version` form that
/// Docker parses, with pidone named after ` - `.
#[test]
fn version_is_on_stdout_in_a_form_docker_parses() {
    for name in ["catatonit", "podman-init"] {
        for args in [["-V"], ["--version"]] {
            version_docker_parses("catatonit", name, &args, "0.1.7_catatonit");
        }
    }
}

/// `-L` prints a license on stdout and exits 0; pidone's own license, not
/// catatonit's GPL (which is not the license pidone is under).
#[test]
fn l_prints_a_license_on_stdout() {
    license_on_stdout("catatonit", "catatonit", "-L", "GNU General Public License");
}

#[test]
fn usage_errors_exit_1_with_a_message_on_stderr() {
    usage_errors(
        "catatonit",
        "catatonit",
        &[
            &[],
            &["--"],
            &["-x", "true"],
            &["--help"],
            &["-g"],
            &["true", "-x"],
        ],
    );
}

/// `CATATONIT_LOG` is reserved: set at all, catatonit refuses to start,
/// and says so in its words.
#[test]
fn catatonit_log_is_an_error() {
    for value in ["1", ""] {
        let (theirs, ours) = prints_alike(
            "catatonit",
            "catatonit",
            &format!("{value:?}"),
            Printed {
                status: Some(Status::Code(1)),
                stdout: false,
                stderr: true,
            },
            |init| {
                Setup::new(init, Mode::Pid1)
                    .env("CATATONIT_LOG", value)
                    .args(["--"])
                    .probe(["say", "ran", "exit", "0"])
                    .outcome()
            },
        );
        assert_eq!(
            peer_words(&ours.stderr),
            peer_words(&theirs.stderr),
            "{value:?}"
        );
    }
}

/// `CATATONIT_DEBUG` set (to anything) logs on stderr.
#[test]
fn catatonit_debug_logs() {
    for (debug, logged) in [(None, false), (Some("1"), true), (Some(""), true)] {
        for mode in [Mode::Pid1, Mode::Child] {
            let env = debug.map(|value| ("CATATONIT_DEBUG", value));
            logs_on_stderr("catatonit", "catatonit", mode, &["--"], env, logged);
        }
    }
}

/// catatonit uses GNU getopt, which permutes: options after the program
/// are catatonit's, and `--` keeps the rest for the program.
#[test]
fn options_after_the_program_are_catatonits() {
    let probe = peerprobe();
    options_after_the_program(
        "catatonit",
        "catatonit",
        &[
            (vec![&probe, "args"], 0, Some("PROBE|args")),
            (vec!["--", &probe, "args", "-g"], 0, Some("PROBE|args|-g")),
            (vec![&probe, "--", "args", "-g"], 0, Some("PROBE|args|-g")),
            (vec![&probe, "args", "-g"], 0, Some("PROBE|args")),
            (vec![&probe, "args", "-x"], 1, None),
        ],
    );
}

const SIGNALS: &[i32] = &[
    SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGCONT, SIGTSTP,
    SIGTTIN, SIGTTOU, SIGURG, SIGWINCH, SIGRTMIN1,
];

/// Signals go to the command, but SIGTSTP, SIGTTIN and SIGTTOU, which
/// catatonit does not forward; with `-g` to the command's process group.
#[test]
fn signals_go_to_the_command_or_with_g_to_its_group() {
    for (args, group) in [(&["--"][..], false), (&["-g", "--"], true)] {
        for mode in [Mode::Pid1, Mode::Child] {
            signals_forwarded(
                "catatonit",
                "catatonit",
                mode,
                args,
                SIGNALS,
                &[SIGTSTP, SIGTTIN, SIGTTOU],
                group,
            );
        }
    }
}

/// As PID 1 and as a plain child (a subreaper then), catatonit reaps
/// orphans.
#[test]
fn orphans_are_reaped() {
    for mode in [Mode::Pid1, Mode::Child] {
        orphans_reaped_by("catatonit", "catatonit", mode, &["--"], None, Reaper::Init);
    }
}

/// `-P`: no command is run (one given is ignored); SIGTERM or SIGINT end
/// it with 0. SIGQUIT does not kill it.
#[test]
fn p_pauses_until_sigterm_or_sigint() {
    for mode in [Mode::Pid1, Mode::Child] {
        for (args, signals) in [
            (&["-P"][..], &[SIGTERM][..]),
            (&["-P"], &[SIGINT]),
            (&["-gP"], &[SIGTERM]),
            (&["-P", "--", "/nonexistent"], &[SIGTERM]),
            (&["-P"], &[SIGQUIT, SIGUSR1, SIGHUP, SIGTERM]),
        ] {
            let seen = differential("catatonit", "catatonit", |init| {
                let mut run = setup(init, mode, args).announce().start();
                run.wait("announce ");
                for &sig in signals {
                    run.signal(sig);
                }
                run.init_exit()
            });
            assert_eq!(seen, Status::Code(0), "{args:?} {signals:?} {mode:?}");
        }
    }
}

/// Socket activation: when LISTEN_PID names catatonit, the command sees
/// its own pid there; any other value is left alone.
#[test]
fn listen_pid_names_the_command() {
    let listen_pid = |setup: Setup| {
        let status = status_line(setup);
        let (value, pid) = (field(&status, "listen_pid"), field(&status, "pid"));
        if value == pid {
            "own pid".to_owned()
        } else {
            value.to_owned()
        }
    };
    let seen = differential("catatonit", "catatonit", |init| {
        [
            listen_pid(setup(init, Mode::Pid1, &["--"]).env("LISTEN_PID", "1")),
            listen_pid(
                setup(init, Mode::Pid1, &["--"])
                    .env("LISTEN_PID", "1")
                    .env("LISTEN_FDS", "2"),
            ),
            listen_pid(setup(init, Mode::Pid1, &["--"]).env("LISTEN_PID", "77")),
            listen_pid(setup(init, Mode::Pid1, &["--"])),
            listen_pid(setup(init, Mode::Child, &["--"]).harness("--listen-pid-self")),
        ]
    });
    assert_eq!(seen, ["own pid", "own pid", "77", "-", "own pid"]);
}

/// The command can leave a process behind: catatonit exits with the
/// command. As PID 1 the kernel then kills it; as a subreaper it runs on.
#[test]
fn leftovers_are_not_waited_for() {
    for mode in [Mode::Pid1, Mode::Child] {
        for args in [&["--"][..], &["-g", "--"]] {
            leftover_gets(
                "catatonit",
                "catatonit",
                mode,
                args,
                &[],
                mode == Mode::Child,
            );
        }
    }
}

/// PIDONE_GRACE turns on pidone's graceful shutdown under catatonit's name.
#[test]
fn pidone_grace_shuts_leftovers_down_gracefully() {
    graceful_as(
        "catatonit",
        &[(Mode::Pid1, &["--"], None), (Mode::Child, &["--"], None)],
    );
}

/// Known difference: pidone forwards synchronous signals sent with kill();
/// catatonit leaves them unblocked, so as a plain child it dies of them,
/// and as PID 1 they are dropped.
#[test]
fn synchronous_signals_sent_with_kill_are_forwarded() {
    synchronous_signals_kill_the_peer("catatonit", "catatonit", &["--"], &["--"]);
}

/// Both pass on what they inherited (SIGUSR2 blocked, SIGHUP ignored
/// here). Known difference (catatonit's bug): catatonit also leaks its own
/// blocking of SIGTSTP, SIGTTIN and SIGTTOU to the command; pidone does not.
#[test]
fn command_inherits_the_signal_state_catatonit_was_given() {
    inherited_signal_state(
        "catatonit",
        "catatonit",
        &["--"],
        (mask(&[SIGTSTP, SIGTTIN, SIGTTOU, SIGUSR2]), mask(&[SIGHUP])),
        (mask(&[SIGUSR2]), mask(&[SIGHUP])),
    );
}

/// Both close the descriptors above 2 they inherited once the command
/// runs (which still gets them); known difference: pidone also leaves the
/// working directory.
#[test]
fn inherited_descriptors_and_working_directory() {
    inherited_descriptors(
        "catatonit",
        "catatonit",
        &["--"],
        Inherited {
            command_has_fd5: true,
            init_keeps_fd5: false,
            init_cwd_is_root: false,
        },
        Inherited {
            command_has_fd5: true,
            init_keeps_fd5: false,
            init_cwd_is_root: true,
        },
    );
}
