//! The command line and the `PIDONE_*` environment, turned into a `Config`.
//!
//! Pure: arguments and variables come in as byte strings, so this is
//! unit-tested on the host and never allocates.

use core::time::Duration;

use crate::duration;
use crate::signal::{self, Rewrite, Signal};
use crate::status::Remap;

/// Where received signals go.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ForwardTo {
    /// The command's process.
    Child,
    /// The command's process group.
    Group,
    /// Every process pidone is responsible for.
    All,
}

/// What happens to the other processes when the command exits.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AfterCommand {
    /// SIGTERM to everyone left, the grace period, SIGKILL; pidone exits
    /// when nobody is left.
    ShutDown,
    /// `--wait`: they run until they exit on their own.
    Linger,
    /// tini and catatonit: pidone exits at once (as PID 1, the kernel then
    /// kills the rest).
    Exit,
    /// dumb-init: SIGTERM, rewritten and forwarded like a received one,
    /// then exit at once.
    TermThenExit,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Subreaper {
    /// Register unless PID 1; warn if the kernel refuses.
    Auto,
    /// Register unless PID 1; give up if the kernel refuses (catatonit,
    /// tini -s).
    Required,
    /// Do not register; `warn`: say so when not PID 1 (tini).
    Off { warn: bool },
}

/// How the command is set apart from pidone.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Isolation {
    /// Its own process group, and the terminal's foreground if any.
    Group,
    /// Its own session, with the terminal as its controlling terminal
    /// (dumb-init).
    Session,
    /// pidone's own process group (dumb-init's single-child mode).
    Shared,
}

/// The exit code when the command cannot be executed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ExecCodes {
    /// 127 not found, 126 anything else, as shells do.
    Shell,
    /// 127 for ENOENT, 126 for EACCES, 1 for anything else.
    Tini,
    Always(u8),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub forward_to: ForwardTo,
    pub rewrite: Rewrite,
    pub remap: Remap,
    pub grace: Duration,
    pub after_command: AfterCommand,
    pub subreaper: Subreaper,
    pub isolation: Isolation,
    pub exec_codes: ExecCodes,
    /// dumb-init: after forwarding SIGTSTP, SIGTTIN or SIGTTOU, stop too.
    pub suspend_with_command: bool,
    /// catatonit: close inherited descriptors above 2 once the command runs.
    pub close_inherited: bool,
    pub pdeathsig: Option<Signal>,
    /// 0 quiet, 1 warnings (default), 2 info, 3 debug.
    pub verbosity: u8,
    pub log_zombies: bool,
}

pub const DEFAULT_GRACE: Duration = Duration::from_secs(5);

impl Default for Config {
    fn default() -> Self {
        Config {
            forward_to: ForwardTo::Child,
            rewrite: Rewrite::default(),
            remap: Remap::default(),
            grace: DEFAULT_GRACE,
            after_command: AfterCommand::ShutDown,
            subreaper: Subreaper::Auto,
            isolation: Isolation::Group,
            exec_codes: ExecCodes::Shell,
            suspend_with_command: false,
            close_inherited: false,
            pdeathsig: None,
            verbosity: 1,
            log_zombies: false,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    /// Supervise the command that starts at this index of the arguments
    /// given to `parse`, or, with `None`, no command (`--pause`).
    Supervise {
        config: Config,
        command: Option<usize>,
    },
    /// Print this and exit 0.
    Show(Text),
}

/// Help, version or license text. A piece equal to `PROGRAM` stands for
/// the name pidone was called by, `INVOKED` for argv[0] as it was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text {
    pub pieces: &'static [&'static [u8]],
    pub to_stderr: bool,
}

pub const PROGRAM: &[u8] = b"\0program";
/// Stands for argv[0] as given.
pub const INVOKED: &[u8] = b"\0invoked";

/// `{problem} '{value}'`, followed by a pointer to the help.
#[derive(Debug, PartialEq, Eq)]
pub struct UsageError<'a> {
    pub problem: &'static str,
    pub value: &'a [u8],
}

pub fn usage<'a, T>(problem: &'static str, value: &'a [u8]) -> Result<T, UsageError<'a>> {
    Err(UsageError { problem, value })
}

/// Options as getopt reads them: `-abc` clusters, `-pVALUE` or `-p VALUE`,
/// `--name=VALUE` or `--name VALUE`, `--` ends them, and so does the first
/// argument that is not an option (the command).
pub struct Getopt<'a, I> {
    args: core::iter::Enumerate<I>,
    takes_value: fn(&[u8]) -> bool,
    cluster: Cluster<'a>,
    /// The argument the current option came from, for error messages.
    arg: &'a [u8],
    command: Option<(usize, &'a [u8])>,
}

