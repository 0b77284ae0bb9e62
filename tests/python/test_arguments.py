"""Samplers and pruners given wrong arguments raise, when they are made, TypeError (a
wrong type) or ValueError (a value out of range) naming the class and Optuna's argument,
not libknob's refusal of its option when a study is made, nor an AttributeError or a
ctypes error; a sampler or pruner written in Python is refused, saying so."""

import pytest

import knob as optuna
from knob import pruners, samplers

WRONG = [
    (TypeError, "seed", lambda: samplers.RandomSampler(seed="abc")),
    (TypeError, "seed", lambda: samplers.TPESampler(seed=1.5)),
    (TypeError, "seed", lambda: samplers.GPSampler(seed=True)),
    (ValueError, "n_startup_trials", lambda: samplers.TPESampler(n_startup_trials=-1)),
    (TypeError, "n_startup_trials", lambda: samplers.TPESampler(n_startup_trials="ten")),
    (TypeError, "prior_weight", lambda: samplers.TPESampler(prior_weight=[1])),
    (TypeError, "multivariate", lambda: samplers.TPESampler(multivariate="yes")),
    (TypeError, "search_space", lambda: samplers.GridSampler([1, 2, 3])),
    (TypeError, "x0", lambda: samplers.CmaEsSampler(x0=[1, 2])),
    (ValueError, "sigma0", lambda: samplers.CmaEsSampler(sigma0=-1)),
    (ValueError, "restart_strategy", lambda: samplers.CmaEsSampler(restart_strategy="foo")),
    (ValueError, "qmc_type", lambda: samplers.QMCSampler(qmc_type="foo")),
    (ValueError, "population_size", lambda: samplers.NSGAIISampler(population_size=1)),
    (ValueError, "mutation_prob", lambda: samplers.NSGAIISampler(mutation_prob=2)),
    (TypeError, "reference_points", lambda: samplers.NSGAIIISampler(reference_points=[1, 2])),
    (ValueError, "reference_points", lambda: samplers.NSGAIIISampler(reference_points=[[1, 2], [1]])),
    (TypeError, "fixed_params", lambda: samplers.PartialFixedSampler([1], samplers.RandomSampler())),
    (ValueError, "n_startup_trials", lambda: pruners.MedianPruner(n_startup_trials=-1)),
    (TypeError, "n_warmup_steps", lambda: pruners.MedianPruner(n_warmup_steps=1.5)),
    (ValueError, "percentile", lambda: pruners.PercentilePruner(150)),
    (TypeError, "percentile", lambda: pruners.PercentilePruner("a")),
    (TypeError, "lower", lambda: pruners.ThresholdPruner(lower="a")),
    (TypeError, "wrapped_pruner", lambda: pruners.PatientPruner("median", patience=1)),
    (TypeError, "patience", lambda: pruners.PatientPruner(None, patience="a")),
    (ValueError, "reduction_factor", lambda: pruners.SuccessiveHalvingPruner(reduction_factor=1)),
    (ValueError, "min_resource", lambda: pruners.SuccessiveHalvingPruner(min_resource="x")),
    (ValueError, "max_resource", lambda: pruners.HyperbandPruner(max_resource="x")),
    # a misspelt keyword, as Optuna's constructors: it was a ValueError from create_study
    (TypeError, "n_warmup_step", lambda: pruners.MedianPruner(n_warmup_step=3)),
    (TypeError, "min_resourse", lambda: pruners.HyperbandPruner(min_resourse=2)),
    (TypeError, "p_threshold", lambda: pruners.WilcoxonPruner(p_threshold="a")),
    (ValueError, "p_threshold", lambda: pruners.WilcoxonPruner(p_threshold=2)),
    # past libknob's range of the option, or options that do not go together: libknob's
    # message, when made (they were a KnobValueError from create_study)
    (ValueError, "TPESampler: sampler 'tpe': option 'n_ei_candidates' must be in \\[1, 1000000\\]",
     lambda: samplers.TPESampler(n_ei_candidates=2_000_000)),
    (ValueError, "prior_weight", lambda: samplers.TPESampler(prior_weight=float("inf"))),
    (ValueError, "n_startup_trials", lambda: samplers.GPSampler(n_startup_trials=2**40)),
    (ValueError, "option 'beta' \\(4\\) acts only with acquisition=ucb", lambda: samplers.GPSampler(beta=4)),
    (ValueError, "option 'popsize' must be in \\[0, 512\\]", lambda: samplers.CmaEsSampler(popsize=1000)),
    (ValueError, "popsize", lambda: samplers.CmaEsSampler(popsize=1)),
    (ValueError, "option 'sigma0' must be in \\[1e-06, 1\\]", lambda: samplers.CmaEsSampler(sigma0=2.0)),
    (ValueError, "inc_popsize", lambda: samplers.CmaEsSampler(inc_popsize=20)),
    (ValueError, "option 'warm_start_alpha' \\(0.3\\) acts only with 'warm_start_study'",
     lambda: samplers.CmaEsSampler(warm_start_alpha=0.3)),
    (ValueError, "option 'mutation_eta' \\(5\\) acts only with mutation=polynomial",
     lambda: samplers.NSGAIISampler(mutation="random", mutation_eta=5)),
    (ValueError, "population_size", lambda: samplers.NSGAIISampler(population_size=2_000_000)),
    (ValueError, "mutation_scale", lambda: samplers.EvolutionSampler(mutation_scale=11)),
    (ValueError, "patience", lambda: pruners.PatientPruner(None, patience=2**40)),
    (ValueError, "min_delta", lambda: pruners.PatientPruner(None, 3, min_delta=float("inf"))),
    (ValueError, "min_early_stopping_rate", lambda: pruners.SuccessiveHalvingPruner(min_early_stopping_rate=100)),
    (ValueError, "max_resource", lambda: pruners.HyperbandPruner(max_resource=2**60)),
    (ValueError, "max_resource \\(5\\) must be >= min_resource \\(10\\)",
     lambda: pruners.HyperbandPruner(min_resource=10, max_resource=5)),
    # a misspelt keyword, as Optuna's constructors (samplers too)
    (TypeError, "TPESampler.__init__\\(\\) got an unexpected keyword argument: .*'n_startup_trial'",
     lambda: samplers.TPESampler(n_startup_trial=5)),
    (TypeError, "n_tree", lambda: samplers.SMACSampler(n_tree=5)),
    (TypeError, "popsize", lambda: samplers.KnobSampler("tpe", popsize=3)),
]


