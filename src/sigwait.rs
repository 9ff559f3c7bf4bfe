//! The one place pidone sleeps: every signal blocked, collected with
//! `sigtimedwait`, and a timeout only while a deadline is pending. Also the
//! signal state pidone was started with, which the command gets back.

use core::time::Duration;
use rustix::io::{self, Errno};
use rustix::process::Pid;
use rustix::runtime::{
    How, KERNEL_SIG_DFL, KernelSigSet, KernelSigaction, kernel_sig_ign, kernel_sigaction,
    kernel_sigprocmask,
};

use rustix::fd::OwnedFd;
use rustix::time::{
    Itimerspec, TimerfdClockId, TimerfdFlags, TimerfdTimerFlags, Timespec, timerfd_create,
    timerfd_gettime, timerfd_settime,
};

use crate::signal::{self, Signal};

pub enum Wake {
    Signal {
        signal: Signal,
        /// pidone caused it itself: a SIGPIPE from writing to a closed
        /// stderr, or the SIGHUP and SIGCONT the kernel sends when pidone
        /// hands its terminal over. Not something to forward.
        from_self: bool,
    },
    Timeout,
}

/// The signal mask and the ignored SIGCHLD pidone was started with. Like a
/// shell, pidone passes them on to the command (what `nohup` relies on);
/// every other ignored signal stays ignored through pidone by itself.
pub struct Inherited {
    mask: KernelSigSet,
    chld_ignored: bool,
}

/// Blocks every signal, so none has its default action on pidone and each
/// waits, queued, for `next` (a blocked signal is queued even while
/// ignored). Done first thing at start-up. Returns the mask it replaced.
pub fn block_all() -> io::Result<KernelSigSet> {
    // SAFETY: no libc in this process reserves signals, and nothing else
    // in pidone relies on receiving one asynchronously.
    unsafe { kernel_sigprocmask(How::SETMASK, Some(&KernelSigSet::all())) }
}

/// Puts SIGCHLD back to its default action: ignored, it would make the
/// kernel reap pidone's children behind its back. The one `sigaction`
/// pidone needs.
pub fn take_sigchld(mask: KernelSigSet) -> Inherited {
    // SAFETY: SIG_DFL installs no handler, and SIGCHLD is blocked.
    let old = unsafe { kernel_sigaction(Signal::CHLD.to_rustix(), Some(default_action())) };
    Inherited {
        mask,
        chld_ignored: old
            .is_ok_and(|old| handler(old.sa_handler_kernel) == handler(kernel_sig_ign())),
    }
}

/// A handler as the number the kernel knows it by (SIG_IGN is 1).
fn handler(h: rustix::runtime::KernelSighandler) -> usize {
    h.map_or(0, |f| f as usize)
}

fn default_action() -> KernelSigaction {
    KernelSigaction {
        sa_handler_kernel: KERNEL_SIG_DFL,
        ..KernelSigaction::default()
    }
}

/// In the forked child, right before exec: the signal state the command
/// starts in. With `reset`, the one dumb-init gives: nothing blocked,
/// nothing ignored. Otherwise the one pidone was given.
pub fn restore(inherited: &Inherited, reset: bool) -> io::Result<()> {
    let mask = if reset {
        for n in 1..=signal::MAX {
            if let Some(signal) = Signal::new(n.into()).filter(|s| s.catchable()) {
                // SAFETY: SIG_DFL installs no handler; every catchable
                // signal accepts it, so the call cannot fail.
                let _ = unsafe { kernel_sigaction(signal.to_rustix(), Some(default_action())) };
            }
        }
        KernelSigSet::empty()
    } else {
        if inherited.chld_ignored {
            let ignore = KernelSigaction {
                sa_handler_kernel: kernel_sig_ign(),
                ..KernelSigaction::default()
            };
            // SAFETY: SIG_IGN installs no handler.
            unsafe { kernel_sigaction(Signal::CHLD.to_rustix(), Some(ignore)) }?;
        }
        inherited.mask.clone()
    };
    // SAFETY: called in the forked child right before execve.
    unsafe { kernel_sigprocmask(How::SETMASK, Some(&mask)) }.map(drop)
}

