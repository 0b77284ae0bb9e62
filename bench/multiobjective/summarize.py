#!/usr/bin/env python3
"""The tables of bench/multiobjective from the lines of run.sh (bench/README.md, "multiobjective").

usage: summarize.py [--columns "S ..."] FILE... > table.md

One table row per (problem, trials); one column per sampler present, knob's first. A cell is
the median hypervolume over the seeds, the median CPU ms per trial in brackets and the number
of seeds in parentheses. A (problem, sampler, trials, seed) measured twice counts once: the
last line wins. Samplers that printed n/a are left out. --columns fixes the columns and
their order (e.g. "knob-gp knob-tpe knob-nsga2 ..."): a sampler not run has empty cells, so
that tables of separate runs (gp's rows, measured apart) line up.
"""
import statistics
import sys

ORDER = ["knob-gp", "knob-tpe", "knob-nsga2", "knob-nsga3", "knob-random", "optuna-tpe",
         "optuna-nsga2", "optuna-nsga3", "optuna-random"]


def main(args):
    columns = None
    if args[:1] == ["--columns"]:
        columns, args = args[1].split(), args[2:]
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


if __name__ == "__main__":
    main(sys.argv[1:])