@pytest.mark.parametrize("error,arg,make", WRONG)
def test_wrong_argument_is_named_when_made(error, arg, make):
    with pytest.raises(error, match=arg) as e:
        make()
    assert not isinstance(e.value, optuna.exceptions.KnobError)  # Python's check, not libknob's


def test_option_not_json_is_named_when_made():
    """An option whose value JSON cannot hold (OptunaHub's SMACSampler takes a search space
    of distributions) is a TypeError naming the class and the option, when the sampler or
    pruner is made; it was json.dumps's, naming neither, at create_study."""
    from knob.distributions import FloatDistribution

    cases = [
        ("SMACSampler: option 'search_space': a FloatDistribution is not a JSON value",
         lambda: samplers.SMACSampler(search_space={"x": FloatDistribution(-10, 10)})),
        ("TPESampler: option 'bar': a FloatDistribution is not a JSON value",
         lambda: samplers.TPESampler(bar={"a": FloatDistribution(0, 1)})),
        ("RandomSampler: option 'bar': a FloatDistribution is not a JSON value",
         lambda: samplers.RandomSampler(bar=FloatDistribution(0, 1))),
        ("TPESampler: option 'bar': keys must be str", lambda: samplers.TPESampler(bar={(1, 2): 3})),
        ("MedianPruner: option 'foo': an object is not a JSON value", lambda: pruners.MedianPruner(foo=[object()])),
    ]
    for text, make in cases:
        with pytest.raises(TypeError) as e:
            make()
        assert str(e.value).startswith(text), str(e.value)


def test_right_arguments_of_other_types_are_taken():
    np = pytest.importorskip("numpy")
    s = samplers.TPESampler(n_startup_trials=np.int64(3), seed=np.int64(7), prior_weight=1)
    assert s._options == {"n_startup_trials": 3, "seed": 7, "prior_weight": 1.0}
    assert pruners.PercentilePruner(25, n_startup_trials=np.int32(2))._options["percentile"] == 25.0
    optuna.create_study(sampler=s, pruner=pruners.HyperbandPruner(min_resource=1, max_resource=np.int64(9)))


