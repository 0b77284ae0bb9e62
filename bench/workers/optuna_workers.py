#!/usr/bin/python3
"""Optuna's side of bench/workers: N processes on one study in an RDB storage, each running
M trials of a cheap objective with RandomSampler. Prints the same line as bench_workers.

    optuna_workers.py STORAGE_URL N TRIALS_PER_WORKER
"""
import multiprocessing as mp
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", -5, 5)
    y = trial.suggest_float("y", -5, 5)
    return x * x + y * y


def work(args):
    url, m, seed = args
    try:
        study = optuna.load_study(study_name="bench", storage=url,
                                  sampler=optuna.samplers.RandomSampler(seed=seed))
        study.optimize(objective, n_trials=m)
        return 0
    except Exception as e:  # "database is locked" and the like: count, do not crash
        print("worker failed:", type(e).__name__, str(e)[:200], file=sys.stderr)
        return 1


def main():
    url, n, m = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    optuna.create_study(study_name="bench", storage=url, load_if_exists=True)
    t0 = time.monotonic()
    with mp.get_context("fork").Pool(n) as pool:
        failed = sum(pool.map(work, [(url, m, w + 1) for w in range(n)]))
    dt = time.monotonic() - t0
    done = len(optuna.load_study(study_name="bench", storage=url).trials)
    print("workers=%d trials=%d seconds=%.3f trials_per_s=%.1f failed_workers=%d"
          % (n, done, dt, done / dt, failed))


if __name__ == "__main__":
    main()
