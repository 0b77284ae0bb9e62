"""create_trial / add_trial validation as Optuna's FrozenTrial._validate."""

import datetime

import pytest

import knob as optuna
from knob.distributions import CategoricalDistribution
from knob.trial import TrialState, create_trial


def test_a_failed_trial_has_no_values():
    # Optuna: "values should be None for a failed trial"; knob took it
    with pytest.raises(ValueError, match="failed trial"):
        create_trial(state=TrialState.FAIL, value=1.0)
    with pytest.raises(ValueError, match="failed trial"):
        create_trial(state=TrialState.FAIL, values=[1.0])
    assert create_trial(state=TrialState.FAIL).values is None


def test_an_unfinished_trial_has_no_completion_time():
    t = create_trial(state=TrialState.FAIL)
    t.state = TrialState.RUNNING  # a FrozenTrial changed by hand, then added
    study = optuna.create_study()
    with pytest.raises(ValueError, match="datetime_complete"):
        study.add_trial(t)
    t.datetime_complete = None
    t._validate()


def test_a_categorical_value_not_among_the_choices():
    with pytest.raises(ValueError) as e:
        create_trial(params={"c": "z"}, distributions={"c": CategoricalDistribution(["a", "b"])}, value=0)
    assert "'z' not in ('a', 'b')" in str(e.value)