/// Waits for the next signal, or at most `timeout`. `me` is pidone's pid,
/// to tell the signals it caused itself.
pub fn next(timeout: Option<Timespec>, me: Pid) -> io::Result<Wake> {
    let all = KernelSigSet::all();
    loop {
        // SAFETY: as in `block_all`: no libc, every signal is pidone's.
        match unsafe { rustix::runtime::kernel_sigtimedwait(&all, timeout.as_ref()) } {
            Ok(info) => {
                // SAFETY: the kernel filled in the common head of siginfo,
                // and for kill(2)-style signals `_kill._pid`, which overlays
                // the first word of every other variant: reading it as a pid
                // is defined for all of them.
                let (number, code, sender) = unsafe {
                    let head = info.__bindgen_anon_1.__bindgen_anon_1;
                    (head.si_signo, head.si_code, head._sifields._kill._pid)
                };
                let Some(signal) = u32::try_from(number).ok().and_then(Signal::new) else {
                    continue;
                };
                // SI_USER (0) with our own pid: the kernel's send_sig() on
                // our behalf, such as SIGPIPE after a write to a closed pipe.
                let from_self = code == 0 && sender == me.as_raw_nonzero().get();
                return Ok(Wake::Signal { signal, from_self });
            }
            // An interrupted wait returns early, as a timeout does: the
            // caller asks its deadline again either way.
            Err(Errno::AGAIN | Errno::INTR) => return Ok(Wake::Timeout),
            Err(e) => return Err(e),
        }
    }
}

/// A moment ahead, kept by the kernel: a timerfd armed for it, asked how
/// long is left. pidone needs no clock of its own this way (rustix reads
/// the clock through the vDSO, whose lookup code was 0.4 KB of the binary
/// on x86_64 and 1.7 KB on arm64).
pub enum Deadline {
    Timer(OwnedFd),
    /// Without a timer (no descriptor left, say): the second of uptime by
    /// which it has passed. Coarse, and bounded all the same.
    Uptime(i64),
}

const ZERO: Timespec = Timespec {
    tv_sec: 0,
    tv_nsec: 0,
};

impl Deadline {
    /// `duration` from now; the error is why it is coarse.
    pub fn after(duration: Duration) -> (Deadline, Option<Errno>) {
        let value = Timespec {
            tv_sec: i64::try_from(duration.as_secs()).unwrap_or(i64::MAX),
            // Zero would disarm the timer: a zero duration is 1 ns.
            tv_nsec: i64::from(duration.subsec_nanos().max(u32::from(duration.is_zero()))),
        };
        let armed =
            timerfd_create(TimerfdClockId::Monotonic, TimerfdFlags::CLOEXEC).and_then(|timer| {
                let spec = Itimerspec {
                    it_interval: ZERO,
                    it_value: value,
                };
                timerfd_settime(&timer, TimerfdTimerFlags::empty(), &spec).map(|_| timer)
            });
        match armed {
            Ok(timer) => (Deadline::Timer(timer), None),
            Err(e) => {
                // Rounded up to whole seconds, and one more for the second
                // of uptime already begun.
                let secs = value
                    .tv_sec
                    .saturating_add(i64::from(value.tv_nsec > 0) + 1);
                (Deadline::Uptime(uptime().saturating_add(secs)), Some(e))
            }
        }
    }

    /// How long is left, or `None` once it has passed.
    pub fn left(&self) -> Option<Timespec> {
        let left = match self {
            // An armed timerfd cannot fail to say; if it did, the moment
            // would count as passed, which ends a wait rather than
            // prolonging it.
            Deadline::Timer(timer) => timerfd_gettime(timer).map_or(ZERO, |t| t.it_value),
            Deadline::Uptime(end) => Timespec {
                tv_sec: end.saturating_sub(uptime()).max(0),
                tv_nsec: 0,
            },
        };
        (left != ZERO).then_some(left)
    }
}

/// Seconds since boot (CLOCK_BOOTTIME), through a plain syscall.
// `uptime` is a C long: i32 on the 32-bit targets.
#[allow(clippy::useless_conversion)]
fn uptime() -> i64 {
    rustix::system::sysinfo().uptime.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_counts_down_and_passes() {
        let (deadline, coarse) = Deadline::after(Duration::from_secs(100));
        assert!(coarse.is_none(), "{coarse:?}");
        let left = deadline.left().expect("time left");
        assert!(left.tv_sec >= 98 && left.tv_sec <= 100, "{left:?}");
        let (deadline, _) = Deadline::after(Duration::ZERO);
        std::thread::sleep(Duration::from_millis(1));
        assert_eq!(deadline.left(), None);
    }

    #[test]
    fn without_a_timer_the_deadline_is_whole_seconds_of_uptime() {
        let end = uptime() + 3;
        let left = Deadline::Uptime(end).left().expect("time left");
        assert!(left.tv_sec >= 2 && left.tv_sec <= 3 && left.tv_nsec == 0);
        assert_eq!(Deadline::Uptime(uptime() - 1).left(), None);
    }
}
