//! The main loop: wait for something to happen, let the shutdown state
//! machine decide, carry out what it says.

use core::time::Duration;

use rustix::io::Errno;
use rustix::process::{
    Pid, child_subreaper, getppid, kill_process, kill_process_group, set_child_subreaper,
    set_parent_process_death_signal,
};
use rustix::time::Timespec;

use crate::args::Args;
use crate::config::{AfterCommand, Config, ForwardTo, Isolation, Subreaper};
use crate::message::{self, Arg, Line, Say, fail};
use crate::process_tree::ProcessTree;
use crate::reaper::reap_all;
use crate::shutdown::{Action, Event, Phase, Shutdown};
use crate::signal::Signal;
use crate::sigwait::{self, Deadline, Inherited, Wake};
use crate::spawn;
use crate::status::ExitStatus;

/// How often pidone looks whether processes that entered the namespace are
/// gone, where the kernel cannot tell it (no pidfd, no watcher).
const STRANGER_POLL: Duration = Duration::from_millis(200);

struct Supervisor<'a> {
    config: &'a Config,
    tree: ProcessTree,
    /// The command's pid while it runs; `None` once reaped (its pid may then
    /// belong to someone else) or with `--pause`.
    command: Option<Pid>,
    /// The command's process group, while it may still hold pidone's own
    /// processes; see `group`.
    group: Option<Pid>,
    /// The command was reaped in this round of work: its group cannot have
    /// been emptied and handed to a stranger yet.
    just_reaped: bool,
    status: Option<ExitStatus>,
    shutdown: Shutdown,
    deadline: Option<Deadline>,
    named_survivors: bool,
    /// A SIGTERM has been forwarded to everyone (`--forward-to all`): a
    /// second one from the shutdown could cut their clean-up short.
    term_sent: bool,
    /// Right after pidone signalled everyone: nobody may be left to send a
    /// SIGCHLD, so the next event is a reaping round, without waiting.
    reap_next: bool,
    strangers: Strangers,
}

/// How pidone learns that processes which entered the namespace are gone.
#[derive(PartialEq, Eq)]
enum Strangers {
    /// Nobody to watch.
    Unwatched,
    /// A watcher child waits on one through a pidfd, and exits with it.
    Watcher(Pid),
    /// Without pidfds or a watcher: a look every `STRANGER_POLL` while they
    /// are all pidone waits for (`polling`).
    Polled { polling: bool },
}

/// Runs the command at argument `command` (or none, with `--pause`) until
/// it and every process pidone is responsible for are gone; returns the
/// exit code.
pub fn run(config: &Config, args: &Args, command: Option<usize>, inherited: &Inherited) -> u8 {
    for (by_environment, what) in [
        (config.debug_by_environment, Say::DebugByEnvironment),
        (
            config.single_child_by_environment,
            Say::SingleChildByEnvironment,
        ),
    ] {
        if by_environment {
            config.wording.say(config.verbosity, what, &[]);
        }
    }
    let tree = ProcessTree::new();
    if !tree.is_pid1() {
        if let Err(code) = register_subreaper(config, tree.me()) {
            return code;
        }
    }
    let orphaned = match config.pdeathsig.map(watch_parent) {
        Some(Err(e)) => return fail(b"cannot set the parent-death signal: ", e),
        Some(Ok(orphaned)) => orphaned,
        None => None,
    };
    if config.isolation == Isolation::Session && command.is_some() {
        // The command's new session takes the terminal over from pidone.
        spawn::release_terminal(config);
    }
    let child = match command.map(|index| spawn::spawn(args, index, config, inherited)) {
        None => None,
        Some(Ok(pid)) => Some(pid),
        Some(Err(e)) => return fail(b"cannot start the command: fork: ", e),
    };
    spawn::release_inherited(config.close_inherited);
    if let (Some(pid), Some(index)) = (child, command) {
        let name = args.get(index).map_or(&b""[..], |n| n.to_bytes());
        let said = [Arg::Number(pid_number(pid)), Arg::Bytes(name)];
        if !config.wording.say(config.verbosity, Say::Spawned, &said) {
            Line::new()
                .text(b"started ")
                .number(pid_number(pid))
                .log(config.verbosity, message::INFO);
        }
    }
    let mut supervisor = Supervisor {
        config,
        tree,
        command: child,
        group: child,
        just_reaped: false,
        status: None,
        shutdown: Shutdown::new(config.grace, config.after_command, child.is_none()),
        deadline: None,
        named_survivors: false,
        // Setting SIGCHLD's action at start-up discarded a pending one: a
        // child that exited before then is reaped in the first round.
        reap_next: true,
        term_sent: false,
        strangers: Strangers::Unwatched,
    };
    if let Some(signal) = orphaned {
        let action = supervisor.received(signal);
        if let Some(code) = supervisor.act(action) {
            return code;
        }
    }
    supervisor.run()
}

