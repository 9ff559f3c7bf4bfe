//! Hostile input (issue 6, part 4): random and odd argument vectors and
//! environments thrown at the parsers, and the real binary run on overlong
//! arguments, out-of-range signal numbers and overflowing durations.
//! (The cargo-fuzz target in fuzz/ does the same with coverage guidance.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "reliability/mod.rs"]
mod reliability;

use pidone::cli::{self, Request};
use pidone::personality::Personality;
use reliability::env_number;
use reliability::plan::Rng;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Pieces arguments are made of: every option, in every spelling, values
/// that are nearly right, and bytes that parsers trip on.
const TOKENS: &[&[u8]] = &[
    b"-",
    b"--",
    b"---",
    b"-s",
    b"--subreaper",
    b"-p",
    b"--pdeathsig",
    b"--pdeathsig=",
    b"--forward-to",
    b"--forward-to=",
    b"-g",
    b"-r",
    b"--rewrite",
    b"--rewrite=",
    b"-e",
    b"--remap-exit",
    b"--remap-exit=",
    b"--grace",
    b"--grace=",
    b"--wait",
    b"--wait=",
    b"-P",
    b"--pause",
    b"-v",
    b"--verbose",
    b"-q",
    b"--quiet",
    b"-w",
    b"-h",
    b"--help",
    b"-V",
    b"--version",
    b"-l",
    b"--license",
    b"-vvv",
    b"-pTERM",
    b"-r15:0",
    b"-e255",
    b"TERM",
    b"SIGTERM",
    b"sigterm",
    b"15",
    b"0",
    b"64",
    b"65",
    b"-1",
    b"4294967295",
    b"4294967296",
    b"999999999",
    b"9999999999",
    b"RTMIN",
    b"RTMIN+30",
    b"RTMIN+31",
    b"RTMAX",
    b"RTMAX-30",
    b"RTMAX-31",
    b"RTMIN+99999999999999",
    b"SIG",
    b"SIGSIG",
    b"KILL",
    b"STOP",
    b"CHLD",
    b"CLD",
    b"IOT",
    b"TERM:0",
    b"INT:TERM",
    b"KILL:TERM",
    b"CHLD:TERM",
    b"15:",
    b":15",
    b":",
    b"::",
    b"TERM:INT:QUIT",
    b"250ms",
    b"5s",
    b"2m",
    b"1h",
    b"999999999h",
    b"1000000000",
    b"99999999999999999999h",
    b"18446744073709551616",
    b"1.5s",
    b"5S",
    b"5 s",
    b" 5",
    b"5sec",
    b"0ms",
    b"ms",
    b"h",
    b"child",
    b"group",
    b"all",
    b"kids",
    b"",
    b"=",
    b"==",
    b"\xff\xfe",
    b"\xc3\xa9",
    b"-\xe9",
    b"\n",
    b"\t",
    b"sh",
    b"x",
    b"tini",
    b"dumb-init",
    b"catatonit",
    b"--single-child",
    b"-c",
    b"--rewrite=15:2",
    b"--use-setsid",
    b"-s",
    b"-g",
    b"-L",
    b"-k",
];

const ENV_VALUES: &[&[u8]] = &[
    b"",
    b"0",
    b"1",
    b"3",
    b"255",
    b"256",
    b"999999999",
    b"9999999999",
    b"5s",
    b"250ms",
    b"999999999h",
    b"99999999999999999999h",
    b"-1",
    b"soon",
    b"child",
    b"group",
    b"all",
    b"CHILD",
    b"\xff",
    b"loud",
];

fn random_bytes(rng: &mut Rng, max: u64) -> Vec<u8> {
    let len = rng.below(max + 1) as usize;
    (0..len)
        .map(|_| {
            if rng.chance(70) {
                // Mostly printable, with the characters the parsers look for.
                rng.pick(b"-=:+0123456789smhSIGTERMRTMINAX,. ")
            } else {
                rng.below(256) as u8
            }
        })
        .collect()
}

fn random_arg(rng: &mut Rng) -> Vec<u8> {
    match rng.below(10) {
        0..=5 => rng.pick(TOKENS).to_vec(),
        6 => {
            let mut a = rng.pick(TOKENS).to_vec();
            a.extend_from_slice(rng.pick(TOKENS));
            a
        }
        7 => {
            let mut a = b"--".to_vec();
            a.extend(random_bytes(rng, 12));
            a
        }
        _ => random_bytes(rng, 24),
    }
}

