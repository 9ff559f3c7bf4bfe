#![allow(clippy::unwrap_used, clippy::expect_used)]
//! no_pidfd: runs a program on which `pidfd_open(2)` fails, as on kernels
//! before 5.3 or under a seccomp profile that denies it
//! (tests/faults_no_pidfd.rs).
//!
//! `no_pidfd ERRNO PROG ARG...`, where ERRNO is `ENOSYS` or `EPERM`, installs
//! a seccomp filter that makes `pidfd_open` fail with ERRNO, for this
//! process and everything it starts, and execs PROG (looked up in PATH).
//! Every other system call is allowed.

use std::ffi::CString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;

#[allow(dead_code)] // only some of the shared calls are needed here
#[path = "support/sys.rs"]
mod sys;

fn fail(msg: &str) -> ! {
    let _ = std::io::stderr().write_all(format!("no_pidfd: {msg}\n").as_bytes());
    // SAFETY: _exit is always safe.
    unsafe { libc::_exit(99) }
}

/// The seccomp_data `arch` value of the target this is built for.
#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH: u32 = 0xc000_003e;
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH: u32 = 0xc000_00b7;
#[cfg(target_arch = "x86")]
const AUDIT_ARCH: u32 = 0x4000_0003;
#[cfg(target_arch = "arm")]
const AUDIT_ARCH: u32 = 0x4000_0028;
#[cfg(target_arch = "riscv64")]
const AUDIT_ARCH: u32 = 0xc000_00f3;

fn stmt(code: u32, k: u32) -> libc::sock_filter {
    libc::sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    }
}

fn jump(code: u32, k: u32, jt: u8, jf: u8) -> libc::sock_filter {
    libc::sock_filter {
        code: code as u16,
        jt,
        jf,
        k,
    }
}

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    if args.len() < 2 {
        fail("usage: no_pidfd ENOSYS|EPERM PROG ARG...");
    }
    let errno = match args[0].to_str() {
        Some("ENOSYS") => libc::ENOSYS,
        Some("EPERM") => libc::EPERM,
        _ => fail("ERRNO must be ENOSYS or EPERM"),
    };
    // seccomp_data: nr at offset 0, arch at offset 4.
    let filter = [
        stmt(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, 4),
        // Another architecture's calls (x32, compat): allow, skip to the end.
        jump(
            libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K,
            AUDIT_ARCH,
            0,
            3,
        ),
        stmt(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, 0),
        jump(
            libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K,
            libc::SYS_pidfd_open as u32,
            0,
            1,
        ),
        stmt(
            libc::BPF_RET | libc::BPF_K,
            libc::SECCOMP_RET_ERRNO | errno as u32,
        ),
        stmt(libc::BPF_RET | libc::BPF_K, libc::SECCOMP_RET_ALLOW),
    ];
    let prog = libc::sock_fprog {
        len: filter.len() as u16,
        filter: filter.as_ptr().cast_mut(),
    };
    // SAFETY: prctl with a valid filter program that outlives the call.
    unsafe {
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
            fail(&format!(
                "no_new_privs: {}",
                std::io::Error::last_os_error()
            ));
        }
        if libc::prctl(
            libc::PR_SET_SECCOMP,
            libc::SECCOMP_MODE_FILTER as libc::c_ulong,
            &prog as *const libc::sock_fprog,
        ) != 0
        {
            fail(&format!("seccomp: {}", std::io::Error::last_os_error()));
        }
    }
    let argv: Vec<CString> = args[1..]
        .iter()
        .map(|a| CString::new(a.as_bytes()).expect("nul in argument"))
        .collect();
    sys::exec(&argv)
}