/// One option: its name (without dashes), its value if it takes one, and
/// the whole argument it came from.
pub type Opt<'a> = (&'a [u8], Option<&'a [u8]>, &'a [u8]);

impl<'a, I: Iterator<Item = &'a [u8]>> Getopt<'a, I> {
    pub fn new(args: I, takes_value: fn(&[u8]) -> bool) -> Self {
        Getopt {
            args: args.enumerate(),
            takes_value,
            cluster: Cluster::Done,
            arg: b"",
            command: None,
        }
    }

    /// Where the command starts, and its name, once options are over.
    pub fn command(&self) -> Option<(usize, &'a [u8])> {
        self.command
    }
}

impl<'a, I: Iterator<Item = &'a [u8]>> Iterator for Getopt<'a, I> {
    type Item = Result<Opt<'a>, UsageError<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        let (name, attached, long) = loop {
            if let Some(option) = self.cluster.next_option(self.takes_value) {
                break option;
            }
            let (index, arg) = self.args.next()?;
            self.arg = arg;
            self.cluster = match arg {
                b"--" => {
                    self.command = self.args.next();
                    return None;
                }
                [b'-', b'-', long @ ..] => Cluster::Long(long),
                [b'-', short @ ..] if !short.is_empty() => Cluster::Short(short),
                _ => {
                    self.command = Some((index, arg));
                    return None;
                }
            };
        };
        let value = match (attached, (self.takes_value)(name)) {
            (None, true) => match self.args.next() {
                Some((_, value)) => Some(value),
                None => return Some(usage("missing value for", name)),
            },
            (Some(_), false) if long => return Some(usage("unexpected value in", self.arg)),
            (value, _) => value,
        };
        Some(Ok((name, value, self.arg)))
    }
}

/// An option in a cluster: name, attached value, and whether it was long.
type ClusterOpt<'a> = (&'a [u8], Option<&'a [u8]>, bool);

/// The rest of one argument that starts with `-`.
enum Cluster<'a> {
    Short(&'a [u8]),
    Long(&'a [u8]),
    Done,
}

impl<'a> Cluster<'a> {
    /// The next option as (name, attached value, long?).
    fn next_option(&mut self, takes_value: fn(&[u8]) -> bool) -> Option<ClusterOpt<'a>> {
        match core::mem::replace(self, Cluster::Done) {
            Cluster::Done => None,
            Cluster::Long(text) => Some(match text.iter().position(|&b| b == b'=') {
                Some(eq) => (&text[..eq], Some(&text[eq + 1..]), true),
                None => (text, None, true),
            }),
            Cluster::Short(text) => {
                let (name, rest) = text.split_at(1);
                if rest.is_empty() {
                    Some((name, None, false))
                } else if takes_value(name) {
                    Some((name, Some(rest), false))
                } else {
                    *self = Cluster::Short(rest);
                    Some((name, None, false))
                }
            }
        }
    }
}

/// pidone's own command line.
pub fn parse<'a>(
    args: impl IntoIterator<Item = &'a [u8]>,
    env: impl Fn(&[u8]) -> Option<&'a [u8]>,
) -> Result<Request, UsageError<'a>> {
    let mut config = Config::default();
    let (mut grace, mut forward_to, mut verbosity) = (None, None, None);
    let mut pause = false;
    let mut linger = false;
    let mut options = Getopt::new(args.into_iter(), takes_value);
    for option in options.by_ref() {
        let (name, value, arg) = option?;
        let value = value.unwrap_or_default();
        match name {
            // Registering is automatic unless pidone is PID 1, where it
            // changes nothing: accepted for tini's sake.
            b"s" | b"subreaper" => {}
            b"p" | b"pdeathsig" => config.pdeathsig = Some(parse_signal(value)?),
            b"forward-to" => forward_to = Some(parse_target(value, "invalid --forward-to")?),
            b"g" => forward_to = Some(ForwardTo::Group),
            b"r" | b"rewrite" => {
                let (from, to) = parse_rewrite(value)?;
                config.rewrite.set(from, to);
            }
            b"e" | b"remap-exit" => config.remap.insert(parse_code(value)?),
            b"grace" => grace = Some(parse_grace(value, "invalid --grace")?),
            b"wait" => linger = true,
            b"P" | b"pause" => pause = true,
            b"v" | b"verbose" => verbosity = Some(verbosity.unwrap_or(1u8).saturating_add(1)),
            b"q" | b"quiet" => verbosity = Some(0),
            b"w" => config.log_zombies = true,
            b"h" | b"help" => return Ok(Request::Show(HELP)),
            b"V" | b"version" => return Ok(Request::Show(VERSION)),
            b"l" | b"license" => return Ok(Request::Show(LICENSE)),
            _ => return usage("unknown option", arg),
        }
    }
    let command = check_command(pause, options.command())?;
    if linger {
        config.after_command = AfterCommand::Linger;
    }
    config.grace = match (grace, env(b"PIDONE_GRACE")) {
        (Some(g), _) => g,
        (None, Some(v)) => parse_grace(v, "invalid PIDONE_GRACE")?,
        (None, None) => DEFAULT_GRACE,
    };
    config.forward_to = match (forward_to, env(b"PIDONE_FORWARD_TO")) {
        (Some(t), _) => t,
        (None, Some(v)) => parse_target(v, "invalid PIDONE_FORWARD_TO")?,
        (None, None) => ForwardTo::Child,
    };
    config.verbosity = match (verbosity, env(b"PIDONE_VERBOSITY")) {
        (Some(n), _) => n,
        (None, Some(v)) => match signal::parse_number(v) {
            Some(n) => n.min(u8::MAX.into()) as u8,
            None => return usage("invalid PIDONE_VERBOSITY", v),
        },
        (None, None) => 1,
    };
    Ok(Request::Supervise { config, command })
}

