"""ZDT1/2/3 (30-D) with Optuna's samplers, as zdt.c does it with knob's: hypervolume at the
reference point (1.1, 11) and time per trial. usage: optuna_zdt.py PROBLEM SAMPLER TRIALS SEED
(SAMPLER: nsga2, tpe, random). Run with PYTHONPATH pointing at the Optuna to compare."""
import math
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
problem, sampler_name, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
D = 30


def zdt(x):
    g = 1 + 9 * sum(x[1:]) / (D - 1)
    f0 = x[0]
    r = f0 / g
    if problem == "zdt1":
        return f0, g * (1 - math.sqrt(r))
    if problem == "zdt2":
        return f0, g * (1 - r * r)
    return f0, g * (1 - math.sqrt(r) - r * math.sin(10 * math.pi * f0))


def objective(t):
    return zdt([t.suggest_float(f"x{i}", 0, 1) for i in range(D)])


samplers = {
    "nsga2": lambda: optuna.samplers.NSGAIISampler(seed=seed),
    "tpe": lambda: optuna.samplers.TPESampler(seed=seed),
    "random": lambda: optuna.samplers.RandomSampler(seed=seed),
}
study = optuna.create_study(directions=["minimize", "minimize"], sampler=samplers[sampler_name]())
start = time.perf_counter()
study.optimize(objective, n_trials=n)
elapsed = time.perf_counter() - start
# the hypervolume of the front at (1.1, 11), by the 2-D sweep
pts = sorted(t.values for t in study.best_trials)
hv, ybest = 0.0, 11.0
for x, y in pts:
    if x < 1.1 and y < ybest:
        hv += (1.1 - x) * (ybest - y)
        ybest = y
print(f"{problem} optuna-{sampler_name} {n} {seed} hv={hv:.6f} ms_per_trial={1e3 * elapsed / n:.4f}")
