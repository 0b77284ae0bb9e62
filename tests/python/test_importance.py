"""knob.importance.get_param_importances: libknob's fANOVA and PED-ANOVA, as Optuna's."""

import pytest

import knob as optuna
from knob.importance import (
    BaseImportanceEvaluator,
    FanovaImportanceEvaluator,
    MeanDecreaseImpurityImportanceEvaluator,
    PedAnovaImportanceEvaluator,
    get_param_importances,
)


def study_of(n=60, directions=None):
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=4), directions=directions)

    def objective(trial):
        x = trial.suggest_float("x", -5, 5)
        y = trial.suggest_float("y", -5, 5)
        c = trial.suggest_categorical("c", ["a", "b"])
        v = 10 * x * x + 0.1 * y + (0.01 if c == "a" else 0)
        return v if directions is None else (v, y)

    study.optimize(objective, n_trials=n)
    return study


@pytest.mark.parametrize("evaluator", [None, FanovaImportanceEvaluator(), PedAnovaImportanceEvaluator()])
def test_importances(evaluator):
    imp = get_param_importances(study_of(), evaluator=evaluator)
    assert list(imp)[0] == "x"  # most important first
    assert set(imp) == {"x", "y", "c"}
    assert sum(imp.values()) == pytest.approx(1.0)
    assert imp["x"] > 0.5


def test_params_and_objectives():
    s = study_of()
    imp = get_param_importances(s, params=["y", "c"])
    assert set(imp) == {"y", "c"}
    with pytest.raises(ValueError, match=r"Missing parameters: \['nope'\]"):  # Optuna's (a KeyError)
        get_param_importances(s, params=["nope"])
    m = study_of(directions=["minimize", "minimize"])
    with pytest.raises(ValueError):
        get_param_importances(m)
    assert list(get_param_importances(m, objective=1))[0] == "y"
    with pytest.raises(NotImplementedError):
        MeanDecreaseImpurityImportanceEvaluator()
    with pytest.raises(NotImplementedError):
        FanovaImportanceEvaluator(n_trees=8)


def test_evaluators_of_ones_own_and_evaluate():
    """An evaluator of one's own is asked (its numbers were replaced by fANOVA's), and its
    numbers normalized as Optuna's; knob's evaluators have evaluate (they had none), which
    gives the numbers normalize=False gives."""

    class Const(BaseImportanceEvaluator):
        def evaluate(self, study, params=None, *, target=None):
            return {"y": 0.9, "x": 0.3}

    class Half(FanovaImportanceEvaluator):
        def evaluate(self, study, params=None, *, target=None):
            return {k: v / 2 for k, v in super().evaluate(study, params=params, target=target).items()}

    s = study_of()
    assert get_param_importances(s, evaluator=Const()) == pytest.approx({"y": 0.75, "x": 0.25})
    assert get_param_importances(s, evaluator=Const(), normalize=False) == {"y": 0.9, "x": 0.3}
    for e in (FanovaImportanceEvaluator(), PedAnovaImportanceEvaluator()):
        raw = e.evaluate(s)
        assert raw == get_param_importances(s, evaluator=e, normalize=False)
        assert e.evaluate(s, params=["y"]).keys() == {"y"}
    half = get_param_importances(s, evaluator=Half(), normalize=False)
    assert half == pytest.approx({k: v / 2 for k, v in FanovaImportanceEvaluator().evaluate(s).items()})
    m = study_of(directions=["minimize", "minimize"])
    got = get_param_importances(m, evaluator=Half(), target=lambda t: t.values[1])
    assert list(got)[0] == "y"
    with pytest.raises(NotImplementedError):
        BaseImportanceEvaluator().evaluate(s)


def test_several_objectives_want_target_as_optuna():
    # knob asked for its own `objective` index, in words of its own
    m = study_of(directions=["minimize", "maximize"])
    msg = "If the `study` is being used for multi-objective optimization, please specify the `target`."
    for evaluator in (None, FanovaImportanceEvaluator()):
        with pytest.raises(ValueError) as e:
            get_param_importances(m, evaluator=evaluator)
        assert str(e.value).startswith(msg)


def test_target():
    # target was refused (NotImplementedError); it is Optuna's way to pick an objective
    m = study_of(directions=["minimize", "maximize"])
    fan = get_param_importances(m, target=lambda t: t.values[1])
    assert fan == get_param_importances(m, objective=1)
    assert list(fan)[0] == "y"
    # PED-ANOVA takes a target's lower values as better (Optuna's): the maximized
    # objective negated is the objective itself
    ped = PedAnovaImportanceEvaluator()
    assert get_param_importances(m, evaluator=ped, target=lambda t: -t.values[1]) == get_param_importances(
        m, evaluator=ped, objective=1
    )
    s = study_of()
    assert get_param_importances(s, target=lambda t: t.value, params=["y", "c"]) == get_param_importances(s, params=["y", "c"])
    # a target of the params alone: only x counts; non-finite targets are left out
    by_x = get_param_importances(s, target=lambda t: t.params["x"] if t.params["x"] < 4 else float("nan"))
    assert list(by_x)[0] == "x" and by_x["x"] > 0.9
    with pytest.raises(ValueError, match="not both"):
        get_param_importances(m, target=lambda t: t.values[0], objective=0)


