//! `dumb-init` (1.2.5): `-c -r -v -h -V` and their long forms,
//! `DUMB_INIT_SETSID`, `DUMB_INIT_DEBUG`. By default the command runs in a
//! session of its own, signals go to its whole process group, and
//! SIGTSTP/SIGTTIN/SIGTTOU become SIGSTOP for the group and stop dumb-init
//! too. When the command exits, its group gets SIGTERM and dumb-init exits.

use crate::cli::{
    self, AfterCommand, Config, ExecCodes, ForwardTo, Getopt, Isolation, Request, Subreaper, Text,
    UsageError, usage,
};
use crate::out;
use crate::signal::{self, Signal};

pub fn takes_value(name: &[u8]) -> bool {
    matches!(name, b"r" | b"rewrite")
}

/// dumb-init rewrites only the standard signals.
const MAXSIG: u32 = 31;

pub fn parse<'a, I>(
    args: I,
    env: impl Fn(&[u8]) -> Option<&'a [u8]>,
) -> Result<Request, UsageError<'a>>
where
    I: Iterator<Item = &'a [u8]> + Clone,
{
    let mut config = Config {
        after_command: AfterCommand::TermThenExit,
        subreaper: Subreaper::Off { warn: false },
        exec_codes: ExecCodes::Always(2),
        suspend_with_command: true,
        ..Config::default()
    };
    let mut session = true;
    // The job-control signals the user rewrote, which keep their rewrite.
    let mut rewritten = [false; 3];
    let job_control = [Signal::TSTP, Signal::TTOU, Signal::TTIN];
    let mut options = Getopt::new(args, takes_value);
    for option in options.by_ref() {
        let (name, value, arg) = option?;
        match name {
            b"h" | b"help" => return Ok(Request::Show(HELP)),
            b"V" | b"version" => return Ok(Request::Show(VERSION)),
            b"v" | b"verbose" => config.verbosity = out::DEBUG,
            b"c" | b"single-child" => session = false,
            b"r" | b"rewrite" => {
                let (from, to) = parse_rewrite(value.unwrap_or_default())?;
                config.rewrite.set(from, to);
                if let Some(i) = job_control.iter().position(|&s| s == from) {
                    rewritten[i] = true;
                }
            }
            _ => return usage("unknown option", arg),
        }
    }
    let command = cli::check_command(false, options.command())?;
    if env(b"DUMB_INIT_DEBUG") == Some(b"1".as_slice()) {
        config.verbosity = out::DEBUG;
    }
    if env(b"DUMB_INIT_SETSID") == Some(b"0".as_slice()) {
        session = false;
    }
    if session {
        config.isolation = Isolation::Session;
        config.forward_to = ForwardTo::Group;
        for (signal, rewritten) in job_control.into_iter().zip(rewritten) {
            if !rewritten {
                config.rewrite.set(signal, Some(Signal::STOP));
            }
        }
    } else {
        // Single-child mode: the command stays in dumb-init's group.
        config.isolation = Isolation::Shared;
    }
    cli::pidone_overrides(&mut config, env)?;
    Ok(Request::Supervise { config, command })
}

/// `s:r`, both numbers, `r` 0 to drop.
fn parse_rewrite(text: &[u8]) -> Result<(Signal, Option<Signal>), UsageError<'_>> {
    let colon = text.iter().position(|&b| b == b':');
    let numbers = colon.and_then(|c| {
        Some((
            signal::parse_number(&text[..c])?,
            signal::parse_number(&text[c + 1..])?,
        ))
    });
    match numbers {
        Some((from, to)) if from <= MAXSIG && to <= MAXSIG => match Signal::new(from) {
            Some(from) => Ok((from, Signal::new(to))),
            None => usage("invalid rewrite, expected s:r between 1 and 31", text),
        },
        _ => usage("invalid rewrite, expected s:r between 1 and 31", text),
    }
}

const VERSION_LINE: &[u8] = concat!(
    "dumb-init v1.2.5 (pidone ",
    env!("CARGO_PKG_VERSION"),
    ")\n"
)
.as_bytes();

pub const VERSION: Text = Text {
    pieces: &[VERSION_LINE],
    to_stderr: true,
};

