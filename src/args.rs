//! The process's own argv and envp, read in place: pidone never copies
//! them, and hands the command's part of argv to `execve` as it is.

use core::ffi::CStr;

pub struct Args {
    argc: usize,
    argv: *mut *const u8,
    envp: *mut *const u8,
}

impl Args {
    /// # Safety
    /// `argv` must point to `argc` valid NUL-terminated strings followed by a
    /// null pointer, and `envp` to NUL-terminated strings ended by a null
    /// pointer, both arrays writable, all alive for the rest of the process
    /// and changed only through this `Args`: what the kernel puts on the
    /// initial stack.
    pub unsafe fn new(argc: usize, argv: *mut *const u8, envp: *mut *const u8) -> Args {
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
    pub fn options(&self) -> impl Iterator<Item = &'static [u8]> + Clone + '_ {
        (1..self.argc)
            .filter_map(|i| self.get(i))
            .map(CStr::to_bytes)
    }

    /// Reorders the arguments after the program's name, as GNU getopt does.
    pub fn permute(&mut self, options: &[crate::personality::Opt]) {
        if self.argc < 2 {
            return;
        }
        // SAFETY: argv[1..argc] are `argc - 1` initialised pointers in a
        // writable array that nothing else borrows while this runs.
        let tail = unsafe { core::slice::from_raw_parts_mut(self.argv.add(1), self.argc - 1) };
        crate::getopt::permute(tail, |ptr| Self::string(ptr).to_bytes(), options);
    }

    /// The tail of argv starting at argument `i`, still null-terminated.
    pub fn argv_from(&self, i: usize) -> *const *const u8 {
        self.argv.wrapping_add(i.min(self.argc)).cast_const()
    }

    /// The argv for running the command at argument `i` as a shell script
    /// at `path`: `/bin/sh path ARGS...`, written over the slots of
    /// arguments `i - 1` and `i` (`i` is at least 1: argv[0] is pidone's).
    ///
    /// # Safety
    /// `path` must outlive every use of the result; meant for the forked
    /// child right before `execve`, whose argv is its own copy.
    pub unsafe fn shell_argv(&self, i: usize, path: &CStr) -> *const *const u8 {
        let i = i.clamp(1, self.argc.max(2) - 1);
        // SAFETY: 1 <= i < argc, so both slots are inside the argv array,
        // which is writable; the caller keeps `path` alive.
        unsafe {
            *self.argv.add(i - 1) = c"/bin/sh".as_ptr().cast();
            *self.argv.add(i) = path.as_ptr().cast();
        }
        self.argv_from(i - 1)
    }

    pub fn envp(&self) -> *const *const u8 {
        self.envp.cast_const()
    }

    /// The value of environment variable `name`.
    pub fn env(&self, name: &[u8]) -> Option<&'static [u8]> {
        let slot = self.env_slot(name)?;
        // SAFETY: `env_slot` returns a slot holding a non-null string.
        let var = Self::string(unsafe { *slot }).to_bytes();
        Some(&var[name.len() + 1..])
    }

    /// Makes `entry` (`NAME=value`) the environment entry for `name`, if
    /// there is one.
    ///
    /// # Safety
    /// `entry` must stay alive and unchanged until the process execs or
    /// exits; meant for the forked child right before `execve`.
    pub unsafe fn replace_env(&self, name: &[u8], entry: &CStr) {
        if let Some(slot) = self.env_slot(name) {
            // SAFETY: the slot is inside the writable envp array; the caller
            // keeps `entry` alive for as long as the array is used.
            unsafe { *slot = entry.as_ptr().cast() };
        }
    }

    fn env_slot(&self, name: &[u8]) -> Option<*mut *const u8> {
        let mut slot = self.envp;
        loop {
            // SAFETY: `slot` walks the envp array up to its null terminator.
            let ptr = unsafe { *slot };
            if ptr.is_null() {
                return None;
            }
            let var = Self::string(ptr).to_bytes();
            if var
                .strip_prefix(name)
                .is_some_and(|rest| rest.first() == Some(&b'='))
            {
                return Some(slot);
            }
            // SAFETY: `ptr` was not the terminator, so the next slot exists.
            slot = unsafe { slot.add(1) };
        }
    }
}
