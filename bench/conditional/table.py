#!/usr/bin/env python3
"""The median (over seeds) best loss after 50 and after 200 trials (or the last trial a
run has), per problem and sampler, from results.jsonl lines."""
import json, statistics, sys
from collections import defaultdict

runs = defaultdict(list)
for line in open(sys.argv[1]):
    if line.strip():
        r = json.loads(line)
        runs[(r["problem"], r["sampler"])].append(r["best"])
print("%-24s %-10s %5s %12s %12s" % ("problem", "sampler", "seeds", "median@50", "median@200"))
for (problem, sampler), traces in sorted(runs.items()):
    def at(n):
        vals = [t[min(n, len(t)) - 1] for t in traces if len(t) >= min(n, max(map(len, traces)))]
        return "%.4f" % statistics.median(vals) if vals else "-"
    n200 = "-" if max(map(len, traces)) < 200 else at(200)
    print("%-24s %-10s %5d %12s %12s" % (problem, sampler, len(traces), at(50), n200))
