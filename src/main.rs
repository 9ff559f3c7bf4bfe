//! The release binary: no std, no libc. `origin` provides `_start` and
//! calls `origin_main`; everything else is in the library.

#![cfg_attr(not(test), no_std)]
#![cfg_attr(not(test), no_main)]

// Lints like `cargo clippy --all-targets` build every binary as a test
// harness too; that one gets std's `main` and panic handler instead.
#[cfg(test)]
fn main() {}

#[cfg(not(test))]
use origin as _;

#[cfg(not(test))]
#[unsafe(no_mangle)]
unsafe fn origin_main(argc: usize, argv: *mut *mut u8, envp: *mut *mut u8) -> i32 {
    // SAFETY: origin passes the argv and envp the kernel put on the initial
    // stack, which is what `Args::new` asks for.
    let mut args = unsafe { pidone::args::Args::new(argc, argv.cast(), envp.cast()) };
    pidone::main(&mut args).into()
}

#[cfg(not(test))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    pidone::message::Line::new()
        .text(b"internal error")
        .to_stderr();
    rustix::runtime::exit_group(70)
}

/// The precompiled `core` refers to this symbol in unoptimised builds (and
/// in the unwinding build `cargo test` makes of this binary); it is never
/// called, since the panic handler above exits instead of unwinding.
#[cfg(not(test))]
#[unsafe(no_mangle)]
extern "C" fn rust_eh_personality() {}
