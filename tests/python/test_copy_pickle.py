"""Distributions, trials and their copies after libknob has used a distribution (its C
form is cached on it): copy.deepcopy and pickle work as on Optuna's (they raised
"ctypes objects containing pointers cannot be pickled")."""

import copy
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
