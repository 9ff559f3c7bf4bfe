//! `catatonit` and `podman-init` (catatonit 0.1.7): `-g -P -L -V -h`,
//! `--version`, `CATATONIT_DEBUG`. Must be PID 1 or a subreaper; exits as
//! soon as the command has exited. The terminal signals that catatonit
//! blocks in its child by mistake are left unblocked.

use super::pidone::{opt, overrides, var};
use super::text::{self, Text};
use super::{Act, PEER, Personality, Shown, When, dropping};
use crate::config::{AfterCommand, Config, DEFAULT, ExecCodes, Subreaper};
use crate::message::Wording;
use crate::signal::Signal;

pub const CATATONIT: Personality = Personality {
    name: "catatonit",
    options: &[
        opt(b'h', b"", Act::Show(Shown::Help)),
        opt(b'L', b"", Act::Show(Shown::License)),
        opt(b'V', b"version", Act::Show(Shown::Version)),
        opt(b'g', b"", Act::ForwardToGroup),
        opt(b'P', b"", Act::Pause),
    ],
    variables: &[
        var(b"CATATONIT_LOG", When::Set, Act::Reserved),
        var(b"CATATONIT_DEBUG", When::Set, Act::Debug),
        overrides(AfterCommand::Exit)[0],
        overrides(AfterCommand::Exit)[1],
    ],
    defaults: Config {
        after_command: AfterCommand::Exit,
        subreaper: Subreaper::Required,
        exec_codes: ExecCodes::Always(1),
        close_inherited: true,
        // catatonit swallows the terminal's stop signals rather than
        // forward them.
        rewrite: dropping(DEFAULT.rewrite, &[Signal::TSTP, Signal::TTIN, Signal::TTOU]),
        wording: Wording {
            coded: text::CATATONIT_MESSAGES,
            stdout_from: u8::MAX,
        },
        ..DEFAULT
    },
    usage: Some(Text::stderr(text::CATATONIT_USAGE)),
    help: HELP,
    version: VERSION,
    // In pause mode catatonit ignores a command, and only SIGINT and
    // SIGTERM end it.
    pause_ignores_command: true,
    pause_ignores_quit: true,
    ..PEER
};

/// `tini version` first, for Docker, as catatonit prints it.
pub const VERSION: Text = Text::stdout(text::CATATONIT_VERSION);
pub const HELP: Text = Text::stderr(text::CATATONIT_HELP);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{AfterCommand, ExecCodes, ForwardTo, Subreaper};
    use crate::message;
    use crate::personality::{Request, parse_as, pidone};
    use crate::signal::Signal;

    #[test]
    fn defaults_are_catatonits() {
        let Ok(Request::Supervise { config: c, command }) =
            parse_as(&CATATONIT, &["--", "cmd"], &[])
        else {
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
            parse_as(&CATATONIT, &["-gP", "ignored"], &[("CATATONIT_DEBUG", "")])
        else {
            panic!()
        };
        assert_eq!(command, None);
        assert_eq!(c.forward_to, ForwardTo::Group);
        assert_eq!(c.verbosity, message::DEBUG);
        assert_eq!(c.rewrite.apply(Signal::QUIT), None);
        assert_eq!(parse_as(&CATATONIT, &["-h"], &[]), Ok(Request::Show(HELP)));
        assert_eq!(
            parse_as(&CATATONIT, &["-L"], &[]),
            Ok(Request::Show(pidone::LICENSE))
        );
        assert_eq!(
            parse_as(&CATATONIT, &["--version"], &[]),
            Ok(Request::Show(VERSION))
        );
        assert_eq!(
            parse_as(&CATATONIT, &["-V"], &[]),
            Ok(Request::Show(VERSION))
        );
    }

    #[test]
    fn errors() {
        assert!(parse_as(&CATATONIT, &[], &[]).is_err());
        assert!(parse_as(&CATATONIT, &["-x", "cmd"], &[]).is_err());
        assert!(parse_as(&CATATONIT, &["--help"], &[]).is_err());
        assert!(parse_as(&CATATONIT, &["cmd"], &[("CATATONIT_LOG", "x")]).is_err());
    }
}
