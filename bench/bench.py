#!/usr/bin/env python3
"""pidone's benchmark: pidone side by side with tini, tini-static, dumb-init
and catatonit, in one run, interleaved, as PID 1 of a fresh PID namespace
and as a plain child.

Run it as root with bench/run (see docs/benchmarks.md). Python 3.11 standard
library only; the workloads are bench/bw.c, compiled here with gcc.
This is not a test: it asserts nothing, it measures and reports.
"""

from __future__ import annotations

import argparse
import ctypes
import datetime as dt
import json
import os
import platform
import random
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
BUILD = RESULTS / ".build"
DOC = REPO / "docs" / "benchmarks.md"
OBSTACLES = BENCH / "obstacles.md"

UNSHARE = ["unshare", "--pid", "--fork", "--mount-proc"]
PEERS = ["tini", "tini-static", "dumb-init", "catatonit"]
MODES = ["ns", "child"]
MODE_TITLE = {"ns": "PID 1 of a new PID namespace", "child": "plain child"}


def log(*a):
    print("bench:", *a, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ inits


@dataclass
class Init:
    name: str
    path: str | None  # None: the "no init" baseline
    # argv prefix per mode, before COMMAND
    prefix: dict = field(default_factory=dict)

    @property
    def is_peer(self):
        return self.name in PEERS

    def argv(self, mode, cmd):
        pre = UNSHARE if mode == "ns" else []
        return pre + self.prefix.get(mode, []) + cmd


def make_inits(pidone_path):
    inits = [Init("no init", None, {"ns": [], "child": []})]
    t = shutil.which("tini")
    ts = shutil.which("tini-static")
    d = shutil.which("dumb-init")
    c = shutil.which("catatonit")
    # tini warns and does not adopt orphans as a plain child unless -s.
    inits.append(Init("tini", t, {"ns": [t, "--"], "child": [t, "-s", "--"]}))
    inits.append(Init("tini-static", ts, {"ns": [ts, "--"], "child": [ts, "-s", "--"]}))
    inits.append(Init("dumb-init", d, {"ns": [d], "child": [d]}))
    inits.append(Init("catatonit", c, {"ns": [c, "--"], "child": [c, "--"]}))
    if pidone_path:
        inits.append(Init("pidone", pidone_path, {"ns": [pidone_path, "--"], "child": [pidone_path, "--"]}))
    return inits


# ------------------------------------------------------------------ setup


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def apt_install(pkgs):
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    lock = ["-o", "DPkg::Lock::Timeout=600"]
    log("installing", " ".join(pkgs), "with apt-get")
    sh(["apt-get", "update", "-qq"] + lock, env=env, stdout=subprocess.DEVNULL)
    sh(["apt-get", "install", "-y", "-qq"] + lock + pkgs, env=env, stdout=subprocess.DEVNULL)


def setup(args):
    if os.geteuid() != 0:
        sys.exit("bench: needs root (PID namespaces, /proc of other processes)")
    need = []
    for binary, pkg in [("tini", "tini"), ("tini-static", "tini"), ("dumb-init", "dumb-init"),
                        ("catatonit", "catatonit"), ("gcc", "gcc"), ("readelf", "binutils"),
                        ("unshare", "util-linux")]:
        if not shutil.which(binary) and pkg not in need:
            need.append(pkg)
    if not Path("/usr/lib/x86_64-linux-gnu/libc.a").exists() and not list(Path("/usr/lib").glob("*/libc.a")):
        need.append("libc6-dev")
    if need:
        apt_install(need)

    pidone = None
    if not args.without_pidone:
        if args.pidone:
            pidone = str(Path(args.pidone).resolve())
        else:
            if not args.no_build:
                log("cargo build --release")
                r = subprocess.run(["cargo", "build", "--release"], cwd=REPO)
                if r.returncode != 0:
                    sys.exit("bench: cargo build --release failed (use --without-pidone to bench the peers only)")
            pidone = str(REPO / "target" / "release" / "pidone")
        if not os.access(pidone, os.X_OK):
            sys.exit(f"bench: {pidone} is not an executable (build it, or use --without-pidone)")
        # measure a snapshot, so a rebuild during the run cannot change it
        BUILD.mkdir(parents=True, exist_ok=True)
        snap = BUILD / "pidone"
        shutil.copy2(pidone, snap)
        pidone = str(snap)

    BUILD.mkdir(parents=True, exist_ok=True)
    bw = BUILD / "bw"
    sh(["gcc", "-O2", "-static", "-Wall", "-o", str(bw), str(BENCH / "bw.c")])
    floor = BUILD / "floor"
    sh(["gcc", "-O2", "-static", "-nostdlib", "-fno-stack-protector", "-o", str(floor), str(BENCH / "floor.c")])
    return pidone, str(bw), str(floor)


def become_subreaper():
    """Orphans that an init does not adopt come to us instead of the host's
    PID 1 (which may be slow to reap): reap_strays() collects them."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
        log("warning: could not become a child subreaper")


def reap_strays():
    """Only call when no tracked child is outstanding."""
    n = 0
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return n
        if pid == 0:
            return n
        n += 1


def kill_my_children():
    """Kill, by pid, the processes that are still our children (leftovers
    adopted by us as subreaper)."""
    me = os.getpid()
    try:
        kids = Path(f"/proc/{me}/task/{me}/children").read_text().split()
    except OSError:
        return
    for k in kids:
        try:
            os.kill(int(k), signal.SIGKILL)
        except ProcessLookupError:
            pass


def rotated(seq, r):
    r %= len(seq)
    return seq[r:] + seq[:r]


# ------------------------------------------------------------------ stats


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def summary(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return None
    s = {"n": len(xs), "median": statistics.median(xs), "min": min(xs), "max": max(xs)}
    s["p10"], s["p90"] = pct(xs, 0.1), pct(xs, 0.9)
    return s


def fmt_time(ns):
    if ns is None or ns != ns:
        return "—"
    a = abs(ns)
    if a >= 1e9:
        return f"{ns / 1e9:.2f} s"
    if a >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if a >= 1e3:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns:.0f} ns"


def fmt_spread(s, f=fmt_time):
    """median [p10–p90], or [min–max] when there are fewer than 10 samples."""
    if not s:
        return "n/a"
    if s["n"] >= 10:
        return f"{f(s['median'])} [{f(s['p10'])} – {f(s['p90'])}]"
    if s["n"] == 1:
        return f(s["median"])
    return f"{f(s['median'])} [{f(s['min'])} – {f(s['max'])}]"


def ratio(v, best):
    if v is None or best is None:
        return "—"
    if best == 0:
        return "=" if v == 0 else "—"
    return f"×{v / best:.2f}"


def boot_ratio(xs, ys, q=0.5, n=1000):
    """90% bootstrap interval of quantile_q(xs) / quantile_q(ys)."""
    if not xs or not ys:
        return None
    rng = random.Random(4)
    rs = []
    for _ in range(n):
        a = pct(rng.choices(xs, k=len(xs)), q)
        b = pct(rng.choices(ys, k=len(ys)), q)
        if b > 0:
            rs.append(a / b)
    return (pct(rs, 0.05), pct(rs, 0.95)) if rs else None


def verdict(xs, ys, q=0.5, limit=1.0):
    """Is quantile_q(xs) <= limit * quantile_q(ys)? Returns (met, label,
    ratio text): 'within noise' when the 90% bootstrap interval of the ratio
    straddles the limit."""
    v, b = pct(xs, q), pct(ys, q)
    if not xs or not ys or b <= 0:
        return False, "n/a", "—"
    r = v / b
    ci = boot_ratio(xs, ys, q)
    text = f"×{r:.2f}" + (f" [90% CI ×{ci[0]:.2f} – ×{ci[1]:.2f}]" if ci else "")
    met = r <= limit
    noisy = ci is not None and ci[0] <= limit <= ci[1]
    label = ("yes" if met else "**no**") + (" (within noise)" if noisy else "")
    return met, label, text


def best_peer_name(values):
    xs = {k: v for k, v in values.items() if k in PEERS and v is not None}
    return min(xs, key=xs.get) if xs else None


def best_peer(values):
    """values: {init name: number or None}; the lowest peer figure."""
    xs = [v for k, v in values.items() if k in PEERS and v is not None]
    return min(xs) if xs else None


# ------------------------------------------------------------------ proc


def read_status(pid):
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        k, _, v = line.partition(":")
        out[k] = v.strip()
    return out


def kib(v):
    return int(v.split()[0]) if v else None


def pss_kib(pid):
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def children_of(pid):
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def init_pid(proc_pid, mode, timeout=5.0):
    """Host pid of the init: the spawned process, or unshare's child."""
    if mode != "ns":
        return proc_pid
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        k = children_of(proc_pid)
        if k:
            return k[0]
        time.sleep(0.001)
    return None


# ------------------------------------------------------------------ 1. binary


def section_binary(inits):
    rows = {}
    for it in inits:
        if not it.path:
            continue
        p = Path(it.path).resolve()
        size = p.stat().st_size
        out = subprocess.run(["readelf", "-ld", str(p)], capture_output=True, text=True).stdout
        interp = re.search(r"Requesting program interpreter: ([^\]]+)\]", out)
        needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)
        data = p.read_bytes()
        if any(n.startswith("libc.so") for n in needed):
            libc = "glibc (shared)" if b"GLIBC_" in data else "libc (shared)"
        elif b"GLIBC_" in data or b"GNU C Library" in data or b"glibc" in data:
            libc = "glibc (static)"
        elif b"musl" in data:
            libc = "musl (static)"
        else:
            libc = "none found"
        rows[it.name] = {
            "path": str(p), "bytes": size, "static": not interp and not needed,
            "interp": interp.group(1) if interp else None, "needed": needed, "libc": libc,
        }
    return rows


