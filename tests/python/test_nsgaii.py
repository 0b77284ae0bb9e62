"""knob.samplers.nsgaii, as Optuna's optuna.samplers.nsgaii: a module of its own holding
the crossovers, BaseCrossover, BaseMutation and PolynomialMutation, each mapped to the
nsga2 sampler's options; what knob's operators cannot do is refused, naming it."""

import importlib

import pytest

import knob as optuna
from knob import pruners, samplers

OPTUNAS = [  # optuna.samplers.nsgaii.__all__ (Optuna 5)
    "BaseCrossover",
    "BaseMutation",
    "BLXAlphaCrossover",
    "PolynomialMutation",
    "SBXCrossover",
    "SPXCrossover",
    "UNDXCrossover",
    "UniformCrossover",
    "VSBXCrossover",
]


def test_a_module_with_optunas_names():
    nsgaii = importlib.import_module("knob.samplers.nsgaii")
    from knob.samplers.nsgaii import PolynomialMutation, SBXCrossover  # noqa: F401

    assert samplers.nsgaii is nsgaii
    assert sorted(nsgaii.__all__) == sorted(OPTUNAS)
    for name in OPTUNAS:
        assert hasattr(nsgaii, name), name
    for cls in (nsgaii.UniformCrossover, nsgaii.BLXAlphaCrossover, nsgaii.SBXCrossover, nsgaii.VSBXCrossover):
        assert issubclass(cls, nsgaii.BaseCrossover) and cls().n_parents == 2
    assert nsgaii.UNDXCrossover().n_parents == 3 and nsgaii.SPXCrossover().n_parents == 3
    assert issubclass(nsgaii.PolynomialMutation, nsgaii.BaseMutation)
    # the bases in their modules, as Optuna's
    assert issubclass(samplers.NSGAIISampler, samplers.BaseSampler)
    assert issubclass(pruners.MedianPruner, pruners.BasePruner)


def test_operators_map_to_nsga2_options():
    nsgaii = samplers.nsgaii
    s = samplers.NSGAIISampler(crossover=nsgaii.UniformCrossover(swapping_prob=0.3), mutation=nsgaii.PolynomialMutation(eta=10))
    assert s._options == {"crossover": "uniform", "swapping_prob": 0.3, "mutation": "polynomial", "mutation_eta": 10.0}
    s = samplers.NSGAIISampler(crossover=nsgaii.BLXAlphaCrossover(alpha=0.5), swapping_prob=0.2)
    assert s._options == {"crossover": "blxalpha", "swapping_prob": 0.2}
    s = samplers.NSGAIIISampler(crossover=nsgaii.SPXCrossover(), mutation=nsgaii.PolynomialMutation(), population_size=6)
    assert s._options["crossover"] == "spx" and s._options["mutation_eta"] == 20.0
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=samplers.NSGAIISampler(
        population_size=4, crossover=nsgaii.VSBXCrossover(), mutation=nsgaii.PolynomialMutation(eta=5), seed=0))
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), (1 - t.suggest_float("x", 0, 1)) ** 2), n_trials=12)
    assert len(study.best_trials) >= 1


def test_what_knob_cannot_do_is_refused():
    nsgaii = samplers.nsgaii
    with pytest.raises(NotImplementedError, match="alpha"):
        nsgaii.BLXAlphaCrossover(alpha=0.3)
    with pytest.raises(NotImplementedError, match="eta"):
        nsgaii.SBXCrossover(eta=15)
    with pytest.raises(NotImplementedError, match="use_child_gene_prob"):
        nsgaii.VSBXCrossover(use_child_gene_prob=0.9)
    with pytest.raises(NotImplementedError, match="sigma_xi"):
        nsgaii.UNDXCrossover(sigma_xi=0.1)
    with pytest.raises(NotImplementedError, match="epsilon"):
        nsgaii.SPXCrossover(epsilon=1.0)
    with pytest.raises(NotImplementedError, match="swapping_prob"):
        samplers.NSGAIISampler(crossover=nsgaii.UniformCrossover(0.3), swapping_prob=0.4)

    class MyCrossover(nsgaii.BaseCrossover):
        n_parents = 2

        def crossover(self, parents_params, rng, study, search_space_bounds):
            return parents_params[0]

    class MyMutation(nsgaii.BaseMutation):
        def mutation(self, param, rng, study, search_space_bounds):
            return param

    with pytest.raises(NotImplementedError, match="written in Python"):
        samplers.NSGAIISampler(crossover=MyCrossover())
    with pytest.raises(NotImplementedError, match="written in Python"):
        samplers.NSGAIISampler(mutation=MyMutation())
    # Optuna's own checks
    with pytest.raises(ValueError, match="population size"):
        samplers.NSGAIISampler(crossover=nsgaii.UNDXCrossover(), population_size=2)
    with pytest.raises(ValueError, match="eta"):
        nsgaii.PolynomialMutation(eta=-1)
    with pytest.raises(ValueError, match="swapping_prob"):
        nsgaii.UniformCrossover(swapping_prob=1.5)
    with pytest.raises(ValueError, match="not a valid crossover"):
        samplers.NSGAIISampler(crossover=3)
    with pytest.raises(TypeError, match="instance"):
        samplers.NSGAIISampler(crossover=nsgaii.SBXCrossover)