def test_params_as_optuna():
    s = study_of(n=10)
    assert get_param_importances(s, params=[]) == {}  # was every param
    with pytest.raises(TypeError, match="Parameters must be specified as a list"):
        get_param_importances(s, params="x")
    with pytest.raises(TypeError, match="by their names with strings"):
        get_param_importances(s, params=["x", 1])
    with pytest.raises(TypeError, match="Evaluator must be a subclass of BaseImportanceEvaluator"):
        get_param_importances(s, evaluator=object())  # was an AttributeError


@pytest.mark.parametrize("evaluator", [FanovaImportanceEvaluator(), PedAnovaImportanceEvaluator()])
def test_nothing_to_tell_gives_equal_shares(evaluator):
    # Optuna's normalize: shares that sum to 0 become 1 / n each (knob gave every param 0)
    one = study_of(n=1)
    assert get_param_importances(one, evaluator=evaluator) == {"x": 1 / 3, "y": 1 / 3, "c": 1 / 3}
    flat = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    flat.optimize(lambda t: 0 * t.suggest_float("x", 0, 1) + 0 * t.suggest_float("y", 0, 1), n_trials=10)
    assert get_param_importances(flat, evaluator=evaluator) == {"x": 0.5, "y": 0.5}


@pytest.mark.parametrize("evaluator", [FanovaImportanceEvaluator(), PedAnovaImportanceEvaluator()])
def test_no_finite_value_gives_equal_shares(evaluator):
    """As Optuna 5: when no COMPLETE trial has a finite value (or target), every param the
    trials hold gets an equal share (0 not normalized); knob gave {} without params, and
    with them the false error that every param was missing from the trials."""
    d = optuna.distributions
    dists = {"x": d.FloatDistribution(0, 1), "n": d.IntDistribution(0, 4)}
    study = optuna.create_study()
    for i in range(20):
        study.add_trial(optuna.trial.create_trial(params={"x": i / 20, "n": i % 5}, distributions=dists, value=float("inf")))
    half = {"x": 0.5, "n": 0.5}
    assert get_param_importances(study, evaluator=evaluator) == half
    assert get_param_importances(study, evaluator=evaluator, params=["x", "n"]) == half
    assert get_param_importances(study, evaluator=evaluator, params=["n"]) == {"n": 1.0}
    assert get_param_importances(study, evaluator=evaluator, normalize=False) == {"x": 0.0, "n": 0.0}
    assert evaluator.evaluate(study, params=["x"]) == {"x": 0.0}
    with pytest.raises(ValueError, match=r"Missing parameters: \['nope'\]"):
        get_param_importances(study, evaluator=evaluator, params=["x", "nope"])
    finite = study_of(n=20)  # a target that is NaN for every trial
    assert get_param_importances(finite, evaluator=evaluator, target=lambda t: float("nan")) == {"x": 1 / 3, "y": 1 / 3, "c": 1 / 3}
    assert get_param_importances(finite, evaluator=evaluator, target=lambda t: float("nan"), params=["y", "c"]) == {"y": 0.5, "c": 0.5}
    both = study_of(n=20, directions=["minimize", "maximize"])
    assert get_param_importances(both, evaluator=evaluator, target=lambda t: float("-inf"), params=["c"]) == {"c": 1.0}


def test_ped_anova_arguments_of_optuna_5():
    # Optuna 5's names (knob had Optuna 4's baseline_quantile alone: a TypeError)
    PedAnovaImportanceEvaluator(target_quantile=0.1, region_quantile=1.0, evaluate_on_local=True)
    PedAnovaImportanceEvaluator(baseline_quantile=0.1)
    with pytest.raises(NotImplementedError, match="target_quantile=0.1"):
        PedAnovaImportanceEvaluator(target_quantile=0.2)
    with pytest.raises(NotImplementedError):
        PedAnovaImportanceEvaluator(region_quantile=0.5)
    with pytest.raises(ValueError, match="0.0 < `target_quantile` < `region_quantile` <= 1.0"):
        PedAnovaImportanceEvaluator(target_quantile=0.5, region_quantile=0.4)