# ------------------------------------------------------------------ 2+6. idle


def section_idle(inits, bw, cfg):
    """All inits idle at once with a sleeping command; the same windows
    measure every one of them."""
    live = []
    for mode in MODES:
        for it in inits:
            if not it.path:
                continue
            p = subprocess.Popen(it.argv(mode, [bw, "idle"]), stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
            live.append((it, mode, p))
    res = {}
    try:
        for it, mode, p in live:
            r, _, _ = select.select([p.stdout], [], [], 10)
            line = p.stdout.readline() if r else b""
            if not line.startswith(b"READY"):
                raise RuntimeError(f"{it.name} ({mode}): the idle command did not start")
            ip = init_pid(p.pid, mode)
            res[(it.name, mode)] = {"pid": ip, "wakeups": [], "VmRSS": [], "VmHWM": [],
                                    "RssAnon": [], "Pss": []}
        time.sleep(cfg["idle_settle"])
        for w in range(cfg["idle_windows"]):
            order = rotated(list(res), w)
            c0 = {}
            for key in order:
                st = read_status(res[key]["pid"])
                c0[key] = int(st["voluntary_ctxt_switches"]) + int(st["nonvoluntary_ctxt_switches"])
            t0 = time.monotonic()
            time.sleep(cfg["idle_window_s"])
            el = time.monotonic() - t0
            for key in order:
                r = res[key]
                st = read_status(r["pid"])
                c1 = int(st["voluntary_ctxt_switches"]) + int(st["nonvoluntary_ctxt_switches"])
                r["wakeups"].append((c1 - c0[key]) / el)
                for k in ("VmRSS", "VmHWM", "RssAnon"):
                    r[k].append(kib(st.get(k)))
                r["Pss"].append(pss_kib(r["pid"]))
    finally:
        for it, mode, p in live:
            key = (it.name, mode)
            ip = res.get(key, {}).get("pid")
            try:
                os.kill(ip or p.pid, signal.SIGTERM)
            except (ProcessLookupError, TypeError):
                pass
        for it, mode, p in live:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        kill_my_children()
        time.sleep(0.1)
        reap_strays()
    return {f"{k[0]}|{k[1]}": v for k, v in res.items()}


# ------------------------------------------------------------------ 3. overhead


def section_overhead(inits, floor, cfg):
    devnull = os.open(os.devnull, os.O_RDWR)
    fa = [(os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1),
          (os.POSIX_SPAWN_DUP2, devnull, 2)]
    ref = Init("floor", floor, {"ns": [floor], "child": [floor]})
    combos = [(it, m) for m in MODES for it in inits + [ref]]
    raw = {f"{it.name}|{m}": {"wall": [], "cpu": [], "status": []} for it, m in combos}
    total = cfg["overhead_warmup"] + cfg["overhead_rounds"]
    for r in range(total):
        for it, m in rotated(combos, r):
            argv = it.argv(m, ["/bin/true"])
            exe = shutil.which(argv[0])
            t0 = time.perf_counter_ns()
            pid = os.posix_spawn(exe, argv, os.environ, file_actions=fa)
            _, st, ru = os.wait4(pid, 0)
            t1 = time.perf_counter_ns()
            if r < cfg["overhead_warmup"]:
                continue
            d = raw[f"{it.name}|{m}"]
            d["wall"].append(t1 - t0)
            d["cpu"].append(round((ru.ru_utime + ru.ru_stime) * 1e9))
            d["status"].append(st)
    os.close(devnull)
    reap_strays()
    # pair with the no-init baseline of the same round and mode
    out = {}
    for it, m in combos:
        d = raw[f"{it.name}|{m}"]
        b = raw[f"no init|{m}"]
        out[f"{it.name}|{m}"] = {
            "wall": d["wall"], "cpu": d["cpu"],
            "wall_over": [x - y for x, y in zip(d["wall"], b["wall"])],
            "cpu_over": [x - y for x, y in zip(d["cpu"], b["cpu"])],
            "bad_status": sum(1 for s in d["status"] if s != 0),
        }
    return out


# ------------------------------------------------------------------ 4. orphans


def parse_kv(line):
    return {k: int(v) for k, v in re.findall(r"(\w+)=(-?\d+)", line)}


def section_orphans(inits, bw, cfg):
    combos = [(it, m) for m in MODES for it in inits if it.path]
    res = {}
    skip = set()
    for n, reps in cfg["orphans"]:
        for rep in range(reps):
            for it, m in rotated(combos, rep):
                key = f"{it.name}|{m}|{n}"
                if (it.name, m) in skip:
                    continue
                d = res.setdefault(key, [])
                try:
                    p = subprocess.run(it.argv(m, [bw, "orphans", str(n)]), capture_output=True,
                                       text=True, timeout=cfg["orphans_timeout"], stdin=subprocess.DEVNULL)
                    line = next((l for l in p.stdout.splitlines() if l.startswith("ORPHANS")), "")
                    kv = parse_kv(line)
                    if not kv:
                        kv = {"error": 1}
                        log(f"orphans {key}: no result: {p.stderr.strip()[:200]}")
                    kv["exit"] = p.returncode
                except subprocess.TimeoutExpired:
                    kv = {"timeout": 1}
                    log(f"orphans {key}: timed out")
                    kill_my_children()
                if kv.get("adopted") == 0:
                    skip.add((it.name, m))
                    res[f"{it.name}|{m}|not-adopted"] = kv
                d.append(kv)
                time.sleep(0.05)
                reap_strays()
            log(f"orphans: N={n} round {rep + 1}/{reps} done")
    return res


# ------------------------------------------------------------------ 5. signals


def section_signals(inits, bw, cfg):
    combos = [(it, m) for m in MODES for it in inits]
    res = {f"{it.name}|{m}": {"fwd": [], "termfwd": [], "shut": [], "errors": 0} for it, m in combos}
    for r in range(cfg["sig_rounds"]):
        for it, m in rotated(combos, r):
            d = res[f"{it.name}|{m}"]
            cmd = [bw, "siglat"] + (["-u"] if m == "ns" else []) + [str(cfg["sig_k"]), "--"] + it.argv(m, [bw, "sig"])
            try:
                p = subprocess.run(cmd, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                d["errors"] += 1
                kill_my_children()
                continue
            vals = {}
            for line in p.stdout.splitlines():
                parts = line.split()
                if parts:
                    vals[parts[0]] = parts[1:]
            if "FWD" not in vals:
                d["errors"] += 1
                continue
            for v in map(int, vals["FWD"]):
                if v >= 0:
                    d["fwd"].append(v)
                else:
                    d["errors"] += 1
            for k, dst in (("TERMFWD", "termfwd"), ("SHUT", "shut")):
                v = int(vals.get(k, ["-1"])[0])
                if v >= 0:
                    d[dst].append(v)
                else:
                    d["errors"] += 1
        reap_strays()
        if (r + 1) % max(1, cfg["sig_rounds"] // 4) == 0:
            log(f"signals: round {r + 1}/{cfg['sig_rounds']} done")
    return res


# ------------------------------------------------------------------ 7. leftover


def section_leftover(inits, bw, cfg):
    combos = [(it, m) for m in MODES for it in inits]
    res = {f"{it.name}|{m}": [] for it, m in combos}
    for r in range(cfg["leftover_reps"]):
        for it, m in rotated(combos, r):
            cmd = [bw, "leftover-run"] + (["-u"] if m == "ns" else []) + ["--"] + \
                it.argv(m, [bw, "leftover", str(cfg["cleanup_ms"])])
            try:
                p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                res[f"{it.name}|{m}"].append({"error": "timeout"})
                kill_my_children()
                continue
            v = {}
            for line in p.stdout.splitlines():
                parts = line.split(maxsplit=1)
                if len(parts) == 2:
                    v[parts[0]] = parts[1]
            if "CMDEXIT" not in v:
                res[f"{it.name}|{m}"].append({"error": p.stdout.strip()[:200]})
                continue
            ce, bt, bd, ie = (int(v[k]) for k in ("CMDEXIT", "BGTERM", "BGDONE", "INITEXIT"))
            res[f"{it.name}|{m}"].append({
                "term_after": bt - ce if bt > 0 else None,
                "done_after": bd - ce if bd > 0 else None,
                "init_exit_after": ie - ce if ie > 0 else None,
                "fate": v.get("BGFATE"), "stderr": p.stderr.strip()[-300:],
            })
        reap_strays()
    return res


def leftover_outcome(runs, mode):
    """One sentence for what the background process experienced."""
    kinds = []
    for x in runs:
        if "error" in x:
            kinds.append("error")
        elif x["term_after"] is not None and x["done_after"] is not None:
            kinds.append("SIGTERM, finished its cleanup, exited 0")
        elif x["term_after"] is not None:
            kinds.append("SIGTERM, then killed before finishing its cleanup")
        elif x["fate"] == "alive":
            kinds.append("no signal; still running after the init exited (escaped supervision)")
        elif mode == "ns":
            kinds.append("no SIGTERM; SIGKILLed by the namespace teardown")
        elif x["fate"] == "signal9":
            kinds.append("no SIGTERM; SIGKILLed")
        else:
            kinds.append(f"no SIGTERM; ended ({x['fate']})")
    common = max(set(kinds), key=kinds.count)
    if kinds.count(common) != len(kinds):
        return f"{common} ({kinds.count(common)}/{len(kinds)} runs; others: " + \
            ", ".join(sorted(set(kinds) - {common})) + ")"
    return common


# ------------------------------------------------------------------ report


def machine_info(pidone_path):
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    vers = {}
    for pkg in ("tini", "dumb-init", "catatonit"):
        r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True)
        vers[pkg] = r.stdout.strip() or "?"
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "src", "Cargo.toml", "Cargo.lock", "build.rs", ".cargo"],
                           cwd=REPO, capture_output=True, text=True).stdout.strip()
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip() if shutil.which("rustc") else "?"
    osr = {}
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            k, _, v = line.partition("=")
            osr[k] = v.strip('"')
    except OSError:
        pass
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(), "cpu": cpu, "kernel": platform.release(),
        "os": osr.get("PRETTY_NAME", "?"), "pid_max": Path("/proc/sys/kernel/pid_max").read_text().strip(),
        "peers": vers, "pidone": (rev + ("+uncommitted changes" if dirty else "")) if pidone_path else None,
        "rustc": rustc,
    }


