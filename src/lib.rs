//! pidone: an init for containers. It runs one command, forwards signals to
//! it, reaps every zombie, and shuts the process tree down gracefully.
//!
//! Everything lives in this library; `main.rs` only hands over argv and envp.
//! Pure, and unit-tested on the host: `personality` (the command lines, as
//! data) with `getopt`, `config`, `signal`, `duration`, `decimal`, `status`
//! and `shutdown` (the state machine). The rest makes syscalls and is tested
//! by running the binary: `supervise` (the main loop), `spawn`, `reaper`,
//! `process_tree`, `sigwait`, `message` and `args`.

#![cfg_attr(not(test), no_std)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod args;
pub mod config;
pub mod decimal;
pub mod duration;
pub mod getopt;
pub mod message;
pub mod personality;
pub mod process_tree;
pub mod reaper;
pub mod shutdown;
pub mod signal;
pub mod sigwait;
pub mod spawn;
pub mod status;
pub mod supervise;

use args::Args;
use message::{Arg, Line, fail};
use personality::{Request, basename};

/// pidone's whole life; returns its exit code.
pub fn main(args: &mut Args) -> u8 {
    // Before anything else, so that no signal can take its default action
    // on pidone, nor be lost, while it starts up.
    let mask = match sigwait::block_all() {
        Ok(mask) => mask,
        Err(e) => return fail(b"cannot block signals: ", e),
    };
    let invoked = args.get(0).map_or(b"pidone".as_slice(), |n| n.to_bytes());
    let name = basename(invoked);
    let personality = personality::from_name(name);
    // GNU getopt does not permute either when POSIXLY_CORRECT is set.
    if personality.permutes && args.env(b"POSIXLY_CORRECT").is_none() {
        args.permute(personality.options);
    }
    let (text, code) = match personality.parse(args.options(), |name| args.env(name)) {
        Ok(Request::Supervise { config, command }) => {
            let inherited = sigwait::take_sigchld(mask);
            // Indices from `parse` do not count the program's name.
            return supervise::run(&config, args, command.map(|i| i + 1), &inherited);
        }
        Ok(Request::Show(text)) => (text, 0),
        Err(e) => {
            let args = [Arg::Bytes(invoked), Arg::Bytes(e.value)];
            let said = e.say();
            if !personality.defaults.wording.say(0, said, &args) {
                usage_error(&e, name, personality.help_option);
            }
            match personality.usage {
                Some(usage) if said.is_getopts() => (usage, personality.usage_exit_code),
                _ => return personality.usage_exit_code,
            }
        }
    };
    text.write(name, invoked);
    code
}

/// pidone's own words for a usage error.
fn usage_error(e: &personality::UsageError<'_>, name: &[u8], help_option: &[u8]) {
    let mut line = Line::new();
    line.text(e.problem.as_bytes());
    if !e.value.is_empty() {
        line.text(b" ").quoted(e.value);
    }
    line.text(b" (see '")
        .text(name)
        .text(b" ")
        .text(help_option)
        .text(b"')")
        .to_stderr();
}
