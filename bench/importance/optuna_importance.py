#!/usr/bin/env python3
"""Optuna's side of bench/importance: the same study shape as bench_importance.c (random
trials of x0^2 + 0.5 x1^2 + 0.1 x2 + (c == "b")), then the time of get_param_importances with
FanovaImportanceEvaluator and PedAnovaImportanceEvaluator. One JSON line per method.

    optuna_importance.py N [--optuna-path DIR] [--methods fanova,ped-anova]
"""
import argparse
import json
import sys
import time

p = argparse.ArgumentParser()
p.add_argument("n", type=int)
p.add_argument("--optuna-path", default=None)
p.add_argument("--methods", default="fanova,ped-anova")
a = p.parse_args()
if a.optuna_path:
    sys.path.insert(0, a.optuna_path)
import optuna  # noqa: E402
from optuna import importance  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.ERROR)


def f(t):
    x = [t.suggest_float(f"x{k}", -10, 10) for k in range(4)]
    c = t.suggest_categorical("c", ["a", "b", "c"])
    return x[0] ** 2 + 0.5 * x[1] ** 2 + 0.1 * x[2] + (c == "b")


study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
study.optimize(f, n_trials=a.n)
for m in a.methods.split(","):
    ev = importance.FanovaImportanceEvaluator(seed=0) if m == "fanova" else importance.PedAnovaImportanceEvaluator()
    t0 = time.perf_counter()
    imp = importance.get_param_importances(study, evaluator=ev)
    secs = time.perf_counter() - t0
    print(json.dumps({"impl": f"optuna {optuna.__version__}", "method": m, "n": a.n,
                      "seconds": round(secs, 4), "shares": {k: round(v, 4) for k, v in imp.items()}}))
