"""Run the peers' own test suites against the real peers and against pidone
called by their names, and compare them test by test. Called by ./run, which
prepares everything this needs; see README.md beside this file.

Usage: python suites.py CONFIG_JSON
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
SUBJECTS = ("real", "pidone")
SUBJECT_TITLE = {"real": "the real peer", "pidone": "pidone by that name"}
NAMES = ("dumb-init", "tini", "tini-static", "catatonit")

cfg = json.load(open(sys.argv[1]))
LOGS = cfg["logdir"]
MARK = "PIDONE_PEER_SUITES_RUN"


def log_path(name):
    return os.path.join(LOGS, name)


def base_env(subject):
    """The environment the suites run in: the binaries under test first in
    PATH, then the venv; nothing of pidone's, tini's or dumb-init's own."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIDONE_", "TINI_", "DUMB_INIT_"))}
    env["PATH"] = ":".join([cfg["bindir"][subject], cfg["venv"] + "/bin",
                            os.environ["PATH"]])
    env["VIRTUAL_ENV"] = cfg["venv"]
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    env[MARK] = LOGS
    return env


def sweep():
    """Kill whatever a suite left running: every process that carries this
    run's marker in its environment (all the suites' descendants do)."""
    me = os.getpid()
    needle = "{}={}".format(MARK, LOGS).encode() + b"\0"
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == me:
            continue
        try:
            with open("/proc/{}/environ".format(pid), "rb") as f:
                if needle in f.read():
                    os.kill(int(pid), signal.SIGKILL)
        except OSError:
            pass


def run(cmd, logname, env, cwd=None, timeout=900, quiet=None):
    """Run cmd with its output to a log; return its exit code, or None when
    it was killed: after `timeout` seconds, or once it has written nothing
    for `quiet` seconds (a hung test)."""
    path = log_path(logname)
    with open(path, "ab") as out:
        out.write(("$ " + " ".join(cmd) + "\n").encode())
        out.flush()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=env, cwd=cwd,
                                start_new_session=True)
        started = last = time.monotonic()
        size = os.path.getsize(path)
        try:
            while True:
                try:
                    return proc.wait(timeout=2)
                except subprocess.TimeoutExpired:
                    pass
                now = time.monotonic()
                if os.path.getsize(path) != size:
                    size, last = os.path.getsize(path), now
                if now - started > timeout:
                    why = "after {} s".format(timeout)
                elif quiet and now - last > quiet:
                    why = "after {} s without output".format(quiet)
                else:
                    continue
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                out.write("\n[killed {}]\n".format(why).encode())
                return None
        finally:
            sweep()


def result(status, detail=""):
    return {"status": status, "detail": detail}


# dumb-init 1.2.5: tests/ with pytest, from the source root (they read
# VERSION and run `python -m testing.print_signals`). A test that fails is run
# once more on its own; it counts as failed only if it fails again. This is
# applied to both subjects alike, and keeps the upstream tests' 5 s timeouts
# from reporting a loaded machine as a difference.
def junit(path):
    out = {}
    if not os.path.exists(path):
        return out
    for case in ET.parse(path).iter("testcase"):
        node = "{}.py::{}".format(case.get("classname").replace(".", "/"),
                                  case.get("name"))
        status, detail = "passed", ""
        for child in case:
            if child.tag in ("failure", "error"):
                status = "failed"
                detail = (child.get("message") or "").strip()
            elif child.tag == "skipped":
                status = "skipped"
                detail = child.get("message") or ""
        out[node] = result(status, detail[:2000])
    return out


# pytest -v's line for a finished test, and the start of one.
PYTEST_DONE = re.compile(r"^(tests/\S+::\S+) (PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)\b", re.M)
PYTEST_STARTED = re.compile(r"(tests/\S+::\S+) *$")
PYTEST_STATUS = {"PASSED": "passed", "XPASS": "passed", "FAILED": "failed",
                 "ERROR": "failed", "SKIPPED": "skipped", "XFAIL": "skipped"}
HUNG_AFTER = 120  # seconds without output; each test has a 5 s timeout


def pytest_watched(pytest, tests, name, env, cwd):
    """Runs pytest on `tests`; returns the results. A test that hangs past
    its own timeout (a stopped pytest, say) is reported as failed, named,
    and the rest are run without it."""
    logname = name + ".log"
    results, skip = {}, []
    for attempt in range(4):
        xml = log_path("{}.{}.xml".format(name, attempt))
        start = os.path.getsize(log_path(logname)) if os.path.exists(log_path(logname)) else 0
        code = run(pytest + ["--junitxml=" + xml] + skip + tests, logname, env,
                   cwd=cwd, quiet=HUNG_AFTER)
        if code is not None:
            results.update(junit(xml))
            return results
        with open(log_path(logname), errors="replace") as f:
            f.seek(start)
            text = f.read()
        for node, status in PYTEST_DONE.findall(text):
            results[node] = result(PYTEST_STATUS[status])
        hung = PYTEST_STARTED.search(text.rsplit("\n[killed", 1)[0])
        if not hung:
            return results
        node = hung.group(1)
        print("  {}: hung in {} (no output for {} s); running the rest without it".format(
            name, node, HUNG_AFTER), flush=True)
        results[node] = result("failed", "hung: no output for {} s".format(HUNG_AFTER))
        skip = ["--deselect=" + n for n in results]
    return results