pub const HELP: Text = Text {
    pieces: &[
        VERSION_LINE,
        b"Usage: ",
        cli::INVOKED,
        b" [option] command [[arg] ...]\n\n\
dumb-init is a simple process supervisor that forwards signals to children.\n\
It is designed to run as PID1 in minimal container environments.\n\n\
Optional arguments:\n   \
-c, --single-child   Run in single-child mode.\n                        \
In this mode, signals are only proxied to the\n                        \
direct child and not any of its descendants.\n   \
-r, --rewrite s:r    Rewrite received signal s to new signal r before proxying.\n                        \
To ignore (not proxy) a signal, rewrite it to 0.\n                        \
This option can be specified multiple times.\n   \
-v, --verbose        Print debugging information to stderr.\n   \
-h, --help           Print this help message and exit.\n   \
-V, --version        Print the current version and exit.\n\n\
Full help is available online at https://github.com/Yelp/dumb-init\n",
    ],
    to_stderr: true,
};

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_with<'a>(
        args: &'a [&'a str],
        env: &'a [(&'a str, &'a str)],
    ) -> Result<Request, UsageError<'a>> {
        crate::personality::parse_as(crate::personality::Personality::DumbInit, args, env)
    }

    fn config(args: &[&str], env: &[(&str, &str)]) -> (Config, Option<usize>) {
        match parse_with(args, env) {
            Ok(Request::Supervise { config, command }) => (config, command),
            other => panic!("{args:?} gave {other:?}"),
        }
    }

    #[test]
    fn defaults_are_session_mode() {
        let (c, command) = config(&["cmd", "-c"], &[]);
        assert_eq!(command, Some(0), "options end at the command");
        assert_eq!(c.isolation, Isolation::Session);
        assert_eq!(c.forward_to, ForwardTo::Group);
        assert_eq!(c.after_command, AfterCommand::TermThenExit);
        assert_eq!(c.subreaper, Subreaper::Off { warn: false });
        assert_eq!(c.exec_codes, ExecCodes::Always(2));
        assert!(c.suspend_with_command);
        for s in [Signal::TSTP, Signal::TTIN, Signal::TTOU] {
            assert_eq!(c.rewrite.apply(s), Some(Signal::STOP));
        }
    }

    #[test]
    fn single_child_mode() {
        for (args, env) in [
            (&["-c", "cmd"][..], &[][..]),
            (&["cmd"], &[("DUMB_INIT_SETSID", "0")]),
        ] {
            let (c, _) = config(args, env);
            assert_eq!(c.isolation, Isolation::Shared);
            assert_eq!(c.forward_to, ForwardTo::Child);
            assert_eq!(c.rewrite.apply(Signal::TSTP), Some(Signal::TSTP));
        }
        assert_eq!(
            config(&["--single-child", "cmd"], &[]).0.isolation,
            Isolation::Shared
        );
        assert_eq!(
            config(&["cmd"], &[("DUMB_INIT_SETSID", "no")]).0.isolation,
            Isolation::Session
        );
    }

    #[test]
    fn rewrites_are_numeric_and_win_over_the_job_control_default() {
        let (c, _) = config(
            &["-r", "15:2", "--rewrite=20:0", "--rewrite", "1:31", "cmd"],
            &[],
        );
        assert_eq!(c.rewrite.apply(Signal::TERM), Some(Signal::INT));
        assert_eq!(c.rewrite.apply(Signal::TSTP), None);
        assert_eq!(c.rewrite.apply(Signal::TTIN), Some(Signal::STOP));
        assert_eq!(c.rewrite.apply(Signal::HUP).map(Signal::number), Some(31));
        for bad in ["TERM:INT", "15", "32:1", "1:32", "0:1", ":", "15:-1"] {
            assert!(parse_with(&["-r", bad, "cmd"], &[]).is_err(), "{bad}");
        }
    }

    #[test]
    fn verbose_help_version() {
        assert_eq!(config(&["-v", "cmd"], &[]).0.verbosity, out::DEBUG);
        assert_eq!(
            config(&["cmd"], &[("DUMB_INIT_DEBUG", "1")]).0.verbosity,
            out::DEBUG
        );
        assert_eq!(
            config(&["cmd"], &[("DUMB_INIT_DEBUG", "yes")]).0.verbosity,
            1
        );
        assert_eq!(parse_with(&["--help"], &[]), Ok(Request::Show(HELP)));
        assert_eq!(parse_with(&["-V"], &[]), Ok(Request::Show(VERSION)));
        assert!(parse_with(&[], &[]).is_err());
        assert!(parse_with(&["-x", "cmd"], &[]).is_err());
    }
}
