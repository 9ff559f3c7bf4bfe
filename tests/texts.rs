#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every text pidone prints by itself, under each name it answers to: help,
//! version, license and usage errors, byte for byte, with their exit codes.
//! `tests/texts.txt` holds the expected output; a change to any text must
//! change that file too, on purpose (`PIDONE_BLESS=1 cargo test --test texts`
//! rewrites it).

mod common;

use std::fmt::Write;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

/// (name pidone is called by, arguments)
const CASES: &[(&str, &[&str])] = &[
    ("pidone", &["-h"]),
    ("pidone", &["--help"]),
    ("pidone", &["-V"]),
    ("pidone", &["--version"]),
    ("pidone", &["-l"]),
    ("pidone", &["--license"]),
    ("pidone", &[]),
    ("pidone", &["--bogus", "x"]),
    ("pidone", &["-p", "NOPE", "x"]),
    ("pidone", &["--grace", "5x", "x"]),
    ("pidone", &["--pause", "x"]),
    ("pidone", &["-r", "KILL:TERM", "x"]),
    ("pidone", &["-p"]),
    ("tini", &["-h"]),
    ("tini", &["--version"]),
    ("tini", &["-l"]),
    ("tini", &[]),
    ("tini", &["-x", "cmd"]),
    ("tini", &["-p", "KILL", "cmd"]),
    ("tini-static", &["-h"]),
    ("docker-init", &["-h"]),
    ("docker-init", &["--version"]),
    ("dumb-init", &["-h"]),
    ("dumb-init", &["--help"]),
    ("dumb-init", &["-V"]),
    ("dumb-init", &["--version"]),
    ("dumb-init", &[]),
    ("dumb-init", &["-x", "cmd"]),
    ("dumb-init", &["-r", "15", "cmd"]),
    ("catatonit", &["-h"]),
    ("catatonit", &["-V"]),
    ("catatonit", &["--version"]),
    ("catatonit", &["-L"]),
    ("catatonit", &[]),
    ("catatonit", &["-x", "cmd"]),
    ("catatonit", &["--help"]),
    ("podman-init", &["-h"]),
    ("podman-init", &["--version"]),
];

fn run(name: &str, args: &[&str]) -> String {
    let child = Command::new(common::pidone_path())
        .arg0(format!("/some/dir/{name}"))
        .args(args)
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run pidone");
    let pid = format!("({})", child.id());
    let out = child.wait_with_output().expect("run pidone");
    let mut text = String::new();
    writeln!(text, "=== {name} {}", args.join(" ")).unwrap();
    writeln!(text, "--- exit {}", out.status.code().unwrap_or(-1)).unwrap();
    writeln!(text, "--- stdout").unwrap();
    text.push_str(&String::from_utf8_lossy(&out.stdout));
    writeln!(text, "--- stderr").unwrap();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    // tini's prefixes name the process that prints, as catatonit's do.
    text.replace(&pid, "(<pid>)")
        .replace(&format!(":{}", &pid[1..]), ":<pid>)")
}

#[test]
fn help_version_license_and_usage_errors_are_unchanged() {
    let actual: String = CASES.iter().map(|(name, args)| run(name, args)).collect();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/texts.txt");
    if std::env::var_os("PIDONE_BLESS").is_some() {
        std::fs::write(path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if actual != expected {
        let first = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e)
            .unwrap_or(0);
        panic!(
            "the texts differ from tests/texts.txt from line {}:\nactual:   {:?}\nexpected: {:?}",
            first + 1,
            actual.lines().nth(first),
            expected.lines().nth(first)
        );
    }
}