def suite_dumb_init(subject):
    src = cfg["src"]["dumb-init"]
    env = base_env(subject)
    py = os.path.join(cfg["venv"], "bin", "python")
    env["PYTHONPATH"] = HERE  # for -p peer_sweep
    pytest = [py, os.path.join(HERE, "host_reaper.py"),
              py, "-m", "pytest", "-p", "no:cacheprovider", "-p", "peer_sweep",
              "-v", "-rfE"]
    name = "dumb-init.{}".format(subject)
    results = pytest_watched(pytest, ["tests"], name, env, src)
    failed = sorted(k for k, v in results.items() if v["status"] == "failed")
    if failed:
        again = pytest_watched(pytest, failed, name + ".rerun", env, src)
        for node, r in again.items():
            if node in results and r["status"] == "passed":
                results[node] = result("passed", "passed when run again")
    return results


# tini 0.19.0: the smoke checks of ci/run_build.sh, test/run_inner_tests.py
# and test/run_outer_tests.py. The binaries under test are BUILD_DIR/tini and
# BUILD_DIR/tini-static (the smoke checks and inner tests), and
# dist/tini, dist/tini-static of the source tree, which the outer tests
# mount into their containers as /tini.
def suite_tini_smoke(subject):
    src = cfg["src"]["tini"]
    tsv = log_path("tini-smoke.{}.tsv".format(subject))
    run([os.path.join(HERE, "tini_smoke.sh"),
         os.path.join(src, "ci", "run_build.sh"), src, cfg["bindir"][subject],
         tsv], "tini-smoke.{}.log".format(subject), base_env(subject), cwd=src,
        timeout=300)
    results = {}
    if os.path.exists(tsv):
        for line in open(tsv):
            status, name = line.rstrip("\n").split("\t", 1)
            results[name] = result(status)
    return results


def suite_tini_inner(subject):
    src = cfg["src"]["tini"]
    env = base_env(subject)
    env.update(SOURCE_DIR=src, BUILD_DIR=cfg["bindir"][subject],
               FORCE_SUBREAPER="1")
    out = log_path("tini-inner.{}.json".format(subject))
    run([os.path.join(cfg["venv"], "bin", "python"),
         os.path.join(HERE, "tini_inner.py"),
         os.path.join(src, "test", "run_inner_tests.py"), out],
        "tini-inner.{}.log".format(subject), env, cwd=src, timeout=900)
    return json.load(open(out)) if os.path.exists(out) else {}


def suite_tini_outer(subject):
    if not cfg.get("image"):
        return {}
    tree = os.path.join(cfg["work"], "tini-" + subject)
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(cfg["src"]["tini"], tree, symlinks=True)
    os.makedirs(os.path.join(tree, "dist"), exist_ok=True)
    for name in ("tini", "tini-static"):
        shutil.copy2(os.path.join(cfg["bindir"][subject], name),
                     os.path.join(tree, "dist", name))
    out = log_path("tini-outer.{}.json".format(subject))
    run([os.path.join(cfg["venv"], "bin", "python"),
         os.path.join(HERE, "tini_outer.py"),
         os.path.join(tree, "test", "run_outer_tests.py"), cfg["image"], out],
        "tini-outer.{}.log".format(subject), base_env(subject), cwd=tree,
        timeout=900)
    return json.load(open(out)) if os.path.exists(out) else {}


# catatonit 0.1.7: Debian's debian/tests (clitest), from the source root.
def suite_catatonit(subject):
    src = cfg["src"]["catatonit"]
    logname = "catatonit.{}.log".format(subject)
    run(["clitest", "--list-run", "--color", "never", "debian/tests/tests.txt"],
        logname, base_env(subject), cwd=src, timeout=120)
    results = {}
    for line in open(log_path(logname)):
        m = re.match(r"^#(\d+)\t(OK|FAIL)\t(.*?)\s*$", line)
        if m:
            status = "passed" if m.group(2) == "OK" else "failed"
            results["#{} {}".format(m.group(1), m.group(3))] = result(status)
    return results


SUITES = [
    ("dumb-init", suite_dumb_init),
    ("tini-smoke", suite_tini_smoke),
    ("tini-inner", suite_tini_inner),
    ("tini-outer", suite_tini_outer),
    ("catatonit", suite_catatonit),
]


