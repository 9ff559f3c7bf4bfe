fn main() {
    // origin provides `_start`; only the pidone binary drops the C start files,
    // so test harnesses and test workloads keep the normal ones.
    println!("cargo:rustc-link-arg-bin=pidone=-nostartfiles");
    // The binary aborts on panic, so its unwind tables are never read.
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    println!("cargo:rustc-link-arg-bin=pidone=-Wl,--no-eh-frame-hdr");
    println!("cargo:rustc-link-arg-bin=pidone={dir}/link-discard.ld");
    println!("cargo:rustc-link-arg-bin=pidone=-Wl,--icf=all");
    println!("cargo:rustc-link-arg-bin=pidone=-Wl,-z,norelro");
    println!("cargo:rerun-if-changed=link-discard.ld");
    println!("cargo:rerun-if-changed=build.rs");
}
