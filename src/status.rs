//! How a process ended, and the exit code pidone reports for it.

use crate::signal::Signal;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ExitStatus {
    Exited(u8),
    Killed(Signal),
}

impl ExitStatus {
    /// Decodes a `wait` status word. `None` for stop/continue reports, which
    /// pidone never asks for.
    pub fn from_wait(raw: i32) -> Option<ExitStatus> {
        let low = raw & 0x7f;
        if low == 0 {
            Some(ExitStatus::Exited(((raw >> 8) & 0xff) as u8))
        } else if low != 0x7f {
            Signal::new(low as u32).map(ExitStatus::Killed)
        } else {
            None
        }
    }

    /// The shell convention: the exit code, or 128+N for death by signal N.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Exited(code) => code,
            ExitStatus::Killed(signal) => 128 + signal.number(),
        }
    }
}

/// The exit codes `-e` turns into 0.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Remap([u64; 4]);

impl Remap {
    pub const NONE: Remap = Remap([0; 4]);

    pub fn insert(&mut self, code: u8) {
        self.0[usize::from(code / 64)] |= 1 << (code % 64);
    }

    pub fn apply(&self, code: u8) -> u8 {
        if self.0[usize::from(code / 64)] & (1 << (code % 64)) != 0 {
            0
        } else {
            code
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_exit_codes_and_signals() {
        assert_eq!(ExitStatus::from_wait(0), Some(ExitStatus::Exited(0)));
        assert_eq!(ExitStatus::from_wait(3 << 8), Some(ExitStatus::Exited(3)));
        assert_eq!(
            ExitStatus::from_wait(255 << 8),
            Some(ExitStatus::Exited(255))
        );
        assert_eq!(
            ExitStatus::from_wait(9),
            Some(ExitStatus::Killed(Signal::KILL))
        );
        // 0x80: the core-dump flag does not change the signal.
        assert_eq!(
            ExitStatus::from_wait(0x80 | 11).map(ExitStatus::code),
            Some(139)
        );
        assert_eq!(ExitStatus::from_wait(64).map(ExitStatus::code), Some(192));
    }

    #[test]
    fn stopped_and_continued_are_not_exits() {
        assert_eq!(ExitStatus::from_wait((19 << 8) | 0x7f), None);
        assert_eq!(ExitStatus::from_wait(0xffff), None);
    }

    #[test]
    fn death_by_signal_is_128_plus_n() {
        assert_eq!(ExitStatus::Killed(Signal::TERM).code(), 143);
        assert_eq!(ExitStatus::Exited(7).code(), 7);
    }

    #[test]
    fn remap_turns_listed_codes_into_zero() {
        let mut remap = Remap::default();
        remap.insert(143);
        remap.insert(1);
        remap.insert(255);
        remap.insert(0);
        assert_eq!(remap.apply(143), 0);
        assert_eq!(remap.apply(1), 0);
        assert_eq!(remap.apply(255), 0);
        assert_eq!(remap.apply(0), 0);
        assert_eq!(remap.apply(2), 2);
        assert_eq!(remap.apply(142), 142);
        assert_eq!(Remap::default().apply(143), 143);
    }
}
