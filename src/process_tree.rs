//! The process tree pidone is responsible for: who is in it, and how to
//! signal all of it.
//!
//! As PID 1 that is every other process in the namespace, and the kernel
//! signals them all at once with `kill(-1)`. As a subreaper it is every
//! descendant, found by walking `/proc` up the parent links, one file
//! descriptor at a time so that a nearly full descriptor table still
//! leaves room for it.

use core::cell::Cell;
use core::ffi::CStr;
use core::mem::MaybeUninit;

use rustix::fs::{Mode, OFlags, RawDir, SeekFrom, open, seek};
use rustix::io::{self, Errno};
use rustix::process::{Pid, getpid, kill_process, kill_process_group, test_kill_process_group};

use crate::decimal;
use crate::signal::Signal;

pub struct ProcessTree {
    me: Pid,
    pid1: bool,
    /// Whether `/proc` is mounted and shows this PID namespace; found out
    /// the first time it is needed, which a command that leaves nobody
    /// behind never makes happen. A failure that may pass (no descriptor
    /// or memory left) is not remembered.
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

/// How many pids one pass over `/proc` collects before it closes the
/// directory to read their stat files.
const BATCH: usize = 64;

impl ProcessTree {
    pub fn new() -> ProcessTree {
        let me = getpid();
        ProcessTree {
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

    /// `Ok` when `/proc` shows this namespace; `Err(NOENT)` when it does
    /// not, for good; another error when it could not be told this time.
    fn procfs(&self) -> io::Result<()> {
        let known = match self.procfs.get() {
            Some(known) => known,
            None => match read_stat(c"/proc/self/stat") {
                Ok((pid, _)) => pid == self.me.as_raw_nonzero().get(),
                Err(e) if passing(e) => return Err(e),
                Err(_) => false,
            },
        };
        self.procfs.set(Some(known));
        if known { Ok(()) } else { Err(Errno::NOENT) }
    }

    /// Signals everyone pidone is responsible for, each once. As a
    /// subreaper: each descendant found through `/proc` outside `group`
    /// (the command's process group), then the group as a whole, which
    /// the kernel signals atomically so that no member can fork its way
    /// out. Returns whether a descendant was seen in the group: if not,
    /// it is no longer pidone's to signal. Without `/proc` the group is
    /// all a subreaper can reach, and it is signalled only when the caller
    /// knows it is pidone's (`known`: its leader, the command, lives).
    pub fn signal_all(&self, signal: Signal, group: Option<Pid>, known: bool) -> io::Result<bool> {
        if self.pid1 {
            return broadcast(signal).map(|()| true);
        }
        let pgrp = group.map_or(0, |g| g.as_raw_nonzero().get());
        let mut in_group = false;
        let walked = self.each(&mut |pid, stat| {
            if stat.pgrp == pgrp {
                in_group = true;
            } else {
                let _ = kill_process(pid, signal.to_rustix());
            }
        });
        let in_group = match walked {
            Ok(()) => in_group,
            Err(Errno::NOENT) => known && group.is_some(),
            Err(e) => return Err(e),
        };
        if let (Some(group), true) = (group, in_group) {
            ignore_gone(kill_process_group(group, signal.to_rustix()))?;
        }
        Ok(in_group)
    }

    /// Whether process group `group` still holds a descendant of pidone.
    /// Once it does not, its number may be handed to a stranger's group.
    pub fn owns_group(&self, group: Pid) -> bool {
        if self.pid1 {
            return true;
        }
        let pgrp = group.as_raw_nonzero().get();
        let mut found = false;
        let _ = self.each(&mut |_, stat| found |= stat.pgrp == pgrp);
        found
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
        let _ = self.each(&mut |pid, _| {
            found.get_or_insert(pid);
        });
        found
    }

    /// Calls `f` for each living process pidone is responsible for.
    /// `Err(NOENT)`: there is no `/proc` to find them in.
    pub fn each(&self, f: &mut dyn FnMut(Pid, &Stat)) -> io::Result<()> {
        self.procfs()?;
        // Where the next pass over /proc starts, as getdents counts.
        let mut cookie = 0;
        loop {
            let mut batch = [0i32; BATCH];
            let mut len = 0;
            let mut done = true;
            {
                let proc = open(
                    c"/proc",
                    OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                    Mode::empty(),
                )?;
                seek(&proc, SeekFrom::Start(cookie))?;
                let mut buf = [MaybeUninit::uninit(); 2048];
                let mut entries = RawDir::new(&proc, &mut buf);
                while let Some(entry) = entries.next() {
                    let entry = entry?;
                    cookie = entry.next_entry_cookie();
                    let Some(pid) = decimal::parse(entry.file_name().to_bytes()) else {
                        continue;
                    };
                    batch[len] = pid as i32;
                    len += 1;
                    if len == BATCH {
                        done = false;
                        break;
                    }
                }
            }
            for &pid in &batch[..len] {
                let Some(pid) = Pid::from_raw(pid).filter(|&p| p != self.me) else {
                    continue;
                };
                let stat = match stat(pid) {
                    Ok(stat) => stat,
                    Err(e) if passing(e) => return Err(e),
                    // Gone by now: it needs nothing more.
                    Err(_) => continue,
                };
                if stat.state == b'Z' || stat.state == b'X' {
                    continue;
                }
                if self.pid1 || self.descends(stat.ppid)? {
                    f(pid, &stat);
                }
            }
            if done {
                return Ok(());
            }
        }
    }

    /// Whether the process with parent `ppid` descends from pidone.
    fn descends(&self, mut ppid: i32) -> io::Result<bool> {
        // A bound against a loop that pid reuse could create mid-walk.
        for _ in 0..4096 {
            if ppid == self.me.as_raw_nonzero().get() {
                return Ok(true);
            }
            let Some(parent) = Pid::from_raw(ppid).filter(|p| !p.is_init()) else {
                return Ok(false);
            };
            match stat(parent) {
                Ok(stat) => ppid = stat.ppid,
                Err(e) if passing(e) => return Err(e),
                Err(_) => return Ok(false),
            }
        }
        Ok(false)
    }
}

impl Default for ProcessTree {
    fn default() -> Self {
        ProcessTree::new()
    }
}

/// A failure that may not happen again: out of descriptors or memory.
fn passing(e: Errno) -> bool {
    matches!(
        e,
        Errno::MFILE | Errno::NFILE | Errno::NOMEM | Errno::INTR | Errno::AGAIN
    )
}

fn stat(pid: Pid) -> io::Result<Stat> {
    let mut digits = [0; 20];
    let digits = decimal::format(pid.as_raw_nonzero().get() as u64, &mut digits);
    let mut path = [0u8; 32];
    let end = 6 + digits.len();
    path[..6].copy_from_slice(b"/proc/");
    path[6..end].copy_from_slice(digits);
    path[end..end + 5].copy_from_slice(b"/stat");
    let path = CStr::from_bytes_until_nul(&path).map_err(|_| Errno::INVAL)?;
    read_stat(path).map(|(_, stat)| stat)
}

/// `kill(-1, signal)`: from a namespace's PID 1 it reaches every other
/// process in the namespace. rustix spells it as the process group of 1.
fn broadcast(signal: Signal) -> io::Result<()> {
    ignore_gone(kill_process_group(Pid::INIT, signal.to_rustix()))
}

/// Nobody to signal is not a failure.
fn ignore_gone(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(Errno::SRCH) => Ok(()),
        other => other,
    }
}

/// Reads a stat file of `/proc` and parses it.
fn read_stat(path: &CStr) -> io::Result<(i32, Stat)> {
    let fd = open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?;
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
    let pid = decimal::parse(line.get(..open)?.strip_suffix(b" ")?)?;
    let comm = line.get(open + 1..close)?;
    let mut fields = line
        .get(close + 1..)?
        .split(|&b| b == b' ')
        .filter(|f| !f.is_empty());
    let state = *fields.next()?.first()?;
    let ppid = decimal::parse(fields.next()?)?;
    let pgrp = decimal::parse(fields.next()?)?;
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
