//! The shutdown state machine: when to SIGTERM the leftovers, when to
//! SIGKILL them, and when pidone may exit.
//!
//! Pure: the supervisor feeds it what happened and carries out what it says.

use core::time::Duration;

use crate::config::AfterCommand;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Phase {
    /// The command runs (or, with `--pause`, pidone waits for a stop signal).
    Running,
    /// `--wait`: the command has exited; the rest may finish on their own.
    Lingering,
    /// SIGTERM sent to everyone left; the grace period runs.
    Draining,
    /// The grace period is over: SIGKILL until nobody is left.
    Killing,
    Done,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Event {
    /// A round of reaping finished. `reaped_any`: at least one process was
    /// collected; `all_gone`: pidone has no child left at all.
    Reaped {
        command_exited: bool,
        reaped_any: bool,
        all_gone: bool,
    },
    /// A TERM, INT or QUIT (after rewriting) reached pidone.
    StopRequested,
    GraceExpired,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Action {
    Nothing,
    /// SIGTERM everyone left, and SIGKILL them when this grace period is
    /// over (`Event::GraceExpired`).
    Terminate(Duration),
    /// SIGKILL everyone left.
    Kill,
    Exit,
}

#[derive(Clone, Copy, Debug)]
pub struct Shutdown {
    phase: Phase,
    grace: Duration,
    after: AfterCommand,
    /// `--pause`: there is no command, and a stop request starts the end.
    pause: bool,
    /// A stop request came while the command ran: with `--wait`, the
    /// shutdown then starts when it exits instead of lingering.
    stop_requested: bool,
}

impl Shutdown {
    pub fn new(grace: Duration, after: AfterCommand, pause: bool) -> Shutdown {
        Shutdown {
            phase: Phase::Running,
            grace,
            after,
            pause,
            stop_requested: false,
        }
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    pub fn on(&mut self, event: Event) -> Action {
        use Phase::*;
        if self.phase == Done {
            return Action::Exit;
        }
        match event {
            Event::Reaped {
                command_exited,
                reaped_any,
                all_gone,
            } => match self.phase {
                _ if command_exited && all_gone => self.finish(),
                Running
                    if command_exited
                        && self.after == AfterCommand::Linger
                        && !self.stop_requested =>
                {
                    self.phase = Lingering;
                    Action::Nothing
                }
                Running if command_exited => self.begin(),
                Lingering | Draining | Killing if all_gone => self.finish(),
                // Something died, so orphans may have been handed to pidone
                // since the last sweep: sweep again until nobody is left.
                Killing if reaped_any => Action::Kill,
                _ => Action::Nothing,
            },
            Event::StopRequested => match self.phase {
                Running if self.pause => self.begin(),
                Running => {
                    self.stop_requested = true;
                    Action::Nothing
                }
                Lingering => self.begin(),
                _ => Action::Nothing,
            },
            Event::GraceExpired => match self.phase {
                Draining => {
                    self.phase = Killing;
                    Action::Kill
                }
                _ => Action::Nothing,
            },
        }
    }

    /// The command is gone (or, paused, pidone was asked to stop): deal
    /// with whoever is left.
    fn begin(&mut self) -> Action {
        match self.after {
            AfterCommand::Exit | AfterCommand::TermThenExit => self.finish(),
            _ if self.grace.is_zero() => {
                self.phase = Phase::Killing;
                Action::Kill
            }
            _ => {
                self.phase = Phase::Draining;
                Action::Terminate(self.grace)
            }
        }
    }

    fn finish(&mut self) -> Action {
        self.phase = Phase::Done;
        Action::Exit
    }
}

#[cfg(test)]
mod tests {
    use super::Action::{Exit, Kill, Nothing};
    use super::Event::*;
    use super::*;

    const SHUT_DOWN: AfterCommand = AfterCommand::ShutDown;

    const GRACE: Duration = Duration::from_secs(5);
    #[allow(non_upper_case_globals)]
    const Terminate: Action = Action::Terminate(GRACE);

    fn reaped(command_exited: bool, reaped_any: bool, all_gone: bool) -> Event {
        Reaped {
            command_exited,
            reaped_any,
            all_gone,
        }
    }

    fn run(machine: &mut Shutdown, events: &[Event]) -> std::vec::Vec<Action> {
        events.iter().map(|&e| machine.on(e)).collect()
    }

    #[test]
    fn command_alone_exits_at_once() {
        let mut m = Shutdown::new(GRACE, SHUT_DOWN, false);
        assert_eq!(m.on(reaped(true, true, true)), Exit);
    }

    #[test]
    fn leftovers_get_term_then_pidone_exits_when_they_are_gone() {
        let mut m = Shutdown::new(GRACE, SHUT_DOWN, false);
        assert_eq!(
            run(
                &mut m,
                &[
                    reaped(true, true, false),
                    reaped(false, true, false),
                    reaped(false, true, true)
                ]
            ),
            [Terminate, Nothing, Exit]
        );
    }

    #[test]
    fn survivors_of_the_grace_period_are_killed_until_none_is_left() {
        let mut m = Shutdown::new(GRACE, SHUT_DOWN, false);
        assert_eq!(m.on(reaped(true, true, false)), Terminate);
        assert_eq!(m.on(GraceExpired), Kill);
        assert_eq!(m.phase(), Phase::Killing);
        // Right after the sweep nothing has died yet: wait, do not spin.
        assert_eq!(m.on(reaped(false, false, false)), Nothing);
        assert_eq!(m.on(reaped(false, true, false)), Kill);
        assert_eq!(m.on(reaped(false, true, true)), Exit);
    }

    #[test]
    fn zero_grace_kills_at_once() {
        let mut m = Shutdown::new(Duration::ZERO, SHUT_DOWN, false);
        assert_eq!(m.on(reaped(true, true, false)), Kill);
        assert_eq!(m.on(reaped(false, true, true)), Exit);
    }

    #[test]
    fn stop_requests_while_the_command_runs_only_get_forwarded() {
        let mut m = Shutdown::new(GRACE, SHUT_DOWN, false);
        assert_eq!(m.on(StopRequested), Nothing);
        assert_eq!(m.phase(), Phase::Running);
        assert_eq!(m.on(reaped(false, true, false)), Nothing);
        assert_eq!(m.on(reaped(true, true, false)), Terminate);
    }

    #[test]
    fn lingering_waits_for_the_last_process_or_a_stop_request() {
        let mut m = Shutdown::new(GRACE, AfterCommand::Linger, false);
        assert_eq!(m.on(reaped(true, true, false)), Nothing);
        assert_eq!(m.phase(), Phase::Lingering);
        assert_eq!(m.on(GraceExpired), Nothing);
        assert_eq!(m.on(reaped(false, true, true)), Exit);

        let mut m = Shutdown::new(GRACE, AfterCommand::Linger, false);
        assert_eq!(
            run(
                &mut m,
                &[reaped(true, true, false), StopRequested, GraceExpired]
            ),
            [Nothing, Terminate, Kill]
        );
    }

    #[test]
    fn a_stop_request_before_the_command_exits_cancels_lingering() {
        let mut m = Shutdown::new(GRACE, AfterCommand::Linger, false);
        assert_eq!(
            run(&mut m, &[StopRequested, reaped(true, true, false)]),
            [Nothing, Terminate]
        );
    }

    #[test]
    fn pause_runs_until_a_stop_request_then_shuts_down() {
        let mut m = Shutdown::new(GRACE, SHUT_DOWN, true);
        assert_eq!(m.on(reaped(false, true, true)), Nothing);
        assert_eq!(m.on(StopRequested), Terminate);
        assert_eq!(m.on(reaped(false, false, true)), Exit);
    }

    #[test]
    fn a_second_stop_request_during_the_grace_period_changes_nothing() {
        let mut m = Shutdown::new(GRACE, SHUT_DOWN, true);
        assert_eq!(
            run(&mut m, &[StopRequested, StopRequested]),
            [Terminate, Nothing]
        );
        assert_eq!(m.phase(), Phase::Draining);
    }

    #[test]
    fn a_late_deadline_after_everyone_left_is_harmless() {
        let mut m = Shutdown::new(GRACE, SHUT_DOWN, false);
        assert_eq!(
            run(
                &mut m,
                &[reaped(true, true, false), reaped(false, true, true)]
            ),
            [Terminate, Exit]
        );
        assert_eq!(m.on(GraceExpired), Exit);
    }

    #[test]
    fn peers_exit_with_the_command_and_leave_the_rest() {
        for after in [AfterCommand::Exit, AfterCommand::TermThenExit] {
            let mut m = Shutdown::new(GRACE, after, false);
            assert_eq!(m.on(StopRequested), Nothing);
            assert_eq!(m.on(reaped(true, true, false)), Exit);
            // catatonit -P: a stop request ends it at once.
            let mut m = Shutdown::new(GRACE, after, true);
            assert_eq!(m.on(StopRequested), Exit);
        }
    }
}
