"""A pytest plugin (loaded with `-p peer_sweep`) that kills, after each
test, whatever processes that test left running.

dumb-init's tests start `yes | tail` pipelines and signal printers and kill
them at their end; a test that fails half-way leaves them running, and four
busy `yes | tail` processes per failed test then slow down every test after
it. The plugin does not change what a test does or how it is judged: it only
runs after the test's own teardown. Every process the suite starts carries
PIDONE_PEER_SUITES_RUN in its environment (set by suites.py), so they are
found even once reparented.
"""

import os
import signal

import pytest

MARK = os.environ.get("PIDONE_PEER_SUITES_RUN")


def leftovers():
    needle = "PIDONE_PEER_SUITES_RUN={}".format(MARK).encode() + b"\0"
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open("/proc/{}/environ".format(entry), "rb") as f:
                if needle in f.read():
                    yield int(entry)
        except OSError:
            pass


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    if not MARK:
        return
    for pid in leftovers():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
