//! Answering to a name. Called as `tini` or `docker-init`, `dumb-init`,
//! `catatonit` or `podman-init`, pidone takes that program's command line,
//! environment, defaults, exit codes and texts; what runs underneath is
//! pidone's supervision. Everything that differs between the personalities
//! is data (one table each, in the submodules); this module is the one
//! parser that reads any of them. Pure: unit-tested on the host.

mod catatonit;
mod dumb_init;
mod pidone;
pub mod text;
mod tini;

use core::time::Duration;

use crate::config::{AfterCommand, Config, ForwardTo, Isolation, Subreaper};
use crate::getopt::Getopt;
use crate::message::Say;
use crate::signal::{self, Rewrite, Signal};
use crate::{decimal, duration, message};

pub use catatonit::CATATONIT;
pub use dumb_init::DUMB_INIT;
pub use pidone::PIDONE;
pub use text::Text;
pub use tini::TINI;

/// One init's command line and environment, as data.
pub struct Personality {
    pub name: &'static str,
    pub options: &'static [Opt],
    /// Read after the options, in this order.
    pub variables: &'static [Var],
    pub defaults: Config,
    /// GNU getopt without `+` (tini, catatonit): options after the command
    /// still count, and `tini PROGRAM -- ARGS` works. See `getopt::permute`.
    pub permutes: bool,
    pub usage_exit_code: u8,
    /// The option that prints the help, named in usage errors.
    pub help_option: &'static [u8],
    /// Printed on stderr after a getopt error or without a command: tini's
    /// help, catatonit's usage line.
    pub usage: Option<Text>,
    pub help: Text,
    pub version: Text,
    pub license: Text,
    /// What a command means with `--pause`: an error for pidone, ignored by
    /// catatonit.
    pub pause_ignores_command: bool,
    /// catatonit's pause mode ends on SIGINT and SIGTERM only.
    pub pause_ignores_quit: bool,
}

/// An option: its short letter (0 for none), its long name (empty for
/// none), and what it does.
#[derive(Clone, Copy)]
pub struct Opt {
    pub short: u8,
    pub long: &'static [u8],
    pub act: Act,
}

/// An environment variable, when it counts, and what it does.
#[derive(Clone, Copy)]
pub struct Var {
    pub name: &'static [u8],
    pub when: When,
    pub act: Act,
}

#[derive(Clone, Copy)]
pub enum When {
    /// Whenever it is set, to anything.
    Set,
    /// When it is set to this one character.
    Is(u8),
    /// When set to anything but empty or `0`.
    True,
    /// When no option has set the same thing: a flag wins over its variable.
    Unflagged,
}

/// What an option or a variable does to the settings. Small on purpose:
/// the tables hold one for each option and variable.
#[derive(Clone, Copy)]
pub enum Act {
    /// Print this text of the personality's and exit 0.
    Show(Shown),
    /// tini's `--version`: honoured only as the sole argument.
    ShowAlone(Shown),
    /// Register as subreaper, and give up if the kernel refuses (tini `-s`).
    RequireSubreaper,
    /// Register as subreaper unless the personality already does.
    Subreaper,
    Pdeathsig(SignalSyntax),
    /// `child`, `group` or `all`.
    ForwardTo,
    ForwardToGroup,
    Rewrite(RewriteSyntax),
    RemapExit,
    Grace,
    /// `PIDONE_GRACE` under another name: the grace period, and pidone's
    /// graceful shutdown; a zero one means what `zero` says (the peer's
    /// own exit).
    GraceShutdown {
        zero: AfterCommand,
    },
    Linger,
    Pause,
    Verbose,
    Quiet,
    Debug,
    /// A verbosity level: a number, or with `atoi`, whatever leading
    /// digits there are (tini).
    Verbosity {
        atoi: bool,
    },
    LogZombies,
    /// dumb-init's single-child mode.
    SingleChild,
    /// catatonit's `CATATONIT_LOG`: a usage error whatever its value.
    Reserved,
}

#[derive(Clone, Copy)]
pub enum Shown {
    Help,
    Version,
    License,
}

/// How a signal is written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SignalSyntax {
    /// `TERM`, `SIGTERM`, `term`, `15`, `RTMIN+3`.
    Any,
    /// tini: `SIGTERM` only, standard signals only.
    FullName,
}

