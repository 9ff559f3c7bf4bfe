//! Collecting exited children: the command and every adopted orphan.

use rustix::io::Errno;
use rustix::process::{Pid, WaitOptions, wait};

use crate::message::Line;
use crate::status::ExitStatus;

pub struct Round {
    /// How the command ended, if it was among those reaped.
    pub command: Option<ExitStatus>,
    pub reaped_any: bool,
    /// pidone has no child left, living or dead.
    pub all_gone: bool,
}

/// Reaps until no exited child is left. SIGCHLDs coalesce, so one signal
/// may stand for any number of exits: only `wait` returning nothing ends it.
pub fn reap_all(command: Option<Pid>, mut adopted: impl FnMut(Pid, ExitStatus)) -> Round {
    let mut round = Round {
        command: None,
        reaped_any: false,
        all_gone: false,
    };
    loop {
        match wait(WaitOptions::NOHANG) {
            Ok(Some((pid, raw))) => {
                round.reaped_any = true;
                let Some(status) = ExitStatus::from_wait(raw.as_raw()) else {
                    continue;
                };
                if Some(pid) == command {
                    round.command = Some(status);
                } else {
                    adopted(pid, status);
                }
            }
            Ok(None) => return round,
            Err(Errno::CHILD) => {
                round.all_gone = true;
                return round;
            }
            Err(Errno::INTR) => {}
            Err(e) => {
                // Cannot happen with these arguments; say so rather than spin.
                Line::new()
                    .text(b"cannot reap children: ")
                    .errno(e)
                    .to_stderr();
                return round;
            }
        }
    }
}