class Report:
    def __init__(self):
        self.lines = []

    def __call__(self, s=""):
        self.lines.append(s)

    def table(self, head, rows):
        self("| " + " | ".join(head) + " |")
        self("|" + "|".join("---" for _ in head) + "|")
        for r in rows:
            self("| " + " | ".join(str(c) for c in r) + " |")
        self()

    def text(self):
        return "\n".join(self.lines) + "\n"


def names(inits, with_none=True):
    return [it.name for it in inits if with_none or it.path]


def build_report(R, inits, cfg, info, command, runtime_s):
    rep = Report()
    targets = []  # (id, target, figure, met)
    have_pidone = any(it.name == "pidone" for it in inits)

    rep("# pidone benchmarks")
    rep()
    rep("Generated by `bench/run`: do not edit by hand (hand-written explanations of missed targets live in "
        "`bench/obstacles.md`).")
    rep()
    headline_at = len(rep.lines)
    rep("## Running it")
    rep()
    rep("As root, from the repository root (not part of the test suite; CI never runs it):")
    rep()
    rep("```sh")
    rep("bench/run            # full run, about 10 min on 2 cores: rewrites this file and bench/results/")
    rep("bench/run --quick    # a minute or so, fewer rounds, no 100,000-orphan run: bench/results/ only")
    rep("```")
    rep()
    rep("It installs the peers (`apt-get install tini dumb-init catatonit`; Debian's `tini` package ships both "
        "`tini` and `tini-static`) and gcc when missing, builds pidone with `cargo build --release`, compiles its "
        "workloads (`bench/bw.c`, `bench/floor.c`), and prints the report below, which it also writes to "
        "`bench/results/<timestamp>.md` with every raw sample in `<timestamp>.json`. Options: `--no-build` "
        "(measure `target/release/pidone` as it is), `--pidone PATH`, `--without-pidone` (peers only), "
        "`--docs`/`--no-docs` (write this file or not; by default only a full run does), `--from-json PATH` "
        "(measure nothing: rebuild this report from a saved run, e.g. after editing `bench/obstacles.md`). "
        "The binary measured is a copy taken at the start, so a rebuild during the run changes nothing.")
    rep()
    rep("## How this was measured")
    rep()
    rep(f"- Command: `{command}`" + (" (quick mode: fewer rounds, no 100,000-orphan run)" if cfg["quick"] else ""))
    rep(f"- Date: {info['date']}; run time {runtime_s / 60:.1f} min")
    rep(f"- Machine: {info['nproc']} CPUs ({info['cpu']}), kernel {info['kernel']}, {info['os']}, "
        f"pid_max {info['pid_max']}; load average (1, 5, 15 min) {' '.join(info['load']['start'])} at the start, "
        f"{' '.join(info['load']['end'])} at the end (the benchmark itself keeps about one core busy)")
    pv = info["peers"]
    rep(f"- Peers from Debian's packages: tini and tini-static {pv['tini']}, dumb-init {pv['dumb-init']}, "
        f"catatonit {pv['catatonit']}")
    if have_pidone:
        rep(f"- pidone: `cargo build --release` at commit {info['pidone']} ({info['rustc']})")
    else:
        rep("- pidone: **not measured in this run** (`--without-pidone`)")
    rep("- Every init runs in the same run, interleaved: each round runs every init once, in an order "
        "rotated from round to round. Two modes: **ns** = `unshare --pid --fork --mount-proc INIT ...` "
        "(the init is PID 1 of a fresh PID namespace), **child** = `INIT ...` started directly by the benchmark "
        "(tini gets `-s` there, so it adopts orphans as the others do).")
    rep("- The machine is shared and noisy: figures are medians with their spread "
        "(`median [p10 – p90]`, or `[min – max]` under 10 samples), and *×ratio* is the figure divided by the "
        "best (lowest) peer's median in the same mode. Lower is better everywhere.")
    rep("- *no init* is the baseline: the command alone (in ns mode it is PID 1 itself).")
    rep()

    # 1. binary
    B = R["binary"]
    rep("## 1. Binary size and linkage")
    rep()
    best = best_peer({k: v["bytes"] for k, v in B.items()})
    best_static = best_peer({k: v["bytes"] for k, v in B.items() if v["static"]})
    rows = []
    for n in names(inits, False):
        b = B[n]
        rows.append([n, f"{b['bytes']:,} B ({b['bytes'] / 1024:.1f} KiB)", ratio(b["bytes"], best),
                     ratio(b["bytes"], best_static) if b["static"] else "—",
                     "yes" if b["static"] else "no", b["interp"] or "none", ", ".join(b["needed"]) or "none", b["libc"]])
    rep.table(["init", "file size", "×best peer", "×best static peer", "static", "INTERP", "NEEDED", "libc"], rows)
    rep("Sizes are of the file on disk (`stat`); linkage from `readelf -ld`; libc from the strings in the file. "
        "A dynamic binary's size leaves out the shared libc it loads.")
    rep()
    if have_pidone:
        b = B["pidone"]
        targets.append(("binary", "Release binary ≤ 32 KiB, static, no libc",
                        f"{b['bytes']:,} B, {'static' if b['static'] else 'dynamic'}, libc: {b['libc']}",
                        *(lambda ok: (ok, yesno(ok)))(b["bytes"] <= 32768 and b["static"] and b["libc"] == "none found")))

    # 2. memory
    I = R["idle"]
    rep("## 2. Memory of an idle init (sleeping command)")
    rep()
    rep("From `/proc/PID/status` (VmRSS, VmHWM, RssAnon) and `/proc/PID/smaps_rollup` (Pss) of the init "
        f"itself, sampled once per window ({cfg['idle_windows']} windows), all inits idle at the same time. KiB.")
    rep()
    for m in MODES:
        rep(f"**{m}** ({MODE_TITLE[m]})")
        rep()
        rows = []
        meds = {k: {n: (statistics.median(I[f'{n}|{m}'][k]) if I[f'{n}|{m}'][k] and None not in I[f'{n}|{m}'][k] else None)
                    for n in names(inits, False)} for k in ("VmRSS", "VmHWM", "RssAnon", "Pss")}
        for n in names(inits, False):
            row = [n]
            for k in ("VmRSS", "VmHWM", "RssAnon", "Pss"):
                xs = I[f"{n}|{m}"][k]
                v = meds[k][n]
                spread = "" if v is None or min(xs) == max(xs) else f" [{min(xs)} – {max(xs)}]"
                row.append(f"{v:g}{spread} ({ratio(v, best_peer(meds[k]))})" if v is not None else "n/a")
            rows.append(row)
        rep.table(["init", "VmRSS KiB", "VmHWM KiB", "RssAnon KiB", "Pss KiB"], rows)
        if have_pidone:
            v = meds["VmRSS"]["pidone"]
            ok = v is not None and v <= 128
            targets.append((f"rss-{m}", f"Idle VmRSS ≤ 128 KiB ({m})",
                            f"{v:g} KiB (best peer {best_peer(meds['VmRSS']):g} KiB)", ok, yesno(ok)))

    # 3. overhead
    O = R["overhead"]
    rep("## 3. Wrapper overhead: `INIT /bin/true` minus `/bin/true`")
    rep()
    rep(f"{cfg['overhead_rounds']} interleaved rounds (after {cfg['overhead_warmup']} warm-up rounds). Wall: fork to "
        "reaped, from the benchmark; CPU: user+system time of the whole tree from `wait4`. Each run is paired with the "
        "no-init baseline of the same round and mode, and the table shows the medians of those differences. "
        "The syntax is `tini -- true` (`tini -s --` as a child), `tini-static` likewise, `dumb-init true`, "
        "`catatonit -- true`, `pidone -- true`. "
        "*floor* is `bench/floor.c`: 1 KiB of static code, no libc, that only forks, execs the command, waits and "
        "exits: the least any wrapper costs on this kernel (it forwards no signal and reaps nothing else).")
    rep()
    for m in MODES:
        rep(f"**{m}** ({MODE_TITLE[m]})")
        rep()
        wall = {n: summary(O[f"{n}|{m}"]["wall_over"]) for n in names(inits, False)}
        cpu = {n: summary(O[f"{n}|{m}"]["cpu_over"]) for n in names(inits, False)}
        bw_ = best_peer({n: s["median"] for n, s in wall.items()})
        bc = best_peer({n: s["median"] for n, s in cpu.items()})
        rows = [["no init (baseline, absolute)", fmt_spread(summary(O[f"no init|{m}"]["wall"])), "",
                 fmt_spread(summary(O[f"no init|{m}"]["cpu"])), ""],
                ["*floor* (reference, not an init)", fmt_spread(summary(O[f"floor|{m}"]["wall_over"])),
                 ratio(summary(O[f"floor|{m}"]["wall_over"])["median"], bw_),
                 fmt_spread(summary(O[f"floor|{m}"]["cpu_over"])),
                 ratio(summary(O[f"floor|{m}"]["cpu_over"])["median"], bc)]]
        for n in names(inits, False):
            rows.append([n, fmt_spread(wall[n]), ratio(wall[n]["median"], bw_), fmt_spread(cpu[n]),
                         ratio(cpu[n]["median"], bc)])
        rep.table(["init", "wall overhead", "×best peer", "CPU overhead", "×best peer"], rows)
        bad = {n: O[f"{n}|{m}"]["bad_status"] for n in names(inits)}
        if any(bad.values()):
            rep("Non-zero exit statuses: " + ", ".join(f"{n}: {c}" for n, c in bad.items() if c))
            rep()
        if have_pidone:
            for kind, key, d in (("wall", "wall_over", wall), ("CPU", "cpu_over", cpu)):
                bn = best_peer_name({n: s_["median"] for n, s_ in d.items()})
                xs, ys = O[f"pidone|{m}"][key], O[f"{bn}|{m}"][key]
                met, label, rt = verdict(xs, ys, 0.5, 0.5)
                targets.append((f"overhead-{kind.lower()}-{m}", f"Wrapper overhead ≤ ½ best peer ({kind}, {m})",
                                f"{fmt_time(pct(xs, .5))} vs {bn} {fmt_time(pct(ys, .5))}: {rt}", met, label))

    # 4. orphans
    Q = R["orphans"]
    rep("## 4. Orphan reaping")
    rep()
    rep("The command (`bw orphans N`) makes N orphans as fast as it can: a child that shares its memory starts a "
        "grandchild and exits, leaving the grandchild's zombie to the init (PID 1, or the subreaper). At most ~5,000 "
        "await reaping at any time (the workload pauses above 4,096). *all reaped* is from the first orphan until the "
        "init's `/proc/PID/task/PID/children` holds nothing but the command; *init CPU per orphan* is the init's "
        "run time (`/proc/PID/schedstat`, ns resolution; utime+stime from `/proc/PID/stat` agree to within one 10 ms tick) over that span divided by N. "
        "*orphans per wake-up* is N over the init's voluntary context switches in that span: an init that wakes "
        "less often reaps several zombies per wake-up and spends less CPU per orphan, so read the CPU figure with it "
        "(it depends on how the scheduler interleaves the init with the workload on 2 cores). "
        "*zombies left* is the most ever left (it must be 0). The wall time is mostly the workload's own forking.")
    rep()
    for m in MODES:
        rep(f"**{m}** ({MODE_TITLE[m]})")
        rep()
        rows = []
        for n_, reps in cfg["orphans"]:
            cpu, tot, lag, zl, pw = {}, {}, {}, {}, {}
            for n in names(inits, False):
                runs = [x for x in Q.get(f"{n}|{m}|{n_}", []) if "cpu_ns" in x]
                cpu[n] = summary([x["cpu_ns"] / x["n"] for x in runs])
                tot[n] = summary([x["reaped_ns"] for x in runs])
                lag[n] = summary([x["reaped_ns"] - x["create_ns"] for x in runs])
                zl[n] = max([x["zombies"] + x["alive"] for x in runs], default=None)
                pw[n] = summary([x["n"] / x["wakeups"] for x in runs if x.get("wakeups", 0) > 0])
            bcpu = best_peer({n: s["median"] if s else None for n, s in cpu.items()})
            btot = best_peer({n: s["median"] if s else None for n, s in tot.items()})
            for n in names(inits, False):
                if f"{n}|{m}|not-adopted" in Q:
                    rows.append([f"{n_:,}", n, "n/a: does not adopt orphans as a plain child (not a subreaper)", "", "", "", "", "", ""])
                    continue
                bad = [x for x in Q.get(f"{n}|{m}|{n_}", []) if "cpu_ns" not in x]
                rows.append([f"{n_:,}", n, fmt_spread(tot[n]), ratio(tot[n]["median"] if tot[n] else None, btot),
                             fmt_spread(lag[n]), fmt_spread(cpu[n]), ratio(cpu[n]["median"] if cpu[n] else None, bcpu),
                             fmt_spread(pw[n], lambda v: f"{v:.2f}"),
                             ("n/a" if zl[n] is None else str(zl[n])) + (f" ({len(bad)} failed runs)" if bad else "")])
            if have_pidone and cpu.get("pidone"):
                bn = best_peer_name({n: s_["median"] if s_ else None for n, s_ in cpu.items()})
                per = lambda name: [x["cpu_ns"] / x["n"] for x in Q.get(f"{name}|{m}|{n_}", []) if "cpu_ns" in x]
                xs, ys = per("pidone"), per(bn)
                met, label, rt = verdict(xs, ys)
                targets.append((f"reap-cpu-{m}-{n_}", f"Reaping CPU per orphan ≤ best peer ({m}, N={n_:,})",
                                f"{fmt_time(pct(xs, .5))} vs {bn} {fmt_time(pct(ys, .5))}: {rt}", met, label))
            if have_pidone and n_ == max(x for x, _ in cfg["orphans"]):
                runs = Q.get(f"pidone|{m}|{n_}", [])
                ok = bool(runs) and all("cpu_ns" in x and x["zombies"] + x["alive"] == 0 for x in runs)
                targets.append((f"zombies-{m}", f"Zero zombies at N={n_:,} ({m})",
                                f"{zl.get('pidone')} left at most, over {len(runs)} runs", ok, yesno(ok)))
        rep.table(["N", "init", "all reaped (wall)", "×best peer", "after the last orphan", "init CPU per orphan",
                   "×best peer", "orphans per wake-up", "zombies left"], rows)

    # 5. signals
    S = R["signals"]
    rep("## 5. Signal forwarding and shutdown latency")
    rep()
    rep(f"{cfg['sig_rounds']} interleaved rounds; each starts a fresh `INIT bw sig`, sends the init "
        f"{cfg['sig_k']} SIGUSR1 (1 ms apart) and then one SIGTERM. *Forwarding*: from just before `kill()` on the init "
        "until the command's handler runs (its CLOCK_MONOTONIC stamp). *Shutdown*: from SIGTERM sent to the init until "
        "the init has exited (its pidfd polls readable; in ns mode that includes the namespace teardown). "
        "The command exits 0 from its SIGTERM handler. For *no init* the signals go to the command directly.")
    rep()
    for m in MODES:
        rep(f"**{m}** ({MODE_TITLE[m]})")
        rep()
        rows = []
        st = {}
        for n in names(inits):
            d = S[f"{n}|{m}"]
            st[n] = {k: (pct(d[k], 0.5), pct(d[k], 0.9)) if d[k] else (None, None) for k in ("fwd", "termfwd", "shut")}
        bests = {(k, i): best_peer({n: st[n][k][i] for n in st}) for k in ("fwd", "termfwd", "shut") for i in (0, 1)}
        for n in names(inits):
            d = S[f"{n}|{m}"]
            row = [n]
            for k in ("fwd", "termfwd", "shut"):
                for i in (0, 1):
                    v = st[n][k][i]
                    row.append(f"{fmt_time(v)} ({ratio(v, bests[(k, i)])})" if v is not None else "n/a")
            row.append(f"{len(d['fwd'])}/{len(d['shut'])}" + (f", {d['errors']} errors" if d["errors"] else ""))
            rows.append(row)
        rep.table(["init", "forward USR1 p50", "p90", "forward TERM p50", "p90", "shutdown p50", "p90", "samples"], rows)
        if have_pidone:
            for k, label in (("fwd", "Forwarding latency (SIGUSR1)"), ("termfwd", "Forwarding latency (SIGTERM)"),
                             ("shut", "Shutdown latency")):
                for i, pn in ((0, "p50"), (1, "p90")):
                    q = (0.5, 0.9)[i]
                    bn = best_peer_name({n: st[n][k][i] for n in st})
                    xs, ys = S[f"pidone|{m}"][k], S[f"{bn}|{m}"][k]
                    met, lab, rt = verdict(xs, ys, q)
                    targets.append((f"{k}-{pn}-{m}", f"{label} {pn} ≤ best peer ({m})",
                                    f"{fmt_time(pct(xs, q))} vs {bn} {fmt_time(pct(ys, q))}: {rt}", met, lab))

    # 6. wakeups
    rep("## 6. Idle wake-ups")
    rep()
    rep(f"Voluntary + involuntary context switches of the init (`/proc/PID/status`) over {cfg['idle_windows']} "
        f"windows of {cfg['idle_window_s']} s, with a sleeping command, all inits at once. Per second.")
    rep()
    rows = []
    for n in names(inits, False):
        row = [n]
        for m in MODES:
            xs = I[f"{n}|{m}"]["wakeups"]
            s = summary(xs)
            row.append(fmt_spread(s, lambda v: f"{v:.2f}/s"))
        rows.append(row)
    rep.table(["init", "ns", "child"], rows)
    if have_pidone:
        for m in MODES:
            xs = I[f"pidone|{m}"]["wakeups"]
            targets.append((f"wakeups-{m}", f"Zero idle wake-ups ({m})",
                            f"{sum(xs) * cfg['idle_window_s']:.0f} wake-ups in {len(xs) * cfg['idle_window_s']} s",
                            bool(xs) and max(xs) == 0, yesno(bool(xs) and max(xs) == 0)))

    # 7. leftover
    L = R["leftover"]
    rep("## 7. Shutdown: what a setsid'd background process experiences when the command exits")
    rep()
    rep(f"The command starts a background process that calls `setsid()` and handles SIGTERM with a "
        f"{cfg['cleanup_ms']} ms cleanup, then exits 0. Times are from the command's exit. "
        f"{cfg['leftover_reps']} runs per init and mode. In child mode the benchmark is a subreaper, so a process "
        "the init leaves behind comes to it and is seen still running (then killed by the benchmark).")
    rep()
    rows = []
    for m in MODES:
        for n in names(inits):
            runs = [x for x in L[f"{n}|{m}"] if "error" not in x]
            ta = summary([x["term_after"] for x in runs if x["term_after"] is not None])
            da = summary([x["done_after"] for x in runs if x["done_after"] is not None])
            ie = summary([x["init_exit_after"] for x in runs if x["init_exit_after"] is not None])
            rows.append([m, n, leftover_outcome(L[f"{n}|{m}"], m) if L[f"{n}|{m}"] else "n/a",
                         fmt_spread(ta), fmt_spread(da), fmt_spread(ie)])
    rep.table(["mode", "init", "background process", "SIGTERM after", "cleanup done after", "init exited after"], rows)

    if have_pidone:
        insert_headline(rep, headline_at, R, inits, cfg)

    # targets
    if have_pidone:
        rep("## Targets (issue 4)")
        rep()
        rep("*within noise*: the 90% bootstrap interval of the ratio straddles the target, so this run cannot "
            "tell met from missed.")
        rep()
        rep.table(["target", "measured", "met"], [[t, f, lab] for _, t, f, ok, lab in targets])
        missed = [t for t in targets if not t[3]]
        obstacles, obstacles_titles = load_obstacles()
        if missed:
            rep("### Missed targets and what stands in the way")
            rep()
            groups = {}
            for tid, t, f, _, lab in missed:
                key = next((k for k in obstacles if tid.startswith(k)), None)
                groups.setdefault(key, []).append((t, f, lab))
            for key, items in groups.items():
                for t, f, lab in items:
                    noisy = " (within noise: this run cannot tell it from a tie)" if "noise" in lab else ""
                    rep(f"- **{t}**: {f}{noisy}")
                rep()
                title = obstacles_titles.get(key, "What stands in the way")
                rep(f"*{title}.* " + (obstacles[key] if key else "Not analysed yet."))
                rep()
        else:
            rep("Every target is met in this run.")
            rep()
    rep("## Raw data")
    rep()
    rep("Every sample of this run is in `bench/results/<timestamp>.json` on the machine that ran it (git-ignored).")
    return rep.text(), targets