pub fn takes_value(name: &[u8]) -> bool {
    const WITH_VALUE: [&[u8]; 8] = [
        b"p",
        b"r",
        b"e",
        b"pdeathsig",
        b"forward-to",
        b"rewrite",
        b"remap-exit",
        b"grace",
    ];
    WITH_VALUE.contains(&name)
}

/// A command is required, except in pause mode, where none is allowed.
pub fn check_command(
    pause: bool,
    command: Option<(usize, &[u8])>,
) -> Result<Option<usize>, UsageError<'_>> {
    match (pause, command) {
        (true, Some((_, name))) => usage("--pause takes no command, got", name),
        (false, None) => usage("missing command", b""),
        (_, command) => Ok(command.map(|(index, _)| index)),
    }
}

/// Under another program's name, `PIDONE_GRACE` still turns on pidone's
/// graceful shutdown, and `PIDONE_SUBREAPER` registration as subreaper.
/// The first needs the second: leftovers that are not pidone's
/// descendants once the command is gone cannot be shut down.
pub fn pidone_overrides<'a>(
    config: &mut Config,
    env: impl Fn(&[u8]) -> Option<&'a [u8]>,
) -> Result<(), UsageError<'a>> {
    if let Some(value) = env(b"PIDONE_GRACE") {
        config.grace = parse_grace(value, "invalid PIDONE_GRACE")?;
        config.after_command = AfterCommand::ShutDown;
    }
    let asked = config.after_command == AfterCommand::ShutDown
        || matches!(env(b"PIDONE_SUBREAPER"), Some(v) if !v.is_empty() && v != b"0");
    if asked && matches!(config.subreaper, Subreaper::Off { .. }) {
        config.subreaper = Subreaper::Auto;
    }
    Ok(())
}

pub fn parse_signal(text: &[u8]) -> Result<Signal, UsageError<'_>> {
    Signal::parse(text).map_or_else(|| usage("invalid signal", text), Ok)
}

fn parse_target<'a>(text: &'a [u8], problem: &'static str) -> Result<ForwardTo, UsageError<'a>> {
    match text {
        b"child" => Ok(ForwardTo::Child),
        b"group" => Ok(ForwardTo::Group),
        b"all" => Ok(ForwardTo::All),
        _ => usage(problem, text),
    }
}

fn parse_grace<'a>(text: &'a [u8], problem: &'static str) -> Result<Duration, UsageError<'a>> {
    duration::parse(text).map_or_else(|| usage(problem, text), Ok)
}

pub fn parse_code(text: &[u8]) -> Result<u8, UsageError<'_>> {
    match signal::parse_number(text) {
        Some(n) if n <= 255 => Ok(n as u8),
        _ => usage("invalid exit code", text),
    }
}

/// `FROM:TO`; a TO of `0` drops FROM.
fn parse_rewrite(text: &[u8]) -> Result<(Signal, Option<Signal>), UsageError<'_>> {
    let Some(colon) = text.iter().position(|&b| b == b':') else {
        return usage("invalid rewrite, expected FROM:TO", text);
    };
    let (from, to) = (&text[..colon], &text[colon + 1..]);
    let from = parse_signal(from)?;
    if !from.catchable() || from == Signal::CHLD {
        return usage("cannot rewrite", text);
    }
    let to = match to {
        b"0" => None,
        _ => Some(parse_signal(to)?),
    };
    Ok((from, to))
}

