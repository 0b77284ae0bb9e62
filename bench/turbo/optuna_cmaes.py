#!/usr/bin/env python3
"""The peer's side of bench_turbo.c: Optuna's CmaEsSampler (or its GPSampler with --gp, which
needs torch) on Ackley 20-D and Levy 60-D, the same functions and bounds; one JSON line per run.

    optuna_cmaes.py --func ackley20|levy60 [--seeds S] [--seed0 S0] [--trials T] [--gp]
                    [--optuna-path DIR]
"""
import argparse, json, math, sys, time


def ackley(x):
    d = len(x)
    s1 = sum(v * v for v in x)
    s2 = sum(math.cos(2 * math.pi * v) for v in x)
    return -20 * math.exp(-0.2 * math.sqrt(s1 / d)) - math.exp(s2 / d) + 20 + math.e


def levy(x):
    w = [1 + (v - 1) / 4 for v in x]
    s = math.sin(math.pi * w[0]) ** 2
    s += (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)
    for v in w[:-1]:
        s += (v - 1) ** 2 * (1 + 10 * math.sin(math.pi * v + 1) ** 2)
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--func", default="ackley20", choices=["ackley20", "levy60"])
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--seed0", type=int, default=0)
    ap.add_argument("--trials", type=int, default=200)
    ap.add_argument("--gp", action="store_true")
    ap.add_argument("--optuna-path", default="")
    a = ap.parse_args()
    if a.optuna_path:
        sys.path.insert(0, a.optuna_path)
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    d, lo, f = (20, -5.0, ackley) if a.func == "ackley20" else (60, -10.0, levy)
    for seed in range(a.seed0, a.seed0 + a.seeds):
        sampler = (optuna.samplers.GPSampler(seed=seed) if a.gp
                   else optuna.samplers.CmaEsSampler(seed=seed))
        s = optuna.create_study(sampler=sampler)
        t0 = time.process_time()
        s.optimize(lambda t: f([t.suggest_float("x%02d" % k, lo, 10.0) for k in range(d)]),
                   n_trials=a.trials)
        best, trace = math.inf, []
        for t in s.trials:
            best = min(best, t.value)
            trace.append(best)
        print(json.dumps({"func": a.func, "sampler": "optuna-gp" if a.gp else "optuna-cmaes",
                          "options": optuna.__version__, "seed": seed, "best": trace,
                          "cpu_s": round(time.process_time() - t0, 3)}), flush=True)


if __name__ == "__main__":
    main()
