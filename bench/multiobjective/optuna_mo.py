"""The problems of mo.c with Optuna's samplers, as bench_mo runs them with knob's: the
hypervolume of the feasible front at the problem's fixed reference point (computed here, by
a 2-D sweep or 3-D slices) and the time per trial, wall and CPU (user + system).
usage: optuna_mo.py PROBLEM SAMPLER TRIALS SEED
(SAMPLER: nsga2, nsga3, tpe, random; constrained problems pass constraints_func to nsga2,
nsga3 and tpe). SEED may be a range K-L: the seeds K to L one after the other in this
process, one line each (Optuna's import costs more CPU than a 200-trial NSGA-II run). Run with PYTHONPATH pointing at the Optuna to compare."""
import math
import sys
import time
import warnings

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.filterwarnings("ignore")  # experimental / deprecated constraints_func
problem, sampler_name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
first, _, last = sys.argv[4].partition("-")
seeds = range(int(first), int(last or first) + 1)

DIMS = {"zdt1": 30, "zdt2": 30, "zdt3": 30, "dtlz2": 12, "c2dtlz2": 12, "bnh": 2}
REF = {"zdt1": (1.1, 11), "zdt2": (1.1, 11), "zdt3": (1.1, 11), "dtlz2": (1.1,) * 3,
       "c2dtlz2": (1.1,) * 3, "bnh": (140, 50)}
CONSTRAINED = problem in ("c2dtlz2", "bnh")
D = DIMS[problem]


def dtlz2(x):
    g = sum((v - 0.5) ** 2 for v in x[2:])
    a, b = x[0] * math.pi / 2, x[1] * math.pi / 2
    return [(1 + g) * math.cos(a) * math.cos(b), (1 + g) * math.cos(a) * math.sin(b),
            (1 + g) * math.sin(a)]


def evaluate(x):
    """(objectives, constraints), constraints <= 0 feasible."""
    if problem.startswith("zdt"):
        g = 1 + 9 * sum(x[1:]) / (D - 1)
        f0 = x[0]
        r = f0 / g
        if problem == "zdt1":
            return [f0, g * (1 - math.sqrt(r))], []
        if problem == "zdt2":
            return [f0, g * (1 - r * r)], []
        return [f0, g * (1 - math.sqrt(r) - r * math.sin(10 * math.pi * f0))], []
    if problem == "bnh":
        f = [4 * x[0] ** 2 + 4 * x[1] ** 2, (x[0] - 5) ** 2 + (x[1] - 5) ** 2]
        return f, [(x[0] - 5) ** 2 + x[1] ** 2 - 25, 7.7 - ((x[0] - 8) ** 2 + (x[1] + 3) ** 2)]
    f = dtlz2(x)
    if problem == "dtlz2":
        return f, []
    r2 = 0.16
    corner = min((f[i] - 1) ** 2 + sum(f[j] ** 2 for j in range(3) if j != i) - r2
                 for i in range(3))
    centre = sum((v - 1 / math.sqrt(3)) ** 2 for v in f) - r2
    return f, [min(corner, centre)]


NAMES = [f"x{i}" for i in range(D)]  # made once, as mo.c does


def objective(t):
    if problem == "bnh":
        x = [t.suggest_float("x0", 0, 5), t.suggest_float("x1", 0, 3)]
    else:
        x = [t.suggest_float(name, 0, 1) for name in NAMES]
    f, c = evaluate(x)
    if CONSTRAINED:
        t.set_user_attr("c", c)
    return f


def constraints(ft):
    return ft.user_attrs["c"]


kw = {"constraints_func": constraints} if CONSTRAINED else {}
samplers = {
    "nsga2": lambda seed: optuna.samplers.NSGAIISampler(seed=seed, **kw),
    "nsga3": lambda seed: optuna.samplers.NSGAIIISampler(seed=seed, **kw),
    "tpe": lambda seed: optuna.samplers.TPESampler(seed=seed, **kw),
    "random": lambda seed: optuna.samplers.RandomSampler(seed=seed),
}


def hv2(pts, ref):
    hv, ybest = 0.0, ref[1]
    for x, y in sorted(pts):
        if x < ref[0] and y < ybest:
            hv += (ref[0] - x) * (ybest - y)
            ybest = y
    return hv


def hv3(pts, ref):
    pts = sorted(p for p in pts if all(v < r for v, r in zip(p, ref)))
    zs = sorted(set(p[2] for p in pts))
    hv = 0.0
    for i, z in enumerate(zs):
        top = zs[i + 1] if i + 1 < len(zs) else ref[2]
        hv += hv2([p[:2] for p in pts if p[2] <= z], ref) * (top - z)
    return hv


def front(pts):
    """The points no other point dominates (sorted by the first objective)."""
    out = []
    for p in sorted(pts):
        if not any(all(a <= b for a, b in zip(q, p)) and q != p for q in out):
            out.append(p)
    return out


for seed in seeds:
    study = optuna.create_study(directions=["minimize"] * len(REF[problem]),
                                sampler=samplers[sampler_name](seed))
    wall, cpu = time.perf_counter(), time.process_time()
    study.optimize(objective, n_trials=n)
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu
    feasible = [tuple(t.values) for t in study.trials if t.values is not None
                and (not CONSTRAINED or all(c <= 0 for c in t.user_attrs["c"]))]
    ref = REF[problem]
    pts = front(feasible)
    hv = hv2(pts, ref) if len(ref) == 2 else hv3(pts, ref)
    print(f"{problem} optuna-{sampler_name} {n} {seed} hv={hv:.6f} "
          f"ms_per_trial={1e3 * wall / n:.4f} cpu_ms_per_trial={1e3 * cpu / n:.4f}", flush=True)
