"""Every sampler and pruner knob has, through Optuna's classes and argument names: each
runs a study, seeds reproduce, Optuna's arguments map to knob's options, and those knob
lacks are refused when they would change the search."""

import json
import warnings
import re
import subprocess

import pytest

import knob as optuna
from knob import pruners, samplers
from knob.trial import TrialState


def objective(trial):
    x = trial.suggest_float("x", -5, 5)
    n = trial.suggest_int("n", 1, 8)
    c = trial.suggest_categorical("c", ["a", "b"])
    return (x - 1) ** 2 + n + (c == "b")


SAMPLERS = [
    lambda: samplers.RandomSampler(seed=1),
    lambda: samplers.TPESampler(seed=1, n_startup_trials=5),
    lambda: samplers.TPESampler(seed=1, n_startup_trials=5, multivariate=True, group=True, constant_liar=True),
    lambda: samplers.TPESampler(seed=1, gamma=samplers.hyperopt_default_gamma, weights=samplers.default_weights),
    lambda: samplers.TPESampler(**samplers.TPESampler.hyperopt_parameters(), seed=1),
    lambda: samplers.GPSampler(seed=1, n_startup_trials=4, deterministic_objective=True),
    lambda: samplers.CmaEsSampler(seed=1, x0={"x": 0.0, "n": 4}, sigma0=0.2, restart_strategy="ipop", with_margin=True),
    lambda: samplers.CmaEsSampler(seed=1, use_separable_cma=True, restart_strategy=None, popsize=6),
    # Optuna's n_startup_trials=0 (a KnobValueError at create_study before)
    lambda: samplers.CmaEsSampler(seed=1, x0={"x": 0.0, "n": 4}, n_startup_trials=0),
    lambda: samplers.GPSampler(seed=1, n_startup_trials=0),
    lambda: samplers.QMCSampler(seed=1, qmc_type="halton", scramble=True),
    lambda: samplers.QMCSampler(seed=1),
    lambda: samplers.EvolutionSampler(seed=1, population_size=4, sample_size=2),
    lambda: samplers.SMACSampler(seed=1, n_startup_trials=4, n_candidates=200),
    lambda: samplers.NSGAIISampler(seed=1, population_size=4, crossover=samplers.nsgaii.SBXCrossover()),
    lambda: samplers.KnobSampler("tpe", seed=1, startup="sobol"),
    lambda: samplers.AutoSampler(seed=1, gp_trials=10),
]


@pytest.mark.parametrize("make", SAMPLERS)
def test_sampler_runs_and_reproduces(make):
    runs = []
    for _ in range(2):
        study = optuna.create_study(sampler=make())
        study.optimize(objective, n_trials=14)
        assert all(t.state == TrialState.COMPLETE for t in study.trials)
        runs.append([t.params for t in study.trials])
    assert runs[0] == runs[1]


def test_samplers_search():
    """Model-based samplers beat random search on a smooth bowl (same seeds, same budget)."""

    def bowl(trial):
        return sum((trial.suggest_float(k, -5, 5) - 1) ** 2 for k in "xy")

    def best(sampler):
        s = optuna.create_study(sampler=sampler)
        s.optimize(bowl, n_trials=40)
        return s.best_value

    rnd = best(samplers.RandomSampler(seed=0))
    assert best(samplers.TPESampler(seed=0)) < rnd
    assert best(samplers.GPSampler(seed=0)) < rnd


def test_grid_sampler():
    study = optuna.create_study(sampler=samplers.GridSampler({"x": [-1, 0, 1], "n": [1, 8], "c": ["a"]}, seed=0))
    study.optimize(objective, n_trials=100)
    assert len(study.trials) == 6
    with pytest.raises(ValueError):
        samplers.GridSampler({"x": 3})


def test_grid_sampler_values_are_checked_by_param():
    # each value is checked before libknob reads the grid: a NaN or an infinity was
    # libknob's JSON error ("unexpected character at byte 7", no param named), a list was
    # named by its index alone ("value 1 is not a string ..."), bytes were json.dumps's
    # error, and a param named 1 became "1" (with a param "1" beside it, one param)
    np = pytest.importorskip("numpy")
    for bad in (float("nan"), float("inf"), -float("inf"), np.float32("nan")):
        with pytest.raises(ValueError, match=r"GridSampler: param 's' contains -?(nan|inf) at index 1\b"):
            samplers.GridSampler({"s": [0.5, bad]})
    with pytest.raises(TypeError, match=re.escape("param 's' contains [1, 2] (list) at index 1")):
        samplers.GridSampler({"s": [0.1, [1, 2]]})
    for bad in (b"x", {"a": 1}, 1j):
        with pytest.raises(TypeError, match="param 's' contains .* at index 0: a grid's values must be None, bool"):
            samplers.GridSampler({"s": [bad]})
    with pytest.raises(TypeError, match="param names must be strings, got 1"):
        samplers.GridSampler({1: [1], "1": [2]})
    with pytest.raises(ValueError, match="param 's' has no values"):
        samplers.GridSampler({"s": []})
    # what Optuna's takes runs: None, bools, ints (past 2**53 too), finite floats, strings,
    # NumPy's scalars, from any iterable
    space = {"s": (None, True, 2**60, 0.5, "a", np.float32(1.5), np.int64(3), np.bool_(False)), "g": (i for i in [7])}
    grid = samplers.GridSampler(space, seed=0)
    study = optuna.create_study(sampler=grid)
    assert grid.is_exhausted(study) is False  # the generator's values read once
    study.optimize(lambda t: t.suggest_int("g", 0, 9) + len(str(t.suggest_categorical("s", space["s"]))), n_trials=20)
    assert sorted(map(repr, (t.params["s"] for t in study.trials))) == sorted(map(repr, [None, True, 2**60, 0.5, "a", 1.5, 3, False]))
    assert {t.params["g"] for t in study.trials} == {7}
    assert grid.is_exhausted(study) is True