/// Whether `inner` lies within `outer` (same memory, not equal bytes).
fn within(inner: &[u8], outer: &[u8]) -> bool {
    let (i, o) = (inner.as_ptr() as usize, outer.as_ptr() as usize);
    i >= o && i + inner.len() <= o + outer.len()
}

/// Parses with every personality and checks what must hold whatever the
/// input: no panic, a rejection names a value from the input (or none),
/// a command index points at an argument, and parsing is deterministic.
fn check(args: &[Vec<u8>], env: &[(&'static [u8], Vec<u8>)]) -> Result<(), String> {
    let lookup = |name: &[u8]| {
        env.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_slice())
    };
    for personality in [
        Personality::Pidone,
        Personality::Tini,
        Personality::DumbInit,
        Personality::Catatonit,
    ] {
        let parse = || {
            let args = args.iter().map(Vec::as_slice);
            if personality == Personality::Pidone {
                cli::parse(args, lookup)
            } else {
                personality.parse(args, lookup)
            }
        };
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse))
            .map_err(|_| format!("{personality:?} panicked"))?;
        if result != parse() {
            return Err(format!("{personality:?} is not deterministic"));
        }
        match result {
            Err(e) => {
                if e.problem.is_empty() {
                    return Err(format!("{personality:?}: a usage error with no problem"));
                }
                let from_input = e.value.is_empty()
                    || args.iter().any(|a| within(e.value, a))
                    || env.iter().any(|(_, v)| within(e.value, v));
                if !from_input {
                    return Err(format!(
                        "{personality:?}: the usage error names {:?}, not a value given",
                        String::from_utf8_lossy(e.value)
                    ));
                }
            }
            Ok(Request::Supervise { command, .. }) => {
                if let Some(i) = command {
                    if i >= args.len() {
                        return Err(format!("{personality:?}: command index {i} out of range"));
                    }
                } else if personality == Personality::Pidone
                    && !args.iter().any(|a| {
                        a == b"--pause" || a == b"-P" || (a.starts_with(b"-") && a.contains(&b'P'))
                    })
                {
                    return Err("no command without --pause".into());
                }
            }
            Ok(Request::Show(_)) => {}
        }
    }
    Ok(())
}

/// `PIDONE_INPUT_CASES` random argument vectors and environments (default
/// 200,000): none panics, none hangs, every rejection is a usage error that
/// names a value from the input.
#[test]
fn random_arguments_and_environments_never_break_the_parsers() {
    let cases = env_number("PIDONE_INPUT_CASES", 200_000);
    let seed = env_number("PIDONE_INPUT_SEED", 6);
    let mut rng = Rng::new(seed);
    let started = Instant::now();
    let mut rejected = 0u64;
    for case in 0..cases {
        let argc = rng.below(8) as usize;
        let args: Vec<Vec<u8>> = (0..argc).map(|_| random_arg(&mut rng)).collect();
        let mut env = Vec::new();
        for name in [
            &b"PIDONE_GRACE"[..],
            b"PIDONE_FORWARD_TO",
            b"PIDONE_VERBOSITY",
            b"PIDONE_SUBREAPER",
        ] {
            if rng.chance(25) {
                let value = if rng.chance(70) {
                    rng.pick(ENV_VALUES).to_vec()
                } else {
                    random_bytes(&mut rng, 12)
                };
                env.push((name, value));
            }
        }
        if let Err(why) = check(&args, &env) {
            let show: Vec<String> = args
                .iter()
                .map(|a| format!("{:?}", String::from_utf8_lossy(a)))
                .collect();
            panic!(
                "case {case} (PIDONE_INPUT_SEED={seed}): {why}\nargs: {}\nenv: {env:?}",
                show.join(" ")
            );
        }
        let args = args.iter().map(Vec::as_slice);
        if cli::parse(args, |_| None).is_err() {
            rejected += 1;
        }
    }
    let elapsed = started.elapsed();
    eprintln!(
        "{cases} argument vectors parsed by 4 personalities in {elapsed:?}, {rejected} rejected by pidone's"
    );
    // No hang: at 200,000 cases this takes about a second.
    assert!(elapsed < Duration::from_secs(60) * (cases / 100_000 + 1) as u32);
}