def _fronts_study(seed, directions, n):
    import random

    D = optuna.distributions
    r = random.Random(seed)
    s = optuna.create_study(directions=directions)
    dists = {"x": D.FloatDistribution(0, 1), "y": D.FloatDistribution(0, 1), "c": D.CategoricalDistribution(["a", "b", None]), "k": D.IntDistribution(0, 5)}
    for _ in range(n):
        x, y, c, k = r.random(), r.random(), r.choice(["a", "b", None]), r.randint(0, 5)
        vals = [x + 0.3 * y, y - 0.2 * x + (c == "a"), k * 0.1 + x * x, (y - 0.5) ** 2 + k][: len(directions)]
        s.add_trial(optuna.trial.create_trial(params={"x": x, "y": y, "c": c, "k": k}, distributions=dists, values=vals))
    return s


@pytest.mark.parametrize(
    "seed, directions, n, expected",
    [
        # the shares Optuna 5's PedAnovaImportanceEvaluator gives the same trials
        (3, ["minimize", "maximize"], 50, {"x": 0.707322, "c": 0.238987, "k": 0.036278, "y": 0.017412}),
        (5, ["maximize", "maximize", "minimize", "minimize"], 37, {"y": 0.774535, "k": 0.219555, "x": 0.004353, "c": 0.001557}),
        (6, ["minimize", "minimize"], 9, {"y": 0.500736, "x": 0.473035, "k": 0.02243, "c": 0.003799}),
    ],
)
def test_ped_anova_of_the_pareto_fronts(seed, directions, n, expected):
    # several objectives without target: reaching the Pareto front, as Optuna 5's (knob
    # raised the ValueError asking for a target)
    imp = get_param_importances(_fronts_study(seed, directions, n), evaluator=PedAnovaImportanceEvaluator())
    assert list(imp) == list(expected)
    for k, v in expected.items():
        assert imp[k] == pytest.approx(v, abs=2e-6)


@pytest.mark.parametrize(
    "seed, directions, n, expected",
    [
        # get_param_importances(..., evaluator=PedAnovaImportanceEvaluator(), normalize=False)
        # of Optuna 5 on the same trials
        (3, ["minimize", "maximize"], 50, {"x": 0.00624205098, "c": 0.00210904192, "k": 0.000320153957, "y": 0.000153658555}),
        (4, ["minimize"], 60, {"x": 0.0165844068, "y": 0.0152322681, "k": 0.000257804821, "c": 0.000251633099}),
        (5, ["maximize"], 41, {"x": 0.0303854588, "y": 0.00382844018, "c": 0.00143931935, "k": 0.000142421285}),
    ],
)
def test_ped_anova_unnormalized_as_optuna_5(seed, directions, n, expected):
    # normalize=False (Optuna's) raised NotImplementedError: PED-ANOVA's own numbers
    imp = get_param_importances(_fronts_study(seed, directions, n), evaluator=PedAnovaImportanceEvaluator(), normalize=False)
    assert list(imp) == list(expected)
    for k, v in expected.items():
        assert imp[k] == pytest.approx(v, rel=1e-6)


def _additive(lib, n=200):
    import random

    D = lib.distributions
    r = random.Random(3)
    s = lib.create_study()
    dists = {"x": D.FloatDistribution(0, 1), "y": D.FloatDistribution(0, 1), "z": D.FloatDistribution(0, 1)}
    for _ in range(n):
        x, y, z = r.random(), r.random(), r.random()
        s.add_trial(lib.trial.create_trial(params={"x": x, "y": y, "z": z}, distributions=dists, value=x + 0.5 * y))
    return s


def test_fanova_unnormalized_as_optuna():
    # fANOVA's variance fractions, as Optuna's FanovaImportanceEvaluator returns them with
    # normalize=False (the forests differ: close, not equal); x + y / 2: 0.8 and 0.2 in theory
    import optuna as real
    from optuna.importance import FanovaImportanceEvaluator as TheirFanova
    from optuna.importance import get_param_importances as their_importances

    real.logging.set_verbosity(real.logging.ERROR)
    ours = get_param_importances(_additive(optuna), normalize=False)
    theirs = their_importances(_additive(real), evaluator=TheirFanova(seed=0), normalize=False)
    assert list(ours) == list(theirs) == ["x", "y", "z"]
    for k in theirs:
        assert ours[k] == pytest.approx(theirs[k], abs=0.05), (ours, dict(theirs))
    assert ours["x"] == pytest.approx(0.8, abs=0.05) and ours["y"] == pytest.approx(0.2, abs=0.05)


