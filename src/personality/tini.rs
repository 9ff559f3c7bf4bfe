//! `tini` and `docker-init` (tini 0.19.0): `-s -p -v -w -g -e -l -h`,
//! `--version` alone, `TINI_SUBREAPER`, `TINI_VERBOSITY`,
//! `TINI_KILL_PROCESS_GROUP`. It exits as soon as the command has exited.

use super::pidone::{opt, overrides, var};
use super::text::{self, Text};
use super::{Act, PEER, Personality, Shown, SignalSyntax, When, dropping};
use crate::config::{AfterCommand, Config, DEFAULT, ExecCodes, Subreaper};
use crate::message::{self, Wording};
use crate::signal::Signal;

pub const TINI: Personality = Personality {
    name: "tini",
    options: &[
        opt(0, b"version", Act::ShowAlone(Shown::Version)),
        opt(b'h', b"", Act::Show(Shown::Help)),
        opt(b'l', b"", Act::Show(Shown::License)),
        opt(b's', b"", Act::RequireSubreaper),
        opt(b'p', b"", Act::Pdeathsig(SignalSyntax::FullName)),
        opt(b'v', b"", Act::Verbose),
        opt(b'w', b"", Act::LogZombies),
        opt(b'g', b"", Act::ForwardToGroup),
        opt(b'e', b"", Act::RemapExit),
    ],
    variables: &[
        // Set at all, whatever the value, as tini reads them.
        var(b"TINI_SUBREAPER", When::Set, Act::RequireSubreaper),
        var(b"TINI_KILL_PROCESS_GROUP", When::Set, Act::ForwardToGroup),
        // tini reads it with atoi after the options, so it wins over -v.
        var(b"TINI_VERBOSITY", When::Set, Act::Verbosity { atoi: true }),
        overrides(AfterCommand::Exit)[0],
        overrides(AfterCommand::Exit)[1],
    ],
    defaults: Config {
        after_command: AfterCommand::Exit,
        exec_codes: ExecCodes::Tini,
        subreaper: Subreaper::Off { warn: true },
        // tini ignores SIGTTIN and SIGTTOU itself: they are never forwarded.
        rewrite: dropping(DEFAULT.rewrite, &[Signal::TTIN, Signal::TTOU]),
        wording: Wording {
            coded: text::TINI_MESSAGES,
            // INFO, DEBUG and TRACE go to stdout, FATAL and WARN to stderr.
            stdout_from: message::INFO,
        },
        ..DEFAULT
    },
    help: HELP,
    usage: Some(Text::stderr(text::TINI_HELP)),
    version: VERSION,
    ..PEER
};

/// Docker reads the version: the part after ` - git.` is what `docker info`
/// shows as the init version.
pub const VERSION: Text = Text::stdout(text::TINI_VERSION);
pub const HELP: Text = Text::stdout(text::TINI_HELP);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{AfterCommand, ExecCodes, ForwardTo, Isolation, Subreaper};
    use crate::personality::{Request, config_of, parse_as, pidone};
    use crate::signal::Signal;

    #[test]
    fn defaults_are_tinis() {
        let (c, _) = config_of(&TINI, &["--", "cmd"], &[]);
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
        let (c, _) = config_of(
            &TINI,
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
        let (c, _) = config_of(&TINI, &["-v", "cmd"], &env);
        assert_eq!(c.subreaper, Subreaper::Required);
        assert_eq!(c.forward_to, ForwardTo::Group);
        assert_eq!(c.verbosity, 3);
        assert_eq!(
            config_of(&TINI, &["cmd"], &[("TINI_VERBOSITY", "x")])
                .0
                .verbosity,
            0
        );
        let (c, _) = config_of(&TINI, &["cmd"], &[("PIDONE_GRACE", "2s")]);
        assert_eq!(c.after_command, AfterCommand::ShutDown);
        assert_eq!(c.grace, core::time::Duration::from_secs(2));
    }

    #[test]
    fn version_only_alone() {
        assert_eq!(
            parse_as(&TINI, &["--version"], &[]),
            Ok(Request::Show(VERSION))
        );
        assert!(parse_as(&TINI, &["--version", "cmd"], &[]).is_err());
        assert_eq!(
            parse_as(&TINI, &["-h", "cmd"], &[]),
            Ok(Request::Show(HELP))
        );
        assert_eq!(
            parse_as(&TINI, &["-l"], &[]),
            Ok(Request::Show(pidone::LICENSE))
        );
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
            assert!(parse_as(&TINI, args, &[]).is_err(), "{args:?}");
        }
    }
}