/// Enormous and numerous arguments: the parser's work stays linear.
#[test]
fn huge_argument_vectors_parse_quickly() {
    let many_flags: Vec<&[u8]> = std::iter::repeat_n(&b"-v"[..], 1_000_000)
        .chain([&b"x"[..]])
        .collect();
    let started = Instant::now();
    assert!(cli::parse(many_flags.iter().copied(), |_| None).is_ok());
    let long = vec![b'9'; 10_000_000];
    let args = [&b"--grace"[..], &long, b"x"];
    assert!(cli::parse(args.iter().copied(), |_| None).is_err());
    let long_option = [b"--".as_slice(), &vec![b'x'; 10_000_000]].concat();
    assert!(cli::parse([long_option.as_slice(), b"x"], |_| None).is_err());
    assert!(started.elapsed() < Duration::from_secs(10));
}

struct Outcome {
    code: i32,
    stderr: Vec<u8>,
    stdout: Vec<u8>,
}

fn pidone(args: &[&[u8]], env: &[(&str, &[u8])]) -> Outcome {
    let mut command = Command::new(reliability::pidone_path());
    command
        .args(args.iter().map(|a| OsStr::from_bytes(a)))
        .env_remove("PIDONE_GRACE")
        .env_remove("PIDONE_FORWARD_TO")
        .env_remove("PIDONE_VERBOSITY")
        .stdin(Stdio::null());
    for (name, value) in env {
        command.env(name, OsStr::from_bytes(value));
    }
    let out = command.output().unwrap();
    Outcome {
        code: reliability::code(out.status),
        stderr: out.stderr,
        stdout: out.stdout,
    }
}

/// Exit 2, nothing on stdout, and exactly one line on stderr that starts
/// with `pidone: `, names the problem and points to `--help`.
fn assert_usage_error(args: &[&[u8]], env: &[(&str, &[u8])], problem: &str) {
    let out = pidone(args, env);
    let shown: Vec<String> = args
        .iter()
        .map(|a| {
            let s = String::from_utf8_lossy(a);
            if s.len() > 40 {
                format!("{}...({} bytes)", &s[..40], s.len())
            } else {
                s.into_owned()
            }
        })
        .collect();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.code, 2, "{shown:?}: exit status; stderr: {stderr}");
    assert!(out.stdout.is_empty(), "{shown:?}: printed on stdout");
    assert!(
        stderr.ends_with('\n') && stderr.matches('\n').count() == 1,
        "{shown:?}: not exactly one line: {stderr:?}"
    );
    assert!(
        stderr.starts_with(&format!("pidone: {problem}")),
        "{shown:?}: {stderr:?} does not start with 'pidone: {problem}'"
    );
    assert!(
        stderr.contains("--help"),
        "{shown:?}: {stderr:?} does not point to --help"
    );
}

#[test]
fn out_of_range_signals_are_usage_errors() {
    for signal in [
        "0",
        "65",
        "100",
        "255",
        "256",
        "4294967295",
        "4294967296",
        "99999999999999999999",
        "-1",
        "-15",
        "+15",
        "RTMIN+31",
        "RTMIN+99999999",
        "RTMIN+99999999999",
        "RTMAX-31",
        "RTMAX+1",
        "RTMIN-1",
        "SIGRTMIN+31",
        "SIG",
        "SIGSIG",
        "TERM ",
        " TERM",
        "15x",
        "0x0f",
        "SIGTERMSIGTERMSIGTERM",
    ] {
        assert_usage_error(&[b"-p", signal.as_bytes(), b"true"], &[], "invalid signal");
        let rewrite = format!("{signal}:TERM");
        assert_usage_error(&[b"-r", rewrite.as_bytes(), b"true"], &[], "invalid signal");
        let rewrite = format!("TERM:{signal}");
        if signal != "0" {
            assert_usage_error(&[b"-r", rewrite.as_bytes(), b"true"], &[], "invalid signal");
        }
    }
    for code in [
        "256",
        "1000",
        "4294967296",
        "99999999999999999999",
        "-1",
        "1e2",
        "",
    ] {
        assert_usage_error(&[b"-e", code.as_bytes(), b"true"], &[], "invalid exit code");
    }
}

