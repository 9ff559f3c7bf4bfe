//! pidone's own command line.

use super::text::{self, Text};
use super::{Act, Opt, Personality, RewriteSyntax, Shown, SignalSyntax, Var, When};
use crate::config::{AfterCommand, DEFAULT};

pub const PIDONE: Personality = Personality {
    name: "pidone",
    options: &[
        // Registering is automatic unless pidone is PID 1, where it changes
        // nothing: accepted for tini's sake.
        opt(b's', b"subreaper", Act::Subreaper),
        opt(b'p', b"pdeathsig", Act::Pdeathsig(SignalSyntax::Any)),
        opt(0, b"forward-to", Act::ForwardTo),
        opt(b'g', b"", Act::ForwardToGroup),
        opt(b'r', b"rewrite", Act::Rewrite(RewriteSyntax::Names)),
        opt(b'e', b"remap-exit", Act::RemapExit),
        opt(0, b"grace", Act::Grace),
        opt(0, b"wait", Act::Linger),
        opt(b'P', b"pause", Act::Pause),
        opt(b'v', b"verbose", Act::Verbose),
        opt(b'q', b"quiet", Act::Quiet),
        opt(b'w', b"", Act::LogZombies),
        opt(b'h', b"help", Act::Show(Shown::Help)),
        opt(b'V', b"version", Act::Show(Shown::Version)),
        opt(b'l', b"license", Act::Show(Shown::License)),
    ],
    variables: &[
        var(b"PIDONE_GRACE", When::Unflagged, Act::Grace),
        var(b"PIDONE_FORWARD_TO", When::Unflagged, Act::ForwardTo),
        var(
            b"PIDONE_VERBOSITY",
            When::Unflagged,
            Act::Verbosity { atoi: false },
        ),
    ],
    defaults: DEFAULT,
    permutes: false,
    usage_exit_code: 2,
    help_option: b"--help",
    usage: None,
    help: HELP,
    version: VERSION,
    license: LICENSE,
    pause_ignores_command: false,
    pause_ignores_quit: false,
};

pub const fn opt(short: u8, long: &'static [u8], act: Act) -> Opt {
    Opt { short, long, act }
}

pub const fn var(name: &'static [u8], when: When, act: Act) -> Var {
    Var { name, when, act }
}

/// Under another program's name, `PIDONE_GRACE` still turns on pidone's
/// graceful shutdown (a zero one the peer's own exit, `zero`), and
/// `PIDONE_SUBREAPER` registration as subreaper.
pub const fn overrides(zero: AfterCommand) -> [Var; 2] {
    [
        var(b"PIDONE_GRACE", When::Set, Act::GraceShutdown { zero }),
        var(b"PIDONE_SUBREAPER", When::True, Act::Subreaper),
    ]
}

