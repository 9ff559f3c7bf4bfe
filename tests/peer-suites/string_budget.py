"""How many bytes of message text pidone needs to speak exactly like the
peers: the format strings of every message in dumb-init.c, tini.c and
catatonit.c (as downloaded by ./run), plus the C library texts they print
(glibc getopt's errors, strsignal() names for tini), and how many of those
bytes are not yet in a pidone binary.

Usage: python3 string_budget.py [PIDONE_BINARY] [SOURCES_DIR]
(defaults: target/release/pidone, /var/cache/pidone-peer-suites/src)

A format string counts once however often it is used. "Missing" splits each
format at its conversions (%d, %s, ...) and counts the constant pieces that
do not occur in the binary: an estimate of the text to add, not of code.
"""

import os
import re
import signal
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "target", "release", "pidone")
SRC = sys.argv[2] if len(sys.argv) > 2 else "/var/cache/pidone-peer-suites/src"

CALLS = re.compile(r"\b(PRINTERR|DEBUG|fprintf|PRINT_FATAL|PRINT_WARNING|PRINT_INFO|"
                   r"PRINT_DEBUG|PRINT_TRACE|fatal|error|bail|bail_usage|warn|info|debug)\s*\(")
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')
CONV = re.compile(r"%[-#0-9.*]*[a-zA-Z]")


def unescape(s):
    return (s.replace("\\n", "\n").replace('\\"', '"').replace("\\t", "\t")
            .replace("\\\\", "\\"))


def call_formats(text):
    """The concatenated string literals of each message call."""
    out = []
    for m in CALLS.finditer(text):
        depth, i, in_str = 1, m.end(), False
        while i < len(text) and depth:
            c = text[i]
            if in_str:
                if c == "\\":
                    i += 1
                elif c == '"':
                    in_str = False
            elif c == '"':
                in_str = True
            elif c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            i += 1
        body = text[m.end():i - 1]
        # Literals of the format argument: the first run of adjacent literals.
        lits, pos = [], None
        for lm in LITERAL.finditer(body):
            if pos is not None and body[pos:lm.start()].strip() not in ("",):
                if lits:
                    break
            lits.append(unescape(lm.group(1)))
            pos = lm.end()
        fmt = "".join(lits)
        if fmt and fmt not in ("\n",) and not fmt.startswith("%s: %s"):
            out.append(fmt)
    return out


def read(path):
    with open(path) as f:
        return f.read()


peers = {}
d = read(os.path.join(SRC, "dumb-init-1.2.5-2", "dumb-init.c"))
peers["dumb-init"] = call_formats(d) + [
    "%s: %s\n",  # exec failure, after the "[dumb-init] " prefix
    # glibc getopt_long's messages (dumb-init prints them through getopt)
    "%s: unrecognized option '%s%s'\n",
    "%s: invalid option -- '%c'\n",
    "%s: option requires an argument -- '%c'\n",
    "%s: option '%s%s' requires an argument\n",
    "%s: option '%s%s' doesn't allow an argument\n",
    "%s: option '%s%s' is ambiguous; possibilities:", " '%s%s'",
]
t = read(os.path.join(SRC, "tini-0.19.0-1", "src", "tini.c"))
reaper = ("Tini is not running as PID 1 and isn't registered as a child subreaper.\n"
          "Zombie processes will not be re-parented to Tini, so zombie reaping won't work.\n"
          "To fix the problem, use the -s option or set the environment variable "
          "TINI_SUBREAPER to register Tini as a child subreaper, or run Tini as PID 1.")
tini_formats = [f for f in call_formats(t)
                if "PROGRAM [ARGS] | --version" not in f]  # the MINIMAL build's usage
tini_formats = [f.replace("%s: Register", "TINI_SUBREAPER: Register")
                .replace("%s: Set the verbosity level (default: %d)", "TINI_VERBOSITY: Set the verbosity level (default: 1)")
                .replace("%s: Send signals", "TINI_KILL_PROCESS_GROUP: Send signals")
                for f in tini_formats]
names = [signal.strsignal(n) for n in range(1, 32) if signal.strsignal(n)]
peers["tini"] = tini_formats + [reaper, "%s: invalid option -- '%c'\n",
                                "%s: option requires an argument -- '%c'\n"] + names
c = read(os.path.join(SRC, "catatonit-0.1.7-1", "catatonit.c"))
peers["catatonit"] = [f.replace("%s", "catatonit") if f.startswith("usage") else f
                      for f in call_formats(c)] + ["FATAL", "ERROR", "WARN", "INFO", "DEBUG",
    "%s: invalid option -- '%c'\n", "%s: unrecognized option '%s%s'\n"]

# Messages about operations that cannot fail in pidone (no allocation, signal
# set operations on constant sets, sigaction/sigprocmask with valid
# arguments): a second total leaves them out.
CANNOT_FAIL = re.compile(
    r"^(Restoring |sigfillset|sigdelset|sigprocmask|Failed to ignore SIGTT|"
    r"Failed to allocate|Unexpected error in sigtimedwait|Error while waiting|"
    r"Main child exited for unknown|failed to fill init_sigmask|failed to clear signal|"
    r"failed to block all signals|failed to create signalfd|failed to add SIG|"
    r"failed to reset sigmask|close_range\(\) failed|cannot opendir|cannot close|"
    r"signalfd )")

binary = open(BIN, "rb").read()
total_all = missing_all = 0
totals = [0, 0]
for peer, formats in peers.items():
    formats = list(dict.fromkeys(formats))
    total = sum(len(f.encode()) for f in formats)
    reachable = [f for f in formats if not CANNOT_FAIL.match(f)]
    total_reachable = sum(len(f.encode()) for f in reachable)
    missing = missing_reachable = 0
    for f in formats:
        for piece in CONV.split(f):
            if piece and piece.encode() not in binary and f in reachable:
                missing_reachable += len(piece.encode())
        for piece in CONV.split(f):
            if piece and piece.encode() not in binary:
                missing += len(piece.encode())
    total_all += total
    missing_all += missing
    totals[0] += total_reachable
    totals[1] += missing_reachable
    print("{:10} {:3} format strings, {:5} bytes, {:5} not yet in {};  without the "
          "cannot-fail ones: {} strings, {} bytes, {} not yet in it".format(
              peer, len(formats), total, missing, os.path.basename(BIN),
              len(reachable), total_reachable, missing_reachable))
    if "-v" in sys.argv:
        for f in formats:
            print("    {!r}".format(f))
print("all three: {} bytes, {} not yet in the binary; without the cannot-fail ones: "
      "{} bytes, {} not yet in it".format(total_all, missing_all, totals[0], totals[1]))
print("binary: {} bytes ({} left of 32768)".format(len(binary), 32768 - len(binary)))
