//! `catatonit` and `podman-init` (catatonit 0.1.7): `-g -P -L -V -h`,
//! `--version`, `CATATONIT_DEBUG`. Must be PID 1 or a subreaper; exits as
//! soon as the command has exited. The terminal signals that catatonit
//! blocks in its child by mistake are left unblocked.

use crate::cli::{
    self, AfterCommand, Config, ExecCodes, ForwardTo, Getopt, Request, Subreaper, Text, UsageError,
    usage,
};
use crate::out;
use crate::signal::Signal;

pub fn parse<'a, I>(
    args: I,
    env: impl Fn(&[u8]) -> Option<&'a [u8]>,
) -> Result<Request, UsageError<'a>>
where
    I: Iterator<Item = &'a [u8]> + Clone,
{
    if env(b"CATATONIT_LOG").is_some() {
        return usage("CATATONIT_LOG is reserved for future use", b"");
    }
    let mut config = Config {
        after_command: AfterCommand::Exit,
        subreaper: Subreaper::Required,
        exec_codes: ExecCodes::Always(1),
        close_inherited: true,
        ..Config::default()
    };
    // catatonit swallows the terminal's stop signals rather than forward them.
    for signal in [Signal::TSTP, Signal::TTIN, Signal::TTOU] {
        config.rewrite.set(signal, None);
    }
    let mut pause = false;
    let mut options = Getopt::new(args, |_| false);
    for option in options.by_ref() {
        let (name, _, arg) = option?;
        match name {
            b"h" => return Ok(Request::Show(HELP)),
            b"L" => return Ok(Request::Show(cli::LICENSE)),
            b"V" | b"version" => return Ok(Request::Show(VERSION)),
            b"g" => config.forward_to = ForwardTo::Group,
            b"P" => pause = true,
            _ => return usage("unknown option", arg),
        }
    }
    let command = match options.command() {
        // In pause mode catatonit ignores a command, and only SIGINT and
        // SIGTERM end it.
        _ if pause => {
            config.rewrite.set(Signal::QUIT, None);
            None
        }
        Some((index, _)) => Some(index),
        None => return usage("missing program name", b""),
    };
    if env(b"CATATONIT_DEBUG").is_some() {
        config.verbosity = out::DEBUG;
    }
    cli::pidone_overrides(&mut config, env)?;
    Ok(Request::Supervise { config, command })
}

/// `tini version` first, for Docker, as catatonit prints it; see tini's.
pub const VERSION: Text = Text {
    pieces: &[concat!(
        "tini version 0.1.7_catatonit (pidone ",
        env!("CARGO_PKG_VERSION"),
        ") - git.pidone\n"
    )
    .as_bytes()],
    to_stderr: false,
};

pub const HELP: Text = Text {
    pieces: &[
        b"usage: ",
        cli::PROGRAM,
        b" [-ghLPV] [--] <progname> [<arguments>...]\n\n\
options:\n  \
-g              Forward signals to pid1's process group.\n  \
-h              Print this help page.\n  \
-L              Print license information.\n  \
-P              Run in pause mode (no program is run and quit on SIGINT).\n  \
-V, --version   Print version information.\n\n\
The source code can be found at <https://github.com/openSUSE/catatonit/>.\n\
For bug reporting instructions, please see: <https://bugs.opensuse.org/>.\n",
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
        crate::personality::parse_as(crate::personality::Personality::Catatonit, args, env)
    }

    #[test]
    fn defaults_are_catatonits() {
        let Ok(Request::Supervise { config: c, command }) = parse_with(&["--", "cmd"], &[]) else {
            panic!()
        };
        assert_eq!(command, Some(1));
        assert_eq!(c.after_command, AfterCommand::Exit);
        assert_eq!(c.subreaper, Subreaper::Required);
        assert_eq!(c.exec_codes, ExecCodes::Always(1));
        assert_eq!(c.forward_to, ForwardTo::Child);
        for s in [Signal::TSTP, Signal::TTIN, Signal::TTOU] {
            assert_eq!(c.rewrite.apply(s), None);
        }
        assert_eq!(c.rewrite.apply(Signal::QUIT), Some(Signal::QUIT));
    }

    #[test]
    fn options_and_pause() {
        let Ok(Request::Supervise { config: c, command }) =
            parse_with(&["-gP", "ignored"], &[("CATATONIT_DEBUG", "")])
        else {
            panic!()
        };
        assert_eq!(command, None);
        assert_eq!(c.forward_to, ForwardTo::Group);
        assert_eq!(c.verbosity, out::DEBUG);
        assert_eq!(c.rewrite.apply(Signal::QUIT), None);
        assert_eq!(parse_with(&["-h"], &[]), Ok(Request::Show(HELP)));
        assert_eq!(parse_with(&["-L"], &[]), Ok(Request::Show(cli::LICENSE)));
        assert_eq!(parse_with(&["--version"], &[]), Ok(Request::Show(VERSION)));
        assert_eq!(parse_with(&["-V"], &[]), Ok(Request::Show(VERSION)));
    }

    #[test]
    fn errors() {
        assert!(parse_with(&[], &[]).is_err());
        assert!(parse_with(&["-x", "cmd"], &[]).is_err());
        assert!(parse_with(&["--help"], &[]).is_err());
        assert!(parse_with(&["cmd"], &[("CATATONIT_LOG", "x")]).is_err());
    }
}