def test_grid_sampler_is_exhausted(tmp_db):
    # Optuna 5's GridSampler.is_exhausted(study): True once every point has a finished
    # trial (a running one does not count); knob's GridSampler had no such method
    space = {"x": [0.0, 0.5, 1.0], "c": ["a", "b"]}

    def objective(trial):
        return trial.suggest_float("x", 0, 1) + len(trial.suggest_categorical("c", ["a", "b"]))

    grid = samplers.GridSampler(space, seed=1)
    study = optuna.create_study(sampler=grid, storage=tmp_db, study_name="g")
    assert grid.is_exhausted(study) is False
    study.optimize(objective, n_trials=5)
    assert grid.is_exhausted(study) is False
    t = study.ask()
    objective(t)
    assert grid.is_exhausted(study) is False  # the last point is running
    study.tell(t, state=TrialState.FAIL)
    assert grid.is_exhausted(study) is True  # failed is finished, as Optuna counts it
    other = optuna.load_study(study_name="g", storage=tmp_db, sampler=samplers.GridSampler(space))
    assert other.sampler.is_exhausted(other) is True
    assert grid.is_exhausted(optuna.create_study(sampler=grid)) is False


def test_grid_sampler_is_exhausted_with_an_enqueued_trial_off_the_grid():
    # an enqueued baseline off the grid runs no point of it: is_exhausted counted the point
    # whose values its other params took, and said True with a point never run
    grid = samplers.GridSampler({"x": [1, 2], "y": [5]}, seed=0)
    study = optuna.create_study(sampler=grid)

    def objective(trial):
        return trial.suggest_int("x", 0, 10) + trial.suggest_int("y", 0, 10)

    study.optimize(objective, n_trials=1)
    study.enqueue_trial({"x": 9})
    study.optimize(objective, n_trials=1)
    assert [t.params["x"] for t in study.trials][1] == 9
    assert grid.is_exhausted(study) is False
    study.optimize(objective, n_trials=10)
    assert sorted(t.params["x"] for t in study.trials) == [1, 2, 9]
    assert grid.is_exhausted(study) is True


def test_unsupported_arguments():
    with pytest.raises(NotImplementedError, match="consider_prior"):
        samplers.TPESampler(consider_prior=False)
    with pytest.raises(NotImplementedError, match="gamma"):
        samplers.TPESampler(gamma=lambda n: 3)
    with pytest.raises(NotImplementedError, match="independent_sampler"):
        samplers.CmaEsSampler(independent_sampler=samplers.RandomSampler())
    with pytest.raises(NotImplementedError, match="lr_adapt"):
        samplers.CmaEsSampler(lr_adapt=True)
    with pytest.raises(NotImplementedError):
        samplers.GPSampler(independent_sampler=samplers.RandomSampler())
    # Arguments that change nothing are accepted.
    samplers.TPESampler(warn_independent_sampling=False)
    samplers.QMCSampler(warn_asynchronous_seeding=False)


def test_option_mapping():
    assert samplers.TPESampler(gamma=samplers.default_gamma)._options["gamma_strategy"] == "linear"
    assert samplers.CmaEsSampler(use_separable_cma=True, with_margin=False)._options == {"separable": True, "use_margin": False}
    assert samplers.CmaEsSampler(restart_strategy=None)._options == {"restart_strategy": "none"}
    p = pruners.PatientPruner(pruners.MedianPruner(n_startup_trials=2), patience=3)
    assert p._options["wrapped"] == "median"
    assert "n_startup_trials=2" in p._options["wrapped_options"]


def test_patient_wrapped_objective():
    # the wrapped pruner judges patient's objective: another one given to it is refused,
    # naming both, when the pruner is made (libknob refuses it whatever the study)
    with pytest.raises(ValueError, match="its objective is 0 and wrapped_options gives the wrapped pruner 'median' objective=1"):
        pruners.PatientPruner(pruners.MedianPruner(objective=1), patience=1)
    p = pruners.PatientPruner(pruners.MedianPruner(objective=1), patience=1, objective=1)
    optuna.create_study(directions=["minimize", "maximize"], pruner=p)


def test_pruner_objective_past_the_study_refused_when_made():
    # it was taken, and the first should_prune failed the trial and stopped optimize
    says = "pruner 'median' has option objective=5, but the study has 2 objective(s)"
    with pytest.raises(ValueError, match=re.escape(says)):
        optuna.create_study(study_name="po", directions=["minimize"] * 2, pruner=pruners.MedianPruner(objective=5))
    storage = optuna.storages.InMemoryStorage()
    assert storage.get_all_study_names() == []
    study = optuna.create_study(study_name="po", storage=storage, directions=["minimize"] * 2)
    with pytest.raises(ValueError, match=re.escape(says)):
        optuna.load_study(study_name="po", storage=storage, pruner=pruners.MedianPruner(objective=5))
    with pytest.raises(ValueError, match=re.escape(says)):
        study.pruner = pruners.MedianPruner(objective=5)
    assert isinstance(study.pruner, pruners.MedianPruner) and study.pruner._options.get("objective", 0) == 0
    study.pruner = pruners.MedianPruner(objective=1)
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=2)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 2


def test_cmaes_misspelt_x0_refused_without_a_trial():
    # the first ask that starts cmaes's run refuses it; it left a failed trial at each ask
    with pytest.warns(FutureWarning):
        sampler = samplers.CmaEsSampler(x0={"nope": 1.0}, seed=1, n_startup_trials=1)
    study = optuna.create_study(sampler=sampler)
    f = lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1)
    says = "option 'x0': no trial of this study has a param 'nope', and x0 gives no value of 'x'"
    with pytest.raises(ValueError, match=re.escape(says)):
        study.optimize(f, n_trials=3)
    with pytest.raises(ValueError, match=re.escape(says)):
        study.ask()
    assert [t.state for t in study.trials] == [TrialState.COMPLETE]


