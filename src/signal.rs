//! Signal numbers, their names, and the `--rewrite` table.
//!
//! Pure: no syscalls here, so the whole table is unit-tested on the host.

use crate::decimal;

/// A signal number in `1..=MAX`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Signal(u8);

/// Linux has 64 signals on every architecture pidone builds for.
pub const MAX: u8 = 64;

/// The first real-time signal as libcs number it. The kernel's first is 32,
/// but glibc and musl reserve 32 and 33, so `RTMIN+3` means 37 to every user
/// who learnt it from `kill -l` or systemd.
pub const RTMIN: u8 = 34;

/// Names of the standard signals, indexed by number, NUL-padded to six
/// bytes (a table of slices would take 16 bytes an entry). The numbering is
/// the generic one of x86, arm, aarch64 and riscv.
const NAMES: [[u8; 6]; 32] = [
    *b"\0\0\0\0\0\0",
    *b"HUP\0\0\0",
    *b"INT\0\0\0",
    *b"QUIT\0\0",
    *b"ILL\0\0\0",
    *b"TRAP\0\0",
    *b"ABRT\0\0",
    *b"BUS\0\0\0",
    *b"FPE\0\0\0",
    *b"KILL\0\0",
    *b"USR1\0\0",
    *b"SEGV\0\0",
    *b"USR2\0\0",
    *b"PIPE\0\0",
    *b"ALRM\0\0",
    *b"TERM\0\0",
    *b"STKFLT",
    *b"CHLD\0\0",
    *b"CONT\0\0",
    *b"STOP\0\0",
    *b"TSTP\0\0",
    *b"TTIN\0\0",
    *b"TTOU\0\0",
    *b"URG\0\0\0",
    *b"XCPU\0\0",
    *b"XFSZ\0\0",
    *b"VTALRM",
    *b"PROF\0\0",
    *b"WINCH\0",
    *b"IO\0\0\0\0",
    *b"PWR\0\0\0",
    *b"SYS\0\0\0",
];

/// The name in `NAMES` without its padding.
fn unpadded(name: &[u8; 6]) -> &[u8] {
    let len = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    &name[..len]
}

/// Other names people use for the same numbers.
const ALIASES: [(&[u8], u8); 3] = [(b"IOT", 6), (b"POLL", 29), (b"CLD", 17)];

impl Signal {
    pub const HUP: Signal = Signal(1);
    pub const INT: Signal = Signal(2);
    pub const QUIT: Signal = Signal(3);
    pub const KILL: Signal = Signal(9);
    pub const TERM: Signal = Signal(15);
    pub const CHLD: Signal = Signal(17);
    pub const CONT: Signal = Signal(18);
    pub const STOP: Signal = Signal(19);
    pub const TSTP: Signal = Signal(20);
    pub const TTIN: Signal = Signal(21);
    pub const TTOU: Signal = Signal(22);

    pub const fn new(number: u32) -> Option<Signal> {
        if number >= 1 && number <= MAX as u32 {
            Some(Signal(number as u8))
        } else {
            None
        }
    }

    pub const fn number(self) -> u8 {
        self.0
    }

    pub fn to_rustix(self) -> rustix::process::Signal {
        // SAFETY: 1..=64 are all signals the kernel knows, and the only
        // reason this is unsafe, signals a libc reserves, does not apply to
        // a process without libc.
        unsafe { rustix::process::Signal::from_raw_unchecked(self.0.into()) }
    }

    /// Whether a process can handle, block or wait for this signal.
    pub const fn catchable(self) -> bool {
        self.0 != Self::KILL.0 && self.0 != Self::STOP.0
    }

    /// The terminal's job-control signals.
    pub const fn is_job_control(self) -> bool {
        matches!(self, Self::TSTP | Self::TTIN | Self::TTOU)
    }

    /// The signals that ask pidone's command, and so pidone, to stop.
    pub const fn asks_to_stop(self) -> bool {
        matches!(self, Self::TERM | Self::INT | Self::QUIT)
    }

    /// The name without `SIG`, split so callers can print `RTMIN+3` without
    /// formatting machinery: the text, and a number to append if non-zero.
    pub fn name(self) -> (&'static [u8], u8) {
        match self.0 {
            n if (n as usize) < NAMES.len() => (unpadded(&NAMES[n as usize]), 0),
            RTMIN => (b"RTMIN", 0),
            MAX => (b"RTMAX", 0),
            n if n > RTMIN => (b"RTMIN+", n - RTMIN),
            // 32 and 33 have no name: the libc keeps them for itself.
            n => (b"", n),
        }
    }

