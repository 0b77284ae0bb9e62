"""A categorical choice that is a whole float (0.0, 1.0) comes back from the study as the
float it was, as Optuna's does (libknob stores a number; it came back as the int 0)."""

import subprocess
import sys

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


_WRITER = r"""
import sys
import knob as optuna

study = optuna.load_study(storage=sys.argv[1], study_name="floats", sampler=optuna.samplers.RandomSampler(seed=2))
study.optimize(lambda t: t.suggest_categorical("c", [1.0, 2.0, 0.5]) + len(str(t.suggest_categorical("m", [1, 2.0, "a"]))), n_trials=12)
"""


def test_whole_float_choices_stay_floats_in_another_process(tmp_path):
    # the study is written by one process and read by another: libknob's stored choice is
    # the number 1, which the reader took for the int 1 (Optuna gives 1.0)
    url = "sqlite:///" + str(tmp_path / "floats.db")
    reader = optuna.create_study(storage=url, study_name="floats")  # loaded before the trials
    subprocess.run([sys.executable, "-c", _WRITER, url], check=True)
    for study in (reader, optuna.load_study(study_name="floats", storage=url)):
        for t in study.trials:
            assert t.distributions["c"].choices == (1.0, 2.0, 0.5)
            assert [type(c) for c in t.distributions["c"].choices] == [float] * 3
            assert [type(c) for c in t.distributions["m"].choices] == [int, float, str]
            assert type(t.params["c"]) is float and t.params["c"] in (1.0, 2.0, 0.5)
            assert type(t.params["m"]) is (float if t.params["m"] == 2 else int if t.params["m"] == 1 else str)
        assert {t.params["c"] for t in study.trials} >= {1.0, 2.0}
        assert type(study.best_params["c"]) is float
        assert study.system_attrs == {}  # the record of the float choices is knob's own
    # a study's own ints stay ints
    ints = optuna.create_study(storage=url, study_name="ints")
    ints.optimize(lambda t: t.suggest_categorical("c", [1, 2]), n_trials=3)
    assert all(type(t.params["c"]) is int for t in optuna.load_study(study_name="ints", storage=url).trials)
