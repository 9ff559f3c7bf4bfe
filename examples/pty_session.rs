#![allow(clippy::unwrap_used, clippy::expect_used)]
//! pty_session: runs a program as the session leader of a new pseudo-terminal,
//! which is its controlling terminal and its stdin, stdout and stderr, as
//! `docker run -it` starts a container's first process (tests/tty_handoff.rs).
//!
//! `pty_session PROG ARG...` prints `pty child pid=P`, then copies everything
//! the terminal shows to its own stdout until the last process using the
//! terminal has closed it, then prints `pty exited code N` (or
//! `pty exited signal N`) for PROG and exits.

use std::ffi::CString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;

#[allow(dead_code)] // only some of the shared calls are needed here
#[path = "support/sys.rs"]
mod sys;
use sys::{check, errno, exec, exit, fork, write_fd};

fn fail(msg: &str) -> ! {
    let _ = std::io::stderr().write_all(format!("pty_session: {msg}\n").as_bytes());
    exit(99);
}

fn main() {
    let argv: Vec<CString> = std::env::args_os()
        .skip(1)
        .map(|a| CString::new(a.as_bytes()).expect("nul in argument"))
        .collect();
    if argv.is_empty() {
        fail("usage: pty_session PROG ARG...");
    }
    // SAFETY: posix_openpt, grantpt, unlockpt and ptsname_r with a valid
    // buffer.
    let (master, name) = unsafe {
        let master = check(
            libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC),
            "posix_openpt",
        );
        check(libc::grantpt(master), "grantpt");
        check(libc::unlockpt(master), "unlockpt");
        let mut buf = [0 as libc::c_char; 128];
        if libc::ptsname_r(master, buf.as_mut_ptr(), buf.len()) != 0 {
            fail("ptsname_r");
        }
        (master, std::ffi::CStr::from_ptr(buf.as_ptr()).to_owned())
    };
    let child = fork();
    if child == 0 {
        // SAFETY: single-threaded child: setsid, then opening the terminal
        // (which, for a session leader without one, makes it the
        // controlling terminal) and dup2.
        unsafe {
            check(libc::setsid(), "setsid");
            let slave = check(libc::open(name.as_ptr(), libc::O_RDWR), "open pty");
            check(libc::ioctl(slave, libc::TIOCSCTTY, 0), "TIOCSCTTY");
            for fd in 0..3 {
                check(libc::dup2(slave, fd), "dup2");
            }
            if slave > 2 {
                libc::close(slave);
            }
        }
        exec(&argv);
    }
    write_fd(1, format!("pty child pid={child}\n").as_bytes());
    let mut buf = [0u8; 4096];
    loop {
        // SAFETY: valid buffer.
        let n = unsafe { libc::read(master, buf.as_mut_ptr().cast(), buf.len()) };
        if n < 0 && errno() == libc::EINTR {
            continue;
        }
        // EIO: every process has closed the terminal.
        if n <= 0 {
            break;
        }
        write_fd(1, &buf[..n as usize]);
    }
    let mut status = 0;
    // SAFETY: waiting for our own child.
    check(unsafe { libc::waitpid(child, &mut status, 0) }, "waitpid");
    let how = if libc::WIFSIGNALED(status) {
        format!("signal {}", libc::WTERMSIG(status))
    } else {
        format!("code {}", libc::WEXITSTATUS(status))
    };
    write_fd(1, format!("pty exited {how}\n").as_bytes());
    exit(0);
}
