# Optuna's ask-and-tell tutorial (20_recipes/009_ask_and_tell): the loop in the caller's
# code, a trial told PRUNED, fixed distributions (define-and-run).
import knob as optuna
from knob.distributions import CategoricalDistribution, FloatDistribution


def objective(x, y):
    return (x - 1) ** 2 + y


study = optuna.create_study(direction="minimize")
for _ in range(40):
    trial = study.ask()
    x = trial.suggest_float("x", -5, 5)
    y = trial.suggest_categorical("y", [0, 10])
    if y == 10:
        study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        continue
    study.tell(trial, objective(x, y))

distributions = {
    "x": FloatDistribution(-5, 5),
    "y": CategoricalDistribution([0, 10]),
}
for _ in range(20):
    trial = study.ask(distributions)  # the params are set already
    study.tell(trial, objective(**trial.params))

print(study.best_params, study.best_value)
assert study.best_params["y"] == 0
assert len(study.trials) == 60
assert study.best_value < 1
