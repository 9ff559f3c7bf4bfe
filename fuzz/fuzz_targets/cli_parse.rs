//! Fuzzes the command-line parser under every personality.
//!
//! The input is split at NUL bytes: the first piece names the personality
//! (its first byte) and holds the environment (the rest, split at 0x01 into
//! PIDONE_GRACE, PIDONE_FORWARD_TO, PIDONE_VERBOSITY and PIDONE_SUBREAPER;
//! an empty value means unset), the other pieces are the arguments.
//! Checked: no panic, no hang (libFuzzer's -timeout), every rejection names
//! a value taken from the input, and every accepted command index points at
//! an argument.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pidone::personality::{CATATONIT, DUMB_INIT, PIDONE, Request, TINI};

fn within(inner: &[u8], outer: &[u8]) -> bool {
    let (i, o) = (inner.as_ptr() as usize, outer.as_ptr() as usize);
    i >= o && i + inner.len() <= o + outer.len()
}

fuzz_target!(|data: &[u8]| {
    let mut pieces = data.split(|&b| b == 0);
    let head = pieces.next().unwrap_or_default();
    let args: Vec<&[u8]> = pieces.collect();
    let (selector, env) = head.split_first().map_or((0, &[][..]), |(s, e)| (*s, e));
    let mut values = env.split(|&b| b == 1);
    let vars: Vec<(&[u8], &[u8])> = [
        &b"PIDONE_GRACE"[..],
        b"PIDONE_FORWARD_TO",
        b"PIDONE_VERBOSITY",
        b"PIDONE_SUBREAPER",
    ]
    .into_iter()
    .zip(values.by_ref())
    .filter(|(_, v)| !v.is_empty())
    .collect();
    let lookup = |name: &[u8]| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    let personality = [&PIDONE, &TINI, &DUMB_INIT, &CATATONIT][usize::from(selector % 4)];
    let result = personality.parse(args.iter().copied(), lookup);
    match result {
        Err(e) => {
            assert!(!e.problem.is_empty());
            assert!(
                e.value.is_empty()
                    || args.iter().any(|a| within(e.value, a))
                    || vars
                        .iter()
                        .any(|(n, v)| within(e.value, v) || within(e.value, n)),
                "{} {args:?}: the error names {:?}, not part of the input",
                personality.name,
                e.value
            );
        }
        Ok(Request::Supervise { command, .. }) => {
            if let Some(i) = command {
                assert!(i < args.len(), "{args:?}: command index {i}");
            }
        }
        Ok(Request::Show(_)) => {}
    }
});
