#!/usr/bin/python3
"""Optuna's side of bench_ask_tell: the same work per trial, with Optuna's ask-and-tell.

Each trial: study.ask(), five trial.suggest_float (x0..x4 in [-10, 10]), study.tell with
the sum of their squares; RandomSampler(seed=1), one objective minimized.

    /usr/bin/python3 bench/ask_tell/optuna_ask_tell.py [--storage memory|sqlite:///path.db]
                                                       [--trials N] [--repeat R]

Prints one JSON line with the same keys as bench_ask_tell (impl "optuna"). Each run makes a
fresh study: a new InMemoryStorage, or a new study name in the SQLite file. Needs Debian's
python3-optuna (run it with /usr/bin/python3).
"""

import argparse
import json
import statistics
import sys
import time

import optuna

N_PARAMS = 5
NAMES = [f"x{i}" for i in range(N_PARAMS)]


def bench_trials(study, count):
    for _ in range(count):
        trial = study.ask()
        value = 0.0
        for name in NAMES:
            x = trial.suggest_float(name, -10.0, 10.0)
            value += x * x
        study.tell(trial, value)


def run_once(storage_arg, n, run):
    t0 = time.perf_counter()
    if storage_arg == "memory":
        storage = optuna.storages.InMemoryStorage()
    else:
        storage = optuna.storages.RDBStorage(storage_arg)
    study = optuna.create_study(storage=storage, study_name=f"bench-ask-tell-{run}",
                                sampler=optuna.samplers.RandomSampler(seed=1),
                                direction="minimize")
    tail_from = n - n // 10
    t1 = time.perf_counter()
    bench_trials(study, tail_from)
    t2 = time.perf_counter()
    bench_trials(study, n - tail_from)
    t3 = time.perf_counter()
    tail = (t3 - t2) / (n - tail_from) if n > tail_from else 0.0
    return (t3 - t1) / n, tail, t1 - t0


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--storage", default="memory", help="memory, or sqlite:///path.db")
    p.add_argument("--trials", type=int, default=1000)
    p.add_argument("--repeat", type=int, default=1)
    args = p.parse_args(argv)
    if args.trials < 1 or args.repeat < 1:
        p.error("--trials and --repeat must be >= 1")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    runs = [run_once(args.storage, args.trials, r) for r in range(args.repeat)]
    per = [r[0] for r in runs]
    print(json.dumps({
        "impl": "optuna",
        "version": optuna.__version__,
        "storage": "memory" if args.storage == "memory" else "sqlite",
        "n_trials": args.trials,
        "runs": args.repeat,
        "us_per_trial": round(1e6 * statistics.median(per), 3),
        "us_per_trial_min": round(1e6 * min(per), 3),
        "tail_us_per_trial": round(1e6 * statistics.median(r[1] for r in runs), 3),
        "setup_ms": round(1e3 * statistics.median(r[2] for r in runs), 3),
    }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