def yesno(ok):
    return "yes" if ok else "**no**"


def insert_headline(rep, at, R, inits, cfg):
    """The few ratios worth quoting, all from this run's tables."""
    peers = [n for n in names(inits, False) if n in PEERS]
    B, I, O, Q, S, L = (R[k] for k in ("binary", "idle", "overhead", "orphans", "signals", "leftover"))
    h = ["## Headline: pidone against the best peer, this run", ""]
    b = B["pidone"]
    statics = {n: B[n]["bytes"] for n in peers if B[n]["static"]}
    bs = min(statics, key=statics.get) if statics else None
    h.append(f"- **Binary**: {b['bytes'] / 1024:.1f} KiB, {'static' if b['static'] else 'dynamic'}, libc: {b['libc']}"
             + (f"; ×{b['bytes'] / statics[bs]:.2f} the smallest static peer ({bs}, {statics[bs] / 1024:.0f} KiB)" if bs else ""))
    parts = []
    for m in MODES:
        rss = {n: statistics.median(I[f"{n}|{m}"]["VmRSS"]) for n in names(inits, False)}
        pss = {n: statistics.median(I[f"{n}|{m}"]["Pss"]) for n in names(inits, False)}
        bn, bp = best_peer_name(rss), best_peer_name(pss)
        parts.append(f"{m}: VmRSS {rss['pidone']:g} KiB vs {bn} {rss[bn]:g} KiB (×{rss['pidone'] / rss[bn]:.2f}), "
                     f"Pss {pss['pidone']:g} KiB vs {bp} {pss[bp]:g} KiB (×{pss['pidone'] / pss[bp]:.2f})")
    h.append("- **Idle memory**: " + "; ".join(parts))
    parts = []
    for m in MODES:
        med = {n: statistics.median(O[f"{n}|{m}"]["wall_over"]) for n in names(inits, False)}
        cpu = {n: statistics.median(O[f"{n}|{m}"]["cpu_over"]) for n in names(inits, False)}
        parts.append(f"{m}: {fmt_time(med['pidone'])} wall (×{med['pidone'] / best_peer(med):.2f}), "
                     f"{fmt_time(cpu['pidone'])} CPU (×{cpu['pidone'] / best_peer(cpu):.2f})")
    h.append("- **Wrapper overhead** of `pidone -- /bin/true` over `/bin/true`, against the best peer: " + "; ".join(parts))
    w = {n: max(max(I[f"{n}|{m}"]["wakeups"]) for m in MODES) for n in names(inits, False)}
    h.append(f"- **Idle wake-ups**: {w['pidone']:.2f}/s at most (" +
             ", ".join(f"{n} {w[n]:.2f}/s" for n in peers) + ")")
    nmax = max(n for n, _ in cfg["orphans"])
    parts = []
    for m in MODES:
        cpu = {}
        for n in names(inits, False):
            runs = [x for x in Q.get(f"{n}|{m}|{nmax}", []) if "cpu_ns" in x]
            cpu[n] = statistics.median([x["cpu_ns"] / x["n"] for x in runs]) if runs else None
        z = max((x.get("zombies", 0) + x.get("alive", 0) for x in Q.get(f"pidone|{m}|{nmax}", [])), default=None)
        if cpu.get("pidone") is not None and best_peer(cpu):
            parts.append(f"{m}: {fmt_time(cpu['pidone'])} init CPU per orphan (×{cpu['pidone'] / best_peer(cpu):.2f}), "
                         f"{z} zombies left")
    h.append(f"- **Reaping {nmax:,} orphans**: " + "; ".join(parts))
    parts = []
    for m in MODES:
        f50 = {n: pct(S[f"{n}|{m}"]["fwd"], .5) for n in names(inits)}
        s50 = {n: pct(S[f"{n}|{m}"]["shut"], .5) for n in names(inits)}
        parts.append(f"{m}: forwarding p50 {fmt_time(f50['pidone'])} (×{f50['pidone'] / best_peer(f50):.2f}), "
                     f"shutdown p50 {fmt_time(s50['pidone'])} (×{s50['pidone'] / best_peer(s50):.2f})")
    h.append("- **Signals**: " + "; ".join(parts))
    parts = []
    for m in MODES:
        peer_outs = sorted({leftover_outcome(L[f"{n}|{m}"], m) for n in peers})
        parts.append(f"{m}: under pidone {leftover_outcome(L[f'pidone|{m}'], m)}; under every peer "
                     + " / ".join(peer_outs))
    h.append("- **A setsid'd background process that handles SIGTERM, when the command exits**: " + "; ".join(parts))
    h.append("")
    rep.lines[at:at] = h