/// How a rewrite is written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum RewriteSyntax {
    /// `FROM:TO` in any signal syntax; TO `0` drops FROM.
    Names,
    /// dumb-init: `s:r`, numbers up to 31 read as `sscanf("%d:%d")` does.
    Numbers,
}

impl Act {
    pub fn takes_value(self) -> bool {
        matches!(
            self,
            Act::Pdeathsig(_) | Act::ForwardTo | Act::Rewrite(_) | Act::RemapExit | Act::Grace
        )
    }

    /// The setting this act shares with others, as a bit, for `Unflagged`.
    fn setting(self) -> u8 {
        match self {
            Act::Grace | Act::GraceShutdown { .. } => 1,
            Act::ForwardTo | Act::ForwardToGroup => 2,
            Act::Verbose | Act::Quiet | Act::Debug | Act::Verbosity { .. } => 4,
            _ => 0,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    /// Supervise the command that starts at this index of the arguments
    /// given to `parse`, or, with `None`, no command (pause mode).
    Supervise {
        config: Config,
        command: Option<usize>,
    },
    /// Print this and exit 0.
    Show(Text),
}

/// `{problem} '{value}'`, followed by a pointer to the help.
#[derive(Debug, PartialEq, Eq)]
pub struct UsageError<'a> {
    pub problem: &'static str,
    pub value: &'a [u8],
}

impl<'a> UsageError<'a> {
    pub fn new(problem: &'static str, value: &'a [u8]) -> Self {
        UsageError { problem, value }
    }
}

pub fn usage<'a, T>(problem: &'static str, value: &'a [u8]) -> Result<T, UsageError<'a>> {
    Err(UsageError::new(problem, value))
}

/// The usage errors that peers word their own way, known by their text
/// (a field for it would cost every error path of the parser).
pub const UNKNOWN_OPTION: &str = "unknown option";
pub const MISSING_VALUE: &str = "missing value for";
pub const INVALID_SIGNAL: &str = "invalid signal";
pub const INVALID_EXIT_CODE: &str = "invalid exit code";
pub const RESERVED: &str = "CATATONIT_LOG is reserved for future use";
pub const MISSING_COMMAND: &str = "missing command";
pub const BAD_SIGNUM_REWRITE: &str = "invalid rewrite, expected s:r between 1 and 31";

impl UsageError<'_> {
    /// What this error is, for a personality that words it its own way.
    pub fn say(&self) -> Say {
        match self.problem {
            MISSING_COMMAND => Say::MissingCommand,
            // Long options are named with their dashes, letters without.
            UNKNOWN_OPTION if self.value.len() == 1 => Say::UnknownShortOption,
            UNKNOWN_OPTION => Say::UnknownLongOption,
            MISSING_VALUE if self.value.len() == 1 => Say::MissingShortValue,
            MISSING_VALUE => Say::MissingLongValue,
            BAD_SIGNUM_REWRITE => Say::BadRewrite,
            INVALID_SIGNAL => Say::InvalidSignal,
            INVALID_EXIT_CODE => Say::InvalidExitCode,
            RESERVED => Say::Reserved,
            _ => Say::Other,
        }
    }
}

/// What the peers' tables share, unless they say otherwise: GNU getopt's
/// permutation, exit 1 on a usage error, `-h` for help, pidone's own
/// license (see docs/migration.md).
pub const PEER: Personality = Personality {
    name: "",
    options: &[],
    variables: &[],
    defaults: crate::config::DEFAULT,
    permutes: true,
    usage_exit_code: 1,
    help_option: b"-h",
    usage: None,
    help: pidone::HELP,
    version: pidone::VERSION,
    license: pidone::LICENSE,
    pause_ignores_command: false,
    pause_ignores_quit: false,
};

/// Docker's and Podman's `--init`: tini's and catatonit's command lines,
/// with pidone's graceful shutdown by default. A host administrator who
/// installs pidone as the engine's init has chosen it for every container,
/// and an engine passes no flag to say so; `PIDONE_GRACE=0` gives back the
/// peer's immediate exit.
pub const DOCKER_INIT: Personality = graceful("docker-init", TINI);
pub const PODMAN_INIT: Personality = graceful("podman-init", CATATONIT);

