#![allow(clippy::unwrap_used, clippy::expect_used)]
//! What passes through pidone to the command untouched: argv and the
//! environment byte for byte, stdin/stdout/stderr, and nothing else.

mod common;
use common::*;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

fn entries(f: &Finished, kind: &str) -> Vec<Vec<u8>> {
    let prefix = format!("cmd {kind} ");
    f.stdout
        .iter()
        .filter_map(|l| l.strip_prefix(&prefix))
        .map(hex_decode)
        .collect()
}

#[test]
fn argv_passes_byte_for_byte() {
    both(|mode| {
        let odd: Vec<OsString> = [
            &b""[..],
            b" spaced  arg ",
            b"new\nline",
            b"tab\there",
            b"quote'\"back\\slash",
            b"\xff\xfe\x80 not utf-8",
            "\u{fc}n\u{ef}c\u{f8}d\u{e9}".as_bytes(),
            b"-v",
            b"--grace",
            b"--",
            b"$HOME *",
        ]
        .iter()
        .map(|b| OsStr::from_bytes(b).to_owned())
        .collect();
        let mut cmd = script("tag cmd args");
        cmd.extend(odd.iter().cloned());
        let f = pidone(mode).arg("--").args(&cmd).run();
        assert_eq!(f.code(), 0, "{mode:?}\n{f}");
        let want: Vec<Vec<u8>> = cmd.iter().map(|a| a.as_bytes().to_vec()).collect();
        assert_eq!(
            entries(&f, "arg"),
            want,
            "{mode:?}: argv as the command saw it\n{f}"
        );
    });
}

#[test]
fn options_end_at_the_first_non_option_argument() {
    both(|mode| {
        let cmd = script("tag cmd args -v --grace 1s -e 3 --");
        let f = pidone(mode).arg("-v").args(&cmd).run();
        assert_eq!(f.code(), 0, "{mode:?}\n{f}");
        let want: Vec<Vec<u8>> = cmd.iter().map(|a| a.as_bytes().to_vec()).collect();
        assert_eq!(
            entries(&f, "arg"),
            want,
            "{mode:?}: everything after COMMAND belongs to it\n{f}"
        );
    });
}

#[test]
fn environment_passes_byte_for_byte() {
    both(|mode| {
        let vars: Vec<(OsString, OsString)> = [
            (&b"PLAIN"[..], &b"value"[..]),
            (b"EMPTY", b""),
            (b"SPACES", b"  a  b  "),
            (b"EQUALS", b"x=y=z"),
            (b"NEWLINE", b"line1\nline2"),
            (b"BYTES\xff", b"\xfe\x80\x01 not utf-8"),
            (b"lower_case", b"\xc3\xbc"),
        ]
        .iter()
        .map(|(k, v)| {
            (
                OsStr::from_bytes(k).to_owned(),
                OsStr::from_bytes(v).to_owned(),
            )
        })
        .collect();
        let mut launch = pidone(mode).env_clear();
        for (k, v) in &vars {
            launch = launch.env(k, v);
        }
        let f = launch.arg("--").args(script("tag cmd args")).run();
        assert_eq!(f.code(), 0, "{mode:?}\n{f}");
        let mut got = entries(&f, "env");
        got.sort();
        let mut want: Vec<Vec<u8>> = vars
            .iter()
            .map(|(k, v)| {
                let mut e = k.as_bytes().to_vec();
                e.push(b'=');
                e.extend_from_slice(v.as_bytes());
                e
            })
            .collect();
        want.sort();
        assert_eq!(
            got, want,
            "{mode:?}: exactly the environment pidone was given, byte for byte\n{f}"
        );
    });
}

#[test]
fn stdin_and_stdout_pass_through_byte_for_byte() {
    both(|mode| {
        let data: Vec<u8> = (0..300_000u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        let mut p = pidone(mode).arg("--").args(script("cat")).spawn();
        let mut stdin = p.take_stdin().unwrap();
        let input = data.clone();
        let writer = std::thread::spawn(move || {
            use std::io::Write;
            stdin.write_all(&input).unwrap();
        });
        let f = p.finish_within(LIMIT);
        writer.join().unwrap();
        assert_eq!(f.code(), 0, "{mode:?}\n{}", f.stderr_text());
        assert!(
            f.stdout_raw == data,
            "{mode:?}: stdout differs from stdin ({} bytes in, {} out)",
            data.len(),
            f.stdout_raw.len()
        );
    });
}

#[test]
fn stderr_passes_through() {
    both(|mode| {
        let f = pidone(mode)
            .arg("--")
            .args(probe(&["stderr", "to stderr \u{e9}", "exit", "0"]))
            .run();
        assert_eq!(f.code(), 0, "{mode:?}\n{f}");
        assert_eq!(
            f.stderr,
            vec!["to stderr \u{e9}".to_string()],
            "{mode:?}\n{f}"
        );
    });
}

#[test]
fn command_inherits_pidones_stdio_and_no_other_fd() {
    both(|mode| {
        let mut p = pidone(mode)
            .arg("--")
            .args(script("tag cmd status ready wait-stdin"))
            .spawn();
        let status = p.wait_line("cmd status ");
        p.wait_ready("cmd");
        let pid = p.pidone_pid();
        for fd in 0..3 {
            let theirs = std::fs::read_link(format!("/proc/{pid}/fd/{fd}")).unwrap();
            let theirs = theirs.to_string_lossy().replace(' ', "_");
            assert_eq!(
                field(&status, &format!("fd{fd}")),
                theirs,
                "{mode:?}: fd {fd} is pidone's own\n{status}"
            );
        }
        assert_eq!(
            field(&status, "fds"),
            "0,1,2",
            "{mode:?}: no fd leaks into the command\n{status}"
        );
        let f = p.finish();
        assert_eq!(f.code(), 0, "{mode:?}\n{f}");
    });
}
