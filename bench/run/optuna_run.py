"""Optuna's side of bench/run: study.optimize(n_jobs=P) of an objective that runs a trivial
program through subprocess (as knob run does) and reads its metric from stdout.
    optuna_run.py STORAGE PARALLEL TRIALS [PROGRAM ARG...]
STORAGE: memory, or an SQLAlchemy URL; PROGRAM (default /bin/echo loss=1) prints loss=<number>.
Prints trials_per_s=... cpu_ms_per_trial=... (CPU of this process and its children)."""
import os
import resource
import subprocess
import sys
import time

import optuna


PROGRAM = sys.argv[4:] or ["/bin/echo", "loss=1"]


def objective(trial):
    x = trial.suggest_float("x", 0.0, 1.0)
    out = subprocess.run(PROGRAM, capture_output=True, text=True, check=True,
                         env=dict(os.environ, KNOB_PARAMS_JSON='{"x": %r}' % x))
    return float(out.stdout.strip().split("=")[1])


def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def main():
    storage, parallel, trials = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(storage=None if storage == "memory" else storage,
                                sampler=optuna.samplers.RandomSampler(seed=1))
    c0, t0 = cpu(), time.perf_counter()
    study.optimize(objective, n_trials=trials, n_jobs=parallel)
    wall, used = time.perf_counter() - t0, cpu() - c0
    print("trials_per_s=%.1f cpu_ms_per_trial=%.2f" % (trials / wall, 1000 * used / trials))


if __name__ == "__main__":
    main()