const fn graceful(name: &'static str, peer: Personality) -> Personality {
    Personality {
        name,
        defaults: Config {
            after_command: AfterCommand::ShutDown,
            // The engines stop a container with SIGKILL after 10 s.
            grace: crate::config::DEFAULT_GRACE,
            ..peer.defaults
        },
        ..peer
    }
}

/// The names pidone answers to, besides its own.
const NAMES: [(&[u8], &Personality); 6] = [
    (b"tini", &TINI),
    (b"tini-static", &TINI),
    (b"docker-init", &DOCKER_INIT),
    (b"dumb-init", &DUMB_INIT),
    (b"catatonit", &CATATONIT),
    (b"podman-init", &PODMAN_INIT),
];

pub fn basename(path: &[u8]) -> &[u8] {
    path.rsplit(|&b| b == b'/').next().unwrap_or(path)
}

/// From the name pidone was called by (the basename of `argv[0]`).
pub fn from_name(name: &[u8]) -> &'static Personality {
    NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(&PIDONE, |(_, p)| p)
}

/// What the options and variables have said so far.
struct Settings {
    config: Config,
    /// `Act::setting` bits that an option has set.
    flagged: u8,
    /// Signals the user rewrote, as bits.
    rewritten: u64,
    pause: bool,
}

impl Personality {
    pub fn parse<'a, I>(
        &self,
        args: I,
        env: impl Fn(&[u8]) -> Option<&'a [u8]>,
    ) -> Result<Request, UsageError<'a>>
    where
        I: Iterator<Item = &'a [u8]> + Clone,
    {
        let alone = args.clone().nth(1).is_none();
        let mut s = Settings {
            config: self.defaults.clone(),
            flagged: 0,
            rewritten: 0,
            pause: false,
        };
        let mut options = Getopt::new(args, self.options);
        for option in options.by_ref() {
            let (opt, value, arg) = option?;
            match opt.act {
                Act::Show(text) => return Ok(Request::Show(self.text(text))),
                Act::ShowAlone(text) if alone => return Ok(Request::Show(self.text(text))),
                Act::ShowAlone(_) => return usage(UNKNOWN_OPTION, arg),
                act => s.apply(act, value, true)?,
            }
            s.flagged |= opt.act.setting();
        }
        let command = match (s.pause, options.command()) {
            (true, Some((_, name))) if !self.pause_ignores_command => {
                return usage("--pause takes no command, got", name);
            }
            (true, _) => None,
            (false, Some((index, _))) => Some(index),
            (false, None) => return usage(MISSING_COMMAND, b""),
        };
        for var in self.variables {
            let Some(value) = env(var.name) else {
                continue;
            };
            let counts = match var.when {
                When::Set => true,
                When::Is(expected) => value == [expected],
                When::True => !value.is_empty() && value != b"0",
                When::Unflagged => s.flagged & var.act.setting() == 0,
            };
            if counts {
                s.apply(var.act, value, false)?;
            }
        }
        let mut config = s.config;
        if s.pause && self.pause_ignores_quit {
            config.rewrite.set(Signal::QUIT, None);
        }
        // Leftovers that are no longer pidone's descendants once the
        // command is gone cannot be shut down: a shutdown needs a subreaper.
        if config.after_command == AfterCommand::ShutDown
            && matches!(config.subreaper, Subreaper::Off { .. })
        {
            config.subreaper = Subreaper::Auto;
        }
        Ok(Request::Supervise { config, command })
    }
}

impl Personality {
    fn text(&self, shown: Shown) -> Text {
        match shown {
            Shown::Help => self.help,
            Shown::Version => self.version,
            Shown::License => self.license,
        }
    }
}

