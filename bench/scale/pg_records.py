#!/usr/bin/env python3
"""What a `knob` process costs, client and server, on a PostgreSQL study of N finished
trials, for several builds in the same run (e.g. knob before and after the records:
the study snapshot, the sampler states and the best record).

    bench/scale/pg_records.py --pg-dir DIR [--repeat R] [--callgrind] BUILD=URL...

Each BUILD is a build directory holding `knob`; each URL a PostgreSQL URL whose schema
(`?options=-csearch_path%3DNAME`) holds study "big", written by bench/scale/make_pg.sh with
that build (one schema per build: knobs of another schema fingerprint would each run their
DDL on every open). DIR is the server's data directory (scripts/pg.sh's KNOB_PG_DIR): the
server's CPU is read from /proc (the postmaster's own and reaped children's time, plus its
live children's), so nothing else may use that server during the run.

Per round, each build in turn runs as processes: `knob ask` (random) and the `knob tell` of
its trial, `knob ask` (tpe) and its tell (the tell not timed), `knob best`, `knob trials
--format json`, `knob studies`. The first round is a warm-up (it writes the records) and is
not counted. Prints per command and build the median client CPU ms (user + sys, wait4),
server CPU ms and wall ms over the other rounds, and with --callgrind the client's
instructions of one more run of each command.
"""
import argparse
import os
import re
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "startup"))
from run import callgrind  # noqa: E402  (bench/startup/run.py: one callgrind run of a command)
from run import run as run_knob  # noqa: E402  (a knob process: wall, CPU, stdout)

SWEEP = """program: unused
metric: {name: loss, goal: minimize}
sampler: %s
parameters:
""" + "".join("  x%d: {min: -10.0, max: 10.0}\n" % i for i in range(5))
COMMANDS = ["ask_random", "tell", "ask_tpe", "best", "trials_json", "studies"]
TICK = os.sysconf("SC_CLK_TCK")


def server_cpu_ms(pg_dir):
    """The server's CPU so far: the postmaster's time with its reaped children's, and the
    time of its live children."""
    pm = int(open(os.path.join(pg_dir, "postmaster.pid")).readline())

    def fields(pid):
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()

    f = fields(pm)
    total = sum(int(x) for x in f[11:15])  # utime stime cutime cstime
    for kid in open("/proc/%d/task/%d/children" % (pm, pm)).read().split():
        try:
            total += sum(int(x) for x in fields(int(kid))[11:13])
        except OSError:
            pass  # ended meanwhile: counted once reaped
    return total * 1000.0 / TICK


def run(build, argv, pg_dir, capture=False):
    """Runs knob of build; returns (wall ms, client cpu ms, server cpu ms, stdout)."""
    s0 = server_cpu_ms(pg_dir)
    wall, cpu, out, _ = run_knob(build, argv, capture)
    time.sleep(0.05)  # the backend's exit reaped by the postmaster
    return wall, cpu, server_cpu_ms(pg_dir) - s0, out


def argv_of(cmd, url, d, number=None):
    return {"ask_random": ["ask", "big", "--sweep", os.path.join(d, "random.yaml"), "--storage", url],
            "ask_tpe": ["ask", "big", "--sweep", os.path.join(d, "tpe.yaml"), "--storage", url],
            "tell": ["tell", "big", str(number), "1.0", "--storage", url],
            "best": ["best", "big", "--storage", url],
            "trials_json": ["trials", "big", "--format", "json", "--storage", url],
            "studies": ["studies", "--storage", url]}[cmd]


def number_of(out):
    return re.search(r'"number": *(\d+)', out).group(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("builds", nargs="+", help="BUILD-DIR=URL")
    ap.add_argument("--pg-dir", required=True)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--callgrind", action="store_true")
    a = ap.parse_args()
    builds = [(os.path.abspath(b.split("=", 1)[0]), b.split("=", 1)[1]) for b in a.builds]
    d = tempfile.mkdtemp(prefix="knob-bench-pg.")
    for s in ("random", "tpe"):
        with open(os.path.join(d, s + ".yaml"), "w") as f:
            f.write(SWEEP % s)
    load0 = open("/proc/loadavg").read().split()[:3]
    times = {(c, b): [] for c in COMMANDS for b, _ in builds}
    for r in range(a.repeat + 1):
        for b, url in builds:
            got = {}
            w, c, s, out = run(b, argv_of("ask_random", url, d), a.pg_dir, capture=True)
            got["ask_random"] = (w, c, s)
            got["tell"] = run(b, argv_of("tell", url, d, number_of(out)), a.pg_dir)[:3]
            w, c, s, out = run(b, argv_of("ask_tpe", url, d), a.pg_dir, capture=True)
            got["ask_tpe"] = (w, c, s)
            run(b, argv_of("tell", url, d, number_of(out)), a.pg_dir)
            for cmd in ("best", "trials_json", "studies"):
                got[cmd] = run(b, argv_of(cmd, url, d), a.pg_dir)[:3]
            if r > 0:
                for cmd, v in got.items():
                    times[cmd, b].append(v)
    grind = {}
    if a.callgrind:
        for cmd in COMMANDS:
            for b, url in builds:
                n = None
                if cmd == "tell":
                    n = number_of(run(b, argv_of("ask_random", url, d), a.pg_dir, capture=True)[3])
                grind[cmd, b] = callgrind(b, argv_of(cmd, url, d, n))
    print("- PostgreSQL (%s), %d rounds after one warm-up; load average at the start %s, at the "
          "end %s" % (a.pg_dir, a.repeat, load0, open("/proc/loadavg").read().split()[:3]))
    for i, (b, url) in enumerate(builds):
        print("- build %d: %s (%s)" % (i + 1, b, re.sub(r"//[^@]*@", "//", url)))
    print()
    head = "| command | " + " | ".join(
        "build %d client CPU ms / server CPU ms (wall ms)" % (i + 1) for i in range(len(builds)))
    if grind:
        head += " | " + " | ".join("build %d instructions" % (i + 1) for i in range(len(builds)))
    print(head + " |")
    print("|---" * (1 + len(builds) * (2 if grind else 1)) + "|")
    for c in COMMANDS:
        cells = ["%.0f / %.0f (%.0f)" % tuple(statistics.median(t[k] for t in times[c, b])
                                              for k in (1, 2, 0)) for b, _ in builds]
        if grind:
            cells += ["{:,}".format(grind[c, b]) if grind.get((c, b)) else "-" for b, _ in builds]
        print("| %s | %s |" % (c, " | ".join(cells)))


if __name__ == "__main__":
    main()
