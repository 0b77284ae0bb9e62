"""An objective's +inf or -inf completes the trial with that value, as Optuna's does (NaN
fails it); the best trial counts them as any other value."""

import math
import warnings

import pytest

import knob as optuna
from knob.trial import TrialState, create_trial

INF = float("inf")


def test_optimize_completes_infinite_values(storage, name):
    study = optuna.create_study(storage=storage, study_name=name)
    returns = iter([1.0, INF, -INF, 2.0, float("nan")])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), next(returns))[1], n_trials=5)
    states = [t.state for t in study.trials]
    assert states == [TrialState.COMPLETE] * 4 + [TrialState.FAIL]
    assert [t.value for t in study.trials[:4]] == [1.0, INF, -INF, 2.0]
    assert study.best_value == -INF and study.best_trial.number == 2
    again = optuna.load_study(study_name=name, storage=storage)
    assert [t.value for t in again.trials[:4]] == [1.0, INF, -INF, 2.0]
    assert again.best_trial.number == 2


def test_best_of_infinite_values_as_optuna():
    up = optuna.create_study(direction="maximize")
    returns = iter([1.0, INF, -INF, INF])
    up.optimize(lambda t: next(returns), n_trials=4)
    assert up.best_value == INF and up.best_trial.number == 1  # the first of equal values
    only = optuna.create_study()
    only.optimize(lambda t: INF, n_trials=2)
    assert only.best_value == INF and only.best_trial.number == 0
    summary = optuna.get_all_study_summaries(only._storage)[0]
    assert summary.best_trial.value == INF


def test_tell_and_add_trial_take_infinite_values():
    study = optuna.create_study()
    t = study.ask()
    assert study.tell(t, INF).state == TrialState.COMPLETE
    t = study.ask()
    assert study.tell(t, -INF, state=TrialState.COMPLETE).value == -INF
    t = study.ask()
    with pytest.raises(ValueError, match="nan"):
        study.tell(t, float("nan"), state=TrialState.COMPLETE)
    assert study.tell(t, float("nan")).state == TrialState.FAIL
    study.add_trial(create_trial(value=INF))
    assert study.trials[-1].state == TrialState.COMPLETE and study.trials[-1].value == INF
    with pytest.raises(ValueError):
        create_trial(value=float("nan"))


def test_infinite_values_in_several_objectives():
    study = optuna.create_study(directions=["minimize", "maximize"])
    returns = iter([(INF, 1.0), (1.0, -INF), (0.5, 0.5), (-INF, INF)])
    study.optimize(lambda t: next(returns), n_trials=4)
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert [t.number for t in study.best_trials] == [3]


@pytest.mark.parametrize("sampler", ["TPESampler", "NSGAIISampler", "GPSampler", "RandomSampler"])
def test_samplers_go_on_after_infinite_values(sampler):
    cls = getattr(optuna.samplers, sampler)
    for directions in (["minimize"], ["minimize", "maximize"]):
        study = optuna.create_study(directions=directions, sampler=cls(seed=0))

        def f(t):
            x = t.suggest_float("x", 0, 1)
            if len(directions) == 1:
                return INF if x > 0.6 else -INF if x < 0.05 else x
            return (INF, x) if x > 0.6 else (x, -INF if x < 0.1 else 1 - x)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # experimental samplers warn
            study.optimize(f, n_trials=30)
        assert all(t.state == TrialState.COMPLETE for t in study.trials), sampler
        assert not any(math.isnan(v) for t in study.trials for v in t.values)
