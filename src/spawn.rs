//! Starting the command: fork, set it apart (its own process group and the
//! terminal, or its own session), clear the signal mask, exec with PATH
//! lookup.

use core::ffi::CStr;
use core::mem::MaybeUninit;

use rustix::event::{PollFd, PollFlags, poll};
use rustix::fd::{AsRawFd, RawFd};
use rustix::fs::{Mode, OFlags, RawDir, open};

use rustix::io::{self, Errno};
use rustix::process::{
    Pid, PidfdFlags, getpid, getppid, getsid, ioctl_tiocsctty, pidfd_open, setpgid, setsid,
};
use rustix::runtime::{Fork, execve, exit_group, kernel_fork};
use rustix::termios::{isatty, tcsetpgrp};

use crate::args::Args;
use crate::config::{Config, ExecCodes, Isolation};
use crate::decimal;
use crate::message::{self, Arg, Line, Say};
use crate::sigwait::{self, Inherited};

/// What `execvp` searches when PATH is unset (Docker's default PATH).
const DEFAULT_PATH: &[u8] = b"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Starts the command at argument `index` and returns its pid.
pub fn spawn(args: &Args, index: usize, config: &Config, inherited: &Inherited) -> io::Result<Pid> {
    let name = args.get(index).ok_or(Errno::INVAL)?;
    // SAFETY: pidone has a single thread and no libc state that a fork could
    // leave inconsistent; the child only makes syscalls before execve.
    match unsafe { kernel_fork() }? {
        Fork::ParentOf(child) => {
            if config.isolation == Isolation::Group {
                // Also set from this side, so that a signal forwarded to the
                // group right after fork cannot miss it. Fails harmlessly
                // with EACCES once the child has exec'd.
                let _ = setpgid(Some(child), Some(child));
            }
            Ok(child)
        }
        Fork::Child(_) => {
            let error = become_command(args, index, name, config, inherited);
            let said = [Arg::Bytes(name.to_bytes()), Arg::Errno(error)];
            if !config.wording.say(config.verbosity, Say::ExecFailed, &said) {
                Line::new()
                    .text(b"cannot run ")
                    .quoted(name.to_bytes())
                    .text(b": ")
                    .errno(error)
                    .to_stderr();
            }
            exit_group(exit_code(config.exec_codes, error).into())
        }
    }
}

/// The exit code for a command that could not be executed.
pub fn exit_code(codes: ExecCodes, error: Errno) -> u8 {
    match (codes, error) {
        // A symlink loop met in the PATH search: the program cannot be
        // found, as bash and dash report it.
        (ExecCodes::Shell, Errno::NOENT | Errno::NOTDIR | Errno::LOOP) => 127,
        (ExecCodes::Shell, _) => 126,
        (ExecCodes::Tini, Errno::NOENT) => 127,
        (ExecCodes::Tini, Errno::ACCESS) => 126,
        (ExecCodes::Tini, _) => 1,
        (ExecCodes::Always(code), _) => code,
    }
}

/// Forks a child that exits when process `pid` (not pidone's child) does,
/// so that its end, like every other, reaches pidone as a SIGCHLD. It exits
/// 0 then, or at once with the errno of a `pidfd_open` that failed.
pub fn watcher(pid: Pid) -> io::Result<Pid> {
    // SAFETY: as in `spawn`: one thread, no libc; the child only makes
    // syscalls and exits. It keeps every signal blocked, so only SIGKILL
    // ends it early.
    match unsafe { kernel_fork() }? {
        Fork::ParentOf(child) => Ok(child),
        Fork::Child(_) => match pidfd_open(pid, PidfdFlags::empty()) {
            Ok(fd) => {
                let mut fds = [PollFd::new(&fd, PollFlags::IN)];
                while let Err(Errno::INTR) = poll(&mut fds, None) {}
                exit_group(0)
            }
            Err(e) => exit_group(e.raw_os_error()),
        },
    }
}

/// For `Isolation::Session`, in pidone before the fork: lets go of the
/// controlling terminal so the command's new session can take it. A session
/// leader that lets go gets a SIGHUP and a SIGCONT from the kernel on its own
/// behalf, which `sigwait::next` tells apart as caused by pidone itself.
pub fn release_terminal(config: &Config) {
    const TIOCNOTTY: rustix::ioctl::Opcode = 0x5422;
    // SAFETY: TIOCNOTTY takes no argument; on anything but our terminal it
    // fails with ENOTTY and changes nothing.
    let released =
        unsafe { rustix::ioctl::ioctl(message::stdin(), rustix::ioctl::NoArg::<TIOCNOTTY>::new()) };
    // Only dumb-init says how it went.
    let (what, error) = match released {
        Err(e) => (Say::DetachFailed, e),
        // These two show no error: the one given goes unused.
        Ok(()) if getsid(None) == Ok(getpid()) => (Say::Detached, Errno::NOTTY),
        Ok(()) => (Say::DetachedNotLeader, Errno::NOTTY),
    };
    say_errno(config, what, error);
}

/// Says `what` with an errno's number and words as its arguments.
fn say_errno(config: &Config, what: Say, error: Errno) {
    let args = [
        Arg::Number(error.raw_os_error().unsigned_abs().into()),
        Arg::Errno(error),
    ];
    config.wording.say(config.verbosity, what, &args);
}