PRUNERS = [
    lambda: pruners.NopPruner(),
    lambda: pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=1, interval_steps=1, n_min_trials=1),
    lambda: pruners.PercentilePruner(25.0, n_startup_trials=2),
    lambda: pruners.ThresholdPruner(upper=3.0),
    lambda: pruners.PatientPruner(pruners.MedianPruner(n_startup_trials=2), patience=1),
    lambda: pruners.PatientPruner(None, patience=2),
    lambda: pruners.SuccessiveHalvingPruner(),
    lambda: pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=2),
    lambda: pruners.HyperbandPruner(min_resource=1, max_resource=9),
    lambda: pruners.WilcoxonPruner(p_threshold=0.2),
    lambda: pruners.CurvePruner(n_startup_trials=2),
    lambda: pruners.KnobPruner("median", n_startup_trials=1),
]


@pytest.mark.parametrize("make", PRUNERS)
def test_pruner_runs(make):
    study = optuna.create_study(sampler=samplers.RandomSampler(seed=2), pruner=make())

    def learning(trial):
        x = trial.suggest_float("x", 0, 4)
        for step in range(9):
            value = x + (1.0 / (step + 1) if step <= 3 else 0.1 * step)  # worse after step 3
            trial.report(value, step)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return value

    study.optimize(learning, n_trials=30)
    states = [t.state for t in study.trials]
    assert set(states) <= {TrialState.COMPLETE, TrialState.PRUNED}
    if not isinstance(study.pruner, pruners.NopPruner):
        assert TrialState.PRUNED in states
    else:
        assert TrialState.PRUNED not in states


def test_default_sampler_is_auto():
    """knob's default for one objective is AutoSampler (libknob's auto: gp, every third trial
    smac's, then TPE); for several, NSGA-II as Optuna's."""
    assert isinstance(optuna.create_study().sampler, samplers.AutoSampler)
    assert isinstance(optuna.create_study(directions=["minimize", "maximize"]).sampler, samplers.NSGAIISampler)
    s = optuna.create_study(sampler=samplers.AutoSampler(seed=3, smac_every=0))
    s.optimize(objective, n_trials=14)
    g = optuna.create_study(sampler=samplers.GPSampler(seed=3))
    g.optimize(objective, n_trials=14)
    assert [t.params for t in s.trials] == [t.params for t in g.trials]
    d = optuna.create_study(sampler=samplers.AutoSampler(seed=3))
    d.optimize(objective, n_trials=14)
    same = [a.params == b.params for a, b in zip(d.trials, g.trials)]
    assert same[:2] == [True, True] and not same[2]  # trial 2 is smac's


def test_every_knob_sampler_and_pruner_has_a_class(knob_cli):
    """Every sampler and pruner `knob samplers` lists has its Python class."""
    text = subprocess.run([knob_cli, "samplers"], capture_output=True, text=True, check=True).stdout
    sampler_part, pruner_part = text.split("\npruners")
    names = lambda part: set(re.findall(r"^  ([a-z_0-9]+)$", part, re.M))
    have_s = {c._knob_name for c in vars(samplers).values() if isinstance(c, type) and issubclass(c, samplers.BaseSampler)}
    have_p = {c._knob_name for c in vars(pruners).values() if isinstance(c, type) and issubclass(c, pruners.BasePruner)}
    assert names(sampler_part) - have_s == set()
    assert names(pruner_part) - have_p == set()


def test_constraints_func():
    """Optuna's constraints_func: the values are stored with each trial (system attribute
    "constraints", as Optuna's), the best trials are feasible ones, and TPE (constrained
    since knob's tpe reads the constraints) warns of nothing but Optuna 5's deprecation
    of the argument."""
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        sampler = samplers.TPESampler(seed=1, constraints_func=lambda t: [t.params["x"] - 0.5])
    assert [(w.category, str(w.message).split(" has been")[0]) for w in got] == [(FutureWarning, "`constraints_func`")]
    study = optuna.create_study(sampler=sampler)
    study.optimize(lambda t: -t.suggest_float("x", 0, 1), n_trials=20)
    for t in study.trials:
        assert t.system_attrs["constraints"] == (pytest.approx(t.params["x"] - 0.5),)
    feasible = [t for t in study.trials if t.params["x"] <= 0.5]
    assert feasible and study.best_trial.number == min(feasible, key=lambda t: t.value).number

    broken = samplers.GPSampler(seed=1, constraints_func=lambda t: 1 / 0)
    study = optuna.create_study(sampler=broken)
    with pytest.raises(ZeroDivisionError):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    assert [t.state for t in study.trials] == [TrialState.FAIL]
    assert "constraints_func" in study.trials[0].system_attrs["fail_reason"]


def test_evolution_sampler_options():
    s = samplers.EvolutionSampler(population_size=4, sample_size=2, seed=3)
    assert s._options == {"population_size": 4, "sample_size": 2, "seed": 3}
    study = optuna.create_study(sampler=s)
    study.optimize(objective, n_trials=12)
    assert len({tuple(sorted(t.params.items())) for t in study.trials}) > 4


def test_evolution_zero_scale_and_sample_size():
    """mutation_scale=0 (a mutated number drawn anew) and sample_size=0 (5, or the
    population when smaller) are the library's values, as KnobSampler takes them; the class
    refused both."""
    s = samplers.EvolutionSampler(mutation_scale=0.0, sample_size=0, seed=5)
    assert s._options == {"mutation_scale": 0.0, "sample_size": 0, "seed": 5}

    def params(sampler):
        study = optuna.create_study(sampler=sampler)
        study.optimize(objective, n_trials=30)
        return [t.params for t in study.trials]

    assert params(s) == params(samplers.KnobSampler("evolution", mutation_scale=0.0, sample_size=0, seed=5))


def test_evolution_small_population_needs_no_sample_size():
    """sample_size left out follows a population smaller than its default (5): the whole
    population, as given outright; population_size=3 alone was refused at create_study."""

    def params(**options):
        study = optuna.create_study(sampler=samplers.EvolutionSampler(seed=4, **options))
        study.optimize(objective, n_trials=10)
        return [t.params for t in study.trials]

    assert params(population_size=3) == params(population_size=3, sample_size=3)
    assert params(population_size=8) == params(population_size=8, sample_size=5)
    with pytest.raises(ValueError, match=r"sample_size \(4\) must be at most population_size \(3\)"):
        optuna.create_study(sampler=samplers.EvolutionSampler(population_size=3, sample_size=4))