/// Becomes a child subreaper, as the personality wants it; `Err` holds the
/// exit code when pidone cannot go on without it.
fn register_subreaper(config: &Config, me: Pid) -> Result<(), u8> {
    let verbosity = config.verbosity;
    match config.subreaper {
        Subreaper::Off { warn } => {
            // The attribute survives exec: a parent may have set it for us.
            if warn && !matches!(child_subreaper(), Ok(Some(_))) {
                config.wording.say(verbosity, Say::NotSubreaper, &[]);
            }
            Ok(())
        }
        // Orphans of our descendants come to us instead of to whoever
        // started pidone, so they are reaped and shut down with the rest.
        Subreaper::Auto | Subreaper::Required => match set_child_subreaper(Some(me)) {
            Ok(()) => {
                config.wording.say(verbosity, Say::Subreaper, &[]);
                Ok(())
            }
            // An error, not a warning: pidone gives up.
            Err(e) if config.subreaper == Subreaper::Required => {
                Err(fail(b"cannot become a child subreaper: ", e))
            }
            Err(e) => {
                Line::new()
                    .text(b"cannot become a child subreaper: ")
                    .errno(e)
                    .log(verbosity, message::WARN);
                Ok(())
            }
        },
    }
}

/// Asks for `signal` when the parent dies. Returns it at once if the parent
/// died before the request took effect, since then it never comes.
fn watch_parent(signal: Signal) -> rustix::io::Result<Option<Signal>> {
    let parent = getppid();
    set_parent_process_death_signal(Some(signal.to_rustix()))?;
    Ok((getppid() != parent).then_some(signal))
}

/// Says that child `pid` was reaped, then that it was the command or, with
/// `-w`, a zombie, in the personality's words if it has them (tini has both
/// lines).
fn say_reaped(config: &Config, pid: Pid, status: ExitStatus, command: bool) -> bool {
    let (killed, n) = match status {
        ExitStatus::Exited(code) => (false, code),
        ExitStatus::Killed(signal) => (true, signal.number()),
    };
    let pick = |exited, signalled| if killed { signalled } else { exited };
    let args = [Arg::Number(pid_number(pid)), Arg::Number(n.into())];
    let say = |what| config.wording.say(config.verbosity, what, &args);
    let reaped = if command {
        say(pick(Say::CommandReapedExited, Say::CommandReapedKilled))
    } else {
        say(pick(Say::ReapedExited, Say::ReapedKilled))
    };
    let then = if command {
        say(pick(Say::CommandExited, Say::CommandKilled))
    } else {
        config.log_zombies && say(Say::ReapedZombie)
    };
    reaped | then
}

