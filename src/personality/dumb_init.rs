//! `dumb-init` (1.2.5): `-c -r -v -h -V` and their long forms,
//! `DUMB_INIT_SETSID`, `DUMB_INIT_DEBUG`. By default the command runs in a
//! session of its own, signals go to its whole process group, and
//! SIGTSTP/SIGTTIN/SIGTTOU become SIGSTOP for the group and stop dumb-init
//! too. When the command exits, its group gets SIGTERM and dumb-init exits.

use super::pidone::{opt, overrides, var};
use super::text::{self, Text};
use super::{Act, PEER, Personality, RewriteSyntax, Shown, When};
use crate::config::{AfterCommand, Config, DEFAULT, ExecCodes, ForwardTo, Isolation, Subreaper};
use crate::message::Wording;
use crate::signal::Signal;

pub const DUMB_INIT: Personality = Personality {
    name: "dumb-init",
    options: &[
        opt(b'h', b"help", Act::Show(Shown::Help)),
        opt(b'V', b"version", Act::Show(Shown::Version)),
        opt(b'v', b"verbose", Act::Debug),
        opt(b'c', b"single-child", Act::SingleChild),
        opt(b'r', b"rewrite", Act::Rewrite(RewriteSyntax::Numbers)),
    ],
    variables: &[
        var(b"DUMB_INIT_DEBUG", When::Is(b'1'), Act::Debug),
        var(b"DUMB_INIT_SETSID", When::Is(b'0'), Act::SingleChild),
        overrides(AfterCommand::TermThenExit)[0],
        overrides(AfterCommand::TermThenExit)[1],
    ],
    defaults: Config {
        after_command: AfterCommand::TermThenExit,
        subreaper: Subreaper::Off { warn: false },
        exec_codes: ExecCodes::Always(2),
        suspend_with_command: true,
        reset_signals: true,
        isolation: Isolation::Session,
        forward_to: ForwardTo::Group,
        rewrite: DEFAULT
            .rewrite
            .with(Signal::TSTP, Some(Signal::STOP))
            .with(Signal::TTIN, Some(Signal::STOP))
            .with(Signal::TTOU, Some(Signal::STOP)),
        wording: Wording {
            coded: text::DUMB_INIT_MESSAGES,
            stdout_from: u8::MAX,
        },
        ..DEFAULT
    },
    // dumb-init's getopt_long stops at the command.
    permutes: false,
    help_option: b"--help",
    help: HELP,
    version: VERSION,
    ..PEER
};

pub const VERSION: Text = Text::stderr(text::DUMB_INIT_VERSION);
pub const HELP: Text = Text::stderr(text::DUMB_INIT_HELP);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{AfterCommand, ExecCodes, ForwardTo, Isolation, Subreaper};
    use crate::message;
    use crate::personality::{Request, config_of, parse_as};
    use crate::signal::Signal;

    #[test]
    fn defaults_are_session_mode() {
        let (c, command) = config_of(&DUMB_INIT, &["cmd", "-c"], &[]);
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
            let (c, _) = config_of(&DUMB_INIT, args, env);
            assert_eq!(c.isolation, Isolation::Shared);
            assert_eq!(c.forward_to, ForwardTo::Child);
            assert_eq!(c.rewrite.apply(Signal::TSTP), Some(Signal::TSTP));
        }
        assert_eq!(
            config_of(&DUMB_INIT, &["--single-child", "cmd"], &[])
                .0
                .isolation,
            Isolation::Shared
        );
        assert_eq!(
            config_of(&DUMB_INIT, &["cmd"], &[("DUMB_INIT_SETSID", "no")])
                .0
                .isolation,
            Isolation::Session
        );
    }

    #[test]
    fn rewrites_are_numeric_and_win_over_the_job_control_default() {
        let (c, _) = config_of(
            &DUMB_INIT,
            &["-r", "15:2", "--rewrite=20:0", "--rewrite", "1:31", "cmd"],
            &[],
        );
        assert_eq!(c.rewrite.apply(Signal::TERM), Some(Signal::INT));
        assert_eq!(c.rewrite.apply(Signal::TSTP), None);
        assert_eq!(c.rewrite.apply(Signal::TTIN), Some(Signal::STOP));
        assert_eq!(c.rewrite.apply(Signal::HUP).map(Signal::number), Some(31));
        for bad in ["TERM:INT", "15", "32:1", "1:32", "0:1", ":", "15:-1"] {
            assert!(
                parse_as(&DUMB_INIT, &["-r", bad, "cmd"], &[]).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn verbose_help_version() {
        assert_eq!(
            config_of(&DUMB_INIT, &["-v", "cmd"], &[]).0.verbosity,
            message::DEBUG
        );
        assert_eq!(
            config_of(&DUMB_INIT, &["cmd"], &[("DUMB_INIT_DEBUG", "1")])
                .0
                .verbosity,
            message::DEBUG
        );
        assert_eq!(
            config_of(&DUMB_INIT, &["cmd"], &[("DUMB_INIT_DEBUG", "yes")])
                .0
                .verbosity,
            1
        );
        assert_eq!(
            parse_as(&DUMB_INIT, &["--help"], &[]),
            Ok(Request::Show(HELP))
        );
        assert_eq!(
            parse_as(&DUMB_INIT, &["-V"], &[]),
            Ok(Request::Show(VERSION))
        );
        assert!(parse_as(&DUMB_INIT, &[], &[]).is_err());
        assert!(parse_as(&DUMB_INIT, &["-x", "cmd"], &[]).is_err());
    }
}