def test_nsga2_sampler():
    """NSGAIISampler maps Optuna's arguments to the nsga2 sampler's options; a library
    without nsga2 refuses it by name, and studies of several objectives then default to TPE."""
    s = samplers.NSGAIISampler(population_size=8, crossover_prob=0.8, seed=2)
    assert s._options == {"population_size": 8, "crossover_prob": 0.8, "seed": 2}
    with pytest.raises(NotImplementedError, match="after_trial_strategy"):
        samplers.NSGAIISampler(after_trial_strategy=lambda *a: None)
    assert samplers.NSGAIISampler(crossover=samplers.nsgaii.UNDXCrossover())._options == {"crossover": "undx"}
    with pytest.raises(NotImplementedError):
        samplers.nsgaii.BLXAlphaCrossover(alpha=0.3)
    default = optuna.create_study(directions=["minimize", "maximize"]).sampler
    if samplers._has_sampler("nsga2"):
        assert isinstance(default, samplers.NSGAIISampler)
        study = optuna.create_study(directions=["minimize", "minimize"], sampler=s)
        study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1 - t.suggest_float("x", 0, 1)), n_trials=20)
        assert len(study.best_trials) > 1
    else:
        assert isinstance(default, samplers.TPESampler)
        with pytest.raises(ValueError, match="nsga2"):
            optuna.create_study(directions=["minimize", "minimize"], sampler=s)


def test_nsga3_sampler():
    """NSGAIIISampler maps Optuna's arguments (reference_points as an array) to the nsga3
    sampler, searches three objectives, and a reference point of the wrong size is refused."""
    import math

    points = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1 / 3, 1 / 3, 1 / 3]]
    s = samplers.NSGAIIISampler(population_size=8, seed=3, reference_points=points)
    assert s._knob_name == "nsga3"
    assert s._options["population_size"] == 8 and s._options["seed"] == 3
    assert json.loads(s._options["reference_points"]) == points
    assert samplers.NSGAIIISampler(dividing_parameter=4)._options == {"dividing_parameter": 4}
    with pytest.raises(NotImplementedError, match="child_generation_strategy"):
        samplers.NSGAIIISampler(child_generation_strategy=lambda *a: None)

    def dtlz2(t):  # three objectives on the unit sphere's positive octant
        x = [t.suggest_float("x%d" % i, 0, 1) for i in range(5)]
        g = sum((v - 0.5) ** 2 for v in x[2:])
        a, b = x[0] * math.pi / 2, x[1] * math.pi / 2
        return ((1 + g) * math.cos(a) * math.cos(b), (1 + g) * math.cos(a) * math.sin(b), (1 + g) * math.sin(a))

    study = optuna.create_study(directions=["minimize"] * 3, sampler=s)
    study.optimize(dtlz2, n_trials=40)
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert len(study.best_trials) > 1
    bad = optuna.create_study(directions=["minimize"] * 2, sampler=samplers.NSGAIIISampler(reference_points=points))
    with pytest.raises(Exception, match="reference"):
        bad.optimize(lambda t: (t.suggest_float("x", 0, 1), 1 - t.suggest_float("x", 0, 1)), n_trials=1)


def test_partial_fixed_sampler(tmp_db):
    # Optuna's example: optimize, then fix y at its best and go on with the same base
    # sampler by assigning study.sampler (an AttributeError before, and the assignment
    # was ignored)
    def obj(trial):
        x = trial.suggest_float("x", -1, 1)
        y = trial.suggest_int("y", -1, 1)
        return x**2 + y

    study = optuna.create_study(storage=tmp_db, study_name="pf", sampler=samplers.TPESampler(seed=3, n_startup_trials=3))
    study.optimize(obj, n_trials=6)
    fixed = {"y": study.best_params["y"]}
    study.sampler = samplers.PartialFixedSampler(fixed, study.sampler)
    assert isinstance(study.sampler, samplers.PartialFixedSampler)
    study.optimize(obj, n_trials=6)
    later = study.trials[6:]
    assert [t.params["y"] for t in later] == [fixed["y"]] * 6
    assert len({t.params["x"] for t in later}) == 6
    # an enqueued trial's own value comes first; another process's study (no fixed params)
    # samples y itself
    study.enqueue_trial({"y": [v for v in (-1, 0, 1) if v != fixed["y"]][0]})
    study.optimize(obj, n_trials=1)
    assert study.trials[-1].params["y"] != fixed["y"]
    # given to create_study, with a categorical and a value that does not fit: it warns as
    # Optuna does, and the base sampler draws it
    s2 = optuna.create_study(sampler=samplers.PartialFixedSampler({"c": "b", "n": 99}, samplers.RandomSampler(seed=1)))
    with pytest.warns(UserWarning, match="Fixed parameter n with value 99 is out of range"):
        s2.optimize(lambda t: t.suggest_int("n", 0, 5) + (t.suggest_categorical("c", ["a", "b"]) == "b"), n_trials=3)
    assert [t.params["c"] for t in s2.trials] == ["b"] * 3
    assert all(0 <= t.params["n"] <= 5 for t in s2.trials)
    with pytest.raises(TypeError):
        samplers.PartialFixedSampler({"x": 1}, None)


def test_sampler_change_refused_while_running():
    study = optuna.create_study(sampler=samplers.RandomSampler(seed=1))
    t = study.ask()
    t.suggest_float("x", 0, 1)
    with pytest.raises(RuntimeError, match=r"trials \[0\] asked by this Study are running"):
        study.sampler = samplers.TPESampler()
    study.tell(t, 1.0)
    study.sampler = samplers.TPESampler(seed=2)
    study.pruner = pruners.NopPruner()
    study.optimize(lambda tr: tr.suggest_float("x", 0, 1), n_trials=2)
    assert len(study.trials) == 3


def _brute_objective(trial):
    # Optuna's BruteForceSampler example: 5 + 6 combinations
    c = trial.suggest_categorical("c", ["float", "int"])
    if c == "float":
        return trial.suggest_float("x", 1, 3, step=0.5)
    a = trial.suggest_int("a", 1, 3)
    b = trial.suggest_int("b", a, 3)
    return a + b


