"""Scores bench.py's JSON lines as Bayesmark's leaderboard does (its experiment_baseline and
experiment_analysis): per problem and batch mode, 100 = the best value any optimizer reached in
that mode (f*), 0 = the median value of one random trial (f0), estimated as Bayesmark does from
every evaluation of the random runs of that mode pooled (knob's and Optuna's); a run's score is
100 * (f0 - best) / (f0 - f*), its best after the whole budget, floored at 0 (a run worse than
f0 counts as 0, Bayesmark's clip of the normalised loss at 1); a table row is the mean over
problems of the mean over seeds. `--f0 first` scores as this file did before 2026-12-07: f0 the
median of the random runs' first trials, f* over both modes, no floor.
Prints Markdown: the table per batch mode and split (tune / held out / all), the seconds
per suggestion, and each (problem, mode) where a sampler's mean best is worse than random's."""
import argparse
import gzip
import json
import statistics
import sys
from collections import defaultdict

sys.path.insert(0, __import__("os").path.dirname(__file__))
from bench import TUNE  # noqa: E402


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+", help="bench.py's JSON-lines files (.gz too), pooled")
    ap.add_argument("--seeds", help="only these seeds: A-B or a comma-separated list")
    ap.add_argument("--opts", help="only these optimizers (comma-separated), in this order")
    ap.add_argument("--rename", action="append", default=[], metavar="OLD=NEW",
                    help="show optimizer OLD as NEW (e.g. the same sampler run under another name)")
    ap.add_argument("--oracle", action="store_true",
                    help="add a row 'oracle': per problem and mode the best column's mean score "
                         "(what picking among the columns per problem could reach)")
    ap.add_argument("--f0", choices=("pooled", "first"), default="pooled",
                    help="pooled: Bayesmark's estimate of random search's one-trial median and its "
                         "floor at 0 (default); first: the median of the random runs' first trials, "
                         "f* over both modes, no floor (the tables before 2026-12-07)")
    a = ap.parse_args(argv)
    seeds_kept = None
    if a.seeds:
        seeds_kept = set()
        for part in a.seeds.split(","):
            lo, _, hi = part.partition("-")
            seeds_kept.update(range(int(lo), int(hi or lo) + 1))
    rename = dict(kv.rsplit("=", 1) for kv in a.rename)  # OLD may hold "=" (options)
    runs = []
    for p in a.files:
        for line in (gzip.open(p, "rt") if p.endswith(".gz") else open(p)):
            try:
                r = json.loads(line)
            except ValueError:
                continue  # empty, or cut short by a stopped run (bench.py runs it again)
            r["opt"] = rename.get(r["opt"], r["opt"])
            if seeds_kept is not None and r["seed"] not in seeds_kept:
                continue
            if a.opts and r["opt"] not in a.opts.split(","):
                continue
            runs.append(r)
    if a.opts:
        order = a.opts.split(",")
        runs.sort(key=lambda r: order.index(r["opt"]))
    by = defaultdict(list)  # (problem, batch, opt) -> runs
    for r in runs:
        by[(r["problem"], r["batch"], r["opt"])].append(r)
    # A problem scores only once it has random-search runs (its 0); a partial file skips it.
    problems = sorted({r["problem"] for r in runs if r["opt"].endswith(":random")})
    batches = sorted({r["batch"] for r in runs})
    opts = list(dict.fromkeys(r["opt"] for r in runs))
    fstar, f0 = {}, {}  # (problem, batch) -> value
    for p in problems:
        for b in batches:
            mode = [r for r in runs if r["problem"] == p and (a.f0 == "first" or r["batch"] == b)]
            if not mode:
                continue
            fstar[(p, b)] = min(v for r in mode for v in r["values"])
            rnd = [r for r in mode if r["opt"].endswith(":random")]
            if a.f0 == "first":
                f0[(p, b)] = statistics.median(r["values"][0] for r in rnd)
            elif rnd:
                # Every random evaluation is a draw from the same distribution: Bayesmark's
                # one-trial median is the median of them all (its PERF_CLIP).
                f0[(p, b)] = statistics.median(v for r in rnd for v in r["values"])

    def score(p, b, o):
        rs = by.get((p, b, o))
        if not rs or (p, b) not in f0:
            return None
        den = f0[(p, b)] - fstar[(p, b)]
        s = [100.0 if den <= 0 else 100.0 * (f0[(p, b)] - min(r["values"])) / den for r in rs]
        if a.f0 == "pooled":
            s = [max(0.0, x) for x in s]
        return statistics.mean(s)

    seeds = sorted({r["seed"] for r in runs})
    print("Runs: %d; problems: %d; seeds: %s\n" % (len(runs), len(problems), ",".join(map(str, seeds))))
    for b in batches:
        budget = max(len(r["values"]) for r in runs if r["batch"] == b)
        print("### %s\n" % ("%d sequential trials" % budget if b == 1 else "%d rounds of %d" % (budget // b, b)))
        print("| optimizer | tuned half | held-out half | all | s / suggestion | CPU s / suggestion |")
        print("|---|---:|---:|---:|---:|---:|")
        # Only problems where every optimizer finished the same seeds enter the means.
        full = [p for p in problems if len({len(by.get((p, b, o), [])) for o in opts}) == 1 and by.get((p, b, opts[0]))]
        for o in opts:
            cells = []
            for half in (lambda p: p in TUNE, lambda p: p not in TUNE, lambda p: True):
                sc = [score(p, b, o) for p in full if half(p)]
                sc = [x for x in sc if x is not None]
                cells.append("%.1f (%d)" % (statistics.mean(sc), len(sc)) if sc else "-")
            t = [r["sec_per_suggestion"] for p in problems for r in by.get((p, b, o), [])]
            c = [r["cpu_sec_per_suggestion"] for p in problems for r in by.get((p, b, o), []) if "cpu_sec_per_suggestion" in r]
            print("| %s | %s | %s | %s | %.4f | %s |" % (o, *cells, statistics.mean(t) if t else float("nan"),
                                                         "%.4f" % statistics.mean(c) if c else "-"))
        if a.oracle:
            cells = []
            for half in (lambda p: p in TUNE, lambda p: p not in TUNE, lambda p: True):
                sc = [max(x for x in (score(p, b, o) for o in opts) if x is not None) for p in full if half(p)]
                cells.append("%.1f (%d)" % (statistics.mean(sc), len(sc)) if sc else "-")
            print("| oracle (the best column per problem) | %s | %s | %s | - | - |" % tuple(cells))
        print()
    print("### Per problem (mean score over seeds)\n")
    print("| problem | half | mode | " + " | ".join(opts) + " |")
    print("|---|---|---|" + "---:|" * len(opts))
    for p in problems:
        for b in batches:
            cells = [score(p, b, o) for o in opts]
            print("| %s | %s | %s | %s |" % (p, "tune" if p in TUNE else "held", "seq" if b == 1 else "x%d" % b,
                                            " | ".join("-" if c is None else "%.1f" % c for c in cells)))
    print("\n### Worse than random (mean best over seeds above knob:random's)\n")
    for p in problems:
        for b in batches:
            rnd = by.get((p, b, "knob:random"))
            if not rnd:
                continue
            mr = statistics.mean(min(r["values"]) for r in rnd)
            for o in opts:
                if o.endswith("random") or not by.get((p, b, o)):
                    continue
                m = statistics.mean(min(r["values"]) for r in by[(p, b, o)])
                if m > mr + 1e-12:
                    print("- %s %s %s: %.4g vs random %.4g" % (p, "seq" if b == 1 else "x%d" % b, o, m, mr))
    if "plateau6" in problems:
        print("\n### plateau6: runs that left the plateau (best < 0.9)\n")
        for b in batches:
            cells = ["%s %d/%d" % (o, sum(min(r["values"]) < 0.9 for r in by[("plateau6", b, o)]),
                                   len(by[("plateau6", b, o)])) for o in opts if by.get(("plateau6", b, o))]
            print("- %s: %s" % ("seq" if b == 1 else "x%d" % b, ", ".join(cells)))


if __name__ == "__main__":
    main(sys.argv[1:])
