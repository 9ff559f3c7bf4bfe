//! Messages on stderr, one `write` per line so lines from pidone and its
//! children never interleave mid-line. No `core::fmt`: it would cost more
//! than the rest of the binary.

use rustix::fd::BorrowedFd;
use rustix::io::Errno;

use crate::signal::Signal;
use crate::status::ExitStatus;

/// Verbosity levels (`-q` is 0).
pub const WARN: u8 = 1;
pub const INFO: u8 = 2;
pub const DEBUG: u8 = 3;

/// What pidone says that a peer says in words of its own, in the order of
/// the lines of `texts/*-messages.txt`, after the five prefixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Say {
    /// Usage errors: {0} is argv[0], {1} the value in question. Those up
    /// to `MissingLongValue` are getopt's: tini prints its usage after them.
    MissingCommand,
    UnknownShortOption,
    UnknownLongOption,
    MissingShortValue,
    MissingLongValue,
    BadRewrite,
    InvalidSignal,
    InvalidExitCode,
    /// catatonit's `CATATONIT_LOG`.
    Reserved,
    /// The command ({0}) cannot be executed ({1} the error).
    ExecFailed,
    /// In the command's process, in a session of its own.
    SetsidComplete,
    /// The command started with pid {0}; {1} is its name as given.
    Spawned,
    /// Signal {0} arrived (SIGCHLD: `ReceivedChld`); it is one of the
    /// terminal's hand-off (after `Received`).
    Received,
    ReceivedChld,
    HandOff,
    /// Signal {0} was forwarded.
    Forwarded,
    /// Child {0} was reaped: it exited with {1}, or was killed by signal {1};
    /// the same for the command.
    ReapedExited,
    ReapedKilled,
    CommandReapedExited,
    CommandReapedKilled,
    /// With `-w`, besides `Reaped*`: child {0} was not the command.
    ReapedZombie,
    /// After `CommandReaped*`, with the same arguments.
    CommandExited,
    CommandKilled,
    /// pidone exits with {0} after the command.
    Goodbye,
    /// Neither PID 1 nor a subreaper, and asked to warn about it.
    NotSubreaper,
    /// Registered as a child subreaper.
    Subreaper,
    /// A round of reaping ended with children left, or with none.
    ChildrenLeft,
    NoChildren,
    /// Letting go of the terminal failed with errno {0} ({1}); it worked,
    /// and pidone led the session, or did not.
    DetachFailed,
    Detached,
    DetachedNotLeader,
    /// In the command's process: taking the terminal failed ({0}, {1}).
    AttachFailed,
    /// Signal {0} is rewritten to {1}; to nothing.
    Translated,
    Dropped,
    /// pidone stops itself along with the command.
    Suspending,
    /// In the command's process, in a process group of its own: stdin is
    /// not a terminal to open, nor one to lead.
    NoTerminal,
    NoForeground,
    /// Debug output, or single-child mode, came from a variable.
    DebugByEnvironment,
    SingleChildByEnvironment,
    /// Anything else: always in pidone's words.
    Other,
}

impl Say {
    /// A usage error of getopt's own.
    pub fn is_getopts(self) -> bool {
        self as u8 <= Say::MissingLongValue as u8
    }
}

/// An argument of a message.
#[derive(Clone, Copy)]
pub enum Arg<'a> {
    Number(u64),
    Bytes(&'a [u8]),
    Errno(Errno),
}

/// A personality's own words for what pidone says (`texts/NAME-messages.txt`):
/// one message after another, each ended by 0x00 and starting with its
/// level: the verbosity it needs, which also picks one of the first five
/// messages as its prefix, or ` ` (always, no prefix), or `-` (nothing
/// said). They go to stderr, or from level `stdout_from` on to stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wording {
    pub coded: &'static [u8],
    pub stdout_from: u8,
}

const PREFIXES: usize = 5;

impl Wording {
    /// pidone's own words.
    pub const PIDONE: Wording = Wording {
        coded: b"",
        stdout_from: u8::MAX,
    };

    fn message(&self, index: usize) -> Option<&'static [u8]> {
        nth(self.coded, index).filter(|m| !m.is_empty())
    }

    /// Says `what` in the personality's words, if it has words for it, at
    /// `verbosity`; false when pidone's own line is to be written instead.
    pub fn say(&self, verbosity: u8, what: Say, args: &[Arg<'_>]) -> bool {
        let Some([level, text @ ..]) = self.message(what as usize + PREFIXES) else {
            return false;
        };
        let (level, prefix) = match *level {
            b' ' => (0, None),
            b'0'..=b'4' => (level - b'0', self.message(usize::from(level - b'0'))),
            _ => return true,
        };
        if verbosity < level {
            return true;
        }
        let mut line = Line::bare();
        if let Some(prefix) = prefix {
            line.coded(prefix, args);
        }
        line.coded(text, args);
        line.to(if level >= self.stdout_from {
            stdout()
        } else {
            stderr()
        });
        true
    }
}