impl Settings {
    /// Carries out one option (`flag`) or variable with its value.
    fn apply<'a>(&mut self, act: Act, value: &'a [u8], flag: bool) -> Result<(), UsageError<'a>> {
        let c = &mut self.config;
        match act {
            Act::RequireSubreaper => c.subreaper = Subreaper::Required,
            Act::Subreaper => {
                if let Subreaper::Off { .. } = c.subreaper {
                    c.subreaper = Subreaper::Auto;
                }
            }
            Act::Pdeathsig(syntax) => c.pdeathsig = Some(parse_signal(value, syntax)?),
            Act::ForwardTo => {
                c.forward_to = match value {
                    b"child" => ForwardTo::Child,
                    b"group" => ForwardTo::Group,
                    b"all" => ForwardTo::All,
                    _ if flag => return usage("invalid --forward-to", value),
                    _ => return usage("invalid PIDONE_FORWARD_TO", value),
                }
            }
            Act::ForwardToGroup => c.forward_to = ForwardTo::Group,
            Act::Rewrite(syntax) => {
                let (from, to) = match syntax {
                    RewriteSyntax::Names => parse_rewrite(value)?,
                    RewriteSyntax::Numbers => parse_numeric_rewrite(value)?,
                };
                c.rewrite.set(from, to);
                self.rewritten |= bit(from);
            }
            Act::RemapExit => match decimal::parse(value) {
                Some(n) if n <= 255 => c.remap.insert(n as u8),
                _ => return usage(INVALID_EXIT_CODE, value),
            },
            Act::Grace => c.grace = parse_grace(value, flag)?,
            Act::GraceShutdown { zero } => {
                c.grace = parse_grace(value, flag)?;
                c.after_command = if c.grace.is_zero() {
                    zero
                } else {
                    AfterCommand::ShutDown
                };
            }
            Act::Linger => c.after_command = AfterCommand::Linger,
            Act::Pause => self.pause = true,
            Act::Verbose => c.verbosity = c.verbosity.saturating_add(1),
            Act::Quiet => c.verbosity = 0,
            Act::Debug => {
                c.verbosity = message::DEBUG;
                c.debug_by_environment |= !flag;
            }
            Act::Verbosity { atoi: true } => c.verbosity = atoi_u8(value),
            Act::Verbosity { atoi: false } => match decimal::parse(value) {
                Some(n) => c.verbosity = n.min(255) as u8,
                None => return usage("invalid PIDONE_VERBOSITY", value),
            },
            Act::LogZombies => c.log_zombies = true,
            Act::SingleChild => {
                c.single_child_by_environment |= !flag;
                // The command stays in dumb-init's group, gets signals
                // itself, and job control is forwarded as it comes, unless
                // rewritten on purpose.
                c.isolation = Isolation::Shared;
                c.forward_to = ForwardTo::Child;
                for signal in [Signal::TSTP, Signal::TTIN, Signal::TTOU] {
                    if self.rewritten & bit(signal) == 0 {
                        c.rewrite.set(signal, Some(signal));
                    }
                }
            }
            Act::Reserved => return usage(RESERVED, b""),
            Act::Show(_) | Act::ShowAlone(_) => {}
        }
        Ok(())
    }
}

fn bit(signal: Signal) -> u64 {
    1 << (signal.number() - 1)
}

/// The longest grace period: about 11.5 days, far past any stop timeout,
/// and small enough that a deadline can never overflow.
pub const MAX_GRACE: Duration = Duration::from_secs(1_000_000);

fn parse_grace(text: &[u8], flag: bool) -> Result<Duration, UsageError<'_>> {
    match duration::parse(text) {
        Some(grace) if grace <= MAX_GRACE => Ok(grace),
        Some(_) if flag => usage("invalid --grace (1000000s at most)", text),
        Some(_) => usage("invalid PIDONE_GRACE (1000000s at most)", text),
        None if flag => usage("invalid --grace", text),
        None => usage("invalid PIDONE_GRACE", text),
    }
}

fn parse_signal(text: &[u8], syntax: SignalSyntax) -> Result<Signal, UsageError<'_>> {
    let signal = match syntax {
        SignalSyntax::Any => Signal::parse(text),
        // tini knows signals by their full name only: `SIGKILL`, not
        // `KILL`, `sigkill` or 9.
        SignalSyntax::FullName => text
            .strip_prefix(b"SIG")
            .and_then(Signal::parse)
            .filter(|s| s.number() < signal::RTMIN && !text.iter().any(u8::is_ascii_lowercase)),
    };
    signal.map_or_else(|| usage(INVALID_SIGNAL, text), Ok)
}

