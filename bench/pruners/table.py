"""Prints bench/pruners' tables from the JSON lines of bench_pruners and optuna_pruners.py
(run.sh calls it): table.py RESULTS.jsonl TRIALS SEEDS BUDGET [CHECK_JSON]"""

import json
import statistics
import sys

CONFIGS = ["none", "median", "asha", "hyperband", "hyperband_tpe"]
LABELS = {"none": "no pruning", "median": "median", "asha": "ASHA", "hyperband": "Hyperband",
          "hyperband_tpe": "Hyperband+TPE"}


def mode(r):
    return "paired" if r.get("paired") else "budget" if r.get("budget") else "main"


def quartiles(v):
    v = sorted(v)
    if len(v) < 2:
        return v[0], v[0], v[0]
    q = statistics.quantiles(v, n=4, method="inclusive")
    return q[0], statistics.median(v), q[2]


def render(head, rows):
    w = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    fmt = lambda r: "  ".join(c.ljust(w[i]) if i < 2 else c.rjust(w[i]) for i, c in enumerate(r))
    print(fmt(head))
    print("  ".join("-" * x for x in w))
    for r in rows:
        print(fmt(r))


def sampler_cell(runs, notes, label):
    k = runs.get("knob")
    o = runs.get("optuna")
    ks = k[0]["sampler"] if k else "-"
    os_ = o[0]["sampler"] if o else "-"
    if "(no " in ks:
        notes.add(f"{label}: knob has no '{ks.split('(no ')[1].rstrip(')')}' sampler yet; "
                  "its row ran with knob's random sampler (marked random!)")
        ks = "random!"
    return f"{ks}/{os_}"


def best_cells(rs):
    best = [r["best_final"] for r in rs if r["best_final"] is not None]
    true = [r["best_true"] for r in rs if r["best_true"] is not None]
    if not best:
        return ["-", "-", "-"]
    q1, m, q3 = quartiles(best)
    return [f"{m:.4f}", f"{q1:.4f}-{q3:.4f}", f"{statistics.median(true):.4f}"]


def main_table(runs, notes):
    sub = ["epochs", "fewer", "best", "best q1-q3", "true"]
    head = ["configuration", "sampler k/o"] + [f"{i} {s}" for i in ("knob", "optuna") for s in sub]
    rows = []
    for c in CONFIGS:
        row = [LABELS[c], sampler_cell({i: runs.get((i, c)) for i in ("knob", "optuna")},
                                       notes, LABELS[c])]
        for impl in ("knob", "optuna"):
            rs, base = runs.get((impl, c)), runs.get((impl, "none"))
            if not rs:
                row += ["-"] * 5
                continue
            ep = statistics.median(r["epochs"] for r in rs)
            fewer = statistics.median(r["epochs"] for r in base) / ep if base else float("nan")
            row += [f"{ep:,.0f}", f"{fewer:.1f}x"] + best_cells(rs)
        rows.append(row)
    render(head, rows)


def budget_table(runs, notes):
    sub = ["trials", "complete", "best", "best q1-q3", "true"]
    head = ["configuration", "sampler k/o"] + [f"{i} {s}" for i in ("knob", "optuna") for s in sub]
    rows = []
    for c in CONFIGS:
        row = [LABELS[c], sampler_cell({i: runs.get((i, c)) for i in ("knob", "optuna")},
                                       notes, LABELS[c])]
        for impl in ("knob", "optuna"):
            rs = runs.get((impl, c))
            if not rs:
                row += ["-"] * 5
                continue
            row += [f"{statistics.median(r['n_trials'] for r in rs):.0f}",
                    f"{statistics.median(r['n_complete'] for r in rs):.0f}"] + best_cells(rs)
        rows.append(row)
    render(head, rows)


def paired_table(runs):
    head = ["configuration", "trials", "same epochs", "same state", "knob epochs",
            "optuna epochs", "same best"]
    rows = []
    for c in CONFIGS:
        k, o = runs.get(("knob", c)), runs.get(("optuna", c))
        if not k or not o:
            continue
        by_seed = {r["seed"]: r for r in o}
        n = same = same_state = same_best = 0
        for r in k:
            q = by_seed.get(r["seed"])
            if not q:
                continue
            for a, b in zip(r["trial_epochs"], q["trial_epochs"]):
                n += 1
                same += a == b
                same_state += (a == 81) == (b == 81)
            same_best += r["best_final"] == q["best_final"]
        rows.append([LABELS[c], str(n), str(same), str(same_state),
                     f"{sum(r['epochs'] for r in k):,}", f"{sum(r['epochs'] for r in o):,}",
                     f"{same_best}/{len(k)}"])
    render(head, rows)


def main():
    path, trials, seeds, budget = sys.argv[1:5]
    check = sys.argv[5] if len(sys.argv) > 5 else ""
    modes = {}
    for line in open(path):
        r = json.loads(line)
        modes.setdefault(mode(r), {}).setdefault((r["impl"], r["config"]), []).append(r)
    ov = sorted({r.get("version") for m in modes.values() for (i, _), rs in m.items()
                 if i == "optuna" for r in rs})
    notes = set()
    print(f"pruners on a learning curve of up to 81 epochs, minimizing validation error; "
          f"seeds 1..{seeds}")
    print(f"knob (this tree) beside optuna {', '.join(v for v in ov if v) or 'not run'}; "
          "medians over seeds")
    if check:
        c = json.loads(check)
        print(f"same problem: {c['values']} curve values (and their configurations) computed "
              f"in C and in Python, {c['differ']} differ")
    if "main" in modes:
        print(f"\n{trials} trials per study\n")
        main_table(modes["main"], notes)
        print()
        print("epochs: total epochs the study's trials ran (no pruning: trials x 81); fewer: "
              "no pruning's epochs")
        print("over these; best: the least epoch-81 value among the trials that ran all 81 "
              "epochs (COMPLETE;")
        print("a pruned trial has no final value), q1-q3 its quartiles over the seeds; true: "
              "the noise-free")
        print("epoch-81 error of that best trial.")
    if "budget" in modes:
        nb = int(trials) * 81
        print(f"\nequal compute: each study asks trials until it has spent {int(budget):,} "
              f"epochs, a third of no pruning's {nb:,}\n")
        budget_table(modes["budget"], notes)
        print()
        print("trials: trials asked (median); complete: trials that ran all 81 epochs; best, "
              "true: as above.")
        print(f"The issue's target, 3x fewer epochs at equal best value: compare these best "
              f"values with no pruning's at {nb:,} epochs in the first table.")
    if "paired" in modes:
        print(f"\npaired: both frameworks run the very same trials (params enqueued from "
              f"curve_draw), {trials} per study\n")
        paired_table(modes["paired"])
        print()
        print("same epochs: trials that ran as many epochs in knob as in Optuna (the pruners "
              "stopped them at")
        print("the same epoch); same state: both COMPLETE or both PRUNED; same best: seeds "
              "whose best final values are equal.")
    for n in sorted(notes):
        print("note: " + n)


if __name__ == "__main__":
    main()
