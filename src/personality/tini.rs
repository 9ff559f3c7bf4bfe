//! `tini` and `docker-init` (tini 0.19.0): `-s -p -v -w -g -e -l -h`,
//! `--version` alone, `TINI_SUBREAPER`, `TINI_VERBOSITY`,
//! `TINI_KILL_PROCESS_GROUP`. It exits as soon as the command has exited.

use crate::cli::{
    self, AfterCommand, Config, ExecCodes, ForwardTo, Getopt, PROGRAM, Request, Subreaper, Text,
    UsageError, usage,
};
use crate::signal::{self, Signal};

pub fn takes_value(name: &[u8]) -> bool {
    matches!(name, b"p" | b"e")
}

pub fn parse<'a, I>(
    args: I,
    env: impl Fn(&[u8]) -> Option<&'a [u8]>,
) -> Result<Request, UsageError<'a>>
where
    I: Iterator<Item = &'a [u8]> + Clone,
{
    // tini's one long option, honoured only when it is the only argument.
    let mut first = args.clone();
    if first.next() == Some(b"--version".as_slice()) && first.next().is_none() {
        return Ok(Request::Show(VERSION));
    }
    let mut config = Config {
        after_command: AfterCommand::Exit,
        exec_codes: ExecCodes::Tini,
        ..Config::default()
    };
    // tini ignores SIGTTIN and SIGTTOU itself: they are never forwarded.
    config.rewrite.set(Signal::TTIN, None);
    config.rewrite.set(Signal::TTOU, None);
    let (mut subreaper, mut group, mut verbosity) = (false, false, 1u8);
    let mut options = Getopt::new(args, takes_value);
    for option in options.by_ref() {
        let (name, value, arg) = option?;
        let value = value.unwrap_or_default();
        match name {
            b"h" => return Ok(Request::Show(HELP)),
            b"l" => return Ok(Request::Show(cli::LICENSE)),
            b"s" => subreaper = true,
            b"p" => config.pdeathsig = Some(parse_signal(value)?),
            b"v" => verbosity = verbosity.saturating_add(1),
            b"w" => config.log_zombies = true,
            b"g" => group = true,
            b"e" => config.remap.insert(cli::parse_code(value)?),
            _ => return usage("unknown option", arg),
        }
    }
    let command = cli::check_command(false, options.command())?;
    // Set at all, whatever the value, as tini reads them.
    subreaper |= env(b"TINI_SUBREAPER").is_some();
    group |= env(b"TINI_KILL_PROCESS_GROUP").is_some();
    if let Some(value) = env(b"TINI_VERBOSITY") {
        // tini reads it with atoi after the options, so it wins over -v.
        verbosity = atoi(value);
    }
    config.verbosity = verbosity;
    config.subreaper = if subreaper {
        Subreaper::Required
    } else {
        Subreaper::Off { warn: true }
    };
    if group {
        config.forward_to = ForwardTo::Group;
    }
    cli::pidone_overrides(&mut config, env)?;
    Ok(Request::Supervise { config, command })
}

/// tini knows signals by their full name only: `SIGKILL`, not `KILL` or 9.
fn parse_signal(text: &[u8]) -> Result<Signal, UsageError<'_>> {
    match text.strip_prefix(b"SIG").and_then(Signal::parse) {
        Some(signal)
            if signal.number() < signal::RTMIN && text.iter().all(|b| !b.is_ascii_lowercase()) =>
        {
            Ok(signal)
        }
        _ => usage("invalid signal", text),
    }
}

/// C's atoi on what tini users write: leading digits, else 0.
fn atoi(text: &[u8]) -> u8 {
    let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
    signal::parse_number(&text[..digits.min(3)]).map_or(0, |n| n.min(255) as u8)
}

const VERSION_LINE: &[u8] = concat!(
    "tini version 0.19.0 (pidone ",
    env!("CARGO_PKG_VERSION"),
    ") - git.pidone"
)
.as_bytes();

/// Docker reads this: the version after `tini version ` up to ` - `, and
/// the commit after ` - git.`, which `docker info` shows as init version.
pub const VERSION: Text = Text {
    pieces: &[VERSION_LINE, b"\n"],
    to_stderr: false,
};

