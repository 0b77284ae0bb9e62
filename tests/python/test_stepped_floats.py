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


def _every_point(low, high, step):
    """A study that ran every point of [low, high] by step, and the distribution the running
    trial gave."""
    study = optuna.create_study(sampler=optuna.samplers.BruteForceSampler(seed=0))
    live = []

    def objective(trial):
        x = trial.suggest_float("q", low, high, step=step)
        live.append(trial.distributions["q"])
        return x

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.optimize(objective, n_trials=100)
    return study, live


def test_top_step_that_rounds_past_high_is_high():
    # [0, 0.7] by 0.1: the top step 7 * 0.1 is 0.7000000000000001 in binary; Optuna clips it
    # to 0.7, and its trials must fit their distribution to be added to another study
    study, live = _every_point(0, 0.7, 0.1)
    values = sorted(t.params["q"] for t in study.trials)
    assert len(values) == 8 and values[-1] == 0.7
    assert all(d == FloatDistribution(0, 0.7, step=0.1) for d in live)
    for t in study.trials:
        d = t.distributions["q"]
        assert d.high == 0.7 and d._contains(t.params["q"])
    other = optuna.create_study()
    other.add_trials(study.trials)
    assert sorted(t.params["q"] for t in other.trials) == values


def test_range_ends_where_optuna_ends_it():
    # Optuna ends [0, 0.8999999999999999] by 0.3 at 0.6 and [0, 2.9999999999999996] by 1 at
    # 2 (in decimal): so do the suggested values, the running trial's distribution and the
    # stored one (libknob's own end, within 1e-9 of a step, took one step more, past high)
    for high, top, n in ((0.8999999999999999, 0.6, 3), (2.9999999999999996, 2.0, 3)):
        study, live = _every_point(0, high, 0.3 if top == 0.6 else 1.0)
        values = sorted(t.params["q"] for t in study.trials)
        assert len(values) == n and values[-1] <= top, (high, values)
        assert {d.high for d in live} == {top}
        assert {t.distributions["q"].high for t in study.trials} == {top}


def test_trial_distributions_warn_once():
    # the range not divisible by step is warned of when suggested, as Optuna's, not again
    # each time the trial's distributions are read
    trial = optuna.create_study().ask()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trial.suggest_float("q", 0, 1, step=0.3)
        assert trial.distributions["q"].high == 0.9
        assert trial.distributions["q"] == FloatDistribution(0, 0.9, step=0.3)
    assert len(caught) == 1 and "replaced with [0, 0.9]" in str(caught[0].message)