def load_obstacles():
    """bench/obstacles.md: '## target-id-prefix: title' then paragraphs."""
    out, titles = {}, {}
    if not OBSTACLES.exists():
        return out, titles
    cur = None
    for line in OBSTACLES.read_text().splitlines():
        if line.startswith("## "):
            cur, _, title = line[3:].partition(":")
            cur = cur.strip()
            out[cur] = ""
            titles[cur] = title.strip() or "What stands in the way"
        elif cur and line.strip():
            out[cur] = (out[cur] + " " + line.strip()).strip()
    return out, titles


# ------------------------------------------------------------------ main


def config(quick):
    if quick:
        return {"quick": True, "idle_settle": 0.5, "idle_windows": 2, "idle_window_s": 3,
                "overhead_warmup": 5, "overhead_rounds": 40, "orphans": [(1000, 3), (10000, 1)],
                "orphans_timeout": 120, "sig_rounds": 10, "sig_k": 5, "leftover_reps": 2, "cleanup_ms": 100}
    return {"quick": False, "idle_settle": 1.0, "idle_windows": 6, "idle_window_s": 10,
            "overhead_warmup": 20, "overhead_rounds": 800, "orphans": [(1000, 15), (10000, 7), (100000, 3)],
            "orphans_timeout": 300, "sig_rounds": 150, "sig_k": 10, "leftover_reps": 5, "cleanup_ms": 100}


