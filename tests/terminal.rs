#![allow(clippy::unwrap_used, clippy::expect_used)]
//! With a terminal on stdin, the command's process group is the terminal's
//! foreground group, so Ctrl-C and job control reach it directly.

mod common;
use common::*;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Instant;

struct OnPty {
    master: File,
    lines: Receiver<String>,
    seen: Vec<String>,
    exit: Receiver<ExitStatus>,
}

/// Run pidone (in `mode`) as the session leader's tree of a new session whose
/// controlling terminal is a fresh pty.
fn on_pty(mode: Mode, args: &[std::ffi::OsString]) -> OnPty {
    let (mut m, mut s) = (0, 0);
    // SAFETY: openpty with valid out-pointers and no name/termios/winsize.
    let rc = unsafe {
        libc::openpty(
            &mut m,
            &mut s,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "openpty");
    // SAFETY: freshly opened fds we own.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(m), OwnedFd::from_raw_fd(s)) };
    // SAFETY: tcgetattr/tcsetattr on our slave fd: no echo, so the output is
    // only what the programs print.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        libc::tcgetattr(slave.as_raw_fd(), &mut t);
        t.c_lflag &= !(libc::ECHO | libc::ECHOCTL);
        libc::tcsetattr(slave.as_raw_fd(), libc::TCSANOW, &t);
    }
    let mut cmd = pidone(mode).args(args).command();
    cmd.stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave));
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("spawn on pty");
    drop(cmd); // close our copies of the slave
    let master = File::from(master);
    let mut reader = master.try_clone().unwrap();
    let (ltx, lrx) = channel();
    std::thread::spawn(move || {
        let mut partial = Vec::new();
        let mut buf = [0u8; 4096];
        // Ends with EIO once every slave fd is closed.
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            for &b in &buf[..n] {
                if b == b'\n' {
                    let _ = ltx.send(
                        String::from_utf8_lossy(&partial)
                            .trim_end_matches('\r')
                            .to_string(),
                    );
                    partial.clear();
                } else {
                    partial.push(b);
                }
            }
        }
    });
    let (etx, erx) = channel();
    std::thread::spawn(move || {
        let _ = etx.send(child.wait().unwrap());
    });
    OnPty {
        master,
        lines: lrx,
        seen: Vec::new(),
        exit: erx,
    }
}

impl OnPty {
    fn wait_line(&mut self, prefix: &str) -> String {
        let deadline = Instant::now() + LIMIT;
        loop {
            if let Some(l) = self.seen.iter().find(|l| l.starts_with(prefix)) {
                return l.clone();
            }
            match self
                .lines
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(l) => self.seen.push(l),
                Err(e) => panic!(
                    "no line starting with {prefix:?} ({e:?}); got:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }
    fn finish(mut self) -> (ExitStatus, Vec<String>) {
        let st = self
            .exit
            .recv_timeout(LIMIT)
            .unwrap_or_else(|_| panic!("pidone did not exit; output:\n{}", self.seen.join("\n")));
        while let Ok(l) = self.lines.recv_timeout(std::time::Duration::from_secs(5)) {
            self.seen.push(l);
        }
        (st, self.seen)
    }
}

#[test]
fn command_owns_the_terminal_foreground() {
    both(|mode| {
        // Repeated: the foreground must be set before the command runs, not
        // at some moment after.
        for _ in 0..5 {
            let mut t = on_pty(
                mode,
                &[std::ffi::OsString::from("--")]
                    .into_iter()
                    .chain(script("tag cmd status"))
                    .collect::<Vec<_>>(),
            );
            let status = t.wait_line("cmd status ");
            let (st, out) = t.finish();
            assert_eq!(st.code(), Some(0), "{mode:?}\n{}", out.join("\n"));
            assert_eq!(
                field(&status, "tpgid"),
                field(&status, "pgid"),
                "{mode:?}: the command's group is the terminal's foreground group\n{status}"
            );
            assert_eq!(
                field(&status, "pgid"),
                field(&status, "pid"),
                "{mode:?}: in its own group\n{status}"
            );
        }
    });
}

#[test]
fn ctrl_c_on_the_terminal_reaches_the_command_directly() {
    both(|mode| {
        let mut t = on_pty(
            mode,
            &[std::ffi::OsString::from("--")]
                .into_iter()
                .chain(script(
                    "tag cmd block ready report --until-eof --eof-exit 0",
                ))
                .collect::<Vec<_>>(),
        );
        t.wait_line("cmd ready ");
        t.master.write_all(b"\x03").unwrap();
        // From the kernel (sender 0), not relayed by pidone.
        t.wait_line("cmd sig 2 from 0");
        t.master.write_all(b"\x04").unwrap(); // end of file
        let (st, out) = t.finish();
        assert_eq!(st.code(), Some(0), "{mode:?}\n{}", out.join("\n"));
        let sigint: Vec<&String> = out.iter().filter(|l| l.starts_with("cmd sig 2 ")).collect();
        assert_eq!(
            sigint.len(),
            1,
            "{mode:?}: one SIGINT, straight from the terminal\n{}",
            out.join("\n")
        );
    });
}