/// In the child: returns only if exec failed.
fn become_command(
    args: &Args,
    index: usize,
    name: &CStr,
    config: &Config,
    inherited: &Inherited,
) -> Errno {
    let stdin = message::stdin();
    match config.isolation {
        Isolation::Group => {
            let _ = setpgid(None, None);
            if !isatty(stdin) {
                // catatonit says so, at its INFO and DEBUG levels.
                let wording = config.wording;
                wording.say(config.verbosity, Say::NoTerminal, &[]);
                wording.say(config.verbosity, Say::NoForeground, &[]);
            } else {
                // Hand the terminal to the command's group, so Ctrl-C and
                // job control reach it. ENOTTY: a terminal, but not ours.
                match tcsetpgrp(stdin, getpid()) {
                    Ok(()) | Err(Errno::NOTTY) | Err(Errno::NXIO) => {}
                    Err(e) => Line::new()
                        .text(b"cannot give the terminal to the command: ")
                        .errno(e)
                        .to_stderr(),
                }
            }
        }
        Isolation::Session => {
            if let Err(e) = setsid() {
                return e;
            }
            // Without a terminal there is nothing to attach: not an error.
            if let Err(e) = ioctl_tiocsctty(stdin) {
                say_errno(config, Say::AttachFailed, e);
            }
            config
                .wording
                .say(config.verbosity, Say::SetsidComplete, &[]);
        }
        Isolation::Shared => {}
    }
    if let Err(e) = sigwait::restore(inherited, config.reset_signals) {
        return e;
    }
    let mut listen_pid = [0u8; 32];
    rewrite_listen_pid(args, &mut listen_pid);
    let argv = args.argv_from(index);
    let envp = args.envp();
    let exec = |path: &CStr| {
        // SAFETY: argv and envp are the process's own null-terminated
        // arrays of C strings (see `Args::new`), and argv_from(index) is a
        // tail of argv, so it is null-terminated too.
        let error = unsafe { execve(path, argv, envp) };
        if error != Errno::NOEXEC {
            return error;
        }
        // As glibc's execvp: what the kernel cannot run is taken for a
        // script without `#!`, for the shell.
        // SAFETY: `path` outlives the execve below, after which argv is
        // never used again: this child either becomes the shell or exits.
        let script = unsafe { args.shell_argv(index, path) };
        // SAFETY: as above; shell_argv keeps argv null-terminated.
        match unsafe { execve(c"/bin/sh", script, envp) } {
            Errno::NOENT => Errno::NOEXEC,
            other => other,
        }
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

/// In pidone after the fork: the working directory becomes `/`, so pidone
/// does not hold a mount busy; with `close_fds` (catatonit's way), every
/// inherited file descriptor above 2 is closed, so that a pipe or socket
/// closes when the command and its children are done with it. Not by
/// default: listing /proc/self/fd costs more than pidone's whole start-up
/// besides fork and exec.
pub fn release_inherited(close_fds: bool) {
    let _ = rustix::process::chdir(c"/");
    if !close_fds {
        return;
    }
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let Ok(dir) = open(c"/proc/self/fd", flags, Mode::empty()) else {
        return;
    };
    let mut buf = [MaybeUninit::uninit(); 1024];
    let mut entries = RawDir::new(&dir, &mut buf);
    while let Some(Ok(entry)) = entries.next() {
        let Some(fd) = decimal::parse(entry.file_name().to_bytes()) else {
            continue;
        };
        let fd = fd as RawFd;
        if fd > 2 && fd != dir.as_raw_fd() {
            // SAFETY: pidone opens nothing that outlives a call but `dir`:
            // every other descriptor above 2 was inherited, and nothing in
            // this process owns or uses it.
            unsafe { rustix::io::close(fd) };
        }
    }
}

/// Socket activation: `LISTEN_PID` names the process meant to take the
/// passed sockets. When it names pidone, the command is the one meant.
fn rewrite_listen_pid(args: &Args, buf: &mut [u8; 32]) {
    let Some(value) = args.env(b"LISTEN_PID") else {
        return;
    };
    let parent = getppid().map(|p| p.as_raw_nonzero().get().unsigned_abs());
    if decimal::parse(value) != parent {
        return;
    }
    let mut digits = [0; 20];
    let pid = decimal::format(
        getpid().as_raw_nonzero().get().unsigned_abs().into(),
        &mut digits,
    );
    let entry = b"LISTEN_PID=";
    buf[..entry.len()].copy_from_slice(entry);
    buf[entry.len()..entry.len() + pid.len()].copy_from_slice(pid);
    buf[entry.len() + pid.len()] = 0;
    if let Ok(entry) = CStr::from_bytes_until_nul(buf) {
        // SAFETY: `buf` lives in `become_command`'s frame, which lasts until
        // execve replaces this process or the child exits.
        unsafe { args.replace_env(b"LISTEN_PID", entry) };
    }
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
        let Ok(candidate) = CStr::from_bytes_until_nul(&buf[..=len]) else {
            continue;
        };
        match exec(candidate) {
            Errno::ACCESS => result = Errno::ACCESS,
            // As glibc's execvp; a symlink loop or an overlong name ends
            // the search and is what is reported.
            Errno::NOENT | Errno::NOTDIR | Errno::NODEV | Errno::TIMEDOUT | Errno::STALE => {}
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
