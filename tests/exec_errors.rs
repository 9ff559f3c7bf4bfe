#![allow(clippy::unwrap_used, clippy::expect_used)]
//! When the command cannot run: the message on stderr, exit 127 (not found)
//! or 126 (not executable), and PATH lookup like execvp.

mod common;
use common::*;
use std::os::unix::fs::symlink;

fn assert_exec_error(f: &Finished, name: &str, why: &str, code: i32, what: &str) {
    assert_eq!(f.code(), code, "{what}\n{f}");
    assert_eq!(
        f.stderr,
        vec![format!("pidone: cannot run '{name}': {why}")],
        "{what}: exactly this one line on stderr\n{f}"
    );
    assert!(f.stdout.is_empty(), "{what}: nothing on stdout\n{f}");
}

#[test]
fn missing_path_exits_127_with_message() {
    both(|mode| {
        let name = "/nonexistent/pidone-test/cmd";
        let f = pidone(mode).args(["--", name]).run();
        assert_exec_error(
            &f,
            name,
            "No such file or directory",
            127,
            &format!("{mode:?}"),
        );
    });
}

#[test]
fn command_not_on_path_exits_127_with_message() {
    both(|mode| {
        let name = "pidone-test-no-such-command";
        let f = pidone(mode).args([name, "arg"]).run();
        assert_exec_error(
            &f,
            name,
            "No such file or directory",
            127,
            &format!("{mode:?}"),
        );
    });
}

#[test]
fn non_executable_file_exits_126_with_message() {
    both(|mode| {
        let dir = TempDir::new("noexec");
        let file = dir.path("script");
        write_file(&file, b"#!/bin/sh\nexit 0\n", 0o644);
        let name = file.to_str().unwrap();
        let f = pidone(mode).args(["--", name]).run();
        assert_exec_error(&f, name, "Permission denied", 126, &format!("{mode:?}"));
    });
}

#[test]
fn directory_exits_126_with_message() {
    both(|mode| {
        let dir = TempDir::new("dir");
        let name = dir.0.to_str().unwrap();
        let f = pidone(mode).args(["--", name]).run();
        assert_exec_error(&f, name, "Permission denied", 126, &format!("{mode:?}"));
    });
}

#[test]
fn double_dash_ends_options_so_a_dash_command_is_looked_up() {
    both(|mode| {
        let f = pidone(mode).args(["--", "-v"]).run();
        assert_exec_error(
            &f,
            "-v",
            "No such file or directory",
            127,
            &format!("{mode:?}"),
        );
    });
}

#[test]
fn path_lookup_finds_the_command_in_a_later_directory() {
    both(|mode| {
        let (a, b) = (TempDir::new("path-a"), TempDir::new("path-b"));
        symlink(probe_path(), b.path("pidone-test-probe")).unwrap();
        let path = format!("{}:{}", a.0.display(), b.0.display());
        let f = pidone(mode)
            .env("PATH", &path)
            .args(["pidone-test-probe", "exit", "7"])
            .run();
        assert_eq!(f.code(), 7, "{mode:?}: found on PATH\n{f}");
    });
}

#[test]
fn path_lookup_skips_non_executable_candidates() {
    both(|mode| {
        let (a, b) = (TempDir::new("path-a"), TempDir::new("path-b"));
        write_file(&a.path("pidone-test-probe"), b"not a program\n", 0o644);
        symlink(probe_path(), b.path("pidone-test-probe")).unwrap();
        let path = format!("{}:{}", a.0.display(), b.0.display());
        let f = pidone(mode)
            .env("PATH", &path)
            .args(["pidone-test-probe", "exit", "7"])
            .run();
        assert_eq!(
            f.code(),
            7,
            "{mode:?}: the executable in the later directory runs\n{f}"
        );
    });
}

#[test]
fn path_lookup_with_only_non_executable_candidates_exits_126() {
    both(|mode| {
        let (a, b) = (TempDir::new("path-a"), TempDir::new("path-b"));
        write_file(&a.path("pidone-test-cmd"), b"#!/bin/sh\n", 0o644);
        let path = format!("{}:{}", a.0.display(), b.0.display());
        let f = pidone(mode)
            .env("PATH", &path)
            .args(["pidone-test-cmd"])
            .run();
        assert_exec_error(
            &f,
            "pidone-test-cmd",
            "Permission denied",
            126,
            &format!("{mode:?}"),
        );
    });
}

#[test]
fn path_lookup_runs_scripts_with_a_shebang() {
    both(|mode| {
        let dir = TempDir::new("script");
        write_file(
            &dir.path("pidone-test-script"),
            b"#!/bin/sh\nexit 9\n",
            0o755,
        );
        let path = format!("{}:/usr/bin:/bin", dir.0.display());
        let f = pidone(mode)
            .env("PATH", &path)
            .args(["pidone-test-script"])
            .run();
        assert_eq!(f.code(), 9, "{mode:?}\n{f}");
    });
}

#[test]
fn a_name_with_a_slash_is_not_looked_up_on_path() {
    both(|mode| {
        let dir = TempDir::new("slash");
        symlink(probe_path(), dir.path("pidone-test-probe")).unwrap();
        let path = dir.0.display().to_string();
        let f = pidone(mode)
            .env("PATH", &path)
            .args(["./pidone-test-probe", "exit", "0"])
            .run();
        assert_exec_error(
            &f,
            "./pidone-test-probe",
            "No such file or directory",
            127,
            &format!("{mode:?}"),
        );
    });
}

#[test]
fn without_path_the_default_path_is_searched() {
    both(|mode| {
        let f = pidone(mode).env_remove("PATH").args(["false"]).run();
        assert_eq!(
            f.code(),
            1,
            "{mode:?}: `false` found in the default PATH (/bin:/usr/bin)\n{f}"
        );
    });
}
