"""Show, case by case, what the real peers print and what pidone prints when
called by their names: stdout, stderr and exit code, byte for byte.

Usage: python3 tests/peer-suites/messages.py [PIDONE_BINARY] [FILTER]
(default binary: target/release/pidone; FILTER: only cases whose name
contains it). Exits 1 if any case differs. Process IDs are replaced by <pid>
before comparing; where a case's lines come from two processes racing
(dumb-init's parent and child), lines are compared in sorted order.
Each peer runs by its name, found through PATH, as the suites run it.
Each case runs in a fresh session, with stdin from /dev/null (no tty), except
the cases marked tty, which run as the session leader of a new pseudo-terminal.
"""

import os
import pty
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PIDONE = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                         os.path.join(HERE, "..", "..", "target", "release", "pidone"))
FILTER = sys.argv[2] if len(sys.argv) > 2 else ""

# name, program name, arguments, extra environment, flags
# flags: "sorted" = compare stderr lines sorted (parent/child race);
#        "tty" = run as session leader of a new pty (output is the pty's)
D, T, C = "dumb-init", "tini", "catatonit"
CASES = [
    ("dumb-init no arguments", D, [], {}, ""),
    ("dumb-init unknown long option", D, ["--yolo", "true"], {}, ""),
    ("dumb-init unknown short option", D, ["-x", "true"], {}, ""),
    ("dumb-init -r without argument", D, ["-r"], {}, ""),
    ("dumb-init --rewrite without argument", D, ["--rewrite"], {}, ""),
    ("dumb-init --help=x", D, ["--help=x"], {}, ""),
    ("dumb-init ambiguous --v", D, ["--v", "true"], {}, ""),
    ("dumb-init prefix --verb", D, ["--verb", "true"], {}, "sorted"),
    ("dumb-init prefix --single", D, ["--single", "true"], {}, ""),
    ("dumb-init --rewrite=15:0", D, ["--rewrite=15:0", "true"], {}, ""),
    ("dumb-init -r15:0 attached", D, ["-r15:0", "true"], {}, ""),
    ("dumb-init -h", D, ["-h"], {}, ""),
    ("dumb-init --help", D, ["--help"], {}, ""),
    ("dumb-init -V", D, ["-V"], {}, ""),
    ("dumb-init --version", D, ["--version"], {}, ""),
    ("dumb-init -r ''", D, ["-r", "", "true"], {}, ""),
    ("dumb-init -r herp", D, ["-r", "herp", "true"], {}, ""),
    ("dumb-init -r 15", D, ["-r", "15", "true"], {}, ""),
    ("dumb-init -r 15::12", D, ["-r", "15::12", "true"], {}, ""),
    ("dumb-init -r 15:derp", D, ["-r", "15:derp", "true"], {}, ""),
    ("dumb-init -r 0:1", D, ["-r", "0:1", "true"], {}, ""),
    ("dumb-init -r 1:32", D, ["-r", "1:32", "true"], {}, ""),
    ("dumb-init -r 15:12junk (accepted)", D, ["-r", "15:12junk", "true"], {}, ""),
    ("dumb-init -r ' 15: 12' (accepted)", D, ["-r", " 15: 12", "true"], {}, ""),
    ("dumb-init -r +15:12 (accepted)", D, ["-r", "+15:12", "true"], {}, ""),
    ("dumb-init -vc bundled", D, ["-vc", "true"], {}, ""),
    ("dumb-init exec failure", D, ["/doesnotexist"], {}, ""),
    ("dumb-init exec failure, not executable", D, ["/etc"], {}, ""),
    ("dumb-init exec failure -v", D, ["-v", "/doesnotexist"], {}, "sorted"),
    ("dumb-init -v echo", D, ["-v", "echo", "oh,", "hi"], {}, "sorted"),
    ("dumb-init -v -c echo", D, ["-v", "-c", "echo", "oh,", "hi"], {}, ""),
    ("dumb-init -v exit 3", D, ["-v", "sh", "-c", "exit 3"], {}, "sorted"),
    ("dumb-init -v killed by SIGTERM", D, ["-v", "sh", "-c", "kill -TERM $$"], {}, "sorted"),
    ("dumb-init -v child gets SIGUSR1 from dumb-init", D,
     ["-v", "-c", "sh", "-c", "trap 'exit 7' USR1; kill -USR1 $PPID; while :; do sleep 0.01; done"],
     {}, ""),
    ("dumb-init -v -r 10:12 rewrite", D,
     ["-v", "-c", "-r", "10:12", "sh", "-c", "trap 'exit 7' USR2; kill -USR1 $PPID; while :; do sleep 0.01; done"],
     {}, ""),
    ("dumb-init -v -r 10:0 ignore", D,
     ["-v", "-c", "-r", "10:0", "sh", "-c", "kill -USR1 $PPID; sleep 0.2"], {}, ""),
    ("dumb-init DUMB_INIT_DEBUG=1", D, ["true"], {"DUMB_INIT_DEBUG": "1"}, "sorted"),
    ("dumb-init DUMB_INIT_SETSID=0 -v", D, ["-v", "true"], {"DUMB_INIT_SETSID": "0"}, ""),
    ("dumb-init -v on a tty, session leader", D, ["-v", "true"], {}, "tty sorted"),
    ("tini no arguments", T, [], {}, ""),
    ("tini-static no arguments", "tini-static", [], {}, ""),
    ("tini -h", T, ["-h"], {}, ""),
    ("tini --version", T, ["--version"], {}, ""),
    ("tini --version with more arguments", T, ["--version", "--foo"], {}, ""),
    ("tini unknown option", T, ["-x", "true"], {}, ""),
    ("tini -p without argument", T, ["-p"], {}, ""),
    ("tini -p SIGFOO", T, ["-p", "SIGFOO", "true"], {}, ""),
    ("tini -e 256", T, ["-e", "256", "true"], {}, ""),
    ("tini -e abc", T, ["-e", "abc", "true"], {}, ""),
    ("tini -- -- true", T, ["-s", "--", "--", "true"], {}, ""),
    ("tini true, not PID 1, no subreaper", T, ["true"], {}, ""),
    ("tini -s true", T, ["-s", "true"], {}, ""),
    ("tini TINI_SUBREAPER= true", T, ["true"], {"TINI_SUBREAPER": ""}, ""),
    ("tini -v -s true", T, ["-v", "-s", "true"], {}, ""),
    ("tini -vv -s true", T, ["-vv", "-s", "true"], {}, ""),
    ("tini -vvv -s true", T, ["-vvv", "-s", "true"], {}, ""),
    ("tini -vvvv -s true", T, ["-vvvv", "-s", "true"], {}, ""),
    ("tini TINI_VERBOSITY=3 -s true", T, ["-s", "true"], {"TINI_VERBOSITY": "3"}, ""),
    ("tini TINI_VERBOSITY=0, not PID 1", T, ["true"], {"TINI_VERBOSITY": "0"}, ""),
    ("tini without --: glibc getopt permutes", T, ["-s", "sh", "-c", "exit 3"], {}, ""),
    ("tini POSIXLY_CORRECT=1 without --", T, ["-s", "sh", "-c", "exit 3"], {"POSIXLY_CORRECT": "1"}, ""),
    ("tini -vvv exit 3", T, ["-vvv", "-s", "--", "sh", "-c", "exit 3"], {}, ""),
    ("tini -vvv killed by SIGTERM", T, ["-vvv", "-s", "--", "sh", "-c", "kill -TERM $$"], {}, ""),
    ("tini -vvv passes SIGUSR1", T,
     ["-vvv", "-s", "--", "sh", "-c", "trap 'exit 7' USR1; kill -USR1 $PPID; while :; do sleep 0.01; done"],
     {}, ""),
    ("tini -s -w reaps a zombie", T, ["-s", "-w", "--", "sh", "-c", "(true &); sleep 0.3"], {}, ""),
    ("tini exec failure", T, ["-s", "/doesnotexist"], {}, ""),
    ("tini exec failure, not executable", T, ["-s", "/etc"], {}, ""),
    ("tini -vvv exec failure", T, ["-vvv", "-s", "/doesnotexist"], {}, ""),
    ("catatonit no arguments", C, [], {}, ""),
    ("catatonit -h", C, ["-h"], {}, ""),
    ("catatonit --version", C, ["--version"], {}, ""),
    ("catatonit unknown option", C, ["-x", "true"], {}, ""),
    ("catatonit true", C, ["true"], {}, ""),
    ("catatonit exec failure", C, ["/doesnotexist"], {}, ""),
    ("catatonit --help (not an option)", C, ["--help"], {}, ""),
    ("catatonit --vers (prefix of --version)", C, ["--vers"], {}, ""),
    ("catatonit without --: getopt permutes", C, ["sh", "-c", "exit 3"], {}, ""),
    ("catatonit exit 3", C, ["--", "sh", "-c", "exit 3"], {}, ""),
    ("catatonit CATATONIT_DEBUG=1", C, ["--", "sh", "-c", "exit 3"], {"CATATONIT_DEBUG": "1"}, ""),
    ("catatonit CATATONIT_LOG=1", C, ["true"], {"CATATONIT_LOG": "1"}, ""),
]

