#!/usr/bin/env python3
"""Optuna's side of bench/scale/run.sh: its RDB storage (SQLite) at N finished trials.

    optuna_scale.py fill DB N      a study "big" of N complete trials (5 floats in
                                   [-10, 10], the sphere function), by add_trials
    optuna_scale.py measure DB     in this process: open the study (load_study), its best
                                   trial, all its trials (get_trials), then one ask + 5
                                   suggest_float + tell with TPESampler(seed=1)

Prints one JSON line: wall and CPU (process) seconds of each step. Run it with the
Optuna to compare (PYTHONPATH=/work/peers/optuna5 for Optuna 5's source tree).
"""
import json
import random
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def timed(f):
    t, c = time.perf_counter(), time.process_time()
    out = f()
    return out, time.perf_counter() - t, time.process_time() - c


def fill(db, n):
    url = "sqlite:///" + db
    study = optuna.create_study(study_name="big", storage=url)
    dists = {f"x{i}": optuna.distributions.FloatDistribution(-10, 10) for i in range(5)}
    rng = random.Random(1)
    batch = []
    for _ in range(n):
        params = {k: rng.uniform(-10, 10) for k in dists}
        batch.append(optuna.trial.create_trial(params=params, distributions=dists,
                                               value=sum(v * v for v in params.values())))
        if len(batch) == 1000:
            study.add_trials(batch)
            batch = []
    if batch:
        study.add_trials(batch)


def measure(db):
    url = "sqlite:///" + db
    out = {"optuna": optuna.__version__}
    study, out["open_s"], out["open_cpu_s"] = timed(
        lambda: optuna.load_study(study_name="big", storage=url))
    _, out["best_s"], out["best_cpu_s"] = timed(lambda: study.best_trial)
    trials, out["trials_s"], out["trials_cpu_s"] = timed(lambda: study.get_trials())
    out["n"] = len(trials)

    def ask_tell():
        s = optuna.load_study(study_name="big", storage=url,
                              sampler=optuna.samplers.TPESampler(seed=1))
        t = s.ask()
        y = sum(t.suggest_float(f"x{i}", -10, 10) ** 2 for i in range(5))
        s.tell(t, y)

    _, out["ask_tell_s"], out["ask_tell_cpu_s"] = timed(ask_tell)
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "fill":
        fill(sys.argv[2], int(sys.argv[3]))
    else:
        measure(sys.argv[2])
