#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Differential tests: pidone called `catatonit` or `podman-init` against
//! the real catatonit 0.1.7 (Debian's package), on the same scenarios, both
//! as PID 1 of a new PID namespace and as a plain child (where catatonit
//! registers as a child subreaper).

#[path = "peers/mod.rs"]
mod peers;

use peers::*;

fn setup(init: &std::path::Path, mode: Mode, args: &[&str]) -> Setup {
    Setup::new(init, mode).args(args)
}

#[test]
fn exit_status_of_the_command_passes_through() {
    for name in ["catatonit", "podman-init"] {
        for mode in [Mode::Pid1, Mode::Child] {
            let statuses = differential("catatonit", name, |init| {
                [
                    vec!["exit", "0"],
                    vec!["exit", "3"],
                    vec!["die", "TERM"],
                    vec!["die", "USR1"],
                ]
                .into_iter()
                .map(|steps| setup(init, mode, &["--"]).probe(steps).outcome().status)
                .collect::<Vec<_>>()
            });
            let expected = [0, 3, 128 + SIGTERM, 128 + SIGUSR1].map(|c| Some(Status::Code(c)));
            assert_eq!(statuses, expected, "{name} {mode:?}");
        }
    }
}

#[test]
fn exec_failures_exit_1() {
    let bad = BadPrograms::new();
    let statuses = differential("catatonit", "catatonit", |init| {
        [
            "/nonexistent/program".to_owned(),
            "no-such-program-in-path".to_owned(),
            bad.path("not-executable"),
            "/etc/passwd/x".to_owned(),
        ]
        .iter()
        .map(|program| {
            let outcome = oneshot(init, Mode::Pid1, &["--", program]);
            (outcome.status, outcome.stderr.is_empty())
        })
        .collect::<Vec<_>>()
    });
    assert_eq!(statuses, vec![(Some(Status::Code(1)), false); 4]);
}

/// glibc's execvpe, which catatonit calls, runs an executable file that
/// the kernel cannot execute (ENOEXEC) with /bin/sh: a script without `#!`
/// works under catatonit.
#[test]
fn a_script_without_shebang_runs_with_sh() {
    let bad = BadPrograms::new();
    let outcomes = differential("catatonit", "catatonit", |init| {
        ["no-shebang", "garbage"]
            .iter()
            .map(|name| {
                let outcome = oneshot(init, Mode::Pid1, &["--", &bad.path(name)]);
                (outcome.status, outcome.stdout)
            })
            .collect::<Vec<_>>()
    });
    assert_eq!(
        outcomes[0],
        (Some(Status::Code(7)), vec!["ran-by-sh".to_owned()])
    );
}

#[test]
fn help_goes_to_stderr_and_exits_0() {
    let (theirs, ours) = both("catatonit", "catatonit", |init| {
        oneshot(init, Mode::Child, &["-h"])
    });
    assert_eq!(printed(&ours), printed(&theirs));
    assert_eq!(
        printed(&theirs),
        Printed {
            status: Some(Status::Code(0)),
            stdout: false,
            stderr: true
        }
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
            let (theirs, ours) = both("catatonit", name, |init| oneshot(init, Mode::Child, &args));
            assert_eq!(printed(&ours), printed(&theirs), "{name} {args:?}");
            assert_eq!(
                printed(&theirs),
                Printed {
                    status: Some(Status::Code(0)),
                    stdout: true,
                    stderr: false
                }
            );
            let (theirs, ours) = (theirs.stdout_text(), ours.stdout_text());
            assert!(ours.starts_with("tini version 0.1.7_catatonit"), "{ours}");
            assert!(ours.contains("pidone"), "{ours}");
            assert_eq!(
                docker_init_version(&theirs).as_deref(),
                Some("0.1.7_catatonit")
            );
            let version = docker_init_version(&ours).expect("Docker parses it");
            assert!(version.starts_with("0.1.7_catatonit"), "{version}");
        }
    }
}

/// `-L` prints a license on stdout and exits 0; pidone's own license, not
/// catatonit's GPL (which is not the license pidone is under).
#[test]
fn l_prints_a_license_on_stdout() {
    let (theirs, ours) = both("catatonit", "catatonit", |init| {
        oneshot(init, Mode::Child, &["-L"])
    });
    assert_eq!(printed(&ours), printed(&theirs));
    assert_eq!(printed(&ours).status, Some(Status::Code(0)));
    assert!(theirs.stdout_text().contains("GNU General Public License"));
    assert!(
        ours.stdout_text().contains("pidone"),
        "{}",
        ours.stdout_text()
    );
}

