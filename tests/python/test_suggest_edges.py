"""suggest_* edge cases as Optuna's: a float step that is not positive, and a FrozenTrial
asked a param outside the distribution it is given (a warning, as Optuna's, not an error)."""

import warnings

import pytest

import knob as optuna
from knob.distributions import FloatDistribution
from knob.trial import TrialState


def test_suggest_float_step_not_positive():
    # Optuna: ValueError "`step > 0` must hold"; knob raised decimal.InvalidOperation for
    # step=0 after libknob had taken the param as continuous
    study = optuna.create_study()
    t = study.ask()
    for step in (0, 0.0, -0.1):
        with pytest.raises(ValueError, match="step > 0"):
            t.suggest_float("x", 0, 1, step=step)
    assert t.params == {}
    x = t.suggest_float("x", 0, 1, step=0.5)  # the name is still free
    assert x in (0.0, 0.5, 1.0)
    study.tell(t, x)
    assert study.trials[0].distributions["x"] == FloatDistribution(0, 1, step=0.5)


def test_frozen_trial_value_outside_the_distribution_warns():
    # re-running an objective on study.best_trial after its range changed: Optuna warns
    # and returns the stored value
    study = optuna.create_study()
    study.add_trial(optuna.trial.create_trial(params={"x": 5.0}, distributions={"x": FloatDistribution(0, 10)}, value=1.0))
    best = study.best_trial
    with pytest.warns(UserWarning, match="out of the range"):
        assert best.suggest_float("x", 0, 1) == 5.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert best.suggest_float("x", 0, 10) == 5.0
    with pytest.raises(ValueError, match="not found"):
        best.suggest_float("y", 0, 1)