def load_exceptions(path):
    out = {}
    for number, line in enumerate(open(path), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(" | ")]
        if len(parts) != 3 or not all(parts):
            sys.exit("{}:{}: expected 'suite | test id | reason'".format(path, number))
        out[(parts[0], parts[1])] = parts[2]
    return out


def excepted_as(exceptions, suite, test):
    """The exceptions.txt key that excuses `test`: its own id, or its test
    function's, which covers every parametrised variant (`name[0]`, ...)."""
    for key in ((suite, test), (suite, test.split("[", 1)[0])):
        if key in exceptions:
            return key
    return None


def counts(results):
    c = {"passed": 0, "failed": 0, "skipped": 0}
    for v in results.values():
        c[v["status"]] += 1
    return "{passed}/{failed}/{skipped}".format(**c)


def grouped(items):
    """One line per test function: parametrised variants are counted, with
    the first one's reason."""
    groups = {}
    for suite, test, detail in items:
        key = (suite, test.split("[", 1)[0])
        if key not in groups:
            first = detail.strip().splitlines()[0] if detail.strip() else ""
            groups[key] = [0, first]
        groups[key][0] += 1
    for (suite, test), (n, first) in groups.items():
        yield "{}: {}{}{}".format(suite, test, " [x{}]".format(n) if n > 1 else "",
                                  "  -- " + first[:110] if first else "")


def main():
    only = set(filter(None, os.environ.get("PEER_SUITES_ONLY", "").split(",")))
    exceptions = load_exceptions(os.path.join(HERE, "exceptions.txt"))
    all_results = {}
    rows = []
    differences = []  # (suite, test, detail) passing under the peer only
    excepted = []
    used = set()      # the exceptions.txt entries that excused a test
    better = []       # failing under the peer, passing under pidone
    broken = []       # suites that did not run under the real peer
    started = time.monotonic()
    for suite, fn in SUITES:
        if only and suite not in only:
            continue
        per = {}
        for subject in SUBJECTS:
            t0 = time.monotonic()
            per[subject] = fn(subject)
            print("  {} under {}: {} passed/failed/skipped ({:.0f} s)".format(
                suite, SUBJECT_TITLE[subject], counts(per[subject]),
                time.monotonic() - t0), flush=True)
        all_results[suite] = per
        real, mine = per["real"], per["pidone"]
        if not any(v["status"] == "passed" for v in real.values()):
            broken.append(suite)
        diff = 0
        for test, r in real.items():
            m = mine.get(test, result("failed", "not run under pidone"))
            if r["status"] == "passed" and m["status"] != "passed":
                diff += 1
                key = excepted_as(exceptions, suite, test)
                if key:
                    excepted.append((suite, test, exceptions[key]))
                    used.add(key)
                else:
                    differences.append((suite, test, m["detail"]))
            elif r["status"] == "failed" and m["status"] == "passed":
                better.append((suite, test))
        rows.append((suite, counts(real), counts(mine), diff))

    with open(log_path("results.json"), "w") as f:
        json.dump(all_results, f, indent=1)

    print()
    print("| suite | real peer: passed/failed/skipped "
          "| pidone by that name: passed/failed/skipped | differing tests |")
    print("| --- | --- | --- | --- |")
    for suite, real, mine, diff in rows:
        print("| {} | {} | {} | {} |".format(suite, real, mine, diff))
    print()
    with open(log_path("differences.txt"), "w") as f:
        for suite, test, detail in differences:
            f.write("{} | {}\n    {}\n".format(
                suite, test, detail.strip().replace("\n", "\n    ")))
    for title, items in (
            ("Pass under the real peer, fail under pidone", differences),
            ("Accepted exceptions (exceptions.txt)", excepted)):
        if items:
            where = (", all in " + log_path("differences.txt")) if items is differences else ""
            print("{} ({}; one line per test function{}):".format(title, len(items), where))
            for line in grouped(items):
                print("  " + line)
            print()
    if better:
        print("Fail under the real peer, pass under pidone ({}):".format(len(better)))
        for suite, test in better:
            print("  {}: {}".format(suite, test))
        print()
    stale = [k for k in exceptions if k not in used]
    if stale and not only:
        print("Exceptions not needed in this run (remove them unless they are "
              "races that fail only now and then):")
        for suite, test in stale:
            print("  {}: {}".format(suite, test))
        print()
    print("Full logs: {}  ({:.0f} s)".format(LOGS, time.monotonic() - started))
    if broken:
        print("peer-suites: FAILED: no test passed under the real peer in: "
              + ", ".join(broken))
        return 2
    if differences:
        print("peer-suites: FAILED: {} tests pass under the real peer and fail "
              "under pidone".format(len(differences)))
        return 1
    print("peer-suites: OK: pidone passes every test the real peers pass "
          "({} accepted exceptions)".format(len(excepted)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
