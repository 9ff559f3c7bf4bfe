//! The main loop: wait for a signal, forward it or reap, and let the
//! shutdown state machine say when to terminate, kill and exit.

use rustix::io::Errno;
use rustix::process::{
    Pid, getppid, kill_process, kill_process_group, set_child_subreaper,
    set_parent_process_death_signal,
};
use rustix::time::Timespec;

use crate::args::Args;
use crate::cli::{AfterCommand, Config, ForwardTo, Isolation, Subreaper};
use crate::family::Family;
use crate::out::{self, Line};
use crate::reap::reap;
use crate::shutdown::{Action, Event, Phase, Shutdown};
use crate::signal::Signal;
use crate::sigwait::{self, Wake};
use crate::spawn;
use crate::status::ExitStatus;

struct Supervisor<'a> {
    config: &'a Config,
    family: Family,
    /// The command's pid while it runs; `None` once reaped (its pid may then
    /// belong to someone else) or with `--pause`.
    command: Option<Pid>,
    /// The command's process group; it outlives the command.
    group: Option<Pid>,
    status: Option<ExitStatus>,
    shutdown: Shutdown,
    deadline: Option<Timespec>,
    named_survivors: bool,
    /// The child that waits for a process pidone did not start; see
    /// `strangers_remain`.
    watcher: Option<Pid>,
    /// Signals (as bits) to drop once each: the SIGHUP and SIGCONT the
    /// kernel sends when pidone hands its terminal to the command.
    swallow: u64,
}

/// Runs the command at argument `command` (or none, with `--pause`) until
/// it and every process pidone is responsible for are gone; returns the
/// exit code.
pub fn run(config: &Config, args: &Args, command: Option<usize>) -> u8 {
    sigwait::reset_dispositions();
    let family = Family::new();
    if !family.is_pid1() {
        if let Err(code) = register_subreaper(config, family.me()) {
            return code;
        }
    }
    let orphaned = match config.pdeathsig.map(watch_parent) {
        Some(Err(e)) => {
            Line::new()
                .text(b"cannot set the parent-death signal: ")
                .errno(e)
                .to_stderr();
            return 1;
        }
        Some(Ok(orphaned)) => orphaned,
        None => None,
    };
    // The command's new session takes the terminal over from pidone.
    let swallow =
        if config.isolation == Isolation::Session && command.is_some() && spawn::release_terminal()
        {
            bit(Signal::HUP) | bit(Signal::CONT)
        } else {
            0
        };
    let child =
        match command.map(|index| spawn::spawn(args, index, config.isolation, config.exec_codes)) {
            None => None,
            Some(Ok(pid)) => Some(pid),
            Some(Err(e)) => {
                Line::new()
                    .text(b"cannot start the command: fork: ")
                    .errno(e)
                    .to_stderr();
                return 1;
            }
        };
    spawn::release_inherited(config.close_inherited);
    if let Some(pid) = child {
        Line::new()
            .text(b"started ")
            .number(pid_number(pid))
            .log(config.verbosity, out::INFO);
    }
    let mut supervisor = Supervisor {
        config,
        family,
        command: child,
        group: child,
        status: None,
        shutdown: Shutdown::new(config.grace, config.after_command, child.is_none()),
        deadline: None,
        named_survivors: false,
        watcher: None,
        swallow,
    };
    if let Some(code) = orphaned.and_then(|signal| supervisor.received(signal)) {
        return code;
    }
    supervisor.run()
}

/// Becomes a child subreaper, as the personality wants it; `Err` holds the
/// exit code when pidone cannot go on without it.
fn register_subreaper(config: &Config, me: Pid) -> Result<(), u8> {
    let verbosity = config.verbosity;
    match config.subreaper {
        Subreaper::Off { warn } => {
            if warn {
                Line::new()
                    .text(b"not PID 1 and not a child subreaper: orphans will not be reaped here (use -s or TINI_SUBREAPER)")
                    .log(verbosity, out::WARN);
            }
            Ok(())
        }
        // Orphans of our descendants come to us instead of to whoever
        // started pidone, so they are reaped and shut down with the rest.
        Subreaper::Auto | Subreaper::Required => match set_child_subreaper(Some(me)) {
            Ok(()) => Ok(()),
            Err(e) => {
                let mut line = Line::new();
                line.text(b"cannot become a child subreaper: ").errno(e);
                if config.subreaper == Subreaper::Required {
                    // An error, not a warning: pidone gives up.
                    line.to_stderr();
                    Err(1)
                } else {
                    line.log(verbosity, out::WARN);
                    Ok(())
                }
            }
        },
    }
}

