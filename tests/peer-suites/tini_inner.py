"""Run tini's test/run_inner_tests.py, reporting each of its checks.

Usage: python tini_inner.py RUN_INNER_TESTS_PY RESULTS_JSON
(with SOURCE_DIR, BUILD_DIR and FORCE_SUBREAPER in the environment, as
tini's ci/run_build.sh sets them).

The script is run as it is, with one mechanical change made in memory: each
`assert` statement becomes a call that records a failure and carries on, so
that one failing check does not hide the ones after it. A check is one of the
script's sections, announced by its own `print("Running ...")` lines; it
fails if any assertion in it fails or an exception ends the script in it.
"""

import ast
import json
import os
import re
import sys
import traceback

script, results_path = sys.argv[1], sys.argv[2]
source_dir = os.environ["SOURCE_DIR"]
build_dir = os.environ["BUILD_DIR"]

results = {}
current = [None]
builtin_print = print


def normalise(text):
    return text.replace(build_dir, "$BUILD_DIR").replace(source_dir, "$SOURCE_DIR")


def section_print(*args, **kwargs):
    builtin_print(*args, **kwargs)
    sys.stdout.flush()
    text = " ".join(str(a) for a in args)
    if re.match(r"(?i)running ", text):
        current[0] = normalise(text)
        results[current[0]] = {"status": "passed", "detail": ""}


def fail(detail):
    name = current[0] or "(before the first check)"
    entry = results.setdefault(name, {"status": "failed", "detail": ""})
    entry["status"] = "failed"
    if len(entry["detail"]) < 2000:
        entry["detail"] += detail + "\n"
    builtin_print("CHECK FAILED: " + detail)
    sys.stdout.flush()


def soft_assert(condition, message):
    if not condition:
        fail("assertion failed: " + str(message()))


class SoftAsserts(ast.NodeTransformer):
    def visit_Assert(self, node):
        message = node.msg if node.msg is not None else ast.Constant("")
        no_args = ast.arguments(posonlyargs=[], args=[], kwonlyargs=[],
                                kw_defaults=[], defaults=[])
        call = ast.Call(
            func=ast.Name("_soft_assert", ast.Load()),
            args=[node.test, ast.Lambda(args=no_args, body=message)],
            keywords=[],
        )
        return ast.copy_location(ast.Expr(call), node)


with open(script) as f:
    tree = ast.parse(f.read(), script)
tree = ast.fix_missing_locations(SoftAsserts().visit(tree))
module = {
    "__name__": "run_inner_tests",
    "__file__": script,
    "_soft_assert": soft_assert,
    "print": section_print,
}
exec(compile(tree, script, "exec"), module)
try:
    module["main"]()
except BaseException:  # any exception ends the script: record it
    fail("the script stopped: " + traceback.format_exc().strip().splitlines()[-1])
    builtin_print(traceback.format_exc())

with open(results_path, "w") as f:
    json.dump(results, f, indent=1)
