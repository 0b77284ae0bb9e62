#!/usr/bin/python3
"""Reads the JSON lines of bench_tpe and optuna_tpe.py (files given as arguments) and
prints the quality and speed tables of the TPE benchmark as Markdown."""
import json
import statistics
import sys

FUNCS = ["branin", "hartmann6", "ackley5", "rosenbrock4", "levy6", "styblinski_tang8",
         "plateau6", "clipped4"]
COLUMNS = [("knob", "tpe", ""), ("knob", "tpe", "multivariate=true"), ("knob", "random", ""),
           ("optuna", "optuna-tpe", ""), ("optuna", "optuna-tpe", "multivariate=true")]
HEADS = ["knob TPE", "knob TPE mv", "knob random", "Optuna TPE", "Optuna TPE mv"]


def load(paths):
    rows = []
    for path in paths:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    r = json.loads(line)
                    r["who"] = "optuna" if "optuna" in path else "knob"
                    rows.append(r)
    return rows


def fmt(v):
    if v is None:
        return "-"
    if v == 0:
        return "0"
    if abs(v) >= 100 or abs(v) < 0.01:
        return f"{v:.3g}"
    return f"{v:.3f}"


def mann_whitney(a, b):
    """Two-sided p-value of the Mann-Whitney U test, or None without scipy."""
    try:
        from scipy.stats import mannwhitneyu
    except ImportError:
        return None
    return mannwhitneyu(a, b, alternative="two-sided").pvalue


def quality_table(rows):
    q = [r for r in rows if "func" in r]
    if not q:
        return
    print("| function | " + " | ".join(HEADS) + " | knob TPE vs Optuna TPE | p |")
    print("|---" * (len(HEADS) + 3) + "|")
    wins = 0
    for func in FUNCS:
        runs = []
        for who, sampler, opts in COLUMNS:
            runs.append([r["regret"] for r in q if r["func"] == func and r["who"] == who and
                         r["sampler"] == sampler and r["options"] == opts])
        meds = [statistics.median(v) if v else None for v in runs]
        k, o = meds[0], meds[3]
        verdict, p = "-", None
        if k is not None and o is not None:
            verdict = "match or better" if k <= o * 1.05 + 1e-12 else "worse"
            wins += verdict != "worse"
            p = mann_whitney(runs[0], runs[3])
        print(f"| {func} | " + " | ".join(fmt(m) for m in meds) +
              f" | {verdict} | {'-' if p is None else f'{p:.2f}'} |")
    seeds = sorted({r["seed"] for r in q})
    print(f"\nMedian best regret (best value found minus the known minimum) after "
          f"{q[0].get('trials', 100)} trials over {len(seeds)} seeds; lower is better. knob TPE "
          f"matches or beats Optuna's TPE (within 5%) on {wins} of {len(FUNCS)}. p: two-sided "
          f"Mann-Whitney U test of knob TPE's regrets against Optuna TPE's (small: the "
          f"difference is unlikely to be seed noise).")


def speed_table(rows):
    s = [r for r in rows if "n" in r and "func" not in r]
    if not s:
        return
    print("| finished trials | history | knob us/trial | Optuna us/trial | Optuna/knob "
          "| knob CPU us | Optuna CPU us | Optuna/knob (CPU) |")
    print("|---|---|---|---|---|---|---|---|")
    for n in sorted({r["n"] for r in s}):
        for hist in ("tpe", "random"):
            k = [r for r in s if r["n"] == n and r["history"] == hist and r["who"] == "knob"]
            o = [r for r in s if r["n"] == n and r["history"] == hist and r["who"] == "optuna"]
            if not k and not o:
                continue
            cells = []
            for key in ("us_per_trial", "cpu_us_per_trial"):
                kv = k[0].get(key) if k else None
                ov = o[0].get(key) if o else None
                ratio = f"{ov / kv:.0f}x" if kv and ov else "-"
                cells += [fmt(kv), fmt(ov), ratio]
            print(f"| {n:,} | {hist} | " + " | ".join(cells[:3]) + " | " +
                  " | ".join(cells[3:]) + " |")
    ms = sorted({(r["who"], r["measure"]) for r in s})
    print("\nMedian microseconds of one trial (ask, five suggest_float in [-10, 10], tell with "
          "the sphere function) after that many finished trials; wall clock, then the "
          "thread's CPU time. History \"tpe\": made by the sampler itself; \"random\": "
          "completed trials drawn at random and added first (Optuna: add_trials), then the "
          "sampler switched to TPE. Trials timed per row: " +
          ", ".join(f"{w} {m}" for w, m in ms) + ".")


def main():
    rows = load(sys.argv[1:])
    quality_table(rows)
    print()
    speed_table(rows)


if __name__ == "__main__":
    main()