def _combos(study):
    return sorted(tuple(sorted(t.params.items())) for t in study.trials)


def test_brute_force_sampler(tmp_db):
    # every combination of the define-by-run space once, then optimize() returns (an
    # AttributeError before)
    study = optuna.create_study(sampler=samplers.BruteForceSampler(seed=2))
    study.optimize(_brute_objective)
    assert len(study.trials) == 11 and len(set(_combos(study))) == 11
    assert study.best_value == 1.0
    again = optuna.create_study(sampler=samplers.BruteForceSampler(seed=2))
    again.optimize(_brute_objective)
    assert [t.params for t in again.trials] == [t.params for t in study.trials]
    # two threads on one storage: all of them, and the study stops
    par = optuna.create_study(storage=tmp_db, study_name="bf", sampler=samplers.BruteForceSampler(seed=1))
    par.optimize(_brute_objective, n_jobs=2)
    assert set(_combos(par)) == set(_combos(study))
    # an infinite space is refused when suggested
    inf = optuna.create_study(sampler=samplers.BruteForceSampler())
    with pytest.raises(ValueError, match="float without a step"):
        inf.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)


def test_constraints_func_on_tell_by_number(tmp_db):
    # a trial asked by one process and told by number from another: the teller's
    # sampler's constraints_func runs on it, as Optuna's after_trial does (it was skipped:
    # the trial counted as feasible)
    asker = optuna.create_study(storage=tmp_db, study_name="c")
    numbers = []
    for _ in range(2):
        t = asker.ask()
        t.suggest_float("x", 0, 1)
        numbers.append(t.number)
    sampler = samplers.TPESampler(seed=1, constraints_func=lambda ft: [ft.params["x"] - 2.0 * (ft.number == 0) + 1.0])
    teller = optuna.load_study(study_name="c", storage=tmp_db, sampler=sampler)
    teller.tell(numbers[0], 0.0)  # constraint x - 1 <= 0: feasible
    teller.tell(numbers[1], -1.0)  # x + 1 > 0: infeasible, though better
    trials = teller.trials
    assert trials[0].system_attrs["constraints"] == (trials[0].params["x"] - 1.0,)
    assert trials[1].system_attrs["constraints"] == (trials[1].params["x"] + 1.0,)
    assert teller.best_trial.number == numbers[0]


def test_sampler_change_reads_params_right(tmp_db):
    # after study.sampler = ..., the trials' params read back with their own distributions
    # (the distributions were cached by the address of the old handle's copy: a new
    # handle's float could be read as the old one's int, x in (-1, 1) as 0). The addresses
    # come back about one time in four: twenty changes catch it almost always.
    study = optuna.create_study(storage=tmp_db, study_name="swap", sampler=samplers.RandomSampler(seed=1))

    def obj(trial):
        return trial.suggest_float("x", -1, 1) ** 2 + trial.suggest_int("y", -1, 1)

    for k in range(20):
        study.optimize(obj, n_trials=2)
        assert all(type(t.params["y"]) is int and type(t.params["x"]) is float for t in study.trials)
        study.sampler = samplers.RandomSampler(seed=k + 2)
    assert len({t.params["x"] for t in study.trials}) == 40


def test_gp_sampler_takes_optunas_arguments():
    # Optuna's GPSampler(*, seed, independent_sampler, n_startup_trials,
    # deterministic_objective, constraints_func, warn_independent_sampling)
    for warn in (True, False):
        study = optuna.create_study(sampler=samplers.GPSampler(seed=1, n_startup_trials=2, warn_independent_sampling=warn))
        study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=4)
        assert len(study.trials) == 4


def _future_warnings(call):
    """The FutureWarnings `call` gives, each as (message, whether it names this file)."""
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        call()
    return [(str(w.message), w.filename == __file__) for w in got if w.category is FutureWarning]