    /// Parses `TERM`, `SIGTERM`, `term`, `15`, `RTMIN`, `RTMIN+3`, `RTMAX-2`.
    pub fn parse(text: &[u8]) -> Option<Signal> {
        if let Some(n) = decimal::parse(text) {
            return Signal::new(n);
        }
        let mut upper = [0u8; 16];
        let name = upper.get_mut(..text.len())?;
        name.copy_from_slice(text);
        name.make_ascii_uppercase();
        let name = name.strip_prefix(b"SIG").unwrap_or(name);
        if let Some(i) = NAMES[1..].iter().position(|n| unpadded(n) == name) {
            return Signal::new(i as u32 + 1);
        }
        if let Some(&(_, n)) = ALIASES.iter().find(|(alias, _)| *alias == name) {
            return Signal::new(n.into());
        }
        let (base, rest, up) = if let Some(rest) = name.strip_prefix(b"RTMIN") {
            (RTMIN, rest, true)
        } else if let Some(rest) = name.strip_prefix(b"RTMAX") {
            (MAX, rest, false)
        } else {
            return None;
        };
        let offset = match rest {
            [] => 0,
            [b'+', digits @ ..] if up => decimal::parse(digits)?,
            [b'-', digits @ ..] if !up => decimal::parse(digits)?,
            _ => return None,
        };
        let n = if up {
            u32::from(base).checked_add(offset)?
        } else {
            u32::from(base).checked_sub(offset)?
        };
        if n < u32::from(RTMIN) {
            return None;
        }
        Signal::new(n)
    }
}

/// What each received signal becomes before it is forwarded (`-r FROM:TO`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rewrite([u8; MAX as usize + 1]);

impl Default for Rewrite {
    fn default() -> Self {
        Rewrite::IDENTITY
    }
}

impl Rewrite {
    /// Every signal stays itself.
    pub const IDENTITY: Rewrite = {
        let mut table = [0; MAX as usize + 1];
        let mut n = 0;
        while n <= MAX {
            table[n as usize] = n;
            n += 1;
        }
        Rewrite(table)
    };

    /// This table with `from` becoming `to`, for the defaults.
    pub const fn with(mut self, from: Signal, to: Option<Signal>) -> Rewrite {
        self.0[from.0 as usize] = match to {
            Some(to) => to.0,
            None => 0,
        };
        self
    }

    /// `to: None` drops `from`.
    pub fn set(&mut self, from: Signal, to: Option<Signal>) {
        self.0[from.0 as usize] = to.map_or(0, Signal::number);
    }

    pub fn apply(&self, signal: Signal) -> Option<Signal> {
        Signal::new(self.0[signal.0 as usize].into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Option<u8> {
        Signal::parse(s.as_bytes()).map(Signal::number)
    }

    #[test]
    fn parses_names_numbers_and_prefixes() {
        assert_eq!(parse("TERM"), Some(15));
        assert_eq!(parse("SIGTERM"), Some(15));
        assert_eq!(parse("term"), Some(15));
        assert_eq!(parse("sigkill"), Some(9));
        assert_eq!(parse("15"), Some(15));
        assert_eq!(parse("64"), Some(64));
        assert_eq!(parse("WINCH"), Some(28));
        assert_eq!(parse("IOT"), Some(6));
        assert_eq!(parse("SIGPOLL"), Some(29));
        assert_eq!(parse("CLD"), Some(17));
    }

    #[test]
    fn real_time_signals_count_from_the_libc_rtmin() {
        assert_eq!(parse("RTMIN"), Some(34));
        assert_eq!(parse("RTMIN+3"), Some(37));
        assert_eq!(parse("SIGRTMIN+30"), Some(64));
        assert_eq!(parse("RTMAX"), Some(64));
        assert_eq!(parse("RTMAX-2"), Some(62));
        assert_eq!(parse("RTMAX-30"), Some(34));
    }

    #[test]
    fn rejects_what_is_not_a_signal() {
        for bad in [
            "",
            "0",
            "65",
            "-1",
            "SIG",
            "TERMS",
            "RTMIN+31",
            "RTMAX-31",
            "RTMIN-1",
            "RTMAX+1",
            "RTMIN+",
            "1x",
            "99999999999999",
            "SIGVERYLONGNAMEINDEED",
            "T\u{e9}RM",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn names_round_trip_through_parse() {
        for n in 1..=MAX {
            let signal = Signal(n);
            let (text, offset) = signal.name();
            let mut name = std::string::String::from_utf8(text.to_vec()).unwrap();
            if offset != 0 {
                name += &offset.to_string();
            }
            assert_eq!(Signal::parse(name.as_bytes()), Some(signal), "{name}");
        }
    }

    #[test]
    fn only_kill_and_stop_are_uncatchable() {
        let uncatchable: std::vec::Vec<u8> =
            (1..=MAX).filter(|&n| !Signal(n).catchable()).collect();
        assert_eq!(uncatchable, [9, 19]);
    }

    #[test]
    fn stop_requests_are_term_int_quit() {
        let stops: std::vec::Vec<u8> = (1..=MAX).filter(|&n| Signal(n).asks_to_stop()).collect();
        assert_eq!(stops, [2, 3, 15]);
    }

    #[test]
    fn rewrite_maps_drops_and_defaults_to_identity() {
        let mut rewrite = Rewrite::default();
        assert_eq!(rewrite.apply(Signal::TERM), Some(Signal::TERM));
        rewrite.set(Signal::TERM, Some(Signal::QUIT));
        rewrite.set(Signal::HUP, None);
        assert_eq!(rewrite.apply(Signal::TERM), Some(Signal::QUIT));
        assert_eq!(rewrite.apply(Signal::HUP), None);
        assert_eq!(rewrite.apply(Signal::INT), Some(Signal::INT));
        assert_eq!(rewrite.apply(Signal(64)), Some(Signal(64)));
    }
}
