#!/usr/bin/env python3
"""Per problem and sampler: the seeds, the trials of the shortest run, and the median (over
seeds) of the best loss after 50 trials, after 200, and after the last trial of the
shortest run; `-` where the runs are shorter. Reads results.jsonl lines."""
import json, statistics, sys
from collections import defaultdict

runs = defaultdict(list)
for line in open(sys.argv[1]):
    if line.strip():
        r = json.loads(line)
        runs[(r["problem"], r["sampler"])].append(r["best"])
print("%-24s %-10s %5s %6s %10s %10s %11s" %
      ("problem", "sampler", "seeds", "trials", "median@50", "median@200", "median@last"))
for (problem, sampler), traces in sorted(runs.items()):
    n = min(map(len, traces))

    def at(k):
        return "%.4f" % statistics.median(t[k - 1] for t in traces) if n >= k else "-"
    print("%-24s %-10s %5d %6d %10s %10s %11s" %
          (problem, sampler, len(traces), n, at(50), at(200), at(n)))