def test_deprecated_sampler_arguments_warn_as_optuna_5():
    """What Optuna 5 deprecated of the samplers' arguments warns FutureWarning with its words,
    at the caller's line, when given (knob took them silently): TPESampler's prior and
    estimator arguments, its arguments by position and hyperopt_parameters, every sampler's
    constraints_func, and CmaEsSampler's x0, sigma0, restart_strategy (inc_popsize) and
    arguments by position. Each expected message is Optuna 5's, as it printed it."""
    see = "This feature will be removed in v6.0.0. See https://github.com/optuna/optuna/releases/tag/"
    v49 = see + "v4.9.0."
    constraints = (
        "`constraints_func` has been deprecated in v5.0.0. This feature will be removed in v7.0.0. See "
        "https://github.com/optuna/optuna/releases/tag/v5.0.0. Use `optuna.trial.Trial.set_constraint` instead."
    )
    func = lambda t: [0.0]  # noqa: E731
    cases = [
        (lambda: samplers.TPESampler(consider_prior=True), ["`consider_prior` has been deprecated in v4.3.0. " + see + "v4.3.0."]),
        (lambda: samplers.TPESampler(prior_weight=1.0), ["`prior_weight` has been deprecated in v4.9.0. " + v49]),
        (lambda: samplers.TPESampler(consider_magic_clip=True), ["`consider_magic_clip` has been deprecated in v4.9.0. " + v49]),
        (lambda: samplers.TPESampler(consider_endpoints=False), ["`consider_endpoints` has been deprecated in v4.9.0. " + v49]),
        (lambda: samplers.TPESampler(gamma=samplers.default_gamma), ["`gamma` has been deprecated in v4.9.0. " + v49]),
        (lambda: samplers.TPESampler(weights=samplers.default_weights), ["`weights` has been deprecated in v4.9.0. " + v49]),
        (lambda: samplers.TPESampler(warn_independent_sampling=True), ["`warn_independent_sampling` has been deprecated in v4.9.0. " + v49]),
        (lambda: samplers.TPESampler(constraints_func=func), [constraints]),
        (
            lambda: samplers.TPESampler(True),
            [
                "__init__() got {'consider_prior'} as positional arguments but they were expected to be given as "
                "keyword arguments.\nPositional arguments ['self', 'consider_prior', 'prior_weight', "
                "'consider_magic_clip', 'consider_endpoints', 'n_startup_trials', 'n_ei_candidates', 'gamma', "
                "'weights', 'seed'] in __init__() have been deprecated since v4.4.0. They will be replaced with the "
                "corresponding keyword arguments in v6.0.0, so please use the keyword specification instead. See "
                "https://github.com/optuna/optuna/releases/tag/v4.4.0 for details.",
                "`consider_prior` has been deprecated in v4.3.0. " + see + "v4.3.0.",
            ],
        ),
        (lambda: samplers.TPESampler.hyperopt_parameters(), ["hyperopt_parameters has been deprecated in v4.9.0. " + v49]),
        (lambda: samplers.GPSampler(constraints_func=func), [constraints]),
        (lambda: samplers.NSGAIISampler(constraints_func=func), [constraints]),
        (lambda: samplers.NSGAIIISampler(constraints_func=func), [constraints]),
        (lambda: samplers.CmaEsSampler(x0={"x": 0.5}), ["`x0` has been deprecated in v4.9.0. " + v49]),
        (lambda: samplers.CmaEsSampler(sigma0=0.1), ["`sigma0` has been deprecated in v4.9.0. " + v49]),
        # knob's CMA-ES restarts as asked (Optuna 5 falls back to None and says so): no warning
        (lambda: samplers.CmaEsSampler(restart_strategy="ipop"), []),
        (lambda: samplers.CmaEsSampler(inc_popsize=2), []),
        (
            lambda: samplers.CmaEsSampler({"x": 0.5}),
            [
                "__init__() got {'x0'} as positional arguments but they were expected to be given as keyword "
                "arguments.\nPositional arguments ['self', 'x0', 'sigma0', 'n_startup_trials', "
                "'independent_sampler', 'warn_independent_sampling', 'seed'] in __init__() have been deprecated "
                "since v4.9.0. They will be replaced with the corresponding keyword arguments in v6.0.0, so please "
                "use the keyword specification instead. See https://github.com/optuna/optuna/releases/tag/v4.9.0 "
                "for details.",
                "`x0` has been deprecated in v4.9.0. " + v49,
            ],
        ),
        # what is not deprecated warns nothing
        (lambda: samplers.TPESampler(seed=1, n_startup_trials=3, multivariate=True), []),
        # weights by name is knob's option, not Optuna's deprecated function
        (lambda: samplers.TPESampler(weights="uniform"), []),
        (lambda: samplers.CmaEsSampler(seed=1, n_startup_trials=2, restart_strategy=None, inc_popsize=-1), []),
    ]
    for call, expected in cases:
        assert _future_warnings(call) == [(m, True) for m in expected]
    # several arguments by position: Optuna names them as a set (in the hash's order)
    got = _future_warnings(lambda: samplers.TPESampler(None, None, None, None, 5))
    assert len(got) == 1 and got[0][1]
    names = re.match(r"^__init__\(\) got (\{[^}]*\}) as positional arguments but", got[0][0]).group(1)
    assert eval(names) == {"consider_prior", "prior_weight", "consider_magic_clip", "consider_endpoints", "n_startup_trials"}
    assert got[0][0].replace(names, "{'consider_prior'}") == cases[8][1][0]
    # passed on by keyword, as Optuna's: the same options as given by name
    assert samplers.TPESampler(None, None, None, None, 5, 7, None, None, 3)._options == samplers.TPESampler(n_startup_trials=5, n_ei_candidates=7, seed=3)._options
    with pytest.raises(TypeError, match=r"^__init__\(\) takes 10 positional arguments but 11 were given\.$"):
        samplers.TPESampler(None, None, None, None, 5, 7, None, None, 3, True)


def test_warm_start_skipped_is_a_warning(tmp_path):
    """A warm start's source trials the sampler leaves out (x outside this study's range)
    reach the user as a UserWarning naming the source and the param (the library prints
    nothing; they were only in the study's system attribute); a source that fits says
    nothing."""
    url = "sqlite:///%s" % (tmp_path / "w.db")
    src = optuna.create_study(study_name="far", storage=url, sampler=samplers.RandomSampler(seed=1))
    src.optimize(lambda t: t.suggest_float("x", 10, 20), n_trials=3)
    near = optuna.create_study(study_name="near", storage=url, sampler=samplers.RandomSampler(seed=1))
    near.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    for source, said in (("far", True), ("near", False)):
        study = optuna.create_study(study_name="w_" + source, storage=url,
                                    sampler=samplers.GPSampler(seed=1, warm_start_study=source))
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
        texts = [str(x.message) for x in w if issubclass(x.category, UserWarning)]
        if said:
            assert any("warm_start: gp: warm_start_study 'far': 3 of its 3 finished trials not used" in t
                       and "param 'x'" in t for t in texts), texts
        else:
            assert not any("warm_start" in t for t in texts), texts


def test_warm_start_storage_as_a_storage_object(tmp_path):
    """warm_start_storage takes a storage object, as create_study does (an RDBStorage is its
    URL; a TypeError before); an InMemoryStorage, which no other handle can open, is refused
    saying where a source in memory is found; a source missing from this study's storage in
    memory says that too."""
    url = "sqlite:///%s" % (tmp_path / "src.db")
    src = optuna.create_study(study_name="src", storage=url, sampler=samplers.RandomSampler(seed=1))
    src.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4)
    for make in (samplers.TPESampler, samplers.GPSampler):
        sampler = make(seed=1, warm_start_study="src", warm_start_storage=optuna.storages.RDBStorage(url))
        study = optuna.create_study(sampler=sampler)
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
        assert len(study.trials) == 2
    with pytest.raises(ValueError, match="found only through that storage"):
        samplers.TPESampler(warm_start_study="src", warm_start_storage=optuna.storages.InMemoryStorage())
    optuna.create_study(study_name="mem").optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    study = optuna.create_study(sampler=samplers.TPESampler(warm_start_study="mem"))
    with pytest.raises(Exception, match="looked for in this study's storage, as no other is given"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)


