//! Starting the command: fork, give it its own process group (and the
//! terminal, when there is one), clear the signal mask, exec with PATH lookup.

use core::ffi::CStr;

use rustix::io::{self, Errno};
use rustix::process::{Pid, getpid, setpgid};
use rustix::runtime::{Fork, execve, exit_group, kernel_fork};
use rustix::termios::{isatty, tcsetpgrp};

use crate::args::Args;
use crate::out::Line;
use crate::sigwait;

/// What `execvp` searches when PATH is unset (Docker's default PATH).
const DEFAULT_PATH: &[u8] = b"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Starts the command at argument `index` and returns its pid.
pub fn spawn(args: &Args, index: usize) -> io::Result<Pid> {
    let name = args.get(index).ok_or(Errno::INVAL)?;
    // SAFETY: pidone has a single thread and no libc state that a fork could
    // leave inconsistent; the child only makes syscalls before execve.
    match unsafe { kernel_fork() }? {
        Fork::ParentOf(child) => {
            // Also set from this side, so that a signal forwarded to the
            // group right after fork cannot miss it. Fails harmlessly with
            // EACCES once the child has exec'd.
            let _ = setpgid(Some(child), Some(child));
            Ok(child)
        }
        Fork::Child(_) => {
            let error = become_command(args, index, name);
            Line::new()
                .text(b"cannot run ")
                .quoted(name.to_bytes())
                .text(b": ")
                .errno(error)
                .to_stderr();
            // 127 for "not found", 126 for "found but cannot execute", as shells do.
            exit_group(if matches!(error, Errno::NOENT | Errno::NOTDIR) {
                127
            } else {
                126
            })
        }
    }
}

/// In the child: returns only if exec failed.
fn become_command(args: &Args, index: usize, name: &CStr) -> Errno {
    let _ = setpgid(None, None);
    let stdin = crate::out::stdin();
    if isatty(stdin) {
        // Hand the terminal to the command's group, so Ctrl-C and job
        // control reach it. ENOTTY: stdin is a terminal but not ours to give.
        match tcsetpgrp(stdin, getpid()) {
            Ok(()) | Err(Errno::NOTTY) | Err(Errno::NXIO) => {}
            Err(e) => Line::new()
                .text(b"cannot give the terminal to the command: ")
                .errno(e)
                .to_stderr(),
        }
    }
    if let Err(e) = sigwait::unblock_all() {
        return e;
    }
    let argv = args.argv_from(index);
    let envp = args.envp();
    let exec = |path: &CStr| {
        // SAFETY: argv and envp are the process's own null-terminated
        // arrays of C strings (see `Args::new`), and argv_from(index) is a
        // tail of argv, so it is null-terminated too.
        unsafe { execve(path, argv, envp) }
    };
    let file = name.to_bytes();
    if file.is_empty() {
        return Errno::NOENT;
    }
    if file.contains(&b'/') {
        return exec(name);
    }
    search_path(args.env(b"PATH").unwrap_or(DEFAULT_PATH), file, exec)
}

/// Tries `dir/file` for each PATH entry as execvp does: permission errors
/// are remembered while the search goes on; other failures end it.
fn search_path(path: &[u8], file: &[u8], mut exec: impl FnMut(&CStr) -> Errno) -> Errno {
    let mut result = Errno::NOENT;
    let mut buf = [0u8; 4096];
    for dir in path.split(|&b| b == b':') {
        // An empty entry means the current directory.
        let dir = if dir.is_empty() { b".".as_slice() } else { dir };
        let len = dir.len() + 1 + file.len();
        if len >= buf.len() {
            continue;
        }
        buf[..dir.len()].copy_from_slice(dir);
        buf[dir.len()] = b'/';
        buf[dir.len() + 1..len].copy_from_slice(file);
        buf[len] = 0;
        let Ok(candidate) = CStr::from_bytes_with_nul(&buf[..=len]) else {
            continue;
        };
        match exec(candidate) {
            Errno::ACCESS => result = Errno::ACCESS,
            Errno::NOENT
            | Errno::NOTDIR
            | Errno::NAMETOOLONG
            | Errno::LOOP
            | Errno::NODEV
            | Errno::TIMEDOUT
            | Errno::STALE => {}
            other => return other,
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::String;
    use std::vec::Vec;

    /// Runs the search with a fake exec that answers from a table.
    fn search(path: &str, answers: &[(&str, Errno)]) -> (Errno, Vec<String>) {
        let mut tried = Vec::new();
        let result = search_path(path.as_bytes(), b"cmd", |candidate| {
            let candidate = candidate.to_str().unwrap().to_owned();
            let answer = answers
                .iter()
                .find(|(p, _)| *p == candidate)
                .map_or(Errno::NOENT, |(_, e)| *e);
            tried.push(candidate);
            answer
        });
        (result, tried)
    }

    #[test]
    fn searches_each_entry_in_order() {
        let (result, tried) = search("/a:/b::/c", &[]);
        assert_eq!(result, Errno::NOENT);
        assert_eq!(tried, ["/a/cmd", "/b/cmd", "./cmd", "/c/cmd"]);
    }

    #[test]
    fn permission_denied_is_kept_while_the_search_goes_on() {
        let (result, tried) = search("/a:/b", &[("/a/cmd", Errno::ACCESS)]);
        assert_eq!(result, Errno::ACCESS);
        assert_eq!(tried.len(), 2);
    }

    #[test]
    fn other_errors_end_the_search() {
        let (result, tried) = search("/a:/b", &[("/a/cmd", Errno::NOEXEC)]);
        assert_eq!(result, Errno::NOEXEC);
        assert_eq!(tried, ["/a/cmd"]);
    }

    #[test]
    fn overlong_entries_are_skipped() {
        let long = "/x".repeat(3000);
        let (_, tried) = search(&(long + ":/b"), &[]);
        assert_eq!(tried, ["/b/cmd"]);
    }
}
