# Optuna's "saving/resuming study with RDB backend" (20_recipes/001_rdb): a SQLite file,
# a study resumed by name, its history as a dataframe.
import logging
import sys

import knob as optuna

# Add stream handler of stdout to show the messages
optuna.logging.get_logger("optuna").addHandler(logging.StreamHandler(sys.stdout))
study_name = "example-study"  # Unique identifier of the study.
storage_name = "sqlite:///{}.db".format(study_name)
study = optuna.create_study(study_name=study_name, storage=storage_name)


def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    return (x - 2) ** 2


study.optimize(objective, n_trials=3)

# Resume.
study = optuna.create_study(study_name=study_name, storage=storage_name, load_if_exists=True)
study.optimize(objective, n_trials=3)

# Experimental history.
study = optuna.create_study(study_name=study_name, storage=storage_name, load_if_exists=True)
df = study.trials_dataframe(attrs=("number", "value", "params", "state"))
print(df)
print("Best params: ", study.best_params)
print("Best value: ", study.best_value)
print("Best Trial: ", study.best_trial)
print("Trials: ", study.trials)
assert len(df) == 6
assert list(df.columns) == ["number", "value", "params_x", "state"]
loaded = optuna.load_study(study_name=study_name, storage=storage_name)
assert len(loaded.trials) == 6
optuna.delete_study(study_name=study_name, storage=storage_name)
assert optuna.get_all_study_summaries(storage_name) == []
