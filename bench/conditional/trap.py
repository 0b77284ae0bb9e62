#!/usr/bin/env python3
"""A conditional space with a trap: three models, one with a branch of its own (svc: an rbf
kernel, or poly with a degree); the tree's best (1.0 at depth 7) is easy to find and good,
but not the best, which lies in svc-rbf (0.1 at C = 10, below 0.2 for C in about 7-14).
Deterministic: a configuration asked again gives its loss again. Per sampler, over seeds:
how many runs found svc-rbf (best <= 0.2), the median and mean best, and how many trials
repeated an earlier trial's configuration.

    PYTHONPATH=python KNOB_LIBRARY=build/src/libknob.so python3 bench/conditional/trap.py \
        [--seeds 60] [--trials 60] [--optuna-path DIR] SAMPLER...

SAMPLER: knob:NAME[:key=value...] (a libknob sampler by name with options, e.g. knob:tpe,
knob:tpe:multivariate=true:group=true, knob:auto, knob:gp, knob:smac, knob:random), or
optuna:tpe, optuna:tpe-group, optuna:random (Optuna at --optuna-path, Debian's without it).
"""
import argparse, importlib, math, statistics, sys


def objective(t):
    m = t.suggest_categorical("model", ["svc", "tree", "knn"])
    if m == "svc":
        c = t.suggest_float("C", 1e-3, 1e3, log=True)
        if t.suggest_categorical("kernel", ["rbf", "poly"]) == "poly":
            return (math.log10(c) - 1) ** 2 + 0.5 + abs(t.suggest_int("degree", 2, 5) - 3)
        return (math.log10(c) - 1) ** 2 + 0.1
    if m == "tree":
        return 1 + 0.1 * abs(t.suggest_int("depth", 1, 20) - 7)
    return 2 + t.suggest_float("w", 0, 1)


def sampler(lib, spec, seed):
    kind, name, *opts = spec.split(":")
    if kind == "knob":
        return lib.samplers.KnobSampler(name, seed=seed, **dict(o.split("=", 1) for o in opts))
    if name == "tpe":
        return lib.samplers.TPESampler(seed=seed)
    if name == "tpe-group":
        return lib.samplers.TPESampler(seed=seed, multivariate=True, group=True)
    return lib.samplers.RandomSampler(seed=seed)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=60)
    ap.add_argument("--trials", type=int, default=60)
    ap.add_argument("--optuna-path", default="")
    ap.add_argument("samplers", nargs="+")
    a = ap.parse_args()
    for spec in a.samplers:
        if spec.startswith("optuna:") and a.optuna_path:
            sys.path.insert(0, a.optuna_path)
        lib = importlib.import_module("knob" if spec.startswith("knob:") else "optuna")
        lib.logging.set_verbosity(lib.logging.WARNING)
        best, repeats = [], []
        for seed in range(a.seeds):
            study = lib.create_study(sampler=sampler(lib, spec, seed))
            study.optimize(objective, n_trials=a.trials)
            seen, rep = set(), 0
            for t in study.trials:
                key = tuple(sorted(t.params.items()))
                rep += key in seen
                seen.add(key)
            best.append(study.best_value)
            repeats.append(rep)
        print("%-40s found %2d/%d  best median %.4f mean %.4f  repeats mean %.1f of %d" %
              (spec, sum(b <= 0.2 for b in best), a.seeds, statistics.median(best),
               statistics.mean(best), statistics.mean(repeats), a.trials), flush=True)


if __name__ == "__main__":
    main()