/// Line `index` of coded lines ended by 0x00.
fn nth(mut lines: &'static [u8], mut index: usize) -> Option<&'static [u8]> {
    while let Some(end) = lines.iter().position(|&b| b == 0) {
        if index == 0 {
            return Some(&lines[..end]);
        }
        index -= 1;
        lines = &lines[end + 1..];
    }
    None
}

/// A line being built: starts with `pidone: `, is cut short rather than
/// overflow, and ends with a newline when written.
pub struct Line {
    buf: [u8; 512],
    len: usize,
}

impl Line {
    pub fn new() -> Line {
        let mut line = Line::bare();
        line.text(b"pidone: ");
        line
    }

    /// A line without the `pidone: ` prefix.
    pub fn bare() -> Line {
        Line {
            buf: [0; 512],
            len: 0,
        }
    }

    pub fn text(&mut self, text: &[u8]) -> &mut Line {
        // One byte stays free for the newline.
        let room = self.buf.len() - 1 - self.len;
        let n = text.len().min(room);
        self.buf[self.len..self.len + n].copy_from_slice(&text[..n]);
        self.len += n;
        self
    }

    pub fn number(&mut self, n: u64) -> &mut Line {
        self.text(crate::decimal::format(n, &mut [0; 20]))
    }

    /// `'value'`, with control characters shown as `?` so that a value
    /// holding a newline cannot split the line, and cut after 64 bytes so
    /// that what follows it still fits.
    pub fn quoted(&mut self, value: &[u8]) -> &mut Line {
        self.text(b"'");
        if value.len() > 64 {
            self.quoted_bytes(&value[..64]).text(b"...'")
        } else {
            self.quoted_bytes(value).text(b"'")
        }
    }

    fn quoted_bytes(&mut self, value: &[u8]) -> &mut Line {
        for byte in value {
            let shown = if byte.is_ascii_control() {
                b"?"
            } else {
                core::slice::from_ref(byte)
            };
            self.text(shown);
        }
        self
    }

    /// `SIGTERM`, `SIGRTMIN+3`, `SIG32`.
    pub fn signal(&mut self, signal: Signal) -> &mut Line {
        let (name, offset) = signal.name();
        self.text(b"SIG").text(name);
        if offset != 0 {
            self.number(offset.into());
        }
        self
    }

    /// `exit 3` or `signal 9`.
    pub fn status(&mut self, status: ExitStatus) -> &mut Line {
        match status {
            ExitStatus::Exited(code) => self.text(b"exit ").number(code.into()),
            ExitStatus::Killed(signal) => self.text(b"signal ").number(signal.number().into()),
        }
    }

    /// The description of an error number, like strerror.
    pub fn errno(&mut self, errno: Errno) -> &mut Line {
        match errno_text(errno) {
            Some(text) => self.coded(text, &[]),
            None => self
                .text(b"error ")
                .number(errno.raw_os_error().unsigned_abs().into()),
        }
    }

    pub fn to_stderr(&mut self) {
        self.to(stderr());
    }

    pub fn to(&mut self, fd: BorrowedFd<'_>) {
        self.buf[self.len] = b'\n';
        write_all(fd, &self.buf[..=self.len]);
    }

    /// A coded message (see `Wording`), expanded, with its arguments.
    fn coded(&mut self, coded: &[u8], args: &[Arg<'_>]) -> &mut Line {
        for &byte in coded {
            match byte {
                0x03 | 0x04 => match args.get(usize::from(byte - 0x03)) {
                    Some(Arg::Number(n)) => self.number(*n),
                    Some(Arg::Bytes(b)) => self.text(b),
                    Some(Arg::Errno(e)) => self.errno(*e),
                    None => self,
                },
                0x06 | 0x07 => match args.get(usize::from(byte - 0x06)) {
                    Some(Arg::Number(n)) => self.described(*n),
                    _ => self,
                },
                0x05 => self.number(
                    rustix::process::getpid()
                        .as_raw_nonzero()
                        .get()
                        .unsigned_abs()
                        .into(),
                ),
                _ => match crate::personality::text::pair(byte) {
                    Some(pair) => self.coded(&pair, args),
                    None => self.text(&[byte]),
                },
            };
        }
        self
    }

    /// Signal `n` in glibc's `strsignal()` words, as tini names signals.
    fn described(&mut self, n: u64) -> &mut Line {
        use crate::personality::text::STRSIGNAL;
        let (line, number) = match n {
            1..=31 => (n - 1, None),
            34.. => (31, Some(n - 34)),
            _ => (32, Some(n)),
        };
        if let Some(words) = nth(STRSIGNAL, line as usize) {
            self.coded(words, &[]);
        }
        if let Some(number) = number {
            self.number(number);
        }
        self
    }

    /// Writes the line if the verbosity is at least `level`.
    pub fn log(&mut self, verbosity: u8, level: u8) {
        if verbosity >= level {
            self.to_stderr();
        }
    }
}

impl Default for Line {
    fn default() -> Self {
        Line::new()
    }
}

/// Reports an error that ends pidone, and gives the exit code for it.
pub fn fail(what: &[u8], e: Errno) -> u8 {
    Line::new().text(what).errno(e).to_stderr();
    1
}

/// Writes everything, retrying short writes. Errors are dropped on purpose:
/// with stderr closed or a broken pipe there is nowhere left to report them,
/// and supervising the command matters more than the message.
pub fn write_all(fd: BorrowedFd<'_>, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        match rustix::io::write(fd, bytes) {
            Ok(0) => return,
            Ok(n) => bytes = &bytes[n.min(bytes.len())..],
            Err(Errno::INTR) => {}
            Err(_) => return,
        }
    }
}

