#!/usr/bin/python3
"""Turns the JSON lines of bench/samplers/run.sh into Markdown tables.

  tables.py --trials T --long L HEADER.md FILE.jsonl...
"""
import argparse
import collections
import json
import statistics

FUNCS = ["branin", "hartmann6", "ackley5", "rosenbrock4", "levy6", "styblinski_tang8"]
QUALITY = [("random", "knob random"), ("tpe", "knob tpe"), ("gp", "knob gp"),
           ("cmaes", "knob cmaes"), ("qmc", "knob qmc"), ("optuna-tpe", "Optuna TPE"),
           ("optuna-cmaes", "Optuna CMA-ES"), ("optuna-qmc", "Optuna QMC")]
# Optuna 4.2's GPSampler on this suite (100 trials, 5 seeds), measured before and quoted:
# Debian ships Optuna 3.1, which has no GP sampler.
GP_QUOTED = {"branin": 3e-6, "hartmann6": 4e-5, "ackley5": 5.3, "rosenbrock4": 14,
             "levy6": 0.32, "styblinski_tang8": 62}
GP_SPEED_QUOTED_MS = {100: 270, 300: 660}


def fmt(x):
    return "-" if x is None else "%.3g" % x


SOLVED = 1e-4  # regrets below this on both sides: both found the minimum


def verdict(mine, theirs):
    if mine is None or theirs is None:
        return "-"
    if mine <= 1.05 * theirs or max(mine, theirs) < SOLVED:
        return "match or better"
    return "worse"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--trials", type=int, default=100)
    p.add_argument("--long", type=int, default=1000)
    p.add_argument("header")
    p.add_argument("files", nargs="+")
    a = p.parse_args()
    regrets = collections.defaultdict(list)  # (func, sampler, trials) -> regrets
    speed = []
    for path in a.files:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line.startswith("{"):
                    continue
                j = json.loads(line)
                if "func" in j:
                    regrets[(j["func"], j["sampler"], j["trials"])].append(j["regret"])
                else:
                    speed.append(j)

    def med(func, sampler, trials):
        r = regrets.get((func, sampler, trials))
        return statistics.median(r) if r else None

    with open(a.header) as f:
        print(f.read(), end="")

    if any(k[2] == a.trials for k in regrets):
        print("## Median best regret after %d trials\n" % a.trials)
        cols = [c for c in QUALITY if any((f, c[0], a.trials) in regrets for f in FUNCS)]
        print("| function | " + " | ".join(c[1] for c in cols) +
              " | Optuna 4.2 GP (quoted) | knob gp vs quoted GP | knob cmaes vs Optuna CMA-ES |")
        print("|---" * (len(cols) + 4) + "|")
        wins_gp = wins_cma = 0
        for func in FUNCS:
            row = [fmt(med(func, c[0], a.trials)) for c in cols]
            vg = verdict(med(func, "gp", a.trials), GP_QUOTED[func])
            vc = verdict(med(func, "cmaes", a.trials), med(func, "optuna-cmaes", a.trials))
            wins_gp += vg == "match or better"
            wins_cma += vc == "match or better"
            print("| %s | %s | %s | %s | %s |" % (func, " | ".join(row), fmt(GP_QUOTED[func]),
                                                  vg, vc))
        n = max(len(v) for k, v in regrets.items() if k[2] == a.trials)
        print("\nBest value found minus the function's minimum, the median over %d seeds; lower "
              "is better. knob gp matches (within 5%%) or beats the quoted Optuna 4.2 GP figures "
              "on %d of 6; knob cmaes matches or beats Optuna's CmaEsSampler on %d of 6. The "
              "Optuna 4.2 GP column was not measured in this run: it is the figure of an "
              "earlier measurement (100 trials, 5 seeds), since Debian's Optuna has no GP "
              "sampler.\n" % (n, wins_gp, wins_cma))

    if any(k[2] == a.long for k in regrets) and a.long != a.trials:
        print("## CMA-ES after %d trials\n" % a.long)
        print("| function | knob cmaes | Optuna CMA-ES | knob vs Optuna |")
        print("|---|---|---|---|")
        wins = 0
        for func in FUNCS:
            k, o = med(func, "cmaes", a.long), med(func, "optuna-cmaes", a.long)
            v = verdict(k, o)
            wins += v == "match or better"
            print("| %s | %s | %s | %s |" % (func, fmt(k), fmt(o), v))
        print("\nMedian best regret over the seeds; knob matches (within 5%%, or both below "
              "%g: both found the minimum) or beats Optuna on %d of 6.\n" % (SOLVED, wins))

    if speed:
        print("## The GP sampler's time per trial\n")
        print("| finished trials | knob median ms | knob mean ms | knob CPU ms (median) | "
              "Optuna 4.2 GP ms (quoted) | quoted / knob median | quoted / knob mean |")
        print("|---|---|---|---|---|---|---|")
        for j in sorted(speed, key=lambda j: j["n"]):
            q = GP_SPEED_QUOTED_MS.get(j["n"])
            med_ms, mean_ms = j["us_per_trial"] / 1e3, j["mean_us"] / 1e3
            print("| {:,} | {:.1f} | {:.1f} | {:.1f} | {} | {} | {} |".format(
                j["n"], med_ms, mean_ms, j["cpu_us_per_trial"] / 1e3, q if q else "-",
                "%.1fx" % (q / med_ms) if q else "-", "%.1fx" % (q / mean_ms) if q else "-"))
        print("\nOne trial (ask, five suggest_float in [-10, 10], tell) after that many "
              "completed trials drawn at random, %s trials timed per row. The model is refitted "
              "at every ask below 200 observations, then when the data grew by 5%%: the mean "
              "counts those refits; at most 256 trials go into the model. The quoted times are Optuna 4.2's GPSampler on this kind of "
              "machine, measured before, not in this run." %
              "/".join(str(j["measure"]) for j in sorted(speed, key=lambda j: j["n"])))


if __name__ == "__main__":
    main()