def test_optuna5_defaults_given_outright_are_taken():
    # Optuna 5's signatures default TPESampler's deprecated arguments to None and
    # CmaEsSampler's inc_popsize to -1: a script that spells them out (or forwards its own
    # None) runs. knob raised TypeError ("must be a bool, got None") and ValueError (">= 1").
    tpe = samplers.TPESampler(
        consider_prior=None, prior_weight=None, consider_magic_clip=None, consider_endpoints=None,
        n_startup_trials=10, n_ei_candidates=24, gamma=None, weights=None, seed=None, multivariate=None,
        group=False, warn_independent_sampling=None, constant_liar=True, constraints_func=None,
    )
    assert tpe._options == samplers.TPESampler(n_startup_trials=10, n_ei_candidates=24, group=False, constant_liar=True)._options
    cma = samplers.CmaEsSampler(restart_strategy=None, inc_popsize=-1, popsize=None)
    assert "inc_popsize" not in cma._options
    for s in (tpe, cma):
        study = optuna.create_study(sampler=s)
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
        assert len(study.trials) == 2
    with pytest.raises(ValueError, match="inc_popsize"):
        samplers.CmaEsSampler(inc_popsize=-2)


def test_tpe_group_implies_multivariate_as_optuna5():
    # Optuna 5: group=True needs the multivariate TPE and implies it when multivariate is
    # left out (or None, Optuna 5's default); multivariate=False with it is refused when the
    # sampler is made. knob passed group alone to libknob, which refused the study.
    for s in (samplers.TPESampler(group=True), samplers.TPESampler(group=True, multivariate=None)):
        assert s._options["multivariate"] is True and s._options["group"] is True
        study = optuna.create_study(sampler=s)
        study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_int("n", 0, 3), n_trials=3)
        assert len(study.trials) == 3
    with pytest.raises(ValueError, match="``group`` option can only be enabled when ``multivariate`` is enabled"):
        samplers.TPESampler(group=True, multivariate=False)
    assert "multivariate" not in samplers.TPESampler(multivariate=None)._options  # knob's default


def test_sampler_and_pruner_must_be_knobs():
    with pytest.raises(TypeError, match="sampler.*'tpe'"):
        optuna.create_study(sampler="tpe")
    with pytest.raises(TypeError, match="instance.*TPESampler"):
        optuna.create_study(sampler=samplers.TPESampler)
    with pytest.raises(TypeError, match="pruner.*'median'"):
        optuna.create_study(pruner="median")
    study = optuna.create_study()
    with pytest.raises(TypeError, match="sampler"):
        study.sampler = "random"


def test_written_in_python_is_refused():
    class MySampler(samplers.BaseSampler):
        def infer_relative_search_space(self, study, trial):
            return {}

    class MyPruner(pruners.BasePruner):
        def prune(self, study, trial):
            return False

    with pytest.raises(NotImplementedError, match="MySampler: samplers written in Python"):
        optuna.create_study(sampler=MySampler())
    with pytest.raises(NotImplementedError, match="MyPruner: pruners written in Python"):
        optuna.create_study(pruner=MyPruner())
    with pytest.raises(NotImplementedError, match="written in Python"):
        pruners.PatientPruner(MyPruner(), patience=1)
    with pytest.raises(NotImplementedError, match="patient"):
        pruners.PatientPruner(pruners.PatientPruner(None, patience=1), patience=1)


def test_unknown_name_is_create_studys():
    """A sampler or pruner name libknob does not know (a plugin loaded later) is refused
    when a study is made with it, not when the object is made."""
    s = samplers.KnobSampler("no_such_sampler", seed=1)
    p = pruners.KnobPruner("no_such_pruner")
    with pytest.raises(ValueError, match="unknown sampler 'no_such_sampler'"):
        optuna.create_study(sampler=s)
    with pytest.raises(ValueError, match="unknown pruner 'no_such_pruner'"):
        optuna.create_study(pruner=p)