def test_warm_start_from_a_sweep_of_quantiles_refused(tmp_path, knob_cli):
    """A source run by knob run that searched x as a normal number holds x as its quantile,
    not the value its program got: a Python study has no sweep to read it alike, and each
    sampler refuses the warm start at the first trial, naming the param (the first trial
    asked the source's best quantile, 0.594, as x, where the program got 0.238)."""
    prog = tmp_path / "n.sh"
    prog.write_text("#!/bin/sh\necho loss=0.5\n")
    prog.chmod(0o755)
    (tmp_path / "s.yaml").write_text(
        "program: %s\nmethod: random\nmetric: {name: loss}\n"
        "parameters:\n  x: {distribution: normal, mu: 0, sigma: 1}\n  y: {min: 0.0, max: 1.0}\n"
        % prog)
    url = "sqlite:///%s" % (tmp_path / "w.db")
    subprocess.run([knob_cli, "run", str(tmp_path / "s.yaml"), "--storage", url, "--study", "s",
                    "--trials", "3", "--seed", "1"], check=True, capture_output=True)
    for i, make in enumerate((lambda: samplers.GPSampler(seed=0, warm_start_study="s", warm_start_first=1),
                              lambda: samplers.TPESampler(seed=0, warm_start_study="s"),
                              lambda: samplers.CmaEsSampler(seed=0, warm_start_study="s"),
                              lambda: samplers.AutoSampler(seed=0, warm_start_study="s"))):
        study = optuna.create_study(study_name="t%d" % i, storage=url, sampler=make())
        with pytest.raises(Exception, match=r"warm_start_study 's' holds param 'x' as a quantile"):
            study.optimize(lambda t: t.suggest_float("x", -3, 3), n_trials=2)
        assert [t.params for t in study.trials if t.params] == []


def test_warm_start_skipped_warns_ask_and_tell_once(tmp_path):
    """A user of ask and tell sees what the warm start left out too (only optimize warned),
    once: not at every ask, nor again at the end of a later optimize."""
    url = "sqlite:///%s" % (tmp_path / "w.db")
    src = optuna.create_study(study_name="far", storage=url, sampler=samplers.RandomSampler(seed=1))
    src.optimize(lambda t: t.suggest_float("x", 10, 20), n_trials=3)
    study = optuna.create_study(study_name="w", storage=url,
                                sampler=samplers.GPSampler(seed=1, warm_start_study="far"))
    def said(w):
        return [x for x in w if issubclass(x.category, UserWarning) and "warm_start" in str(x.message)]

    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        for _ in range(5):
            trial = study.ask()
            study.tell(trial, trial.suggest_float("x", 0, 1))
    got = said(w)
    assert len(got) == 1, [str(x.message) for x in got]
    assert "warm_start: gp: warm_start_study 'far': 3 of its 3 finished trials not used" in str(got[0].message)
    assert got[0].filename == __file__  # the caller's line: the ask
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
        trial = study.ask()
    assert said(w) == [], [str(x.message) for x in said(w)]
    # gp's sentence stays in the study: a TPESampler of the study does not show it (it showed
    # an earlier run's sentence, another sampler's), only its own (the source's good trial,
    # whose only param x it leaves out: not used)
    again = optuna.load_study(study_name="w", storage=url,
                              sampler=samplers.TPESampler(seed=1, warm_start_study="far"))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        again.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    got = [str(x.message) for x in said(w)]
    assert got == ["warm_start: tpe: warm_start_study 'far': 1 of the 1 good trials tpe reads from "
                   "it not used: 1 with a param of this study under another kind of distribution or "
                   "outside its range, and none that fits; the first: param 'x'"], got
    # AutoSampler's gp and smac take turns writing their sentences: each is warned once (the
    # last one said was remembered, so they alternated)
    auto = optuna.create_study(study_name="a", storage=url,
                               sampler=samplers.AutoSampler(seed=1, warm_start_study="far"))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        for _ in range(14):
            trial = auto.ask()
            auto.tell(trial, trial.suggest_float("x", 0, 1))
    got = [str(x.message) for x in said(w)]
    assert len(got) == len(set(got)) >= 1, got


@pytest.mark.parametrize(
    "make",
    [
        lambda: samplers.RandomSampler(seed=5),
        lambda: samplers.TPESampler(seed=5, n_startup_trials=3),
        lambda: samplers.QMCSampler(seed=5),
        lambda: samplers.PartialFixedSampler({"c": "a"}, samplers.RandomSampler(seed=5)),
    ],
)
def test_one_sampler_many_studies(make, tmp_db):
    """One seeded sampler given to several studies (a benchmark loop) draws another, still
    reproducible, sequence in each, as Optuna's continues its random stream; the first
    study draws what a fresh sampler with that seed draws."""

    def runs(sampler, n=3):
        out = []
        for _ in range(n):
            study = optuna.create_study(sampler=sampler)
            study.optimize(objective, n_trials=6)
            out.append([t.params for t in study.trials])
        return out

    first = runs(make())
    assert len({json.dumps(r, sort_keys=True) for r in first}) == 3
    assert first == runs(make())  # reproducible
    assert first[0] == runs(make(), 1)[0]  # the first study as before
    # giving it to the same study again (a worker's load_study, a pruner changed) keeps
    # that study's seed: workers of one study agree, as each alone would draw
    sampler = make()
    study = optuna.create_study(storage=tmp_db, study_name="one", sampler=sampler)
    study.optimize(objective, n_trials=3)
    study.pruner = pruners.NopPruner()
    optuna.load_study(study_name="one", storage=tmp_db, sampler=sampler).optimize(objective, n_trials=3)
    assert [t.params for t in study.trials] == first[0]
    # ... and a study made after it is the second
    other = optuna.create_study(sampler=sampler)
    other.optimize(objective, n_trials=6)
    assert [t.params for t in other.trials] == first[1]


