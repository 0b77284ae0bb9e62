# Optuna's "first steps" (tutorial 10_key_features/001_first): minimize (x - 2)^2.
import knob as optuna


def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    return (x - 2) ** 2


study = optuna.create_study()
study.optimize(objective, n_trials=60)

best_params = study.best_params
found_x = best_params["x"]
print("Found x: {}, (x - 2)^2: {}".format(found_x, (found_x - 2) ** 2))
print(study.best_value, study.best_trial.number, len(study.trials))
study.optimize(objective, n_trials=20)  # resume: 20 more
assert len(study.trials) == 80
assert abs(found_x - 2) < 0.5