SECTIONS = ["binary", "idle", "overhead", "orphans", "signals", "leftover"]


def main():
    ap = argparse.ArgumentParser(description="Benchmark pidone against tini, tini-static, dumb-init and catatonit.")
    ap.add_argument("--quick", action="store_true", help="a minute or two: fewer rounds, no 100,000-orphan run; "
                    "writes bench/results/ but not docs/benchmarks.md")
    ap.add_argument("--no-build", action="store_true", help="use target/release/pidone as it is")
    ap.add_argument("--pidone", help="path of the pidone binary to measure (implies --no-build)")
    ap.add_argument("--without-pidone", action="store_true", help="measure the peers only")
    ap.add_argument("--docs", dest="docs", action="store_true", default=None, help="write docs/benchmarks.md")
    ap.add_argument("--no-docs", dest="docs", action="store_false", help="do not write docs/benchmarks.md")
    ap.add_argument("--from-json", metavar="PATH", help="measure nothing: rebuild the report from a saved "
                    "bench/results/*.json (e.g. after editing bench/obstacles.md); writes docs/benchmarks.md only "
                    "with --docs")
    args = ap.parse_args()
    if args.from_json:
        d = json.loads(Path(args.from_json).read_text())
        has = "pidone" in d["results"]["binary"]
        text, _ = build_report(d["results"], make_inits("pidone" if has else None), d["config"], d["info"],
                               d["command"], d["runtime_s"])
        print(text)
        if args.docs:
            DOC.write_text(text)
            log("wrote docs/benchmarks.md")
        return
    command = "bench/run" + "".join(f" {a}" for a in sys.argv[1:])
    write_docs = args.docs if args.docs is not None else not args.quick

    start = time.monotonic()
    pidone, bw, floor = setup(args)
    become_subreaper()
    inits = make_inits(pidone)
    cfg = config(args.quick)
    info = machine_info(pidone)
    R = {}
    load = {"start": Path("/proc/loadavg").read_text().split()[:3]}
    try:
        log("1/6 binary size and linkage")
        R["binary"] = section_binary(inits)
        log("2/6 overhead of INIT /bin/true")
        R["overhead"] = section_overhead(inits, floor, cfg)
        log("3/6 signal forwarding and shutdown latency")
        R["signals"] = section_signals(inits, bw, cfg)
        log("4/6 shutdown with a setsid'd background process")
        R["leftover"] = section_leftover(inits, bw, cfg)
        log(f"5/6 idle memory and wake-ups ({cfg['idle_windows']} × {cfg['idle_window_s']} s)")
        R["idle"] = section_idle(inits, bw, cfg)
        log("6/6 orphan reaping")
        R["orphans"] = section_orphans(inits, bw, cfg)
    finally:
        kill_my_children()
    runtime = time.monotonic() - start
    load["end"] = Path("/proc/loadavg").read_text().split()[:3]
    info["load"] = load
    text, targets = build_report(R, inits, cfg, info, command, runtime)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S") + ("-quick" if args.quick else "")
    (RESULTS / f"{stamp}.md").write_text(text)
    (RESULTS / f"{stamp}.json").write_text(json.dumps({"info": info, "config": cfg, "command": command,
                                                       "runtime_s": runtime, "results": R,
                                                       "targets": targets}, indent=1, default=str))
    log(f"wrote bench/results/{stamp}.md and .json")
    if write_docs:
        DOC.parent.mkdir(parents=True, exist_ok=True)
        DOC.write_text(text)
        log("wrote docs/benchmarks.md")
    log(f"done in {runtime / 60:.1f} min")


if __name__ == "__main__":
    main()
