//! The process's own argv and envp, read in place: pidone never copies them,
//! and hands the command's part of argv to `execve` as it is.

use core::ffi::CStr;

pub struct Args {
    argc: usize,
    argv: *const *const u8,
    envp: *const *const u8,
}

impl Args {
    /// # Safety
    /// `argv` must point to `argc` valid NUL-terminated strings followed by a
    /// null pointer, and `envp` to NUL-terminated strings ended by a null
    /// pointer, all alive and unchanged for the rest of the process: what
    /// the kernel puts on the initial stack.
    pub unsafe fn new(argc: usize, argv: *const *const u8, envp: *const *const u8) -> Args {
        Args { argc, argv, envp }
    }

    fn string(ptr: *const u8) -> &'static CStr {
        // SAFETY: every pointer read from argv or envp is one of the
        // NUL-terminated strings `Args::new`'s contract promises.
        unsafe { CStr::from_ptr(ptr.cast()) }
    }

    /// Argument `i`, where 0 is the program's name.
    pub fn get(&self, i: usize) -> Option<&'static CStr> {
        // SAFETY: `i < argc`, so the pointer is inside the argv array.
        (i < self.argc).then(|| Self::string(unsafe { *self.argv.add(i) }))
    }

    /// The arguments after the program's name.
    pub fn options(&self) -> impl Iterator<Item = &'static [u8]> + '_ {
        (1..self.argc)
            .filter_map(|i| self.get(i))
            .map(CStr::to_bytes)
    }

    /// The tail of argv starting at argument `i`, still null-terminated.
    pub fn argv_from(&self, i: usize) -> *const *const u8 {
        self.argv.wrapping_add(i.min(self.argc))
    }

    pub fn envp(&self) -> *const *const u8 {
        self.envp
    }

    /// The value of environment variable `name`.
    pub fn env(&self, name: &[u8]) -> Option<&'static [u8]> {
        let mut entry = self.envp;
        loop {
            // SAFETY: `entry` walks the envp array up to its null terminator.
            let ptr = unsafe { *entry };
            if ptr.is_null() {
                return None;
            }
            let var = Self::string(ptr).to_bytes();
            if let Some(value) = var.strip_prefix(name).and_then(|v| v.strip_prefix(b"=")) {
                return Some(value);
            }
            // SAFETY: `ptr` was not the terminator, so the next slot exists.
            entry = unsafe { entry.add(1) };
        }
    }
}