pub const HELP: Text = Text::stdout(text::PIDONE_HELP);
pub const VERSION: Text = Text::stdout(text::PIDONE_VERSION);
pub const LICENSE: Text = Text::stdout(text::PIDONE_LICENSE);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{AfterCommand, Config, ForwardTo, Subreaper};
    use crate::personality::{Request, config_of, parse_as};
    use crate::signal::Signal;
    use core::time::Duration;
    use std::vec::Vec;

    fn config(args: &[&str]) -> (Config, Option<usize>) {
        config_of(&PIDONE, args, &[])
    }

    fn error<'a>(args: &'a [&'a str], env: &'a [(&'a str, &'a str)]) -> (&'static str, &'a str) {
        match parse_as(&PIDONE, args, env) {
            Err(e) => (e.problem, core::str::from_utf8(e.value).unwrap()),
            other => panic!("{args:?} gave {other:?}"),
        }
    }

    #[test]
    fn defaults() {
        let (c, command) = config(&["sleep", "1"]);
        assert_eq!(command, Some(0));
        assert_eq!(c, Config::default());
        assert_eq!(c.grace, Duration::from_secs(5));
        assert_eq!(c.forward_to, ForwardTo::Child);
        assert_eq!(c.verbosity, 1);
    }

    #[test]
    fn options_end_at_the_first_operand_or_double_dash() {
        assert_eq!(config(&["-v", "sh", "-c", "--grace"]).1, Some(1));
        assert_eq!(config(&["--", "-v"]).1, Some(1));
        assert_eq!(config(&["-w", "--", "--", "x"]).1, Some(2));
        assert_eq!(config(&["-"]).1, Some(0));
    }

    #[test]
    fn every_option() {
        let (c, command) = config(&[
            "-s",
            "-p",
            "HUP",
            "--forward-to",
            "all",
            "-r",
            "TERM:QUIT",
            "--rewrite=USR1:0",
            "-e",
            "143",
            "--remap-exit=3",
            "--grace",
            "250ms",
            "--wait",
            "-vv",
            "-w",
            "--",
            "cmd",
        ]);
        assert_eq!(command, Some(17));
        assert_eq!(c.after_command, AfterCommand::Linger);
        assert!(c.log_zombies);
        assert_eq!(c.pdeathsig, Some(Signal::HUP));
        assert_eq!(c.forward_to, ForwardTo::All);
        assert_eq!(c.rewrite.apply(Signal::TERM), Some(Signal::QUIT));
        assert_eq!(c.rewrite.apply(Signal::parse(b"USR1").unwrap()), None);
        assert_eq!(c.remap.apply(143), 0);
        assert_eq!(c.remap.apply(3), 0);
        assert_eq!(c.grace, Duration::from_millis(250));
        assert_eq!(c.verbosity, 3);
    }

    #[test]
    fn short_options_cluster_and_take_attached_values() {
        let (c, _) = config(&["-gwvpTERM", "x"]);
        assert_eq!(c.forward_to, ForwardTo::Group);
        assert!(c.log_zombies);
        assert_eq!(c.verbosity, 2);
        assert_eq!(c.pdeathsig, Some(Signal::TERM));
        let (c, _) = config(&["-e1", "-r2:15", "x"]);
        assert_eq!(c.remap.apply(1), 0);
        assert_eq!(c.rewrite.apply(Signal::INT), Some(Signal::TERM));
    }

    #[test]
    fn quiet_and_verbose() {
        assert_eq!(config(&["-q", "x"]).0.verbosity, 0);
        assert_eq!(config(&["--verbose", "--verbose", "x"]).0.verbosity, 3);
        assert_eq!(config(&["-q", "-v", "x"]).0.verbosity, 1);
    }

    #[test]
    fn pause_runs_without_a_command() {
        assert_eq!(
            parse_as(&PIDONE, &["--pause"], &[]),
            Ok(Request::Supervise {
                config: Config::default(),
                command: None
            })
        );
        assert!(matches!(
            parse_as(&PIDONE, &["-P", "-v"], &[]),
            Ok(Request::Supervise { command: None, .. })
        ));
    }

    #[test]
    fn help_version_license() {
        assert_eq!(parse_as(&PIDONE, &["-h"], &[]), Ok(Request::Show(HELP)));
        assert_eq!(
            parse_as(&PIDONE, &["--help", "--bogus"], &[]),
            Ok(Request::Show(HELP))
        );
        assert_eq!(parse_as(&PIDONE, &["-V"], &[]), Ok(Request::Show(VERSION)));
        assert_eq!(
            parse_as(&PIDONE, &["--version"], &[]),
            Ok(Request::Show(VERSION))
        );
        assert_eq!(parse_as(&PIDONE, &["-l"], &[]), Ok(Request::Show(LICENSE)));
        assert_eq!(
            parse_as(&PIDONE, &["--license"], &[]),
            Ok(Request::Show(LICENSE))
        );
    }

    #[test]
    fn environment_applies_unless_a_flag_says_otherwise() {
        let env = [
            ("PIDONE_GRACE", "2m"),
            ("PIDONE_FORWARD_TO", "group"),
            ("PIDONE_VERBOSITY", "3"),
            ("PIDONE_SUBREAPER", "1"),
        ];
        let Ok(Request::Supervise { config: c, .. }) = parse_as(&PIDONE, &["x"], &env) else {
            panic!()
        };
        assert_eq!(c.grace, Duration::from_secs(120));
        assert_eq!(c.forward_to, ForwardTo::Group);
        assert_eq!(c.verbosity, 3);
        assert_eq!(c.subreaper, Subreaper::Auto);
        let Ok(Request::Supervise { config: c, .. }) = parse_as(
            &PIDONE,
            &["--grace", "1", "--forward-to", "all", "-q", "x"],
            &env,
        ) else {
            panic!()
        };
        assert_eq!(c.grace, Duration::from_secs(1));
        assert_eq!(c.forward_to, ForwardTo::All);
        assert_eq!(c.verbosity, 0);
    }

    #[test]
    fn usage_errors_name_the_bad_value() {
        let cases: &[(&[&str], (&str, &str))] = &[
            (&["--bogus", "x"], ("unknown option", "--bogus")),
            (&["-x", "cmd"], ("unknown option", "x")),
            (&["-vx", "cmd"], ("unknown option", "x")),
            (&[], ("missing command", "")),
            (&["-v"], ("missing command", "")),
            (&["--"], ("missing command", "")),
            (&["-p"], ("missing value for", "p")),
            (&["--grace"], ("missing value for", "grace")),
            (&["-p", "NOPE", "x"], ("invalid signal", "NOPE")),
            (&["--grace", "5x", "x"], ("invalid --grace", "5x")),
            (&["--grace=-1", "x"], ("invalid --grace", "-1")),
            (&["-e", "256", "x"], ("invalid exit code", "256")),
            (&["-e", "-1", "x"], ("invalid exit code", "-1")),
            (
                &["--forward-to", "kids", "x"],
                ("invalid --forward-to", "kids"),
            ),
            (
                &["-r", "TERM", "x"],
                ("invalid rewrite, expected FROM:TO", "TERM"),
            ),
            (&["-r", "TERM:NOPE", "x"], ("invalid signal", "NOPE")),
            (&["-r", "KILL:TERM", "x"], ("cannot rewrite", "KILL:TERM")),
            (&["-r", "CHLD:TERM", "x"], ("cannot rewrite", "CHLD:TERM")),
            (&["--wait=yes", "x"], ("unexpected value in", "--wait=yes")),
            (&["--pause", "x"], ("--pause takes no command, got", "x")),
        ];
        for (args, expected) in cases {
            assert_eq!(error(args, &[]), *expected, "{args:?}");
        }
    }

    #[test]
    fn bad_environment_values_are_usage_errors_naming_the_variable() {
        assert_eq!(
            error(&["x"], &[("PIDONE_GRACE", "soon")]),
            ("invalid PIDONE_GRACE", "soon")
        );
        assert_eq!(
            error(&["x"], &[("PIDONE_FORWARD_TO", "x")]),
            ("invalid PIDONE_FORWARD_TO", "x")
        );
        assert_eq!(
            error(&["x"], &[("PIDONE_VERBOSITY", "loud")]),
            ("invalid PIDONE_VERBOSITY", "loud")
        );
        // A flag wins, so its variable is not even looked at.
        assert!(parse_as(&PIDONE, &["--grace", "1", "x"], &[("PIDONE_GRACE", "soon")]).is_ok());
    }

    #[test]
    fn never_panics_on_odd_input() {
        let odd: Vec<&str> = std::vec![
            "-",
            "--",
            "---",
            "-=",
            "--=",
            "--grace=",
            "-p",
            "-r:",
            "-r::",
            "-e",
            "-\u{e9}",
            "--\u{e9}=\u{e9}",
        ];
        for a in &odd {
            for b in &odd {
                let _ = parse_as(&PIDONE, &[a, b], &[]);
            }
        }
    }
}