#[test]
fn usage_errors_exit_1_with_a_message_on_stderr() {
    let cases: &[&[&str]] = &[
        &[],
        &["--"],
        &["-x", "true"],
        &["--help"],
        &["-g"],
        &["true", "-x"],
    ];
    for args in cases {
        let (theirs, ours) = both("catatonit", "catatonit", |init| {
            oneshot(init, Mode::Pid1, args)
        });
        assert_eq!(printed(&ours), printed(&theirs), "{args:?}");
        assert_eq!(
            printed(&theirs),
            Printed {
                status: Some(Status::Code(1)),
                stdout: false,
                stderr: true
            },
            "{args:?}"
        );
        assert_one_pidone_line(&ours, &format!("{args:?}"));
    }
}

/// `CATATONIT_LOG` is reserved: set at all, catatonit refuses to start.
#[test]
fn catatonit_log_is_an_error() {
    for value in ["1", ""] {
        let (theirs, ours) = both("catatonit", "catatonit", |init| {
            Setup::new(init, Mode::Pid1)
                .env("CATATONIT_LOG", value)
                .args(["--"])
                .probe(["say", "ran", "exit", "0"])
                .outcome()
        });
        assert_eq!(printed(&ours), printed(&theirs), "{value:?}");
        assert_eq!(
            printed(&theirs),
            Printed {
                status: Some(Status::Code(1)),
                stdout: false,
                stderr: true
            }
        );
        assert_one_pidone_line(&ours, value);
    }
}

/// `CATATONIT_DEBUG` set (to anything) logs on stderr.
#[test]
fn catatonit_debug_logs() {
    for (debug, logged) in [(None, false), (Some("1"), true), (Some(""), true)] {
        for mode in [Mode::Pid1, Mode::Child] {
            let seen = differential("catatonit", "catatonit", |init| {
                let mut setup = setup(init, mode, &["--"]);
                if let Some(value) = debug {
                    setup = setup.env("CATATONIT_DEBUG", value);
                }
                let outcome = setup.probe(["exit", "0"]).outcome();
                (outcome.status, !outcome.stderr.is_empty())
            });
            assert_eq!(seen, (Some(Status::Code(0)), logged), "{debug:?} {mode:?}");
        }
    }
}

/// catatonit uses GNU getopt, which permutes: options after the program
/// are catatonit's, and `--` keeps the rest for the program.
#[test]
fn options_after_the_program_are_catatonits() {
    let probe = peerprobe();
    let cases: Vec<(Vec<&str>, i32, Option<&str>)> = vec![
        (vec![&probe, "args"], 0, Some("PROBE|args")),
        (vec!["--", &probe, "args", "-g"], 0, Some("PROBE|args|-g")),
        (vec![&probe, "--", "args", "-g"], 0, Some("PROBE|args|-g")),
        (vec![&probe, "args", "-g"], 0, Some("PROBE|args")),
        (vec![&probe, "args", "-x"], 1, None),
    ];
    for (args, code, argv) in &cases {
        let seen = differential("catatonit", "catatonit", |init| {
            let outcome = Setup::new(init, Mode::Pid1).args(args).outcome();
            let argv = outcome
                .stdout
                .iter()
                .find_map(|l| l.strip_prefix("cmd argv "))
                .map(|a| a.replace(&probe, "PROBE"));
            (outcome.status, argv)
        });
        assert_eq!(
            seen,
            (Some(Status::Code(*code)), argv.map(String::from)),
            "{args:?}"
        );
    }
}

const SIGNALS: &[i32] = &[
    SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGCONT, SIGTSTP,
    SIGTTIN, SIGTTOU, SIGURG, SIGWINCH, SIGRTMIN1,
];

/// Signals go to the command, but SIGTSTP, SIGTTIN and SIGTTOU, which
/// catatonit does not forward; with `-g` to the command's process group.
#[test]
fn signals_go_to_the_command_or_with_g_to_its_group() {
    let forwarded: Vec<i32> = SIGNALS
        .iter()
        .copied()
        .filter(|s| ![SIGTSTP, SIGTTIN, SIGTTOU].contains(s))
        .collect();
    for (args, group) in [(&["--"][..], false), (&["-g", "--"], true)] {
        for mode in [Mode::Pid1, Mode::Child] {
            let seen = differential("catatonit", "catatonit", |init| {
                forwarding(setup(init, mode, args), SIGNALS)
            });
            for (sig, got) in &seen.cmd {
                let expected = if forwarded.contains(sig) {
                    vec![*sig]
                } else {
                    vec![]
                };
                assert_eq!(*got, expected, "signal {sig} {args:?} {mode:?}");
            }
            let mut expected = if group { forwarded.clone() } else { vec![] };
            expected.sort_unstable();
            assert_eq!(seen.gc, expected, "{args:?} {mode:?}");
            assert_eq!(seen.other, [], "{args:?} {mode:?}");
            assert_eq!(seen.status, Status::Code(0));
        }
    }
}

