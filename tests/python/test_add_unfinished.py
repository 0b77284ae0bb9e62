"""add_trial of RUNNING and WAITING trials, and enqueue_trial's user_attrs, as Optuna's:
the trials are stored as they are, and whoever asks an enqueued trial has its attributes."""

import datetime

import pytest

import knob as optuna
from knob.distributions import FloatDistribution, IntDistribution
from knob.trial import TrialState, create_trial


def _trial(state):
    return create_trial(
        state=state,
        params={"x": 0.5, "n": 3},
        distributions={"x": FloatDistribution(0, 1), "n": IntDistribution(0, 5)},
        user_attrs={"u": 1},
        system_attrs={"s": [2]},
        intermediate_values={0: 3.0, 4: 1.5},
    )


def test_add_trial_of_a_running_trial(storage, name):
    study = optuna.create_study(storage=storage, study_name=name)
    t = _trial(TrialState.RUNNING)
    study.add_trial(t)
    other = optuna.load_study(study_name=name, storage=storage)
    (got,) = other.trials
    assert got.state == TrialState.RUNNING
    assert got.params == {"x": 0.5, "n": 3}
    assert got.user_attrs == {"u": 1} and got.system_attrs == {"s": [2]}
    assert got.intermediate_values == {0: 3.0, 4: 1.5}
    assert got.datetime_complete is None and got.value is None
    assert abs((got.datetime_start - t.datetime_start).total_seconds()) < 1e-3
    # asks do not take it; it is told later, by number, from anywhere
    assert other.ask().number == 1
    assert other.tell(0, 0.25).state == TrialState.COMPLETE
    assert study.trials[0].value == 0.25 and study.trials[0].datetime_complete is not None


def test_add_trial_of_a_waiting_trial(storage, name):
    study = optuna.create_study(storage=storage, study_name=name)
    study.add_trial(_trial(TrialState.WAITING))
    other = optuna.load_study(study_name=name, storage=storage)
    (got,) = other.trials
    assert got.state == TrialState.WAITING and got.datetime_start is None
    assert got.params == {"x": 0.5, "n": 3}  # before any ask, as Optuna's storage keeps them
    assert got.user_attrs == {"u": 1}
    assert got.system_attrs["s"] == [2] and got.system_attrs["fixed_params"] == {"x": 0.5, "n": 3}
    # the next ask, in another Study object, takes it with its params and user attributes
    seen = {}

    def objective(trial):
        seen.update(trial.user_attrs)
        return trial.suggest_float("x", 0, 1) + trial.suggest_int("n", 0, 5)

    other.optimize(objective, n_trials=1)
    assert seen == {"u": 1}
    (done,) = study.trials
    assert done.state == TrialState.COMPLETE and done.params == {"x": 0.5, "n": 3} and done.value == 3.5
    assert done.user_attrs == {"u": 1}


def test_an_unfinished_trial_added_with_values_drops_them():
    # Optuna keeps values on a RUNNING trial; libknob gives values at the tell only
    study = optuna.create_study()
    study.add_trial(create_trial(state=TrialState.RUNNING, value=1.0))
    assert study.trials[0].state == TrialState.RUNNING and study.trials[0].values is None


def test_enqueue_user_attrs_are_stored_with_the_trial(storage, name):
    study = optuna.create_study(storage=storage, study_name=name)
    study.enqueue_trial({"x": 0.25}, user_attrs={"a": 1, "b": [1, 2]})
    study.enqueue_trial({"x": 0.75})
    (waiting, plain) = study.trials
    assert waiting.state == TrialState.WAITING and waiting.user_attrs == {"a": 1, "b": [1, 2]}
    assert waiting.system_attrs == {"fixed_params": {"x": 0.25}}
    assert plain.user_attrs == {}
    # asked by another Study object (another process, as far as the storage knows)
    other = optuna.load_study(study_name=name, storage=storage)
    seen = []
    other.optimize(lambda t: (seen.append(dict(t.user_attrs)), t.suggest_float("x", 0, 1))[1], n_trials=3)
    assert seen == [{"a": 1, "b": [1, 2]}, {}, {}]
    t = study.trials
    assert t[0].params == {"x": 0.25} and t[0].user_attrs == {"a": 1, "b": [1, 2]}
    assert t[1].params == {"x": 0.75} and t[1].user_attrs == {}
    # a user attribute the objective sets joins the enqueued ones
    study.enqueue_trial({"x": 0.5}, user_attrs={"a": 2})
    study.optimize(lambda t: (t.set_user_attr("c", 3), t.suggest_float("x", 0, 1))[1], n_trials=1)
    assert study.trials[-1].user_attrs == {"a": 2, "c": 3}


def test_copy_study_keeps_running_trials_and_enqueued_attrs():
    src = optuna.create_study(study_name="src")
    src.add_trial(_trial(TrialState.RUNNING))
    src.enqueue_trial({"x": 0.5}, user_attrs={"why": "a guess"})
    dst_storage = optuna.storages.InMemoryStorage()
    optuna.copy_study(from_study_name="src", from_storage=src._storage, to_storage=dst_storage)
    dst = optuna.load_study(study_name="src", storage=dst_storage)
    assert [t.state for t in dst.trials] == [TrialState.RUNNING, TrialState.WAITING]
    assert dst.trials[0].params == {"x": 0.5, "n": 3}
    assert dst.trials[1].user_attrs == {"why": "a guess"}