PID = re.compile(r"(PID |pid=|pid '|pid: '|tini \(|\(pid |catatonit:|pid1 \(|started )\d{2,}")


def normalise(data):
    return PID.sub(r"\1<pid>", data.decode("utf-8", "replace"))


def run_plain(prog, args, env):
    proc = subprocess.run([prog] + args, stdin=subprocess.DEVNULL,
                          capture_output=True, env=env, timeout=20,
                          start_new_session=True)
    return normalise(proc.stdout), normalise(proc.stderr), proc.returncode


def run_tty(prog, args, env):
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(prog, [prog] + args, env)
    out = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return normalise(out.replace(b"\r\n", b"\n")), "", os.waitstatus_to_exitcode(status)


def main():
    tmp = tempfile.mkdtemp(prefix="pidone-messages.")
    real_dir, mine_dir = os.path.join(tmp, "real"), os.path.join(tmp, "pidone")
    os.makedirs(real_dir)
    os.makedirs(mine_dir)
    for name in ("dumb-init", "tini", "tini-static", "catatonit"):
        shutil.copy2("/usr/bin/" + name, os.path.join(real_dir, name))
        shutil.copy2(PIDONE, os.path.join(mine_dir, name))
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("PIDONE_", "TINI_", "DUMB_INIT_"))}
    differ = 0
    try:
        for name, prog, args, extra, flags in CASES:
            if FILTER not in name:
                continue
            results = []
            for d in (real_dir, mine_dir):
                env = dict(base, PATH=d + ":" + base.get("PATH", "/usr/bin:/bin"), **extra)
                runner = run_tty if "tty" in flags else run_plain
                results.append(runner(prog, args, env))
            real, mine = results
            if "sorted" in flags:
                key = [(r[0], sorted(r[1].splitlines()) or sorted(r[0].splitlines()), r[2])
                       for r in results]
                if "tty" in flags:
                    key = [(sorted(r[0].splitlines()), r[2]) for r in results]
                same = key[0] == key[1]
            else:
                same = real == mine
            shown = " ".join([prog] + [repr(a) if (not a or " " in a) else a for a in args])
            envs = " ".join("{}={}".format(k, v) for k, v in extra.items())
            print("=== {}: {}{}".format("same" if same else "DIFFERENT", envs + " " if envs else "", shown))
            if not same:
                differ += 1
                for label, (out, err, rc) in (("real", real), ("pidone", mine)):
                    print("  --- {}: exit {}".format(label, rc))
                    for stream, text in (("stdout", out), ("stderr", err)):
                        if text:
                            for line in text.splitlines(keepends=True):
                                print("    {} {!r}".format(stream, line))
    finally:
        shutil.rmtree(tmp)
    print("{} of the cases differ".format(differ))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
