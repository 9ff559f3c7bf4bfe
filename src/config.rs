//! What pidone is asked to do: the settings every personality's command
//! line is turned into, and that the supervisor follows.

use core::time::Duration;

use crate::message::Wording;
use crate::signal::{Rewrite, Signal};
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
    /// Do not register; `warn`: say so, in the personality's words, when
    /// not PID 1 (tini).
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
    /// dumb-init: the command starts with no signal blocked or ignored,
    /// whatever pidone was given; the others pass on what they were given.
    pub reset_signals: bool,
    pub pdeathsig: Option<Signal>,
    /// 0 quiet, 1 warnings (default), 2 info, 3 debug.
    pub verbosity: u8,
    pub log_zombies: bool,
    /// The personality's words for what pidone says.
    pub wording: Wording,
    /// Debug output, or dumb-init's single-child mode, came from a
    /// variable rather than an option: dumb-init says so first thing.
    pub debug_by_environment: bool,
    pub single_child_by_environment: bool,
}

pub const DEFAULT_GRACE: Duration = Duration::from_secs(5);

/// pidone's own defaults, which each personality starts from.
pub const DEFAULT: Config = Config {
    forward_to: ForwardTo::Child,
    rewrite: Rewrite::IDENTITY,
    remap: Remap::NONE,
    grace: DEFAULT_GRACE,
    after_command: AfterCommand::ShutDown,
    subreaper: Subreaper::Auto,
    isolation: Isolation::Group,
    exec_codes: ExecCodes::Shell,
    suspend_with_command: false,
    close_inherited: false,
    reset_signals: false,
    pdeathsig: None,
    verbosity: 1,
    log_zombies: false,
    wording: Wording::PIDONE,
    debug_by_environment: false,
    single_child_by_environment: false,
};

impl Default for Config {
    fn default() -> Self {
        DEFAULT
    }
}