pub const HELP: Text = Text {
    pieces: &[b"\
Usage: pidone [OPTIONS] [--] COMMAND [ARG...]
       pidone --pause [OPTIONS]

Runs COMMAND as an init should: forwards signals to it, reaps every zombie,
and when it exits, sends SIGTERM to every process left, SIGKILLs those still
there after the grace period, and exits with COMMAND's status.

Options:
  -s, --subreaper          register as child subreaper (automatic unless PID 1)
  -p, --pdeathsig SIGNAL   signal to receive when pidone's parent dies
      --forward-to WHERE   where signals go: child (default), group, all
  -g                       same as --forward-to group
  -r, --rewrite FROM:TO    send TO instead of FROM (TO 0 drops it); repeatable
  -e, --remap-exit CODE    exit 0 when the command's status is CODE; repeatable
      --grace DURATION     time between SIGTERM and SIGKILL at shutdown
                           (250ms, 5s, 2m, 1h, bare seconds; default 5s)
      --wait               after the command exits, wait for the others to
                           exit on their own (a stop signal shuts them down)
  -P, --pause              run no command; reap until SIGINT, SIGTERM, SIGQUIT
  -v, --verbose            say more (repeatable); -q, --quiet: errors only
  -w                       log each adopted zombie that is reaped
  -h, --help               this help; -V, --version; -l, --license

Signals: TERM, SIGTERM, 15, RTMIN+3, RTMAX-1.
Environment: PIDONE_GRACE, PIDONE_FORWARD_TO, PIDONE_VERBOSITY (0-3),
PIDONE_SUBREAPER; a flag wins over its variable.
Exit status: COMMAND's; 128+N if it died of signal N; 2 usage error;
126 cannot execute; 127 not found.
"],
    to_stderr: false,
};

pub const VERSION: Text = Text {
    pieces: &[concat!("pidone ", env!("CARGO_PKG_VERSION"), "\n").as_bytes()],
    to_stderr: false,
};

pub const LICENSE: Text = Text {
    pieces: &[b"\
pidone is licensed under the MIT license or the Apache License 2.0, at your
option (SPDX: MIT OR Apache-2.0). Copyright the pidone authors.
The full texts are in LICENSE-MIT and LICENSE-APACHE in the source.
"],
    to_stderr: false,
};

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn parse_with<'a>(
        args: &'a [&'a str],
        env: &'a [(&'a str, &'a str)],
    ) -> Result<Request, UsageError<'a>> {
        crate::personality::parse_as(crate::personality::Personality::Pidone, args, env)
    }

    fn config(args: &[&str]) -> (Config, Option<usize>) {
        match parse_with(args, &[]) {
            Ok(Request::Supervise { config, command }) => (config, command),
            other => panic!("{args:?} gave {other:?}"),
        }
    }

    fn error<'a>(args: &'a [&'a str], env: &'a [(&'a str, &'a str)]) -> (&'static str, &'a str) {
        match parse_with(args, env) {
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
            parse_with(&["--pause"], &[]),
            Ok(Request::Supervise {
                config: Config::default(),
                command: None
            })
        );
        assert!(matches!(
            parse_with(&["-P", "-v"], &[]),
            Ok(Request::Supervise { command: None, .. })
        ));
    }

    #[test]
    fn help_version_license() {
        assert_eq!(parse_with(&["-h"], &[]), Ok(Request::Show(HELP)));
        assert_eq!(
            parse_with(&["--help", "--bogus"], &[]),
            Ok(Request::Show(HELP))
        );
        assert_eq!(parse_with(&["-V"], &[]), Ok(Request::Show(VERSION)));
        assert_eq!(parse_with(&["--version"], &[]), Ok(Request::Show(VERSION)));
        assert_eq!(parse_with(&["-l"], &[]), Ok(Request::Show(LICENSE)));
        assert_eq!(parse_with(&["--license"], &[]), Ok(Request::Show(LICENSE)));
    }

    #[test]
    fn environment_applies_unless_a_flag_says_otherwise() {
        let env = [
            ("PIDONE_GRACE", "2m"),
            ("PIDONE_FORWARD_TO", "group"),
            ("PIDONE_VERBOSITY", "3"),
            ("PIDONE_SUBREAPER", "1"),
        ];
        let Ok(Request::Supervise { config: c, .. }) = parse_with(&["x"], &env) else {
            panic!()
        };
        assert_eq!(c.grace, Duration::from_secs(120));
        assert_eq!(c.forward_to, ForwardTo::Group);
        assert_eq!(c.verbosity, 3);
        assert_eq!(c.subreaper, Subreaper::Auto);
        let Ok(Request::Supervise { config: c, .. }) =
            parse_with(&["--grace", "1", "--forward-to", "all", "-q", "x"], &env)
        else {
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
            (&["-x", "cmd"], ("unknown option", "-x")),
            (&["-vx", "cmd"], ("unknown option", "-vx")),
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
        assert!(parse_with(&["--grace", "1", "x"], &[("PIDONE_GRACE", "soon")]).is_ok());
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
                let _ = parse_with(&[a, b], &[]);
            }
        }
    }
}
