#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The command line: informational options, and usage errors (exit 2, one
//! line on stderr naming the bad value and pointing to --help).

mod common;
use common::*;

fn run(args: &[&str]) -> Finished {
    pidone(Mode::Child).args(args).run()
}

#[test]
fn version_prints_name_and_version_on_stdout() {
    for flag in ["--version", "-V"] {
        let f = run(&[flag]);
        assert_eq!(f.code(), 0, "{flag}\n{f}");
        assert_eq!(
            String::from_utf8_lossy(&f.stdout_raw),
            "pidone 0.1.0\n",
            "{flag}\n{f}"
        );
        assert!(f.stderr.is_empty(), "{flag}: nothing on stderr\n{f}");
    }
}

#[test]
fn help_prints_the_options_on_stdout_and_exits_zero() {
    for flag in ["--help", "-h"] {
        let f = run(&[flag]);
        assert_eq!(f.code(), 0, "{flag}\n{f}");
        let text = f.stdout.join("\n");
        for opt in [
            "--forward-to",
            "--grace",
            "--pause",
            "--wait",
            "--rewrite",
            "--remap-exit",
            "--pdeathsig",
        ] {
            assert!(text.contains(opt), "{flag}: help mentions {opt}\n{f}");
        }
        assert!(f.stderr.is_empty(), "{flag}: nothing on stderr\n{f}");
    }
}

#[test]
fn license_prints_on_stdout_and_exits_zero() {
    for flag in ["--license", "-l"] {
        let f = run(&[flag]);
        assert_eq!(f.code(), 0, "{flag}\n{f}");
        let text = f.stdout.join("\n");
        assert!(
            text.contains("MIT") && text.contains("Apache"),
            "{flag}: the license text (MIT OR Apache-2.0)\n{f}"
        );
        assert!(f.stderr.is_empty(), "{flag}: nothing on stderr\n{f}");
    }
}

#[test]
fn unknown_option_is_a_usage_error_and_runs_nothing() {
    let dir = TempDir::new("usage");
    let marker = dir.path("ran");
    let marker_s = marker.to_str().unwrap();
    for (args, value) in [
        (vec!["--bogus"], "--bogus"),
        (vec!["--bogus=1"], "--bogus"),
        (vec!["-Z"], "Z"),
        (vec!["-vZ"], "Z"),
    ] {
        let mut argv: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        argv.push("--".into());
        argv.extend(
            probe(&["write", marker_s, "ran"])
                .iter()
                .map(|s| s.to_string_lossy().into_owned()),
        );
        let f = pidone(Mode::Child).args(&argv).run();
        assert_usage_error(&f, Some(value), &format!("{args:?}"));
        assert!(
            !marker.exists(),
            "{args:?}: the command must not run after a usage error"
        );
    }
}

#[test]
fn missing_command_is_a_usage_error() {
    for args in [
        vec![],
        vec!["--"],
        vec!["-v"],
        vec!["--grace", "1s"],
        vec!["-g", "--"],
    ] {
        let f = run(&args);
        assert_usage_error(&f, None, &format!("{args:?}"));
    }
}

#[test]
fn pause_with_a_command_is_a_usage_error() {
    for args in [
        vec!["--pause", "sleep", "1"],
        vec!["-P", "--", "sleep", "1"],
    ] {
        let f = run(&args);
        assert_usage_error(&f, Some("sleep"), &format!("{args:?}"));
    }
}

#[test]
fn bad_signal_is_a_usage_error() {
    for (args, value) in [
        (vec!["-p", "NOPE"], "NOPE"),
        (vec!["--pdeathsig=SIGNOPE"], "SIGNOPE"),
        (vec!["-p", "0"], "0"),
        (vec!["-p", "65"], "65"),
        (vec!["-p", "RTMIN+31"], "RTMIN+31"),
        (vec!["-p", "KILLER"], "KILLER"),
        (vec!["-r", "USR1:BOGUS"], "BOGUS"),
        (vec!["-r", "FOO:USR1"], "FOO"),
    ] {
        let mut argv = args.clone();
        argv.extend(["--", "true"]);
        let f = run(&argv);
        assert_usage_error(&f, Some(value), &format!("{args:?}"));
    }
}

#[test]
fn rewrite_without_colon_is_a_usage_error() {
    let f = run(&["-r", "USR1", "--", "true"]);
    assert_usage_error(&f, Some("USR1"), "-r USR1");
}

#[test]
fn bad_duration_is_a_usage_error() {
    for (args, value) in [
        (vec!["--grace", "5x"], "5x"),
        (vec!["--grace=ms"], "ms"),
        (vec!["--grace", "-1"], "-1"),
        (vec!["--grace", "soon"], "soon"),
        (vec!["--grace", ""], ""),
    ] {
        let mut argv = args.clone();
        argv.extend(["--", "true"]);
        let f = run(&argv);
        assert_usage_error(&f, Some(value), &format!("{args:?}"));
    }
}

#[test]
fn exit_code_out_of_range_is_a_usage_error() {
    for (args, value) in [
        (vec!["-e", "256"], "256"),
        (vec!["--remap-exit=1000"], "1000"),
        (vec!["-e", "abc"], "abc"),
    ] {
        let mut argv = args.clone();
        argv.extend(["--", "true"]);
        let f = run(&argv);
        assert_usage_error(&f, Some(value), &format!("{args:?}"));
    }
}

#[test]
fn bad_forward_to_is_a_usage_error() {
    for args in [vec!["--forward-to", "nobody"], vec!["--forward-to=nobody"]] {
        let mut argv = args.clone();
        argv.extend(["--", "true"]);
        let f = run(&argv);
        assert_usage_error(&f, Some("nobody"), &format!("{args:?}"));
    }
}

#[test]
fn missing_option_value_is_a_usage_error() {
    for (args, value) in [
        (vec!["--grace"], "grace"),
        (vec!["-p"], "p"),
        (vec!["--forward-to"], "forward-to"),
        (vec!["-r"], "r"),
        (vec!["-e"], "e"),
    ] {
        let f = run(&args);
        assert_usage_error(&f, Some(value), &format!("{args:?}"));
    }
}

#[test]
fn invalid_environment_value_is_a_usage_error_naming_the_variable() {
    for (var, value) in [
        ("PIDONE_GRACE", "soon"),
        ("PIDONE_FORWARD_TO", "nowhere"),
        ("PIDONE_VERBOSITY", "loud"),
    ] {
        let f = pidone(Mode::Child)
            .env(var, value)
            .args(["--", "true"])
            .run();
        assert_usage_error(&f, Some(value), var);
        assert!(
            f.stderr[0].contains(var),
            "{var}: the error names the variable\n{f}"
        );
    }
}

#[test]
fn usage_errors_exit_2_as_pid1_too() {
    let f = pidone(Mode::Pid1)
        .args(["--grace", "5x", "--", "true"])
        .run();
    assert_usage_error(&f, Some("5x"), "as PID 1");
}
