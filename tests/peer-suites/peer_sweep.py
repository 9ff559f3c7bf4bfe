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


def ancestors():
    """pytest and the processes that started it (host_reaper.py, for one),
    which carry the marker too."""
    pid, found = os.getpid(), set()
    while pid > 1 and pid not in found:
        found.add(pid)
        try:
            with open("/proc/{}/stat".format(pid)) as f:
                pid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
    return found


def leftovers():
    needle = "PIDONE_PEER_SUITES_RUN={}".format(MARK).encode() + b"\0"
    spared = ancestors()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in spared:
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