@pytest.mark.parametrize("evaluator", [FanovaImportanceEvaluator(), PedAnovaImportanceEvaluator()])
def test_unnormalized_over_their_sum_are_the_shares(evaluator):
    study = study_of()
    for kwargs in ({}, {"target": lambda t: -t.value}, {"params": ["y", "c"]}):
        raw = get_param_importances(study, evaluator=evaluator, normalize=False, **kwargs)
        shares = get_param_importances(study, evaluator=evaluator, **kwargs)
        assert list(raw) == list(shares)
        total = sum(raw.values())
        assert total > 0 and total != pytest.approx(1.0)
        for k in raw:
            assert raw[k] / total == pytest.approx(shares[k], rel=1e-9)
    # nothing to tell: every number 0 (normalize=True makes them equal shares)
    flat = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    flat.optimize(lambda t: t.suggest_float("a", 0, 1) * 0 + t.suggest_float("b", 0, 1) * 0, n_trials=5)
    assert get_param_importances(flat, evaluator=evaluator, normalize=False) == {"a": 0.0, "b": 0.0}


@pytest.mark.parametrize("evaluator", [None, FanovaImportanceEvaluator(), PedAnovaImportanceEvaluator()])
def test_objective_must_be_an_index_from_0(evaluator):
    """objective=-1 evaluated the Pareto front with PED-ANOVA (it reached libknob as
    KNOB_IMPORTANCE_PARETO), objective 0 of a study of one objective, and -2 was reported as
    18446744073709551614; a negative index, one past a size_t (2**64 - 1 reached it as the
    Pareto front, 2**64 + 1 as 1), or one not an int, is refused, naming it."""
    m = study_of(directions=["minimize", "minimize"])
    one = study_of()
    for study in (m, one):
        for bad in (-1, -2, 1.0, 1.5, "1", True, 2**64 - 1, 2**64, 2**64 + 1):
            with pytest.raises(ValueError, match=r"`objective` must be an objective's index, an int from 0, got"):
                get_param_importances(study, evaluator=evaluator, objective=bad)
    with pytest.raises(ValueError, match=r"got -1$"):
        get_param_importances(m, evaluator=evaluator, objective=-1)
    assert list(get_param_importances(m, evaluator=evaluator, objective=1))[0] == "y"

    class Own(BaseImportanceEvaluator):  # an evaluator of one's own: refused alike
        def evaluate(self, study, params=None, *, target=None):
            return {"x": target(study.trials[0])}

    with pytest.raises(ValueError, match="`objective` must be"):
        get_param_importances(m, evaluator=Own(), objective=-1)


@pytest.mark.parametrize("evaluator", [FanovaImportanceEvaluator(), PedAnovaImportanceEvaluator()])
def test_params_never_together_say_so(evaluator):
    """z and y each in half of the trials, never together: fanova's error said both were
    missing; it says, as Optuna's, that no trial holds them all (PED-ANOVA judges each)."""
    d = optuna.distributions
    study = optuna.create_study()
    for i in range(20):
        p = {"x": i / 20, ("z" if i % 2 else "y"): (i * 7 % 20) / 20}
        study.add_trial(
            optuna.trial.create_trial(params=p, distributions={k: d.FloatDistribution(0, 1) for k in p}, value=p["x"])
        )
    if evaluator._method == "fanova":
        with pytest.raises(ValueError) as e:
            get_param_importances(study, evaluator=evaluator, params=["z", "y"])
        assert str(e.value) == (
            "Study must contain completed trials with all specified parameters. Specified parameters: ['z', 'y']."
        )
        inf = optuna.create_study()  # no finite value: the same error, from the trials alone
        for t in study.trials:
            inf.add_trial(optuna.trial.create_trial(params=t.params, distributions=t.distributions, value=float("inf")))
        with pytest.raises(ValueError, match=r"with all specified parameters. Specified parameters: \['z', 'y'\]"):
            get_param_importances(inf, evaluator=evaluator, params=["z", "y"])
    else:
        assert set(get_param_importances(study, evaluator=evaluator, params=["z", "y"])) == {"z", "y"}
    with pytest.raises(ValueError, match=r"Missing parameters: \['nope'\]"):
        get_param_importances(study, evaluator=evaluator, params=["z", "nope"])


def test_param_of_two_kinds_named_is_a_value_error():
    """A param that is a number in some trials and a categorical in others, named in params:
    fanova raises a ValueError, as Optuna's (it was a NotImplementedError); unnamed, it is
    left out."""
    d = optuna.distributions
    study = optuna.create_study()
    for i in range(40):
        m, dm = (i % 3, d.CategoricalDistribution([0, 1, 2])) if i < 20 else (i / 13, d.FloatDistribution(0, 3))
        study.add_trial(
            optuna.trial.create_trial(
                params={"x": i / 40, "m": m}, distributions={"x": d.FloatDistribution(0, 1), "m": dm}, value=i / 40 + m
            )
        )
    with pytest.raises(ValueError, match="param 'm' is a number in 20 trials and a categorical in 20") as e:
        get_param_importances(study, params=["m", "x"])
    assert isinstance(e.value, optuna.exceptions.OptunaError)
    assert set(get_param_importances(study)) == {"x"}
    assert set(get_param_importances(study, evaluator=PedAnovaImportanceEvaluator(), params=["m", "x"])) == {"m", "x"}
