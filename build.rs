fn main() {
    // origin provides `_start`; only the pidone binary drops the C start files,
    // so test harnesses and the test probe keep the normal ones.
    println!("cargo:rustc-link-arg-bin=pidone=-nostartfiles");
}
