"""Distributions, trials and their copies after libknob has used a distribution (its C
form is cached on it): copy.deepcopy and pickle work as on Optuna's (they raised
"ctypes objects containing pointers cannot be pickled")."""

import copy
import logging
import pickle

import knob as optuna
from knob.distributions import CategoricalDistribution, FloatDistribution, IntDistribution


def test_distributions_copy_after_use():
    study = optuna.create_study()
    dists = {"c": CategoricalDistribution(["a", "b"]), "x": FloatDistribution(0, 1), "n": IntDistribution(0, 3)}
    frozen = optuna.trial.create_trial(params={"c": "a", "x": 0.5, "n": 1}, distributions=dists, value=1.0)
    study.add_trial(frozen)  # libknob has read each distribution
    t = study.ask(dists)
    study.tell(t, 2.0)
    for d in list(dists.values()) + list(t.distributions.values()):
        assert copy.deepcopy(d) == d and pickle.loads(pickle.dumps(d)) == d
    assert copy.deepcopy(frozen) == frozen
    assert pickle.loads(pickle.dumps(frozen)).params == frozen.params


def test_trials_of_a_study_after_adding_them_elsewhere():
    # add_trials of get_trials(deepcopy=False) used the study's own cached distributions
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + len(t.suggest_categorical("c", ["a", "bb"])), n_trials=3)
    other = optuna.create_study()
    other.add_trials(study.get_trials(deepcopy=False))
    assert [t.params for t in study.trials] == [t.params for t in other.trials]
    assert len(pickle.loads(pickle.dumps(study.trials))) == 3


def test_a_study_pickles_as_optunas(tmp_db):
    # in memory: the copy is a new study with the same trials, on a storage of its own;
    # in a database: the same study (knob raised "cannot pickle '_thread.RLock' object")
    for storage in (None, tmp_db):
        study = optuna.create_study(storage=storage, study_name="p", direction="maximize")
        study.set_user_attr("u", [1, 2])
        study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_categorical("c", [1.0, 2.5]), n_trials=3)
        study.enqueue_trial({"x": 0.5}, user_attrs={"why": "guess"})
        copy_ = pickle.loads(pickle.dumps(study))
        assert copy_.study_name == "p" and copy_.direction == study.direction
        assert copy_.user_attrs == {"u": [1, 2]}
        assert [(t.state, t.params, t.values, t.user_attrs) for t in copy_.trials] == [
            (t.state, t.params, t.values, t.user_attrs) for t in study.trials
        ]
        assert all(type(t.params["c"]) is float for t in copy_.trials[:3])
        copy_.optimize(lambda t: t.suggest_float("x", 0, 1) + 1, n_trials=2)
        assert copy_.trials[3].params == {"x": 0.5} and copy_.trials[3].user_attrs == {"why": "guess"}
        assert len(copy_.trials) == 5
        assert len(study.trials) == (4 if storage is None else 5)


def test_unpickling_a_study_in_memory_logs_nothing(caplog):
    # as Optuna's: loading a saved study announces no new study (it logged "A new study
    # created in memory with name: s", as if its trials were lost)
    optuna.logging.set_verbosity(optuna.logging.INFO)
    optuna.logging.enable_propagation()
    try:
        study = optuna.create_study(study_name="s")
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
        saved = pickle.dumps(study)
        with caplog.at_level(logging.DEBUG, logger="knob"):
            caplog.clear()  # the study's creation and its trials
            again = pickle.loads(saved)
    finally:
        optuna.logging.disable_propagation()
        optuna.logging.set_verbosity(optuna.logging.WARNING)
    assert [r.getMessage() for r in caplog.records] == []
    assert again.study_name == "s" and len(again.trials) == 2


def test_a_choice_equal_to_another_keeps_its_type(tmp_db):
    """Of a categorical's choices equal in Python (1 == True, 0 == False), a trial's choice
    stays the one it is: add_trials, copy_study and a pickled study in memory turned the
    1 of choices [True, 1] into True (the choice's index was found by ==), while the study
    itself read 1."""
    choices = [True, 1, False, 0]
    src = optuna.create_study(study_name="bools", sampler=optuna.samplers.RandomSampler(seed=0))
    for c in (1, True, 0, False):
        src.enqueue_trial({"c": c})
    src.optimize(lambda t: float(choices.index(t.suggest_categorical("c", choices))), n_trials=4)
    want = [(1, int), (True, bool), (0, int), (False, bool)]
    typed = lambda study: [(t.params["c"], type(t.params["c"])) for t in study.trials]  # noqa: E731
    assert typed(src) == want
    added = optuna.create_study()
    added.add_trials(src.trials)
    assert typed(added) == want
    optuna.copy_study(from_study_name="bools", from_storage=src._storage, to_storage=tmp_db, to_study_name="copied")
    assert typed(optuna.load_study(study_name="copied", storage=tmp_db)) == want
    assert typed(pickle.loads(pickle.dumps(src))) == want
    dist = CategoricalDistribution(choices)
    assert [dist.to_internal_repr(c) for c in (1, True, 0, False, 1.0)] == [1, 0, 3, 2, 1]
    # a bool of choices without one: the number == takes it for, as Optuna's
    assert CategoricalDistribution([1.0, 2.0, "x"]).to_internal_repr(True) == 0
    assert CategoricalDistribution([True, False]).to_internal_repr(0) == 1
