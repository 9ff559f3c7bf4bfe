#![allow(clippy::unwrap_used, clippy::expect_used)]
//! fd_table: runs a program with its file descriptor table nearly full, or
//! with only the standard descriptors (tests/faults_fd_exhaustion.rs).
//!
//! | command | what it does before exec'ing PROG (looked up in PATH) |
//! | --- | --- |
//! | `fd_table fill N PROG ARG...` | sets RLIMIT_NOFILE (soft and hard) to N and opens /dev/null on every descriptor from 3 to N-2, inheritable: PROG starts with exactly one free slot, N-1 |
//! | `fd_table close PROG ARG...` | closes every descriptor above 2 |

use std::ffi::CString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;

#[allow(dead_code)] // only some of the shared calls are needed here
#[path = "support/sys.rs"]
mod sys;

fn fail(msg: &str) -> ! {
    let _ = std::io::stderr().write_all(format!("fd_table: {msg}\n").as_bytes());
    // SAFETY: _exit is always safe.
    unsafe { libc::_exit(99) }
}

fn last_error() -> std::io::Error {
    std::io::Error::last_os_error()
}

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let usage = "usage: fd_table fill N PROG ARG... | fd_table close PROG ARG...";
    let (mode, rest) = args.split_first().unwrap_or_else(|| fail(usage));
    let prog = match mode.to_str() {
        Some("fill") => {
            let (n, prog) = rest.split_first().unwrap_or_else(|| fail(usage));
            let n: i32 = n
                .to_str()
                .and_then(|n| n.parse().ok())
                .filter(|&n| n >= 5)
                .unwrap_or_else(|| fail("N must be a number of at least 5"));
            fill(n);
            prog
        }
        Some("close") => {
            close_from(3);
            rest
        }
        _ => fail(usage),
    };
    if prog.is_empty() {
        fail(usage);
    }
    let argv: Vec<CString> = prog
        .iter()
        .map(|a| CString::new(a.as_bytes()).expect("nul in argument"))
        .collect();
    sys::exec(&argv)
}

fn close_from(first: i32) {
    // SAFETY: close_range on descriptors nothing in this process uses any
    // more (the standard library holds none of them open across exec).
    if unsafe { libc::syscall(libc::SYS_close_range, first as u32, u32::MAX, 0) } != 0 {
        fail(&format!("close_range: {}", last_error()));
    }
}

/// Descriptors 0..N-1 with only N-1 free, under a limit of N.
fn fill(n: i32) {
    close_from(3);
    // SAFETY: open, dup2, fcntl and setrlimit with valid arguments, on
    // descriptors this process owns.
    unsafe {
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
        if null < 0 {
            fail(&format!("open /dev/null: {}", last_error()));
        }
        for fd in 3..n - 1 {
            if fd != null && libc::dup2(null, fd) < 0 {
                fail(&format!("dup2 {fd}: {}", last_error()));
            }
        }
        if null >= n - 1 {
            libc::close(null);
        }
        let limit = libc::rlimit {
            rlim_cur: n as libc::rlim_t,
            rlim_max: n as libc::rlim_t,
        };
        if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
            fail(&format!("setrlimit: {}", last_error()));
        }
        // The one free slot is N-1: nothing may be open there.
        if libc::fcntl(n - 1, libc::F_GETFD) >= 0 {
            fail("descriptor N-1 is in use");
        }
    }
}
