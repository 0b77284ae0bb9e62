#!/usr/bin/env python3
"""The warm-start table from `bench_tpe warm` JSON lines (files or stdin): per function,
sampler and source, the seeds, the median trial at which the cold run reached its best, the
median trials the warm run needed to reach that value (trials + 1: never), their ratio (the
target is at most 0.5), and in how many seeds the warm run reached it within the trials.
A warm run that learned nothing from its source is another cold run: it reaches the cold
run's best in about half the seeds, and its median is then near trials + 1 (so the ratio of
such a run is above 1 without being harmful). Lines of warm_digits.py with re-scored
incumbents add a second table: the final incumbents' re-scored losses, cold and warm.

    warm_table.py [--first N] FILE...   (--first N: seeds 0..N-1 only)
"""
import json, statistics, sys
from collections import defaultdict

args = sys.argv[1:]
first = None
if args[:1] == ["--first"]:
    first, args = int(args[1]), args[2:]
rows = defaultdict(list)
for path in args or ["-"]:
    for line in (sys.stdin if path == "-" else open(path)):
        if line.startswith("{"):
            r = json.loads(line)
            if first is None or r["seed"] < first:
                rows[(r["func"], r.get("sampler", "tpe"), r.get("source", "shifted"),
                      r.get("options", ""))].append(r)
print("| function | sampler | source | options | seeds | cold: trial of its best | "
      "warm: trials to reach it | ratio | warm reached it |")
print("|---|---|---|---|---|---|---|---|---|")
for (f, s, src, opt), rs in sorted(rows.items()):
    c = statistics.median(r["cold_trials"] for r in rs)
    w = statistics.median(r["warm_trials"] for r in rs)
    reached = sum(r["warm_trials"] <= r["trials"] for r in rs)
    print("| %s | %s | %s | %s | %d | %g | %g | %.2f | %d of %d |" %
          (f, s, src, opt or "-", len(rs), c, w, w / c, reached, len(rs)))
# warm_digits.py's re-scored runs: each run's final incumbent's mean loss over the program's
# seeds, cold against warm, and the seeds on which the warm run's is lower
scored = [(k, rs) for k, rs in sorted(rows.items()) if all("cold_true" in r for r in rs)]
if scored:
    print()
    print("| function | sampler | options | seeds | cold's best re-scored (median) | "
          "warm's best re-scored (median) | warm lower | on the single draws: ratio, reached |")
    print("|---|---|---|---|---|---|---|---|")
    for (f, s, src, opt), rs in scored:
        raw_c = statistics.median(r["raw_cold_trials"] for r in rs)
        raw_w = statistics.median(r["raw_warm_trials"] for r in rs)
        print("| %s | %s | %s | %d | %.4f | %.4f | %d of %d | %.2f, %d of %d |" %
              (f, s, opt or "-", len(rs), statistics.median(r["cold_true"] for r in rs),
               statistics.median(r["warm_true"] for r in rs),
               sum(r["warm_true"] < r["cold_true"] for r in rs), len(rs), raw_w / raw_c,
               sum(r["raw_warm_trials"] <= r["trials"] for r in rs), len(rs)))