/// `FROM:TO`; a TO of `0` drops FROM.
fn parse_rewrite(text: &[u8]) -> Result<(Signal, Option<Signal>), UsageError<'_>> {
    let Some(colon) = text.iter().position(|&b| b == b':') else {
        return usage("invalid rewrite, expected FROM:TO", text);
    };
    let (from, to) = (&text[..colon], &text[colon + 1..]);
    let from = parse_signal(from, SignalSyntax::Any)?;
    if !from.catchable() || from == Signal::CHLD {
        return usage("cannot rewrite", text);
    }
    let to = match to {
        b"0" => None,
        _ => Some(parse_signal(to, SignalSyntax::Any)?),
    };
    Ok((from, to))
}

/// dumb-init's `s:r`, as its `sscanf(arg, "%d:%d")` reads it: blanks and a
/// sign before each number, anything after the second; `s` from 1 to 31,
/// `r` from 0 (drop) to 31.
fn parse_numeric_rewrite(text: &[u8]) -> Result<(Signal, Option<Signal>), UsageError<'_>> {
    const MAXSIG: i64 = 31;
    let parsed = scan_int(text).and_then(|(from, rest)| {
        let (to, _) = scan_int(rest.strip_prefix(b":")?)?;
        let from = Signal::new(
            u32::try_from(from)
                .ok()
                .filter(|&n| i64::from(n) <= MAXSIG)?,
        )?;
        (0..=MAXSIG)
            .contains(&to)
            .then(|| (from, Signal::new(to as u32)))
    });
    parsed.map_or_else(|| usage(BAD_SIGNUM_REWRITE, text), Ok)
}

/// A `%d` conversion: blanks, an optional sign, digits; the number (kept
/// within bounds) and what follows it.
fn scan_int(text: &[u8]) -> Option<(i64, &[u8])> {
    let text = text.trim_ascii_start();
    let (negative, text) = match text {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, text),
    };
    let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let n = text[..digits]
        .iter()
        .fold(0i64, |n, d| (n * 10 + i64::from(d - b'0')).min(1 << 40));
    Some((if negative { -n } else { n }, &text[digits..]))
}

/// C's atoi on what tini users write: leading digits, else 0.
fn atoi_u8(text: &[u8]) -> u8 {
    let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
    decimal::parse(&text[..digits.min(3)]).map_or(0, |n| n.min(255) as u8)
}

/// The rewrite table with `signals` dropped, for the defaults.
pub const fn dropping(mut rewrite: Rewrite, signals: &[Signal]) -> Rewrite {
    let mut i = 0;
    while i < signals.len() {
        rewrite = rewrite.with(signals[i], None);
        i += 1;
    }
    rewrite
}

/// Parses string arguments and environment, for the tests of every
/// personality.
#[cfg(test)]
pub(crate) fn parse_as<'a>(
    personality: &Personality,
    args: &'a [&'a str],
    env: &'a [(&'a str, &'a str)],
) -> Result<Request, UsageError<'a>> {
    personality.parse(args.iter().map(|a| a.as_bytes()), |name| {
        env.iter()
            .find(|(k, _)| k.as_bytes() == name)
            .map(|(_, v)| v.as_bytes())
    })
}