fn bit(signal: Signal) -> u64 {
    1 << (signal.number() - 1)
}

/// Asks for `signal` when the parent dies. Returns it at once if the parent
/// died before the request took effect, since then it never comes.
fn watch_parent(signal: Signal) -> rustix::io::Result<Option<Signal>> {
    let parent = getppid();
    set_parent_process_death_signal(Some(signal.to_rustix()))?;
    Ok((getppid() != parent).then_some(signal))
}

impl Supervisor<'_> {
    fn run(mut self) -> u8 {
        loop {
            let code = match sigwait::next(self.deadline, self.family.me()) {
                Ok(Wake::Timeout) => {
                    self.deadline = None;
                    self.handle(Event::GraceExpired)
                }
                Ok(Wake::Signal {
                    signal: Signal::CHLD,
                    ..
                }) => {
                    let event = self.reap();
                    self.handle(event)
                }
                Ok(Wake::Signal {
                    from_self: true, ..
                }) => None,
                Ok(Wake::Signal { signal, .. }) => self.received(signal),
                Err(e) => {
                    Line::new()
                        .text(b"cannot wait for signals: ")
                        .errno(e)
                        .to_stderr();
                    return 1;
                }
            };
            if let Some(code) = code {
                return code;
            }
        }
    }

    /// A signal for the command: rewrite it, forward it, and if it asks to
    /// stop, tell the state machine.
    fn received(&mut self, signal: Signal) -> Option<u8> {
        if self.swallow & bit(signal) != 0 {
            self.swallow &= !bit(signal);
            return None;
        }
        let mut rewritten = self.config.rewrite.apply(signal);
        if rewritten.is_some_and(Signal::asks_to_stop) {
            let before = self.shutdown.phase();
            if let Some(code) = self.handle(Event::StopRequested) {
                return Some(code);
            }
            // A request that started the shutdown (paused, or after the
            // command with --wait) has just sent its SIGTERM to everyone:
            // forwarding the same SIGTERM would signal them twice.
            if self.shutdown.phase() != before && rewritten == Some(Signal::TERM) {
                rewritten = None;
            }
        }
        if let Some(rewritten) = rewritten {
            self.forward(rewritten);
        }
        if self.config.suspend_with_command && signal.is_job_control() {
            // dumb-init's job control: stop along with the command, so the
            // shell that started pidone sees the job stop.
            let _ = kill_process(self.family.me(), Signal::STOP.to_rustix());
        }
        None
    }

    /// Feeds `event` to the state machine and carries out what it says,
    /// reaping after each step, until it says nothing more.
    fn handle(&mut self, mut event: Event) -> Option<u8> {
        loop {
            match self.shutdown.on(event) {
                Action::Nothing => return None,
                Action::Exit => {
                    if self.config.after_command == AfterCommand::TermThenExit {
                        // dumb-init's goodbye to the command's group.
                        if let Some(term) = self.config.rewrite.apply(Signal::TERM) {
                            self.forward(term);
                        }
                    }
                    return Some(self.exit_code());
                }
                Action::Terminate => {
                    Line::new()
                        .text(b"sending SIGTERM to the remaining processes")
                        .log(self.config.verbosity, out::INFO);
                    self.signal_all(Signal::TERM);
                    // Stopped processes must wake up to handle the SIGTERM.
                    self.signal_all(Signal::CONT);
                    self.deadline = Some(sigwait::after(sigwait::now(), self.config.grace));
                }
                Action::Kill => self.kill_survivors(),
            }
            event = self.reap();
        }
    }

    fn forward(&self, signal: Signal) {
        let verbosity = self.config.verbosity;
        let result = match (self.config.forward_to, self.command, self.group) {
            (ForwardTo::Child, Some(pid), _) => kill_process(pid, signal.to_rustix()),
            (ForwardTo::Group, _, Some(group)) => kill_process_group(group, signal.to_rustix()),
            (ForwardTo::All, _, _) => self.family.signal_all(signal, self.group),
            // Nobody left to forward to: the command has exited.
            _ => return,
        };
        match result {
            Ok(()) | Err(Errno::SRCH) => {
                Line::new()
                    .text(b"forwarded ")
                    .signal(signal)
                    .log(verbosity, out::INFO);
            }
            Err(e) => Line::new()
                .text(b"cannot forward ")
                .signal(signal)
                .text(b": ")
                .errno(e)
                .log(verbosity, out::WARN),
        }
    }

    fn reap(&mut self) -> Event {
        let verbosity = self.config.verbosity;
        let level = if self.config.log_zombies {
            out::WARN
        } else {
            out::DEBUG
        };
        let watcher = self.watcher;
        let mut watcher_ended = false;
        let round = reap(self.command, |pid, status| {
            if Some(pid) == watcher {
                watcher_ended = true;
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
            Line::new()
                .text(b"command ended: ")
                .status(status)
                .log(verbosity, out::INFO);
            self.status = Some(status);
            self.command = None;
        }
        if watcher_ended {
            self.watcher = None;
        }
        Event::Reaped {
            command_exited: round.command.is_some(),
            reaped_any: round.reaped_any,
            all_gone: round.all_gone && !self.strangers_remain(round.command.is_some()),
        }
    }

    /// With no child left, as PID 1: whether processes that entered the
    /// namespace from outside remain. While pidone waits for them to leave,
    /// a watcher child turns the end of one of them into a SIGCHLD.
    fn strangers_remain(&mut self, command_exited: bool) -> bool {
        let running = self.shutdown.phase() == Phase::Running;
        // While the command runs (or, paused, until a stop request) nobody
        // is waited for yet: spare every reaping round the look.
        if running && !command_exited {
            return false;
        }
        let Some(stranger) = self.family.stranger() else {
            return false;
        };
        if running {
            return true;
        }
        match spawn::watcher(stranger) {
            Ok(pid) => {
                self.watcher = Some(pid);
                true
            }
            Err(e) => {
                Line::new()
                    .text(b"cannot wait for processes that entered the namespace: fork: ")
                    .errno(e)
                    .to_stderr();
                false
            }
        }
    }

    fn signal_all(&self, signal: Signal) {
        if let Err(e) = self.family.signal_all(signal, self.group) {
            Line::new()
                .text(b"cannot send ")
                .signal(signal)
                .text(b" to the remaining processes: ")
                .errno(e)
                .to_stderr();
        }
    }

    /// SIGKILLs everyone left. The first time, names each one: they are
    /// what the grace period was not long enough for.
    fn kill_survivors(&mut self) {
        if !self.named_survivors {
            self.named_survivors = true;
            let verbosity = self.config.verbosity;
            let watcher = self.watcher;
            let named = self.family.each(|pid, stat| {
                if Some(pid) != watcher && kill_process(pid, Signal::KILL.to_rustix()).is_ok() {
                    Line::new()
                        .text(b"grace period over: killed ")
                        .number(pid_number(pid))
                        .text(b" (")
                        .text(stat.comm())
                        .text(b")")
                        .log(verbosity, out::WARN);
                }
            });
            if named.is_err() {
                Line::new()
                    .text(b"grace period over: killing the remaining processes (no /proc to name them)")
                    .log(verbosity, out::WARN);
            }
        }
        self.signal_all(Signal::KILL);
    }

    fn exit_code(&self) -> u8 {
        self.status.map_or(0, |s| self.config.remap.apply(s.code()))
    }
}

fn pid_number(pid: Pid) -> u64 {
    pid.as_raw_nonzero().get().unsigned_abs().into()
}
