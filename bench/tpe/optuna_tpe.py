#!/usr/bin/python3
"""Optuna's side of the TPE benchmark (the same functions as funcs.h).

  optuna_tpe.py quality --func NAME [--sampler tpe|cmaes|qmc|random] [--multivariate]
                        [--seeds S] [--first-seed F] [--trials T]
      one JSON line per seed (F..F+S-1): best value and regret after T trials, with
      TPESampler (default), CmaEsSampler, QMCSampler (scrambled Sobol) or RandomSampler,
      each with its defaults and the seed.
  optuna_tpe.py speed --n N [--measure M] [--history tpe|random]
      microseconds of one ask (5 suggest_float in [-10, 10]) + tell after N finished
      trials: the history is made by TPE itself ("tpe"), or added with add_trials as
      completed trials drawn at random ("random"); then M trials are timed one by one.
"""
import argparse
import json
import math
import statistics
import sys
import time

import numpy as np
import optuna


def branin(x):
    a, b, c = 1.0, 5.1 / (4 * math.pi ** 2), 5 / math.pi
    r, s, t = 6.0, 10.0, 1 / (8 * math.pi)
    u = x[1] - b * x[0] ** 2 + c * x[0] - r
    return a * u * u + s * (1 - t) * math.cos(x[0]) + s


_ALPHA = [1.0, 1.2, 3.0, 3.2]
_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
      [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
_P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
      [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]


def hartmann6(x):
    total = 0.0
    for i in range(4):
        inner = sum(_A[i][j] * (x[j] - _P[i][j] * 1e-4) ** 2 for j in range(6))
        total += _ALPHA[i] * math.exp(-inner)
    return -total


def ackley(x):
    d = len(x)
    s1 = sum(v * v for v in x)
    s2 = sum(math.cos(2 * math.pi * v) for v in x)
    return -20 * math.exp(-0.2 * math.sqrt(s1 / d)) - math.exp(s2 / d) + 20 + math.e


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def levy(x):
    w = [1 + (v - 1) / 4 for v in x]
    s = math.sin(math.pi * w[0]) ** 2
    for i in range(len(x) - 1):
        s += (w[i] - 1) ** 2 * (1 + 10 * math.sin(math.pi * w[i] + 1) ** 2)
    s += (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)
    return s


def styblinski_tang(x):
    return sum(v ** 4 - 16 * v * v + 5 * v for v in x) / 2


def plateau6(x):
    lo, side = 0.404, 0.5963
    if any(v < lo or v > lo + side for v in x):
        return 0.9
    half = 0.5 * side
    return 0.9 * sum(((v - lo - half) / half) ** 2 for v in x) / len(x)


def clipped4(x):
    s = sum((v - c) ** 2 for v, c in zip(x, (2, -1, 3, 0.5)))
    return min(s, 20.0)


FUNCS = {
    "branin": (branin, [(-5, 10), (0, 15)], 0.397887357729739),
    "hartmann6": (hartmann6, [(0, 1)] * 6, -3.32236801141551),
    "ackley5": (ackley, [(-20, 32.768)] * 5, 0.0),
    "rosenbrock4": (rosenbrock, [(-5, 10)] * 4, 0.0),
    "levy6": (levy, [(-10, 10)] * 6, 0.0),
    "styblinski_tang8": (styblinski_tang, [(-5, 5)] * 8, -39.16616570377142 * 8),
    "plateau6": (plateau6, [(0, 1)] * 6, 0.0),
    "clipped4": (clipped4, [(-5, 5)] * 4, 0.0),
}


def objective_for(f, bounds):
    def objective(trial):
        x = [trial.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(bounds)]
        return f(x)
    return objective


def quality(a):
    f, bounds, fmin = FUNCS[a.func]
    for seed in range(a.first_seed, a.first_seed + a.seeds):
        if a.sampler == "tpe":
            sampler = optuna.samplers.TPESampler(seed=seed, multivariate=a.multivariate)
        elif a.sampler == "cmaes":
            sampler = optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False)
        elif a.sampler == "qmc":
            sampler = optuna.samplers.QMCSampler(seed=seed, warn_independent_sampling=False)
        else:
            sampler = optuna.samplers.RandomSampler(seed=seed)
        study = optuna.create_study(sampler=sampler)
        t0 = time.perf_counter()
        study.optimize(objective_for(f, bounds), n_trials=a.trials)
        best = study.best_value
        print(json.dumps({"func": a.func, "sampler": "optuna-" + a.sampler,
                          "options": "multivariate=true" if a.multivariate and
                          a.sampler == "tpe" else "",
                          "seed": seed, "trials": a.trials, "best": best,
                          "regret": best - fmin,
                          "seconds": round(time.perf_counter() - t0, 3)}), flush=True)


def sphere_trial(study):
    t = study.ask()
    x = [t.suggest_float(f"x{i}", -10, 10) for i in range(5)]
    study.tell(t, sum(v * v for v in x))


def speed(a):
    sampler = optuna.samplers.TPESampler(seed=1, multivariate=a.multivariate)
    study = optuna.create_study(sampler=sampler)
    t0 = time.perf_counter()
    if a.history == "random":
        rng = np.random.RandomState(1)
        dists = {f"x{i}": optuna.distributions.FloatDistribution(-10, 10) for i in range(5)}
        trials = []
        for _ in range(a.n):
            params = {f"x{i}": float(rng.uniform(-10, 10)) for i in range(5)}
            trials.append(optuna.trial.create_trial(
                params=params, distributions=dists,
                value=sum(v * v for v in params.values())))
        study.add_trials(trials)
    else:
        for _ in range(a.n):
            sphere_trial(study)
    fill = time.perf_counter() - t0
    us, cpu = [], []
    for _ in range(a.measure):
        t, c = time.perf_counter(), time.thread_time()
        sphere_trial(study)
        us.append((time.perf_counter() - t) * 1e6)
        cpu.append((time.thread_time() - c) * 1e6)
    print(json.dumps({"n": a.n, "history": a.history, "measure": a.measure,
                      "options": "multivariate=true" if a.multivariate else "",
                      "us_per_trial": round(statistics.median(us), 2),
                      "cpu_us_per_trial": round(statistics.median(cpu), 2),
                      "mean_us": round(statistics.mean(us), 2), "fill_s": round(fill, 3)}),
          flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["quality", "speed"])
    p.add_argument("--func", default="branin", choices=sorted(FUNCS))
    p.add_argument("--sampler", choices=["tpe", "cmaes", "qmc", "random"], default="tpe")
    p.add_argument("--multivariate", action="store_true")
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--first-seed", type=int, default=0)
    p.add_argument("--trials", type=int, default=100)
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--measure", type=int, default=10)
    p.add_argument("--history", choices=["tpe", "random"], default="tpe")
    a = p.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    import warnings
    warnings.simplefilter("ignore")
    quality(a) if a.mode == "quality" else speed(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