pub const HELP: Text = Text {
    pieces: &[
        PROGRAM,
        b" (",
        VERSION_LINE,
        b")\nUsage: ",
        PROGRAM,
        b" [OPTIONS] PROGRAM -- [ARGS] | --version\n\n\
Execute a program under the supervision of a valid init process (",
        PROGRAM,
        b")\n\n\
Command line options:\n\n  \
--version: Show version and exit.\n  \
-h: Show this help message and exit.\n  \
-s: Register as a process subreaper (requires Linux >= 3.4).\n  \
-p SIGNAL: Trigger SIGNAL when parent dies, e.g. \"-p SIGKILL\".\n  \
-v: Generate more verbose output. Repeat up to 3 times.\n  \
-w: Print a warning when processes are getting reaped.\n  \
-g: Send signals to the child's process group.\n  \
-e EXIT_CODE: Remap EXIT_CODE (from 0 to 255) to 0.\n  \
-l: Show license and exit.\n\n\
Environment variables:\n\n  \
TINI_SUBREAPER: Register as a process subreaper (requires Linux >= 3.4).\n  \
TINI_VERBOSITY: Set the verbosity level (default: 1).\n  \
TINI_KILL_PROCESS_GROUP: Send signals to the child's process group.\n\n",
    ],
    to_stderr: false,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Isolation;

    fn parse_with<'a>(
        args: &'a [&'a str],
        env: &'a [(&'a str, &'a str)],
    ) -> Result<Request, UsageError<'a>> {
        crate::personality::parse_as(crate::personality::Personality::Tini, args, env)
    }

    fn config(args: &[&str], env: &[(&str, &str)]) -> Config {
        match parse_with(args, env) {
            Ok(Request::Supervise { config, .. }) => config,
            other => panic!("{args:?} gave {other:?}"),
        }
    }

    #[test]
    fn defaults_are_tinis() {
        let c = config(&["--", "cmd"], &[]);
        assert_eq!(c.after_command, AfterCommand::Exit);
        assert_eq!(c.subreaper, Subreaper::Off { warn: true });
        assert_eq!(c.forward_to, ForwardTo::Child);
        assert_eq!(c.isolation, Isolation::Group);
        assert_eq!(c.exec_codes, ExecCodes::Tini);
        assert_eq!(c.verbosity, 1);
        assert_eq!(c.rewrite.apply(Signal::TTIN), None);
        assert_eq!(c.rewrite.apply(Signal::TSTP), Some(Signal::TSTP));
    }

    #[test]
    fn every_option() {
        let c = config(
            &[
                "-s", "-p", "SIGKILL", "-vvv", "-w", "-g", "-e", "143", "-e3", "--", "cmd",
            ],
            &[],
        );
        assert_eq!(c.subreaper, Subreaper::Required);
        assert_eq!(c.pdeathsig, Some(Signal::KILL));
        assert_eq!(c.verbosity, 4);
        assert!(c.log_zombies);
        assert_eq!(c.forward_to, ForwardTo::Group);
        assert_eq!(
            (c.remap.apply(143), c.remap.apply(3), c.remap.apply(4)),
            (0, 0, 4)
        );
    }

    #[test]
    fn environment() {
        let env = [
            ("TINI_SUBREAPER", ""),
            ("TINI_KILL_PROCESS_GROUP", "0"),
            ("TINI_VERBOSITY", "3"),
        ];
        let c = config(&["-v", "cmd"], &env);
        assert_eq!(c.subreaper, Subreaper::Required);
        assert_eq!(c.forward_to, ForwardTo::Group);
        assert_eq!(c.verbosity, 3);
        assert_eq!(config(&["cmd"], &[("TINI_VERBOSITY", "x")]).verbosity, 0);
        let c = config(&["cmd"], &[("PIDONE_GRACE", "2s")]);
        assert_eq!(c.after_command, AfterCommand::ShutDown);
        assert_eq!(c.grace, core::time::Duration::from_secs(2));
    }

    #[test]
    fn version_only_alone() {
        assert_eq!(parse_with(&["--version"], &[]), Ok(Request::Show(VERSION)));
        assert!(parse_with(&["--version", "cmd"], &[]).is_err());
        assert_eq!(parse_with(&["-h", "cmd"], &[]), Ok(Request::Show(HELP)));
        assert_eq!(parse_with(&["-l"], &[]), Ok(Request::Show(cli::LICENSE)));
    }

    #[test]
    fn rejects_what_tini_rejects() {
        for args in [
            &["-p", "KILL", "cmd"][..],
            &["-p", "9", "cmd"],
            &["-p", "SIGkill", "cmd"],
            &["-p", "SIGRTMIN+1", "cmd"],
            &["-e", "256", "cmd"],
            &["-x", "cmd"],
            &["--help"],
            &["-v"],
            &[],
            &["-p"],
        ] {
            assert!(parse_with(args, &[]).is_err(), "{args:?}");
        }
    }
}