pub fn stdin() -> BorrowedFd<'static> {
    // SAFETY: fd 0 is only asked whether it is a terminal; pidone never
    // closes it.
    unsafe { BorrowedFd::borrow_raw(0) }
}

pub fn stdout() -> BorrowedFd<'static> {
    // SAFETY: fd 1 is only ever used for writes that tolerate it being closed
    // or anything else; pidone never closes it.
    unsafe { BorrowedFd::borrow_raw(1) }
}

pub fn stderr() -> BorrowedFd<'static> {
    // SAFETY: as for `stdout`.
    unsafe { BorrowedFd::borrow_raw(2) }
}

/// The `strerror` text of `errno`, if pidone has it (texts/strerror.txt).
fn errno_text(errno: Errno) -> Option<&'static [u8]> {
    let index = usize::try_from(errno.raw_os_error()).ok()?.checked_sub(1)?;
    nth(crate::personality::text::STRERROR, index).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(line: &mut Line) -> std::string::String {
        std::string::String::from_utf8(line.buf[..line.len].to_vec()).unwrap()
    }

    #[test]
    fn every_wording_has_a_line_for_every_message() {
        use crate::personality::text;
        for coded in [
            text::DUMB_INIT_MESSAGES,
            text::TINI_MESSAGES,
            text::CATATONIT_MESSAGES,
        ] {
            let lines = coded.iter().filter(|&&b| b == 0).count();
            assert_eq!(lines, PREFIXES + Say::Other as usize);
        }
    }

    #[test]
    fn builds_lines_without_fmt() {
        let mut line = Line::new();
        line.text(b"cannot run ")
            .quoted(b"foo")
            .text(b": ")
            .errno(Errno::NOENT);
        assert_eq!(
            text(&mut line),
            "pidone: cannot run 'foo': No such file or directory"
        );
        assert_eq!(text(Line::bare().number(0)), "0");
        assert_eq!(text(Line::bare().quoted(b"a\nb\x7f\tc")), "'a?b??c'");
        let long = text(Line::bare().quoted(&[b'9'; 300]));
        assert_eq!(long, std::format!("'{}...'", "9".repeat(64)));
        assert_eq!(text(Line::bare().number(u64::MAX)), "18446744073709551615");
        assert_eq!(
            text(Line::bare().errno(Errno::from_raw_os_error(200))),
            "error 200"
        );
        assert_eq!(
            text(Line::bare().errno(Errno::PERM)),
            "Operation not permitted"
        );
        assert_eq!(
            text(Line::bare().errno(Errno::LOOP)),
            "Too many levels of symbolic links"
        );
        assert_eq!(text(Line::bare().errno(Errno::CHILD)), "error 10");
    }

    #[test]
    fn names_signals_and_statuses() {
        let s = |n| Signal::parse(n).unwrap();
        assert_eq!(text(Line::bare().signal(s(b"TERM"))), "SIGTERM");
        assert_eq!(text(Line::bare().signal(s(b"RTMIN+3"))), "SIGRTMIN+3");
        assert_eq!(text(Line::bare().signal(s(b"32"))), "SIG32");
        assert_eq!(text(Line::bare().status(ExitStatus::Exited(3))), "exit 3");
        assert_eq!(
            text(Line::bare().status(ExitStatus::Killed(Signal::KILL))),
            "signal 9"
        );
    }

    #[test]
    fn long_lines_are_cut_and_keep_room_for_the_newline() {
        let mut line = Line::new();
        line.text(&[b'x'; 600]).number(12345);
        assert_eq!(line.len, 511);
    }
}
