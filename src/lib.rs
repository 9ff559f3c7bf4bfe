//! pidone: an init for containers. It runs one command, forwards signals to
//! it, reaps every zombie, and shuts the process tree down gracefully.
//!
//! Everything lives in this library; `main.rs` only hands over argv and envp.
//! The pure parts (`cli`, `signal`, `duration`, `status`, `shutdown`) are
//! unit-tested on the host; the rest is tested by running the binary.

#![cfg_attr(not(test), no_std)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod args;
pub mod cli;
pub mod duration;
pub mod family;
pub mod out;
pub mod personality;
pub mod reap;
pub mod shutdown;
pub mod signal;
pub mod sigwait;
pub mod spawn;
pub mod status;
pub mod supervise;

use args::Args;
use cli::{INVOKED, PROGRAM, Request, Text};
use out::Line;
use personality::{Personality, basename};

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// pidone's whole life; returns its exit code.
pub fn main(args: &mut Args) -> u8 {
    // Before anything else, so that no signal can take its default action
    // on pidone, nor be lost, while it starts up.
    if let Err(e) = sigwait::block_all() {
        Line::new()
            .text(b"cannot block signals: ")
            .errno(e)
            .to_stderr();
        return 1;
    }
    let invoked = args.get(0).map_or(b"pidone".as_slice(), |n| n.to_bytes());
    let name = basename(invoked);
    let personality = Personality::from_name(name);
    // GNU getopt does not permute either when POSIXLY_CORRECT is set.
    if personality.permutes() && args.env(b"POSIXLY_CORRECT").is_none() {
        args.permute(personality.takes_value());
    }
    match personality.parse(args.options(), |name| args.env(name)) {
        Ok(Request::Supervise { config, command }) => {
            // Indices from `parse` do not count the program's name.
            supervise::run(&config, args, command.map(|i| i + 1))
        }
        Ok(Request::Show(text)) => {
            show(text, name, invoked);
            0
        }
        Err(e) => {
            let mut line = Line::new();
            line.text(e.problem.as_bytes());
            if !e.value.is_empty() {
                line.text(b" ").quoted(e.value);
            }
            line.text(b" (see '")
                .text(name)
                .text(b" ")
                .text(personality.help_option())
                .text(b"')")
                .to_stderr();
            personality.usage_exit_code()
        }
    }
}

fn show(text: Text, name: &[u8], invoked: &[u8]) {
    let fd = if text.to_stderr {
        out::stderr()
    } else {
        out::stdout()
    };
    for &piece in text.pieces {
        let piece = match piece {
            PROGRAM => name,
            INVOKED => invoked,
            _ => piece,
        };
        out::write_all(fd, piece);
    }
}
