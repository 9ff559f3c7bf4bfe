//! The one place pidone sleeps: every signal blocked, collected with
//! `sigtimedwait`, and a timeout only while a deadline is pending. Also the
//! signal state pidone was started with, which the command gets back.

use rustix::io::{self, Errno};
use rustix::process::Pid;
use rustix::runtime::{
    How, KERNEL_SIG_DFL, KernelSigSet, KernelSigaction, kernel_sig_ign, kernel_sigaction,
    kernel_sigprocmask,
};
use rustix::time::{ClockId, Timespec, clock_gettime};

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

pub fn now() -> Timespec {
    clock_gettime(ClockId::Monotonic)
}

/// Waits for the next signal, or until `deadline` (on the monotonic clock).
/// `me` is pidone's pid, to tell the signals it caused itself.
pub fn next(deadline: Option<Timespec>, me: Pid) -> io::Result<Wake> {
    let all = KernelSigSet::all();
    loop {
        let timeout = match deadline {
            None => None,
            Some(deadline) => match remaining(now(), deadline) {
                None => return Ok(Wake::Timeout),
                left => left,
            },
        };
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
            Err(Errno::AGAIN) => return Ok(Wake::Timeout),
            Err(Errno::INTR) => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Whether `time` has come by `now`.
pub fn passed(time: Timespec, now: Timespec) -> bool {
    remaining(now, time).is_none()
}

/// `deadline - now`, or `None` once it has passed.
fn remaining(now: Timespec, deadline: Timespec) -> Option<Timespec> {
    let mut sec = deadline.tv_sec - now.tv_sec;
    let mut nsec = deadline.tv_nsec - now.tv_nsec;
    if nsec < 0 {
        nsec += 1_000_000_000;
        sec -= 1;
    }
    (sec > 0 || (sec == 0 && nsec > 0)).then_some(Timespec {
        tv_sec: sec,
        tv_nsec: nsec,
    })
}

/// `now + duration`, saturating: a deadline centuries away is as good as none.
pub fn after(now: Timespec, duration: core::time::Duration) -> Timespec {
    let mut sec = now
        .tv_sec
        .saturating_add(i64::try_from(duration.as_secs()).unwrap_or(i64::MAX));
    let mut nsec = now.tv_nsec + i64::from(duration.subsec_nanos());
    if nsec >= 1_000_000_000 {
        nsec -= 1_000_000_000;
        sec = sec.saturating_add(1);
    }
    Timespec {
        tv_sec: sec,
        tv_nsec: nsec,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::time::Duration;

    fn ts(tv_sec: i64, tv_nsec: i64) -> Timespec {
        Timespec { tv_sec, tv_nsec }
    }

    #[test]
    fn remaining_time_borrows_nanoseconds_and_ends_at_zero() {
        assert_eq!(
            remaining(ts(10, 900_000_000), ts(12, 100_000_000)),
            Some(ts(1, 200_000_000))
        );
        assert_eq!(remaining(ts(10, 0), ts(10, 1)), Some(ts(0, 1)));
        assert_eq!(remaining(ts(10, 5), ts(10, 5)), None);
        assert_eq!(remaining(ts(11, 0), ts(10, 5)), None);
    }

    #[test]
    fn deadlines_carry_and_saturate() {
        assert_eq!(
            after(ts(1, 900_000_000), Duration::from_millis(250)),
            ts(2, 150_000_000)
        );
        assert_eq!(
            after(ts(1, 0), Duration::from_secs(u64::MAX)).tv_sec,
            i64::MAX
        );
    }
}
