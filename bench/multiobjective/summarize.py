#!/usr/bin/env python3
"""The tables of bench/multiobjective from the lines of run.sh (bench/README.md, "multiobjective").

usage: summarize.py [--columns "S ..."] [--compare "A:B ..."] FILE... > table.md

One table row per (problem, trials); one column per sampler present, knob's first. A cell is
the median hypervolume over the seeds, the median CPU ms per trial in brackets and the number
of seeds in parentheses. A (problem, sampler, trials, seed) measured twice counts once: the
last line wins. Samplers that printed n/a are left out. --columns fixes the columns and
their order (e.g. "knob-gp knob-tpe knob-nsga2 ..."): a sampler not run has empty cells, so
that tables of separate runs (gp's rows, measured apart) line up. --compare "A:B ..." (e.g.
"knob-nsga2:optuna-nsga2") adds a second table: per row and pair, A's median over B's, the
seeds both ran on which A is ahead, and the two-sided Mann-Whitney p of A's and B's
hypervolumes (scipy).
"""
import statistics
import sys

ORDER = ["knob-gp", "knob-tpe", "knob-nsga2", "knob-nsga3", "knob-random", "optuna-tpe",
         "optuna-nsga2", "optuna-nsga3", "optuna-random"]


def main(args):
    columns, pairs = None, []
    while args[:1] in (["--columns"], ["--compare"]):
        if args[0] == "--columns":
            columns = args[1].split()
        else:
            pairs = [tuple(x.split(":")) for x in args[1].split()]
        args = args[2:]
    paths = args
    runs = {}
    for path in paths:
        with open(path) as f:
            for line in f:
                w = line.split()
                if len(w) < 6 or line.startswith("#") or not w[4].startswith("hv="):
                    continue
                fields = dict(x.split("=", 1) for x in w[4:] if "=" in x)
                runs[(w[0], w[1], int(w[2]), w[3])] = (float(fields["hv"]),
                                                       float(fields["cpu_ms_per_trial"]))
    samplers = columns or sorted({k[1] for k in runs},
                                 key=lambda s: (ORDER.index(s) if s in ORDER else 99, s))
    rows = sorted({(k[0], k[2]) for k in runs})
    print("| problem | trials | " + " | ".join(samplers) + " |")
    print("|---|---|" + "---|" * len(samplers))
    for problem, trials in rows:
        cells = []
        for s in samplers:
            got = [v for k, v in runs.items() if k[:3] == (problem, s, trials)]
            if not got:
                cells.append("")
                continue
            hv = statistics.median(v[0] for v in got)
            cpu = statistics.median(v[1] for v in got)
            cells.append(f"{hv:.4g} [{cpu:.3g}] ({len(got)})")
        print(f"| {problem} | {trials} | " + " | ".join(cells) + " |")
    if pairs:
        compare(runs, rows, pairs)


def compare(runs, rows, pairs):
    from scipy.stats import mannwhitneyu
    print()
    print("| problem | trials | " + " | ".join(f"{a} / {b}" for a, b in pairs) + " |")
    print("|---|---|" + "---|" * len(pairs))
    for problem, trials in rows:
        cells = []
        for a, b in pairs:
            ha = {k[3]: v[0] for k, v in runs.items() if k[:3] == (problem, a, trials)}
            hb = {k[3]: v[0] for k, v in runs.items() if k[:3] == (problem, b, trials)}
            if not ha or not hb:
                cells.append("")
                continue
            ma, mb = statistics.median(ha.values()), statistics.median(hb.values())
            both = sorted(set(ha) & set(hb))
            ahead = sum(ha[x] > hb[x] for x in both)
            p = mannwhitneyu(list(ha.values()), list(hb.values()), alternative="two-sided").pvalue
            ratio = ma / mb if mb else float("inf")
            cells.append(f"{ratio:.4f} (ahead {ahead}/{len(both)}, p = {p:.2g})")
        print(f"| {problem} | {trials} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
