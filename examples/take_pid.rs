#![allow(clippy::unwrap_used, clippy::expect_used)]
//! take_pid: gives a given PID to a process that has nothing to do with
//! pidone (tests/faults_pid_reuse.rs), as a busy host eventually does.
//!
//! `take_pid PID`, run inside a PID namespace (through `nsenter`), writes
//! PID-1 to /proc/sys/kernel/ns_last_pid, so that the namespace's next
//! process gets PID if it is free, and forks that process: the victim. The
//! victim starts a session of its own (so it also leads process group PID,
//! as `setsid sleep` would), resets its signal mask and dispositions, prints
//! `victim ready pid=P pgid=G` and pauses. When stdin reaches end of file,
//! take_pid sends the victim SIGALRM. When the victim is gone it prints
//! `victim ended signal N` (or `victim ended code N`) and exits: N tells
//! whether the test's own SIGALRM ended it or something else got there first.

use std::io::Write;

#[allow(dead_code)] // only some of the shared calls are needed here
#[path = "support/sys.rs"]
mod sys;
use sys::{check, errno, exit, fork, write_fd};

fn fail(msg: &str) -> ! {
    let _ = std::io::stderr().write_all(format!("take_pid: {msg}\n").as_bytes());
    exit(99);
}

fn main() {
    let target: i32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .filter(|&p| p > 1)
        .unwrap_or_else(|| fail("usage: take_pid PID (PID > 1)"));
    std::fs::write("/proc/sys/kernel/ns_last_pid", format!("{}", target - 1))
        .unwrap_or_else(|e| fail(&format!("ns_last_pid: {e}")));
    let victim = fork();
    if victim == 0 {
        become_victim();
    }
    // SAFETY: plain syscall; the victim is our child and not yet reaped.
    let pidfd = check(
        unsafe { libc::syscall(libc::SYS_pidfd_open, victim, 0) } as i32,
        "pidfd_open",
    );
    let mut watch_stdin = true;
    loop {
        let mut fds = [
            libc::pollfd {
                fd: pidfd,
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: 0,
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        let nfds = if watch_stdin { 2 } else { 1 };
        // SAFETY: valid pollfd array of nfds entries.
        if unsafe { libc::poll(fds.as_mut_ptr(), nfds, -1) } < 0 {
            if errno() == libc::EINTR {
                continue;
            }
            fail("poll");
        }
        if fds[0].revents != 0 {
            break;
        }
        if watch_stdin && fds[1].revents != 0 {
            let mut buf = [0u8; 64];
            // SAFETY: valid buffer.
            let n = unsafe { libc::read(0, buf.as_mut_ptr().cast(), buf.len()) };
            if n == 0 || (n < 0 && errno() != libc::EINTR) {
                watch_stdin = false;
                // SAFETY: signalling our own child, not yet reaped.
                unsafe { libc::kill(victim, libc::SIGALRM) };
            }
        }
    }
    let mut status = 0;
    // SAFETY: waiting for our own child.
    check(unsafe { libc::waitpid(victim, &mut status, 0) }, "waitpid");
    let how = if libc::WIFSIGNALED(status) {
        format!("signal {}", libc::WTERMSIG(status))
    } else {
        format!("code {}", libc::WEXITSTATUS(status))
    };
    write_fd(1, format!("victim ended {how}\n").as_bytes());
    exit(0);
}

fn become_victim() -> ! {
    // SAFETY: setsid, signal-state resets and getters in a single-threaded
    // child.
    unsafe {
        check(libc::setsid(), "setsid");
        for sig in 1..=libc::SIGRTMAX() {
            if sig != libc::SIGKILL && sig != libc::SIGSTOP {
                libc::signal(sig, libc::SIG_DFL);
            }
        }
        let mut none: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut none);
        libc::sigprocmask(libc::SIG_SETMASK, &none, std::ptr::null_mut());
        let (pid, pgid) = (libc::getpid(), libc::getpgrp());
        write_fd(
            1,
            format!("victim ready pid={pid} pgid={pgid}\n").as_bytes(),
        );
        loop {
            libc::pause();
        }
    }
}
