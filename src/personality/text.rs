//! The help, version and license texts, stored compressed (see build.rs,
//! which makes them from `texts/*.txt`) and expanded as they are written.

use rustix::fd::BorrowedFd;

use crate::message;

include!(concat!(env!("OUT_DIR"), "/texts.rs"));

/// The pair of bytes a code stands for: 0x80 to 0xff are the first 128
/// pairs, and the control bytes 0x0b to 0x1f, which no text holds, the
/// next ones (build.rs).
pub fn pair(byte: u8) -> Option<[u8; 2]> {
    let index = match byte {
        0x80.. => byte - 0x80,
        0x0b..=0x1f => byte - 0x0b + 0x80,
        _ => return None,
    };
    PAIRS.get(usize::from(index)).copied()
}

/// A text, and where it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text {
    pub coded: &'static [u8],
    pub to_stderr: bool,
}

/// In a text: the name pidone was called by, and argv[0] as given.
const PROGRAM: u8 = 1;
const INVOKED: u8 = 2;

impl Text {
    pub const fn stdout(coded: &'static [u8]) -> Text {
        Text {
            coded,
            to_stderr: false,
        }
    }

    pub const fn stderr(coded: &'static [u8]) -> Text {
        Text {
            coded,
            to_stderr: true,
        }
    }

    pub fn write(self, program: &[u8], invoked: &[u8]) {
        let fd = if self.to_stderr {
            message::stderr()
        } else {
            message::stdout()
        };
        let mut out = Expanded {
            fd,
            buf: [0; 512],
            len: 0,
        };
        for &byte in self.coded {
            match byte {
                PROGRAM => out.bytes(program),
                INVOKED => out.bytes(invoked),
                _ => out.expand(byte),
            }
        }
        out.flush();
    }
}

/// Expanded text on its way out, a buffer at a time.
struct Expanded<'a> {
    fd: BorrowedFd<'a>,
    buf: [u8; 512],
    len: usize,
}

impl Expanded<'_> {
    fn expand(&mut self, byte: u8) {
        match pair(byte) {
            Some([a, b]) => {
                self.expand(a);
                self.expand(b);
            }
            None => self.bytes(&[byte]),
        }
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.len == self.buf.len() {
                self.flush();
            }
            self.buf[self.len] = b;
            self.len += 1;
        }
    }

    fn flush(&mut self) {
        message::write_all(self.fd, &self.buf[..self.len]);
        self.len = 0;
    }
}
