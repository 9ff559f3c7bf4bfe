//! Who pidone is responsible for, and how to signal all of them.
//!
//! As PID 1 that is every other process in the namespace, and the kernel
//! signals them all at once with `kill(-1)`. As a subreaper it is every
//! descendant, found by walking `/proc` up the parent links.

use core::cell::Cell;
use core::mem::MaybeUninit;

use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{Mode, OFlags, RawDir, open, openat};
use rustix::io::{self, Errno};
use rustix::process::{Pid, getpid, kill_process, kill_process_group, test_kill_process_group};

use crate::signal::{self, Signal};

pub struct Family {
    me: Pid,
    pid1: bool,
    /// Whether `/proc` is mounted and shows this PID namespace; found out
    /// the first time it is needed, which a command that leaves nobody
    /// behind never makes happen.
    procfs: Cell<Option<bool>>,
}

/// What `/proc/PID/stat` says about a process.
pub struct Stat {
    pub ppid: i32,
    pub pgrp: i32,
    pub state: u8,
    comm: [u8; 16],
    comm_len: usize,
}

impl Stat {
    pub fn comm(&self) -> &[u8] {
        &self.comm[..self.comm_len]
    }
}

impl Family {
    pub fn new() -> Family {
        let me = getpid();
        Family {
            me,
            pid1: me.is_init(),
            procfs: Cell::new(None),
        }
    }

    pub fn me(&self) -> Pid {
        self.me
    }

    pub fn is_pid1(&self) -> bool {
        self.pid1
    }

    fn sees_procfs(&self) -> bool {
        let me = self.me.as_raw_nonzero().get();
        let procfs = self.procfs.get().unwrap_or_else(
            || matches!(read_stat(None, b"self/stat\0"), Ok((pid, _)) if pid == me),
        );
        self.procfs.set(Some(procfs));
        procfs
    }

    /// Signals everyone pidone is responsible for, each once. As a
    /// subreaper: first `group` (the command's process group), which the
    /// kernel signals as a whole so that no member can fork its way out,
    /// then each descendant outside it, found through `/proc`. Without
    /// `/proc` the group is all a subreaper can reach.
    pub fn signal_all(&self, signal: Signal, group: Option<Pid>) -> io::Result<()> {
        if self.pid1 {
            return broadcast(signal);
        }
        if let Some(group) = group {
            ignore_gone(kill_process_group(group, signal.to_rustix()))?;
        }
        if !self.sees_procfs() {
            return Ok(());
        }
        let group = group.map_or(0, |g| g.as_raw_nonzero().get());
        self.each(|pid, stat| {
            if stat.pgrp != group {
                let _ = kill_process(pid, signal.to_rustix());
            }
        })
    }

    /// As PID 1, a living process other than pidone, for when pidone has no
    /// child left: such a process entered the namespace from outside
    /// (`docker exec`, `nsenter`), so no SIGCHLD tells of its end. Without
    /// `/proc` there is no way to find one, and the answer is `None`.
    pub fn stranger(&self) -> Option<Pid> {
        // kill(-1, 0) finds nobody in one call, the common case: only when
        // somebody is there is /proc read to name them.
        if !self.pid1 || matches!(test_kill_process_group(Pid::INIT), Err(Errno::SRCH)) {
            return None;
        }
        let mut found = None;
        let _ = self.each(|pid, _| {
            found.get_or_insert(pid);
        });
        found
    }

