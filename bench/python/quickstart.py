"""Optuna's quickstart loop, timed: create a study, then optimize (x - 2)^2 over
x in [-10, 10] with the TPE sampler (seed 1) for N trials, in memory or on SQLite.
Run with `--impl knob` (the knob package: `import knob as optuna`) or `--impl optuna`
(Optuna, from --optuna-path or the installed one). Prints one JSON line."""

import argparse
import json
import os
import sys
import tempfile
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--impl", choices=["knob", "optuna"], required=True)
    ap.add_argument("--optuna-path", default="", help="directory holding the optuna package (default: the installed one)")
    ap.add_argument("--storage", choices=["memory", "sqlite"], default="memory")
    ap.add_argument("--trials", type=int, default=1000)
    a = ap.parse_args()
    if a.optuna_path:
        sys.path.insert(0, a.optuna_path)
    t0 = time.perf_counter()
    if a.impl == "knob":
        import knob as optuna
    else:
        import optuna
    t_import = time.perf_counter() - t0
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    def objective(trial):
        x = trial.suggest_float("x", -10, 10)
        return (x - 2) ** 2

    with tempfile.TemporaryDirectory(prefix="knob-bench-py.") as tmp:
        storage = None if a.storage == "memory" else "sqlite:///" + os.path.join(tmp, "bench.db")
        t1 = time.perf_counter()
        study = optuna.create_study(storage=storage, sampler=optuna.samplers.TPESampler(seed=1))
        study.optimize(objective, n_trials=a.trials)
        total = time.perf_counter() - t1
        n = len(study.trials)
        best = study.best_value
    print(
        json.dumps(
            {
                "impl": a.impl,
                "version": optuna.__version__,
                "path": os.path.dirname(os.path.dirname(optuna.__file__)),
                "storage": a.storage,
                "trials": n,
                "total_s": total,
                "import_s": t_import,
                "best": best,
            }
        )
    )


if __name__ == "__main__":
    main()
