"""Run tini's test/run_outer_tests.py (it drives docker), reporting each test.

Usage: python tini_outer.py RUN_OUTER_TESTS_PY IMAGE RESULTS_JSON

run_outer_tests.py is Python 2. Its print statements are converted to
print() calls in memory (`print X` -> `print(X)`, a trailing comma ->
`end=" "`); nothing else in its text changes. Each test it runs through
Command.run or test_tty_handling is recorded by a wrapper around those two,
which lets the script carry on after a failure instead of stopping there,
and runs a failed test once more (see attempt()).
The installation tests run other images (ubuntu:precise, centos:7...), which
cannot be pulled here: they are recorded as skipped.
"""

import json
import re
import subprocess
import sys
import traceback

script, image, results_path = sys.argv[1], sys.argv[2], sys.argv[3]
sys.argv = [script, image]
name = "{0}-test".format(image)  # the container name main() uses

lines = []
with open(script) as f:
    for line in f.read().splitlines():
        m = re.match(r"^(\s*)print (.*?)(,?)\s*$", line)
        if m:
            end = ', end=" "' if m.group(3) else ""
            line = "{}print({}{})".format(m.group(1), m.group(2), end)
        lines.append(line)
module = {"__name__": "run_outer_tests", "__file__": script}
exec(compile("\n".join(lines) + "\n", script, "exec"), module)

results = {}


def record(test_id, status, detail=""):
    results[test_id] = {"status": status, "detail": detail[:2000]}
    print("[{}] {}".format(status, test_id))
    sys.stdout.flush()


Command = module["Command"]
command_run = Command.run


def attempt(test_id, fn):
    """Run fn; if it raises, once more (after removing the test container,
    which --rm may not have removed yet). The upstream tests' 2 s timeouts
    and their `docker attach` races fail now and then on a loaded machine;
    a test counts as failed only if it fails twice, for both subjects alike."""
    for n in (1, 2):
        try:
            fn()
        except Exception as e:
            if n == 2:
                return e
            print("[failed once, running it again] {}: {}".format(test_id, e))
            subprocess.call(["docker", "rm", "-f", name], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
        else:
            return None


def run(self, timeout=None, retcode=0):
    args = [a.replace(image, "IMG") for a in self.cmd[5:]]
    test_id = " ".join(args)
    if self.post_cmd is not None:
        test_id += ", then " + " ".join(self.post_cmd[:4])
    test_id += "; expect exit {}".format(retcode)
    if image not in self.cmd:
        record(test_id, "skipped", "needs an image that cannot be pulled here")
        return
    e = attempt(test_id, lambda: command_run(self, timeout=timeout, retcode=retcode))
    if e is not None:
        detail = "{}\nstdout: {!r}\nstderr: {!r}".format(
            e, getattr(self, "stdout", None), getattr(self, "stderr", None))
        record(test_id, "failed", detail)
    else:
        record(test_id, "passed")


Command.run = run
tty_handling = module["test_tty_handling"]


def test_tty_handling(img, name, base_cmd, fail_cmd, container_command,
                      exit_function, expect_exit_code):
    test_id = "tty: {} via {}; expect exit {}".format(
        container_command, exit_function.__name__, expect_exit_code)
    e = attempt(test_id, lambda: tty_handling(img, name, base_cmd, fail_cmd, container_command,
                                              exit_function, expect_exit_code))
    if e is not None:
        record(test_id, "failed", str(e))
    else:
        record(test_id, "passed")


module["test_tty_handling"] = test_tty_handling

try:
    module["main"]()
except BaseException:  # record whatever stopped the script
    record("(the script stopped)", "failed", traceback.format_exc())

with open(results_path, "w") as f:
    json.dump(results, f, indent=1)