    /// Calls `f` for each living process pidone is responsible for.
    pub fn each(&self, mut f: impl FnMut(Pid, &Stat)) -> io::Result<()> {
        if !self.sees_procfs() {
            return Err(Errno::NOENT);
        }
        let proc = open(
            c"/proc",
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        let mut buf = [MaybeUninit::uninit(); 4096];
        let mut entries = RawDir::new(&proc, &mut buf);
        while let Some(entry) = entries.next() {
            let entry = entry?;
            let name = entry.file_name().to_bytes();
            let Some(pid) = signal::parse_number(name).and_then(|n| Pid::from_raw(n as i32)) else {
                continue;
            };
            if pid == self.me {
                continue;
            }
            // A process that is gone by now needs nothing more.
            let Ok(stat) = self.stat(&proc, pid) else {
                continue;
            };
            if stat.state == b'Z' || stat.state == b'X' {
                continue;
            }
            if self.pid1 || self.descends(&proc, stat.ppid) {
                f(pid, &stat);
            }
        }
        Ok(())
    }

    /// Whether the process with parent `ppid` descends from pidone.
    fn descends(&self, proc: &OwnedFd, mut ppid: i32) -> bool {
        // A bound against a loop that pid reuse could create mid-walk.
        for _ in 0..4096 {
            if ppid == self.me.as_raw_nonzero().get() {
                return true;
            }
            let Some(parent) = Pid::from_raw(ppid).filter(|p| !p.is_init()) else {
                return false;
            };
            match self.stat(proc, parent) {
                Ok(stat) => ppid = stat.ppid,
                Err(_) => return false,
            }
        }
        false
    }

    fn stat(&self, proc: &OwnedFd, pid: Pid) -> io::Result<Stat> {
        let mut path = [0u8; 26];
        let mut number = [0; 20];
        let digits = crate::out::decimal(pid.as_raw_nonzero().get() as u64, &mut number);
        path[..digits.len()].copy_from_slice(digits);
        path[digits.len()..digits.len() + 6].copy_from_slice(b"/stat\0");
        read_stat(Some(proc.as_fd()), &path[..digits.len() + 6]).map(|(_, stat)| stat)
    }
}

impl Default for Family {
    fn default() -> Self {
        Family::new()
    }
}

/// `kill(-1, signal)`: from a namespace's PID 1 it reaches every other
/// process in the namespace. rustix spells it as the process group of 1.
fn broadcast(signal: Signal) -> io::Result<()> {
    let everyone = Pid::from_raw(1).ok_or(Errno::INVAL)?;
    ignore_gone(kill_process_group(everyone, signal.to_rustix()))
}

/// Nobody to signal is not a failure.
fn ignore_gone(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(Errno::SRCH) => Ok(()),
        other => other,
    }
}

/// Reads `/proc/<path>` (a NUL-terminated path relative to `/proc`, or to
/// `dir` when given) and parses it as a stat line.
fn read_stat(dir: Option<rustix::fd::BorrowedFd<'_>>, path: &[u8]) -> io::Result<(i32, Stat)> {
    let path = core::ffi::CStr::from_bytes_with_nul(path).map_err(|_| Errno::INVAL)?;
    let flags = OFlags::RDONLY | OFlags::CLOEXEC;
    let fd = match dir {
        Some(dir) => openat(dir, path, flags, Mode::empty())?,
        None => {
            let proc = open(
                c"/proc",
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            )?;
            openat(&proc, path, flags, Mode::empty())?
        }
    };
    let mut buf = [0u8; 256];
    let n = loop {
        match rustix::io::read(&fd, &mut buf) {
            Err(Errno::INTR) => {}
            other => break other?,
        }
    };
    parse_stat(&buf[..n]).ok_or(Errno::INVAL)
}

/// `PID (COMM) STATE PPID ...`; COMM may itself hold spaces and parentheses,
/// so it ends at the last `)`.
pub fn parse_stat(line: &[u8]) -> Option<(i32, Stat)> {
    let open = line.iter().position(|&b| b == b'(')?;
    let close = line.iter().rposition(|&b| b == b')')?;
    let pid = signal::parse_number(line.get(..open)?.strip_suffix(b" ")?)?;
    let comm = line.get(open + 1..close)?;
    let mut fields = line
        .get(close + 1..)?
        .split(|&b| b == b' ')
        .filter(|f| !f.is_empty());
    let state = *fields.next()?.first()?;
    let ppid = signal::parse_number(fields.next()?)?;
    let pgrp = signal::parse_number(fields.next()?)?;
    let mut stat = Stat {
        ppid: ppid as i32,
        pgrp: pgrp as i32,
        state,
        comm: [0; 16],
        comm_len: comm.len().min(16),
    };
    stat.comm[..stat.comm_len].copy_from_slice(&comm[..stat.comm_len]);
    Some((pid as i32, stat))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_stat_lines_with_odd_names() {
        let (pid, stat) = parse_stat(b"42 (sleep) S 7 40 42 0 -1 4194560 95 0 0 0").unwrap();
        assert_eq!(
            (pid, stat.ppid, stat.pgrp, stat.state, stat.comm()),
            (42, 7, 40, b'S', b"sleep".as_slice())
        );
        let (_, stat) = parse_stat(b"9 (a) b (c)) Z 1 9 9").unwrap();
        assert_eq!(
            (stat.comm(), stat.state, stat.ppid),
            (b"a) b (c)".as_slice(), b'Z', 1)
        );
        let (_, stat) = parse_stat(b"3 () R 0 1").unwrap();
        assert_eq!((stat.comm(), stat.ppid), (b"".as_slice(), 0));
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            &b""[..],
            b"42",
            b"42 (x",
            b"x (y) S 1",
            b"42 (y) S",
            b"42 (y) S -1",
        ] {
            assert!(parse_stat(bad).is_none(), "{:?}", std::str::from_utf8(bad));
        }
    }
}
