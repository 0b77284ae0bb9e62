"""A categorical choice that is a whole float (0.0, 1.0) comes back from the study as the
float it was, as Optuna's does (libknob stores a number; it came back as the int 0)."""

import knob as optuna
from knob.distributions import CategoricalDistribution


def test_whole_float_choices_stay_floats(tmp_db):
    for storage in (None, tmp_db):
        study = optuna.create_study(storage=storage, sampler=optuna.samplers.RandomSampler(seed=1))

        def objective(t):
            p = t.suggest_categorical("dropout", [0.0, 0.5, 1.0])
            n = t.suggest_categorical("n", [1, 2])  # ints stay ints
            return p + n

        study.optimize(objective, n_trials=8)
        for t in study.trials:
            assert type(t.params["dropout"]) is float and type(t.params["n"]) is int
            assert t.distributions["dropout"].choices == (0.0, 0.5, 1.0)
            assert [type(c) for c in t.distributions["dropout"].choices] == [float] * 3
        assert type(study.best_params["dropout"]) is float