/// The settings a command line gives, or a panic naming what it gave.
#[cfg(test)]
pub(crate) fn config_of(
    personality: &Personality,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Config, Option<usize>) {
    match parse_as(personality, args, env) {
        Ok(Request::Supervise { config, command }) => (config, command),
        other => panic!("{args:?} gave {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::getopt::permute;
    use std::vec::Vec;

    fn permuted(args: &[&'static str], personality: &Personality) -> Vec<&'static str> {
        let mut args = args.to_vec();
        permute(&mut args, str::as_bytes, personality.options);
        args
    }

    #[test]
    fn names_pick_personalities() {
        let name = |path: &str| from_name(basename(path.as_bytes())).name;
        assert_eq!(name("/sbin/docker-init"), "docker-init");
        assert_eq!(name("tini"), "tini");
        assert_eq!(name("/usr/bin/tini-static"), "tini");
        assert_eq!(name("dumb-init"), "dumb-init");
        assert_eq!(name("/run/podman-init"), "podman-init");
        assert_eq!(name("catatonit"), "catatonit");
        assert_eq!(name("/pidone"), "pidone");
        assert_eq!(name("tini/"), "pidone");
        assert_eq!(name(""), "pidone");
    }

    #[test]
    fn permutation_moves_options_before_the_command() {
        assert_eq!(permuted(&["cmd", "-v", "arg"], &TINI), ["-v", "cmd", "arg"]);
        assert_eq!(
            permuted(&["cmd", "-p", "SIGTERM", "x"], &TINI),
            ["-p", "SIGTERM", "cmd", "x"]
        );
        assert_eq!(
            permuted(&["cmd", "-vp", "SIGTERM"], &TINI),
            ["-vp", "SIGTERM", "cmd"]
        );
        assert_eq!(
            permuted(&["cmd", "-pSIGTERM", "x"], &TINI),
            ["-pSIGTERM", "cmd", "x"]
        );
        assert_eq!(permuted(&["-s", "cmd", "-g"], &TINI), ["-s", "-g", "cmd"]);
    }

    #[test]
    fn permutation_stops_at_double_dash() {
        // tini's documented form: PROGRAM -- ARGS
        assert_eq!(
            permuted(&["prog", "--", "-v", "x"], &TINI),
            ["--", "prog", "-v", "x"]
        );
        assert_eq!(
            permuted(&["-s", "prog", "-g", "--", "-l"], &TINI),
            ["-s", "-g", "--", "prog", "-l"]
        );
        assert_eq!(permuted(&["--", "prog", "-v"], &TINI), ["--", "prog", "-v"]);
    }

    #[test]
    fn permutation_keeps_a_lone_dash_and_a_trailing_option() {
        assert_eq!(permuted(&["-", "x"], &TINI), ["-", "x"]);
        assert_eq!(permuted(&["cmd", "-p"], &TINI), ["-p", "cmd"]);
        assert_eq!(permuted(&[], &TINI), Vec::<&str>::new());
    }

    #[test]
    fn engines_inits_shut_down_gracefully_unless_told_otherwise() {
        for (engine, peer) in [(&DOCKER_INIT, &TINI), (&PODMAN_INIT, &CATATONIT)] {
            let (c, _) = config_of(engine, &["cmd"], &[]);
            assert_eq!(c.after_command, AfterCommand::ShutDown, "{}", engine.name);
            assert_eq!(c.grace, Duration::from_secs(5));
            assert!(matches!(c.subreaper, Subreaper::Auto | Subreaper::Required));
            let (c, _) = config_of(engine, &["cmd"], &[("PIDONE_GRACE", "0")]);
            let (p, _) = config_of(peer, &["cmd"], &[]);
            assert_eq!(
                (c.after_command, c.subreaper),
                (p.after_command, p.subreaper),
                "{}",
                engine.name
            );
            let (c, _) = config_of(engine, &["cmd"], &[("PIDONE_GRACE", "8s")]);
            assert_eq!(c.grace, Duration::from_secs(8));
        }
    }

    #[test]
    fn grace_is_bounded_by_its_value() {
        for ok in ["1000000s", "1000000", "16666m", "277h", "1000000000ms"] {
            assert!(parse_grace(ok.as_bytes(), true).is_ok(), "{ok}");
        }
        for over in ["1000001", "16667m", "278h", "1000000001ms", "999999999h"] {
            assert_eq!(
                parse_grace(over.as_bytes(), true).map_err(|e| e.problem),
                Err("invalid --grace (1000000s at most)"),
                "{over}"
            );
        }
    }

    #[test]
    fn numeric_rewrites_read_as_sscanf_does() {
        let ok = |t: &'static str| {
            parse_numeric_rewrite(t.as_bytes())
                .map(|(from, to)| (from.number(), to.map(Signal::number)))
                .map_err(|e| e.problem)
        };
        assert_eq!(ok("15:2"), Ok((15, Some(2))));
        assert_eq!(ok("1:2:3"), Ok((1, Some(2))));
        assert_eq!(ok(" +15: 2x"), Ok((15, Some(2))));
        assert_eq!(ok("20:0"), Ok((20, None)));
        for bad in [
            "TERM:INT", "15", "32:1", "1:32", "0:1", ":", "15:-1", "15 :2", "-1:2",
        ] {
            assert!(ok(bad).is_err(), "{bad}");
        }
    }
}
