#!/usr/bin/env python3
"""What a `knob` process costs from start to exit on a SQLite study of N finished trials,
for one or more builds in the same run (e.g. the default, whose libpq, LAPACKE/OpenBLAS,
NLopt and libmicrohttpd are opened when first needed, beside -DKNOB_LAZY_LIBS=OFF).

    bench/startup/run.py [--trials N] [--repeat R] [--callgrind CMDS] BUILD-DIR...

Each BUILD-DIR holds `knob` (and src/libknob.so.0 unless knob was linked with
-DKNOB_STATIC_CLI=ON, the default; LD_LIBRARY_PATH is set to its src/). The study (5
floats, written by bench/scale/make_sqlite.py with the first build) is copied once per
build. Per round, each build in turn runs: `knob --version`, `knob ask` (sampler random),
`knob tell` of that trial, `knob ask` (tpe) and its tell (not timed), `knob best`, `knob
trials --format json` and `knob studies` (opens the storage, lists it). Prints per command
and build the median CPU ms (user + sys of the process, from wait4) and wall ms over R
rounds with the median page faults (minor, from wait4: on a virtual machine each costs tens
of microseconds, most of a short process's time), the objects the process maps
(LD_DEBUG=files), and with --callgrind the
instructions of one run of each command listed ("version,ask_random,tell,ask_tpe,best,
trials_json,studies" and the floors' rows below; valgrind --tool=callgrind --trace-children=no, the loader's work
included).

A build that holds bench/startup/tell_floor (the bench CMake builds it: tell_floor.c) also
times, right after each `knob tell`, the floor under it: that program telling the same
trial again (open, knob's pragmas, one transaction that updates the trial and its value,
knob's sync at close), then an empty program; each linked as knob is (`floor_tell`,
`empty`) and linked -static (`floor_tell_static`, `empty_static`).
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SWEEP = """program: unused
metric: {name: loss, goal: minimize}
sampler: %s
parameters:
""" + "".join("  x%d: {min: -10.0, max: 10.0}\n" % i for i in range(5))
COMMANDS = ["version", "ask_random", "tell", "ask_tpe", "best", "trials_json", "studies"]
# The floor programs of bench/startup (tell_floor.c, empty.c), by the row they fill.
FLOORS = {"floor_tell": "tell_floor", "floor_tell_static": "tell_floor_static",
          "empty": "startup_empty", "empty_static": "startup_empty_static"}


def floor_path(build, row):
    path = os.path.join(build, "bench", "startup", FLOORS[row])
    return path if os.access(path, os.X_OK) else None


def run(build, argv, capture=False, program=None):
    """Runs knob of build (or program); returns (wall ms, cpu ms, stdout, page faults)."""
    env = dict(os.environ, LD_LIBRARY_PATH=os.path.join(build, "src"), OPENBLAS_NUM_THREADS="1")
    t = time.perf_counter()
    p = subprocess.Popen([program or os.path.join(build, "knob")] + argv, env=env,
                         stdout=subprocess.PIPE if capture else subprocess.DEVNULL)
    out = p.stdout.read().decode() if capture else ""
    _, status, ru = os.wait4(p.pid, 0)
    wall = (time.perf_counter() - t) * 1000
    if status != 0:
        sys.exit("%s %s failed (status %d)" % (program or "knob", " ".join(argv), status))
    return wall, (ru.ru_utime + ru.ru_stime) * 1000, out, ru.ru_minflt


def argv_of(cmd, db, d, number=None):
    url = "sqlite:///" + db
    return {"version": ["--version"],
            "ask_random": ["ask", "big", "--sweep", os.path.join(d, "random.yaml"), "--storage", url],
            "ask_tpe": ["ask", "big", "--sweep", os.path.join(d, "tpe.yaml"), "--storage", url],
            "tell": ["tell", "big"] + list(number or ("0", "0")) + ["--storage", url],
            "best": ["best", "big", "--storage", url],
            "trials_json": ["trials", "big", "--format", "json", "--storage", url],
            "studies": ["studies", "--storage", url]}[cmd]


def number_of(out):
    """The trial an ask printed and the value to tell it: the sphere of its params (each
    trial its own value: a value told to every trial would tie the best ones, and TPE's
    state cannot split a tie)."""
    d = json.loads(out)
    return str(d["number"]), repr(sum(v * v for v in d["params"].values()))


def mapped(build, argv):
    env = dict(os.environ, LD_LIBRARY_PATH=os.path.join(build, "src"), LD_DEBUG="files")
    p = subprocess.run([os.path.join(build, "knob")] + argv, env=env, capture_output=True, text=True)
    return len(set(re.findall(r"file=(\S+)", p.stderr)))


def callgrind(build, argv, program=None):
    env = dict(os.environ, LD_LIBRARY_PATH=os.path.join(build, "src"), OPENBLAS_NUM_THREADS="1")
    p = subprocess.run(["valgrind", "--tool=callgrind", "--trace-children=no",
                        "--callgrind-out-file=/dev/null",
                        program or os.path.join(build, "knob")] + argv,
                       env=env, capture_output=True, text=True)
    m = re.search(r"Collected : (\d+)", p.stderr)
    return int(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("builds", nargs="+")
    ap.add_argument("--trials", type=int, default=100000)
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--callgrind", default="")
    a = ap.parse_args()
    builds = [os.path.abspath(b) for b in a.builds]
    d = tempfile.mkdtemp(prefix="knob-bench-startup.")
    try:
        for s in ("random", "tpe"):
            with open(os.path.join(d, s + ".yaml"), "w") as f:
                f.write(SWEEP % s)
        base = os.path.join(d, "base.db")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench/scale/make_sqlite.py"),
                        os.path.join(builds[0], "knob"), os.path.join(d, "tpe.yaml"), base,
                        str(a.trials)], check=True,
                       env=dict(os.environ, LD_LIBRARY_PATH=os.path.join(builds[0], "src")))
        dbs = []
        for i, _ in enumerate(builds):
            dbs.append(os.path.join(d, "b%d.db" % i))
            shutil.copy(base, dbs[-1])
        times = {(c, b): [] for c in COMMANDS + list(FLOORS) for b in builds}
        for _ in range(a.repeat):
            for b, db in zip(builds, dbs):
                keep = lambda r: (r[0], r[1], r[3])
                times["version", b].append(keep(run(b, argv_of("version", db, d))))
                r = run(b, argv_of("ask_random", db, d), capture=True)
                times["ask_random", b].append(keep(r))
                told = number_of(r[2])
                times["tell", b].append(keep(run(b, argv_of("tell", db, d, told))))
                for row in FLOORS:
                    prog = floor_path(b, row)
                    if prog:
                        args = [db, "big"] + list(told) if row.startswith("floor") else []
                        times[row, b].append(keep(run(b, args, program=prog)))
                r = run(b, argv_of("ask_tpe", db, d), capture=True)
                times["ask_tpe", b].append(keep(r))
                run(b, argv_of("tell", db, d, number_of(r[2])))
                times["best", b].append(keep(run(b, argv_of("best", db, d))))
                times["trials_json", b].append(keep(run(b, argv_of("trials_json", db, d))))
                times["studies", b].append(keep(run(b, argv_of("studies", db, d))))
        grind = {}
        for cmd in [c for c in a.callgrind.split(",") if c]:
            for b, db in zip(builds, dbs):
                n = None
                if cmd == "tell" or cmd.startswith("floor"):
                    n = number_of(run(b, argv_of("ask_random", db, d), capture=True)[2])
                if cmd in FLOORS:
                    prog = floor_path(b, cmd)
                    args = [db, "big"] + list(n) if n else []
                    grind[cmd, b] = callgrind(b, args, prog) if prog else None
                    continue
                grind[cmd, b] = callgrind(b, argv_of(cmd, db, d, n))
        n = number_of(run(builds[0], argv_of("ask_random", dbs[0], d), capture=True)[2])
        maps = {b: mapped(b, argv_of("tell", dbs[0], d, n)) for b in builds[:1]}
        for b in builds[1:]:
            n = number_of(run(b, argv_of("ask_random", dbs[0], d), capture=True)[2])
            maps[b] = mapped(b, argv_of("tell", dbs[0], d, n))
    finally:
        shutil.rmtree(d)
    print("- %d finished trials on SQLite, %d rounds; load average at the end: %s"
          % (a.trials, a.repeat, open("/proc/loadavg").read().split()[:3]))
    for i, b in enumerate(builds):
        print("- build %d: %s (`knob tell` maps %d objects)" % (i + 1, b, maps[b]))
    print()
    head = "| command | " + " | ".join("build %d CPU ms (wall ms) [page faults]" % (i + 1)
                                       for i in range(len(builds)))
    if grind:
        head += " | " + " | ".join("build %d instructions" % (i + 1) for i in range(len(builds)))
    print(head + " |")
    print("|---" * (1 + len(builds) * (2 if grind else 1)) + "|")
    for c in COMMANDS + [r for r in FLOORS if any(times[r, b] for b in builds)]:
        cells = ["%.1f (%.1f) [%d]" % (statistics.median(t[1] for t in times[c, b]),
                                       statistics.median(t[0] for t in times[c, b]),
                                       statistics.median(t[2] for t in times[c, b]))
                 if times[c, b] else "-" for b in builds]
        if grind:
            cells += ["{:,}".format(grind[c, b]) if grind.get((c, b)) else "-" for b in builds]
        print("| %s | %s |" % (c, " | ".join(cells)))


if __name__ == "__main__":
    main()