impl Supervisor<'_> {
    /// Says `what` in the personality's words, if it has words for it.
    fn say(&self, what: Say, args: &[Arg<'_>]) -> bool {
        self.config.wording.say(self.config.verbosity, what, args)
    }

    /// Arrival, decision, action, until the decision is to exit.
    fn run(mut self) -> u8 {
        loop {
            let action = if self.reap_next {
                self.reap_next = false;
                let event = self.reap();
                self.shutdown.on(event)
            } else {
                self.just_reaped = false;
                match sigwait::next(self.wait_for(), self.tree.me()) {
                    Ok(Wake::Timeout) => self.timeout(),
                    Ok(Wake::Signal { signal, from_self }) => {
                        let number = [Arg::Number(signal.number().into())];
                        let chld = signal == Signal::CHLD;
                        let what = if chld {
                            Say::ReceivedChld
                        } else {
                            Say::Received
                        };
                        self.say(what, &number);
                        if chld {
                            let event = self.reap();
                            self.shutdown.on(event)
                        } else if from_self {
                            self.say(Say::HandOff, &number);
                            Action::Nothing
                        } else {
                            self.received(signal)
                        }
                    }
                    Err(e) => return fail(b"cannot wait for signals: ", e),
                }
            };
            if let Some(code) = self.act(action) {
                return code;
            }
        }
    }

    /// How long to wait for a signal at most: until the grace deadline,
    /// or less while strangers are polled for.
    fn wait_for(&self) -> Option<Timespec> {
        let left = self
            .deadline
            .as_ref()
            .map(|d| d.left().unwrap_or(Timespec::default()));
        if self.strangers != (Strangers::Polled { polling: true }) {
            return left;
        }
        let poll = Timespec::try_from(STRANGER_POLL).unwrap_or_default();
        Some(left.map_or(poll, |left| left.min(poll)))
    }

    fn timeout(&mut self) -> Action {
        match &self.deadline {
            Some(deadline) if deadline.left().is_none() => {
                self.deadline = None;
                self.shutdown.on(Event::GraceExpired)
            }
            // A poll for strangers.
            _ => {
                let event = self.reap();
                self.shutdown.on(event)
            }
        }
    }

    /// A signal for the command: rewrite it, let the state machine see a
    /// stop request, forward it.
    fn received(&mut self, signal: Signal) -> Action {
        let rewritten = self.translate(signal);
        let action = match rewritten {
            Some(s) if s.asks_to_stop() => self.shutdown.on(Event::StopRequested),
            _ => Action::Nothing,
        };
        // A request that starts the shutdown (paused, or after the command
        // with --wait) sends its SIGTERM to everyone: forwarding the same
        // SIGTERM would signal them twice.
        let term = rewritten == Some(Signal::TERM);
        let twice = action != Action::Nothing && term;
        if let Some(rewritten) = rewritten.filter(|_| !twice) {
            self.forward(rewritten);
        }
        // And the other way round: a SIGTERM forwarded to everyone while the
        // command runs is the shutdown's SIGTERM already.
        self.term_sent |= term && self.config.forward_to == ForwardTo::All;
        if self.config.suspend_with_command && signal.is_job_control() {
            // dumb-init's job control: stop along with the command, so the
            // shell that started pidone sees the job stop.
            self.say(Say::Suspending, &[]);
            let _ = kill_process(self.tree.me(), Signal::STOP.to_rustix());
        }
        action
    }

    /// `signal` after `-r`, saying so where the personality does.
    fn translate(&self, signal: Signal) -> Option<Signal> {
        let rewritten = self.config.rewrite.apply(signal);
        if rewritten != Some(signal) {
            let to = rewritten.map_or(0, Signal::number);
            let args = [Arg::Number(signal.number().into()), Arg::Number(to.into())];
            self.say(Say::Translated, &args);
            if to == 0 {
                self.say(Say::Dropped, &[]);
            }
        }
        rewritten
    }

    /// Carries out what the state machine decided; `Some` exit code to end.
    fn act(&mut self, action: Action) -> Option<u8> {
        match action {
            Action::Nothing => {}
            Action::Exit => {
                if self.config.after_command == AfterCommand::TermThenExit {
                    // dumb-init's goodbye to the command's group.
                    if let Some(term) = self.translate(Signal::TERM) {
                        self.forward(term);
                    }
                }
                let code = self.status.map_or(0, |s| self.config.remap.apply(s.code()));
                self.say(Say::Goodbye, &[Arg::Number(code.into())]);
                return Some(code);
            }
            Action::Terminate(grace) => {
                Line::new()
                    .text(b"sending SIGTERM to the remaining processes")
                    .log(self.config.verbosity, message::INFO);
                if !self.term_sent {
                    self.signal_all(Signal::TERM);
                }
                // Stopped processes must wake up to handle the SIGTERM.
                self.signal_all(Signal::CONT);
                let (deadline, coarse) = Deadline::after(grace);
                if let Some(e) = coarse {
                    Line::new()
                        .text(b"cannot set a timer, timing the grace period to the second: ")
                        .errno(e)
                        .to_stderr();
                }
                self.deadline = Some(deadline);
                self.reap_next = true;
            }
            Action::Kill => {
                // Its descriptor may be the one the search for survivors
                // needs.
                self.deadline = None;
                self.kill_survivors();
                self.reap_next = true;
            }
        }
        None
    }

    fn forward(&mut self, signal: Signal) {
        let said = self.say(Say::Forwarded, &[Arg::Number(signal.number().into())]);
        let result = match (self.config.forward_to, self.command) {
            (ForwardTo::Child, Some(pid)) => kill_process(pid, signal.to_rustix()),
            (ForwardTo::Group, _) => match self.group() {
                Some(group) => kill_process_group(group, signal.to_rustix()),
                None => return,
            },
            (ForwardTo::All, _) => self.tree_signal(signal),
            // Nobody left to forward to: the command has exited.
            (ForwardTo::Child, None) => return,
        };
        let verbosity = self.config.verbosity;
        match result {
            Ok(()) | Err(Errno::SRCH) if said => {}
            Ok(()) | Err(Errno::SRCH) => Line::new()
                .text(b"forwarded ")
                .signal(signal)
                .log(verbosity, message::INFO),
            Err(e) => Line::new()
                .text(b"cannot forward ")
                .signal(signal)
                .text(b": ")
                .errno(e)
                .log(verbosity, message::WARN),
        }
    }

    /// The command's process group, while pidone can tell that it is still
    /// the command's: while the command lives, right after it is reaped,
    /// and then while `/proc` shows one of pidone's descendants in it.
    /// After that its number may go to a stranger's group, and it is never
    /// used again.
    fn group(&mut self) -> Option<Pid> {
        let group = self.group?;
        if !self.group_known() && !self.tree.owns_group(group) {
            self.group = None;
        }
        self.group
    }

    fn group_known(&self) -> bool {
        self.command.is_some() || self.just_reaped
    }

    /// Signals everyone pidone is responsible for (see `ProcessTree`).
    fn tree_signal(&mut self, signal: Signal) -> rustix::io::Result<()> {
        let known = self.group_known();
        let in_group = self.tree.signal_all(signal, self.group, known)?;
        if !in_group && !known {
            self.group = None;
        }
        Ok(())
    }

    fn signal_all(&mut self, signal: Signal) {
        if let Err(e) = self.tree_signal(signal) {
            Line::new()
                .text(b"cannot send ")
                .signal(signal)
                .text(b" to the remaining processes: ")
                .errno(e)
                .to_stderr();
        }
    }

    /// Collects every exited child, and tells the state machine.
    fn reap(&mut self) -> Event {
        let config = self.config;
        let verbosity = config.verbosity;
        let level = if config.log_zombies {
            message::WARN
        } else {
            message::DEBUG
        };
        let mut watcher_ended = None;
        let watcher = match self.strangers {
            Strangers::Watcher(pid) => Some(pid),
            _ => None,
        };
        let round = reap_all(self.command, |pid, status| {
            if Some(pid) == watcher {
                watcher_ended = Some(status);
                return;
            }
            if say_reaped(config, pid, status, false) {
                return;
            }
            Line::new()
                .text(b"reaped zombie ")
                .number(pid_number(pid))
                .text(b" (")
                .status(status)
                .text(b")")
                .log(verbosity, level);
        });
        if let Some(status) = round.command {
            let said = self
                .command
                .is_some_and(|pid| say_reaped(self.config, pid, status, true));
            if !said {
                Line::new()
                    .text(b"command ended: ")
                    .status(status)
                    .log(verbosity, message::INFO);
            }
            self.status = Some(status);
            self.command = None;
            self.just_reaped = true;
        }
        if round.all_gone {
            self.say(Say::NoChildren, &[]);
        } else if round.reaped_any {
            self.say(Say::ChildrenLeft, &[]);
        }
        if let Some(status) = watcher_ended {
            self.watcher_ended(status);
        }
        let command_exited = round.command.is_some();
        Event::Reaped {
            command_exited,
            reaped_any: round.reaped_any,
            all_gone: round.all_gone && !self.strangers_remain(command_exited),
        }
    }

    /// With no child left, as PID 1: whether processes that entered the
    /// namespace from outside remain. While pidone waits for them, a
    /// watcher child (or a poll) turns the end of each into a wake-up.
    fn strangers_remain(&mut self, command_exited: bool) -> bool {
        let running = self.shutdown.phase() == Phase::Running;
        // While the command runs (or, paused, until a stop request) nobody
        // is waited for yet; and peers that exit with the command wait for
        // nobody: spare them the look.
        let exits_at_once = matches!(
            self.config.after_command,
            AfterCommand::Exit | AfterCommand::TermThenExit
        );
        if running && (!command_exited || exits_at_once) {
            return false;
        }
        let Some(stranger) = self.tree.stranger() else {
            if let Strangers::Polled { .. } = self.strangers {
                self.strangers = Strangers::Polled { polling: false };
            }
            return false;
        };
        match self.strangers {
            Strangers::Watcher(_) => {}
            Strangers::Polled { .. } => self.strangers = Strangers::Polled { polling: true },
            Strangers::Unwatched => match spawn::watcher(stranger) {
                Ok(pid) => self.strangers = Strangers::Watcher(pid),
                Err(e) => self.poll_strangers(b"fork: ", e),
            },
        }
        true
    }

    /// The watcher exits 0 when its process is gone, or with the errno of
    /// a `pidfd_open` that failed.
    fn watcher_ended(&mut self, status: ExitStatus) {
        self.strangers = Strangers::Unwatched;
        if let ExitStatus::Exited(code @ 1..) = status {
            let e = Errno::from_raw_os_error(code.into());
            if e != Errno::SRCH {
                self.poll_strangers(b"pidfd_open: ", e);
            }
        }
    }

    /// Falls back to polling for good, and says so once.
    fn poll_strangers(&mut self, what: &[u8], e: Errno) {
        self.strangers = Strangers::Polled { polling: true };
        Line::new()
            .text(b"cannot watch processes that entered the namespace (")
            .text(what)
            .errno(e)
            .text(b"): looking for them every 200ms instead")
            .log(self.config.verbosity, message::WARN);
    }

    /// SIGKILLs everyone left. The first time, names each one: they are
    /// what the grace period was not long enough for.
    fn kill_survivors(&mut self) {
        if !self.named_survivors {
            self.named_survivors = true;
            let verbosity = self.config.verbosity;
            let watcher = match self.strangers {
                Strangers::Watcher(pid) => Some(pid),
                _ => None,
            };
            let named = self.tree.each(&mut |pid, stat| {
                if Some(pid) != watcher && kill_process(pid, Signal::KILL.to_rustix()).is_ok() {
                    Line::new()
                        .text(b"grace period over: killed ")
                        .number(pid_number(pid))
                        .text(b" (")
                        .text(stat.comm())
                        .text(b")")
                        .log(verbosity, message::WARN);
                }
            });
            match named {
                Ok(()) => {}
                Err(Errno::NOENT) => Line::new()
                    .text(b"grace period over: killing the remaining processes (no /proc to name them)")
                    .log(verbosity, message::WARN),
                Err(e) => Line::new()
                    .text(b"grace period over: killing the remaining processes (cannot read /proc to name them: ")
                    .errno(e)
                    .text(b")")
                    .log(verbosity, message::WARN),
            }
        }
        self.signal_all(Signal::KILL);
    }
}

fn pid_number(pid: Pid) -> u64 {
    pid.as_raw_nonzero().get().unsigned_abs().into()
}
