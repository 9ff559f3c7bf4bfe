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
pub mod reap;
pub mod shutdown;
pub mod signal;
pub mod sigwait;
pub mod spawn;
pub mod status;
pub mod supervise;

use args::Args;
use cli::Request;
use out::Line;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// pidone's whole life; returns its exit code.
pub fn main(args: &Args) -> u8 {
    // Before anything else, so that no signal can take its default action
    // on pidone, nor be lost, while it starts up.
    if let Err(e) = sigwait::block_all() {
        Line::new()
            .text(b"cannot block signals: ")
            .errno(e)
            .to_stderr();
        return 1;
    }
    match cli::parse(args.options(), |name| args.env(name)) {
        Ok(Request::Supervise { config, command }) => {
            // Indices from `parse` do not count the program's name.
            supervise::run(&config, args, command.map(|i| i + 1))
        }
        Ok(Request::Help) => print(cli::HELP),
        Ok(Request::Version) => {
            print(concat!("pidone ", env!("CARGO_PKG_VERSION"), "\n").as_bytes())
        }
        Ok(Request::License) => print(cli::LICENSE),
        Err(e) => {
            let line = Line::new().text(e.problem.as_bytes());
            let line = if e.value.is_empty() {
                line
            } else {
                line.text(b" ").quoted(e.value)
            };
            line.text(b" (see 'pidone --help')").to_stderr();
            2
        }
    }
}

fn print(text: &[u8]) -> u8 {
    out::write_all(out::stdout(), text);
    0
}
