"""A float param with a step that does not divide its range, read back from the study:
its distribution is the one suggested ([0, 0.9] for [0, 1] by 0.3), so its trials can be
added to another study and copied (the stored end 0.8999999999999999 was cut to 0.6 by
a second adjustment, and the trials at 0.9 were refused)."""

import warnings

import knob as optuna
from knob.distributions import FloatDistribution


def _study(storage=None):
    study = optuna.create_study(storage=storage, study_name="stepped", sampler=optuna.samplers.RandomSampler(seed=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # suggest_float warns of the range, as Optuna's
        study.optimize(lambda t: t.suggest_float("q", 0, 1, step=0.3), n_trials=20)
    return study


def test_stored_distribution_is_the_suggested_one(tmp_db):
    study = _study(tmp_db)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reading the trials warns of nothing
        trials = study.trials
    assert {t.params["q"] for t in trials} >= {0.0, 0.3, 0.6} and max(t.params["q"] for t in trials) > 0.89
    for t in trials:
        assert t.distributions["q"] == FloatDistribution(0, 0.9, step=0.3)
        assert t.distributions["q"].high == 0.9


def test_trials_copy_to_another_study(tmp_path):
    src = "sqlite:///" + str(tmp_path / "a.db")
    study = _study(src)
    other = optuna.create_study()
    other.add_trials(study.trials)
    assert [t.params for t in other.trials] == [t.params for t in study.trials]
    optuna.copy_study(from_study_name="stepped", from_storage=src, to_storage="sqlite:///" + str(tmp_path / "b.db"))
    copied = optuna.load_study(study_name="stepped", storage="sqlite:///" + str(tmp_path / "b.db"))
    assert len(copied.trials) == 20