def test_seed_range_is_libknobs():
    """A seed from -2**63 to 2**64 - 1, a negative one modulo 2**64, as libknob's seed= and
    knob's --seed take it: 2**64 - 1 draws as -1 does; beyond the range is a ValueError
    naming the bound."""
    params = []
    for seed in (2**64 - 1, -1):
        study = optuna.create_study(sampler=samplers.RandomSampler(seed=seed))
        study.optimize(objective, n_trials=3)
        params.append([t.params for t in study.trials])
    assert params[0] == params[1]
    with pytest.raises(ValueError, match="must be <= 18446744073709551615"):
        samplers.RandomSampler(seed=2**64)
    with pytest.raises(ValueError, match="must be >= -9223372036854775808"):
        samplers.TPESampler(seed=-(2**63) - 1)


def test_reseed_rng_unseeds():
    """reseed_rng drops the seed, as Optuna's draws a new one: the next studies differ."""
    sampler = samplers.RandomSampler(seed=5)
    a = optuna.create_study(sampler=sampler)
    a.optimize(objective, n_trials=4)
    sampler.reseed_rng()
    assert "seed" not in repr(sampler)
    b = optuna.create_study(sampler=sampler)
    b.optimize(objective, n_trials=4)
    c = optuna.create_study(sampler=samplers.RandomSampler(seed=5))
    c.optimize(objective, n_trials=4)
    assert [t.params for t in a.trials] == [t.params for t in c.trials]
    assert [t.params for t in b.trials] != [t.params for t in a.trials]


def test_structured_options_are_json():
    """An option given by its knob name whose value is a dict, list or tuple (x0,
    search_space, reference_point) reaches libknob as JSON: it was Python's repr, {'x': 2.0},
    which libknob refused; a NumPy scalar as its value."""
    import numpy as np

    for sampler in (samplers.KnobSampler("cmaes", x0={"x": 2.0}), samplers.KnobSampler("grid", search_space={"x": [1, 2]}),
                    samplers.KnobSampler("tpe", n_startup_trials=np.int64(3))):
        sampler._make()
    study = optuna.create_study(sampler=samplers.KnobSampler("grid", search_space={"x": ["a", "b"]}))
    study.optimize(lambda t: {"a": 1.0, "b": 2.0}[t.suggest_categorical("x", ["a", "b"])], n_trials=2)
    assert sorted(t.params["x"] for t in study.trials) == ["a", "b"]


def test_auto_sampler_takes_a_cost():
    """knob's default takes the cost (gp's and tpe's, smac's turns gp's while it is set): with
    the loss blind to x and x < 0.5 a hundred times cheaper, seeds 0-3 put 86% of the trials
    after the startup in the cheap half, 46% without a cost (the default ignored a cost and
    searched cost-blind, with a warning from the knob command)."""

    def f(t):
        x = t.suggest_float("x", 0, 1)
        y = t.suggest_float("y", 0, 1)
        t.set_user_attr("c", 0.1 if x < 0.5 else 10.0)
        return (y - 0.3) ** 2

    share = {}
    for name, kw in (("blind", {}), ("cost", {"cost": "c"})):
        cheap = 0
        for seed in range(4):
            study = optuna.create_study(sampler=samplers.AutoSampler(seed=seed, **kw))
            study.optimize(f, n_trials=30)
            cheap += sum(t.params["x"] < 0.5 for t in study.trials[10:])
        share[name] = cheap / 80
    assert share["cost"] >= 0.75 and share["blind"] <= 0.6, share


def test_cost_budget_needs_a_cost():
    """cost_budget without cost is refused, naming both (it searched cost-blind without a
    word: a misspelt or forgotten cost); with cost it is taken."""
    for cls in (samplers.GPSampler, samplers.TPESampler, samplers.AutoSampler):
        with pytest.raises(ValueError, match="option 'cost_budget' \\(10\\) is set without 'cost'"):
            optuna.create_study(sampler=cls(cost_budget=10))
        optuna.create_study(sampler=cls(cost_budget=10, cost="duration"))


def test_a_cost_no_trial_has_is_said_once():
    """A cost naming a user attr that no trial sets: the search is cost-blind, said once per
    Study (a UserWarning after optimize) once the startup trials are complete; none when the
    trials set it."""
    for cls in (samplers.GPSampler, samplers.TPESampler, samplers.AutoSampler):
        for attr, says in (("price", 1), ("c", 0)):

            def f(t):
                t.set_user_attr("c", 1.0)
                return t.suggest_float("x", 0, 1)

            study = optuna.create_study(sampler=cls(seed=1, cost=attr))
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                study.optimize(f, n_trials=12)
                study.optimize(f, n_trials=2)
            said = [str(x.message) for x in w if "cost '%s'" % attr in str(x.message)]
            assert len(said) == says, (cls.__name__, attr, said)
            if says:
                assert "none of the first 10 complete trials has it" in said[0], said


def test_a_cost_of_zero_is_cheapest():
    """A trial that cost nothing (0) counts as far cheaper than any that cost something: with
    the loss blind to x and x < 0.5 free (cost 0, else 10), seeds 0-3 put 97% of tpe's trials
    after its startup in the free half and 85% of gp's (56% and 55% cost-blind); such costs
    were left out of the cost's model, and the search was as if cost-blind."""

    def f(t):
        x = t.suggest_float("x", 0, 1)
        y = t.suggest_float("y", 0, 1)
        t.set_user_attr("c", 0.0 if x < 0.5 else 10.0)
        return (y - 0.3) ** 2

    for cls, at_least in ((samplers.TPESampler, 0.9), (samplers.GPSampler, 0.75)):
        cheap = 0
        for seed in range(4):
            study = optuna.create_study(sampler=cls(seed=seed, n_startup_trials=5, cost="c"))
            study.optimize(f, n_trials=30)
            cheap += sum(t.params["x"] < 0.5 for t in study.trials[5:])
        assert cheap / 100 >= at_least, (cls.__name__, cheap)


def test_knob_sampler_repr_names_the_sampler():
    # it showed KnobSampler(seed=3): not which sampler runs
    assert repr(samplers.KnobSampler("tpe", seed=3)) == "KnobSampler('tpe', seed=3)"
    assert repr(samplers.KnobSampler("random")) == "KnobSampler('random')"
