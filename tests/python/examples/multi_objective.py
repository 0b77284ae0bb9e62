# Optuna's multi-objective example (the Binh and Korn function of its NSGA-II docs): two
# objectives minimized, the Pareto front read with best_trials.
import knob as optuna


def objective(trial):
    x = trial.suggest_float("x", 0, 5)
    y = trial.suggest_float("y", 0, 3)

    v0 = 4 * x ** 2 + 4 * y ** 2
    v1 = (x - 5) ** 2 + (y - 5) ** 2
    return v0, v1


study = optuna.create_study(directions=["minimize", "minimize"])
study.optimize(objective, n_trials=60, timeout=300)

print("Number of finished trials: ", len(study.trials))
print("Pareto front:")
trials = sorted(study.best_trials, key=lambda t: t.values)
for trial in trials:
    print("  Trial#{}".format(trial.number))
    print("    Values: Values={}, Params={}".format(trial.values, trial.params))
assert len(trials) >= 3
for t in trials:  # no trial of the front dominates another
    for u in trials:
        assert not (u.values[0] < t.values[0] and u.values[1] < t.values[1])