/// As PID 1 and as a plain child (a subreaper then), catatonit reaps
/// orphans.
#[test]
fn orphans_are_reaped() {
    for mode in [Mode::Pid1, Mode::Child] {
        let seen = differential("catatonit", "catatonit", |init| {
            let o = orphans(setup(init, mode, &["--"]));
            (o.reapers, o.status)
        });
        assert_eq!(seen, (vec![Reaper::Init; 3], Status::Code(0)), "{mode:?}");
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
        let outcome = setup.probe(["status", "exit", "0"]).outcome();
        let status = outcome
            .stdout
            .iter()
            .find(|l| l.starts_with("cmd status"))
            .cloned()
            .unwrap_or_else(|| panic!("{outcome:?}"));
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
            let seen = differential("catatonit", "catatonit", |init| {
                leftover(setup(init, mode, args))
            });
            assert_eq!(
                seen,
                Leftover {
                    status: Status::Code(5),
                    got: vec![],
                    survived: mode == Mode::Child
                },
                "{mode:?} {args:?}"
            );
        }
    }
}

/// PIDONE_GRACE turns on pidone's graceful shutdown under catatonit's name.
#[test]
fn pidone_grace_shuts_leftovers_down_gracefully() {
    let named = pidone_as("catatonit");
    std::thread::scope(|s| {
        s.spawn(|| graceful(Setup::new(&named.path, Mode::Pid1).args(["--"])));
        graceful(Setup::new(&named.path, Mode::Child).args(["--"]));
    });
}

/// Known difference: pidone forwards synchronous signals sent with kill();
/// catatonit leaves them unblocked, so as a plain child it dies of them,
/// and as PID 1 they are dropped.
#[test]
fn synchronous_signals_sent_with_kill_are_forwarded() {
    for sig in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS] {
        let (theirs, ours) = both("catatonit", "catatonit", |init| {
            let mut run = setup(init, Mode::Child, &["--"])
                .probe(["block", "ready", "record", "--exit-on", "63=0"])
                .start();
            run.wait("cmd ready");
            run.signal(sig);
            run.either(|s, l| {
                (s == Src::Out && l.starts_with("cmd sig"))
                    || (s == Src::Report && l.starts_with("exit "))
            })
        });
        assert_eq!(theirs.0, Src::Report, "catatonit dies of {sig}: {theirs:?}");
        assert!(theirs.1.ends_with(&format!("signal {sig}")), "{theirs:?}");
        assert_eq!(ours, (Src::Out, format!("cmd sig {sig}")));
    }
    // As PID 1, the kernel drops them for catatonit (no handler, not
    // blocked).
    let signals = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS];
    let (theirs, ours) = both("catatonit", "catatonit", |init| {
        forwarding(setup(init, Mode::Pid1, &["--"]), &signals).cmd
    });
    assert_eq!(theirs, signals.map(|s| (s, vec![])));
    assert_eq!(ours, signals.map(|s| (s, vec![s])));
}

/// Known difference (catatonit's bug): catatonit starts the command with
/// SIGTSTP, SIGTTIN and SIGTTOU blocked, besides what it inherited
/// (SIGUSR2 blocked, SIGHUP ignored here); pidone with an empty mask and
/// default dispositions.
#[test]
fn command_starts_with_a_clean_signal_state() {
    let (theirs, ours) = both("catatonit", "catatonit", |init| {
        inherited_signals(setup(init, Mode::Child, &["--"]))
    });
    assert_eq!(
        theirs,
        (mask(&[SIGTSTP, SIGTTIN, SIGTTOU, SIGUSR2]), mask(&[SIGHUP]))
    );
    assert_eq!(ours, (0, 0));
}

/// Both close the descriptors above 2 they inherited once the command
/// runs (which still gets them); known difference: pidone also leaves the
/// working directory.
#[test]
fn inherited_descriptors_and_working_directory() {
    let (theirs, ours) = both("catatonit", "catatonit", |init| {
        inherited_fds_and_cwd(setup(init, Mode::Child, &["--"]))
    });
    assert_eq!(
        theirs,
        Inherited {
            command_has_fd5: true,
            init_keeps_fd5: false,
            init_cwd_is_root: false
        }
    );
    assert_eq!(
        ours,
        Inherited {
            command_has_fd5: true,
            init_keeps_fd5: false,
            init_cwd_is_root: true
        }
    );
}