#[test]
fn overflowing_durations_are_usage_errors() {
    for grace in [
        "1000000000",
        "1000000000h",
        "99999999999999999999",
        "99999999999999999999h",
        "18446744073709551616ms",
        "18446744073709551615s",
        "9223372036854775808s",
        "-1",
        "1e9",
        "5 s",
        "",
    ] {
        assert_usage_error(
            &[b"--grace", grace.as_bytes(), b"true"],
            &[],
            "invalid --grace",
        );
        let attached = format!("--grace={grace}");
        assert_usage_error(&[attached.as_bytes(), b"true"], &[], "invalid --grace");
        assert_usage_error(
            &[b"true"],
            &[("PIDONE_GRACE", grace.as_bytes())],
            "invalid PIDONE_GRACE",
        );
    }
    // The largest accepted value still runs (and a command that leaves
    // nobody behind exits at once: see reliability_faults).
    let out = pidone(&[b"--grace", b"1000000s", b"true"], &[]);
    assert_eq!(out.code, 0);
    let out = pidone(&[b"true"], &[("PIDONE_VERBOSITY", b"999999999")]);
    assert_eq!(out.code, 0, "a huge verbosity is clamped, not rejected");
}

#[test]
fn odd_options_are_one_line_usage_errors() {
    assert_usage_error(&[b"--bogus", b"true"], &[], "unknown option");
    assert_usage_error(&[b"-\xff", b"true"], &[], "unknown option");
    assert_usage_error(&[b"--\xff\xfe", b"true"], &[], "unknown option");
    assert_usage_error(&[b"--grace"], &[], "missing value for");
    assert_usage_error(&[], &[], "missing command");
    assert_usage_error(&[b"--"], &[], "missing command");
    assert_usage_error(&[b"--wait=1", b"true"], &[], "unexpected value in");
    assert_usage_error(
        &[b"--forward-to", b"", b"true"],
        &[],
        "invalid --forward-to",
    );
    assert_usage_error(
        &[b"true"],
        &[("PIDONE_FORWARD_TO", b"\xff")],
        "invalid PIDONE_FORWARD_TO",
    );
}

/// An argument as long as the kernel allows (128 KiB) in every place a
/// value is echoed: still exit 2 and one line pointing to --help.
#[test]
fn overlong_arguments_keep_the_message_to_one_line_with_the_hint() {
    let long = vec![b'9'; 128 * 1024 - 1];
    assert_usage_error(&[b"--grace", &long, b"true"], &[], "invalid --grace");
    assert_usage_error(&[b"-p", &long, b"true"], &[], "invalid signal");
    assert_usage_error(&[b"-e", &long, b"true"], &[], "invalid exit code");
    let option = [b"--".as_slice(), &vec![b'x'; 128 * 1024 - 3]].concat();
    assert_usage_error(&[&option, b"true"], &[], "unknown option");
    let env = vec![b'7'; 100_000];
    assert_usage_error(
        &[b"true"],
        &[("PIDONE_GRACE", &env)],
        "invalid PIDONE_GRACE",
    );
}

/// A value with a newline or an escape sequence must not break the message
/// into several lines (or drive the terminal).
#[test]
fn control_characters_in_values_keep_the_message_to_one_line() {
    assert_usage_error(
        &[b"--grace", b"5\nfake: line", b"true"],
        &[],
        "invalid --grace",
    );
    assert_usage_error(&[b"-p", b"TERM\r\n", b"true"], &[], "invalid signal");
    assert_usage_error(&[b"--\x1b[2J\n", b"true"], &[], "unknown option");
}

/// Thousands of options and a 2,000-argument command pass through.
#[test]
fn many_arguments_are_handled() {
    let mut args: Vec<Vec<u8>> = std::iter::repeat_n(b"-q".to_vec(), 5000).collect();
    args.push(b"sh".to_vec());
    args.push(b"-c".to_vec());
    args.push(b"exit $#".to_vec());
    args.push(b"sh".to_vec());
    args.extend((0..200).map(|i| format!("{i}").into_bytes()));
    let refs: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
    let out = pidone(&refs, &[]);
    assert_eq!(out.code, 200, "{}", String::from_utf8_lossy(&out.stderr));
}
