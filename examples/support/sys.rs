//! The libc calls the test workloads share. Each
//! includes this file with `#[path]` and defines the `fail` that `check`
//! ends with.

use super::fail;

pub fn exit(code: i32) -> ! {
    // SAFETY: _exit is always safe; the workloads write unbuffered.
    unsafe { libc::_exit(code) }
}

pub fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

pub fn check(ret: i32, what: &str) -> i32 {
    if ret < 0 {
        fail(&format!("{what}: {}", std::io::Error::last_os_error()));
    }
    ret
}

/// One write per line, so concurrent writers on a pipe never interleave.
pub fn write_fd(fd: i32, bytes: &[u8]) {
    let mut done = 0;
    while done < bytes.len() {
        // SAFETY: valid buffer.
        let n = unsafe { libc::write(fd, bytes[done..].as_ptr().cast(), bytes.len() - done) };
        if n < 0 {
            if errno() == libc::EINTR {
                continue;
            }
            return;
        }
        done += n as usize;
    }
}

pub fn pipe() -> (i32, i32) {
    let mut fds = [0; 2];
    // SAFETY: fds is a valid array of two ints.
    check(
        unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) },
        "pipe2",
    );
    (fds[0], fds[1])
}

pub fn close(fd: i32) {
    // SAFETY: closing an fd we own.
    unsafe { libc::close(fd) };
}

/// Read until end of file (or error); returns the bytes.
pub fn read_to_eof(fd: i32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        // SAFETY: valid buffer.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n < 0 && errno() == libc::EINTR {
            continue;
        }
        if n <= 0 {
            return out;
        }
        out.extend_from_slice(&buf[..n as usize]);
    }
}

pub fn fork() -> i32 {
    // SAFETY: both workloads are single-threaded.
    check(unsafe { libc::fork() }, "fork")
}

/// Becomes `argv[0]`, looked up in PATH, with `argv`; or fails saying why.
pub fn exec(argv: &[std::ffi::CString]) -> ! {
    let mut ptrs: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    ptrs.push(std::ptr::null());
    // SAFETY: NUL-terminated argv of valid C strings.
    unsafe { libc::execvp(ptrs[0], ptrs.as_ptr()) };
    fail(&format!(
        "exec {:?}: {}",
        argv[0],
        std::io::Error::last_os_error()
    ));
}
