"""Trials: suggestions (and the deprecated forms), distributions, errors from C carrying
the C message, reports and pruning, attributes, FrozenTrial, FixedTrial, TrialState."""

import datetime
import gc
import warnings

import pytest

import knob as optuna
from knob.distributions import (
    CategoricalDistribution,
    DiscreteUniformDistribution,
    FloatDistribution,
    IntDistribution,
    LogUniformDistribution,
    UniformDistribution,
    distribution_to_json,
    json_to_distribution,
)
from knob.trial import FixedTrial, TrialState


def test_suggestions():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=3))
    for _ in range(30):
        t = study.ask()
        x = t.suggest_float("x", -1, 1)
        lr = t.suggest_float("lr", 1e-5, 1e-1, log=True)
        q = t.suggest_float("q", 0, 1, step=0.25)
        n = t.suggest_int("n", 1, 9, step=2)
        w = t.suggest_int("w", 1, 1024, log=True)
        c = t.suggest_categorical("c", ["a", 1, 2.5, None, True])
        assert -1 <= x <= 1 and 1e-5 <= lr <= 1e-1
        assert q in (0, 0.25, 0.5, 0.75, 1.0)
        assert n in (1, 3, 5, 7, 9) and isinstance(n, int)
        assert 1 <= w <= 1024 and isinstance(w, int)
        assert c in ("a", 1, 2.5, None, True)
        assert t.suggest_float("x", -1, 1) == x  # the same name again: the same value
        assert t.params == {"x": x, "lr": lr, "q": q, "n": n, "w": w, "c": c}
        assert t.distributions["lr"] == FloatDistribution(1e-5, 1e-1, log=True)
        assert t.distributions["n"] == IntDistribution(1, 9, step=2)
        assert t.distributions["c"] == CategoricalDistribution(["a", 1, 2.5, None, True])
        study.tell(t, x)
    # Stored and read back: the same types.
    for ft in study.trials:
        assert isinstance(ft.params["n"], int)
        assert type(ft.params["c"]) in (str, int, float, type(None), bool)
    assert {type(ft.params["c"]) for ft in study.trials} >= {str, int}


def test_deprecated_suggestions():
    study = optuna.create_study()
    t = study.ask()
    with pytest.warns(FutureWarning):
        u = t.suggest_uniform("u", 0, 1)
    with pytest.warns(FutureWarning):
        lu = t.suggest_loguniform("lu", 1e-3, 1)
    with pytest.warns(FutureWarning):
        d = t.suggest_discrete_uniform("d", 0, 1, 0.5)
    i = t.suggest_int("i", 1, 100, log=True)
    assert 0 <= u <= 1 and 1e-3 <= lu <= 1 and d in (0, 0.5, 1) and 1 <= i <= 100
    study.tell(t, 0)
    ft = study.trials[0]
    assert ft.distributions["lu"] == FloatDistribution(1e-3, 1, log=True)
    assert ft.distributions["d"] == FloatDistribution(0, 1, step=0.5)


def test_c_errors_carry_the_c_message():
    study = optuna.create_study()
    t = study.ask()
    with pytest.raises(ValueError, match="'lr'") as e:
        t.suggest_float("lr", 0, 1, log=True)  # log needs low > 0: libknob says so
    assert e.value.status == 1  # KNOB_EINVAL
    with pytest.raises(ValueError, match="'n'"):
        t.suggest_int("n", 5, 1)
    with pytest.raises(ValueError):
        t.suggest_categorical("c", [])
    with pytest.raises(ValueError, match="object"):
        t.suggest_categorical("c", [object()])
    with pytest.raises(TypeError, match="'bad'"):  # a misspelt keyword, when made
        optuna.create_study(sampler=optuna.samplers.TPESampler(bad=1))
    with pytest.raises(ValueError, match="n_startup_trials"):
        optuna.create_study(sampler=optuna.samplers.TPESampler(n_startup_trials=-3))
    with pytest.raises(ValueError, match="sobolx"):
        optuna.create_study(sampler=optuna.samplers.QMCSampler(qmc_type="sobolx"))
    study.tell(t, 1.0)
    with pytest.raises(RuntimeError, match="finished"):
        t.suggest_float("y", 0, 1)


def test_a_name_suggested_again_gives_its_value_as_optuna():
    """Optuna's rule (check_distribution_compatibility): the same kind and log scale give the
    trial's value again, even under another range or step; another kind, log scale or set of
    choices raises ValueError naming the param. Another range had raised."""
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    t = study.ask()
    x = t.suggest_float("x", 0, 1)
    assert t.suggest_float("x", 0, 2) == x
    assert t.suggest_float("x", 5, 6, step=0.5) == x  # out of the new range: still x, as Optuna
    n = t.suggest_int("n", 1, 3)
    assert t.suggest_int("n", 1, 9, step=2) == n
    c = t.suggest_categorical("c", ["a", "b"])
    assert t.suggest_categorical("c", ["a", "b"]) == c
    lr = t.suggest_float("lr", 1e-3, 1, log=True)
    with pytest.raises(ValueError, match="'x'.*different distribution kind"):
        t.suggest_int("x", 0, 1)
    with pytest.raises(ValueError, match="'lr'.*different log configuration"):
        t.suggest_float("lr", 1e-3, 1)
    with pytest.raises(ValueError, match="'c'.*dynamic value space"):
        t.suggest_categorical("c", ["a", "b", "z"])
    with pytest.raises(ValueError):
        t.suggest_float("x", 2, 1)  # a distribution that cannot be is refused first
    assert t.params == {"x": x, "n": n, "c": c, "lr": lr}
    study.tell(t, 1.0)
    ft = study.trials[0]
    assert ft.params == {"x": x, "n": n, "c": c, "lr": lr}
    assert ft.distributions["x"] == FloatDistribution(0, 1)  # the first one, as stored


def test_a_name_keeps_its_kind_across_the_trials_of_a_study(tmp_db):
    """Optuna's storages check each param as it is set against the study's trials: another
    kind, log scale or set of choices under a name another trial holds raises Optuna's
    ValueError (inside optimize the trial fails and it propagates); another range or step
    is fine. knob had taken each (libknob takes any distribution in each trial)."""
    study = optuna.create_study(storage=tmp_db, study_name="s", sampler=optuna.samplers.RandomSampler(seed=1))
    t = study.ask()
    t.suggest_float("x", 0, 1)
    t.suggest_float("lr", 1e-3, 1, log=True)
    t.suggest_int("n", 1, 3)
    t.suggest_categorical("c", ["a", "b"])
    study.tell(t, 1.0)
    t = study.ask()
    with pytest.raises(ValueError, match=r"^Cannot set different distribution kind to the same parameter name\. .*'x'"):
        t.suggest_int("x", 0, 1)
    with pytest.raises(ValueError, match="different distribution kind"):
        t.suggest_categorical("n", [1, 2, 3])
    with pytest.raises(ValueError, match=r"^Cannot set different log configuration to the same parameter name\. .*'lr'"):
        t.suggest_float("lr", 1e-3, 1)
    with pytest.raises(ValueError, match=r"^CategoricalDistribution does not support dynamic value space\. .*'c'"):
        t.suggest_categorical("c", ["a", "b", "z"])
    with pytest.raises(ValueError, match="different distribution kind"):
        t._suggest("n", FloatDistribution(1, 3))  # ask(fixed_distributions=...) takes this path
    assert 0 <= t.suggest_float("x", 0, 2, step=0.5) <= 2  # another range and step: fine
    assert 1 <= t.suggest_int("n", 1, 9, step=2) <= 9
    assert t.suggest_categorical("c", ("a", "b")) in ("a", "b")
    assert t.suggest_float("new", 0, 1) < 1
    study.tell(t, 2.0)
    assert set(study.trials[1].params) == {"x", "n", "c", "new"}
    # the rule holds for a name first suggested by the running trial of another Study object
    # (another process), and for one first suggested in this very Study
    t = study.ask()
    t.suggest_float("y", 0, 1)
    other = optuna.load_study(study_name="s", storage=tmp_db)
    u = other.ask()
    with pytest.raises(ValueError, match="different distribution kind.*'y'"):
        u.suggest_int("y", 0, 1)
    with pytest.raises(ValueError, match="different distribution kind.*'x'"):
        u.suggest_categorical("x", [0.0, 1.0])
    v = study.ask()
    with pytest.raises(ValueError, match="different log configuration.*'y'"):
        v.suggest_float("y", 0.1, 1, log=True)

    def objective(trial):
        return trial.suggest_int("x", 0, 1)

    with pytest.raises(ValueError, match="different distribution kind"):
        study.optimize(objective, n_trials=3)
    assert study.trials[-1].state == TrialState.FAIL and study.trials[-1].params == {}
    # a refused distribution (low > high) does not give the name its kind
    fresh = optuna.create_study()
    w = fresh.ask()
    with pytest.raises(ValueError):
        w.suggest_int("k", 3, 1)
    assert w.suggest_float("k", 0, 1) < 1


def test_deprecated_distributions_warn_as_optuna():
    # Optuna 3 deprecated the five classes: making one gives a FutureWarning naming it and
    # what to use instead, at the caller's line (knob gave none)
    from knob.distributions import IntLogUniformDistribution, IntUniformDistribution, json_to_distribution

    for make, name, instead in (
        (lambda: UniformDistribution(0, 1), "UniformDistribution", "FloatDistribution"),
        (lambda: LogUniformDistribution(1e-3, 1), "LogUniformDistribution", "FloatDistribution"),
        (lambda: DiscreteUniformDistribution(0, 1, 0.25), "DiscreteUniformDistribution", "FloatDistribution"),
        (lambda: IntUniformDistribution(0, 3), "IntUniformDistribution", "IntDistribution"),
        (lambda: IntLogUniformDistribution(1, 3), "IntLogUniformDistribution", "IntDistribution"),
    ):
        with pytest.warns(FutureWarning, match=r"^%s has been deprecated in v3\.0\.0\..* Use :class:`~optuna\.distributions\.%s` instead\.$" % (name, instead)) as got:
            make()
        assert len(got) == 1 and got[0].filename == __file__
    with pytest.warns(FutureWarning, match="^UniformDistribution has been deprecated"):
        d = json_to_distribution('{"name": "UniformDistribution", "attributes": {"low": 0.0, "high": 1.0}}')
    assert (d.low, d.high, d.log, d.step) == (0.0, 1.0, False, None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        FloatDistribution(0, 1)
        IntDistribution(1, 3, log=True)


def test_deprecated_distributions_are_converted_with_optunas_warning():
    """Optuna 5 converts a distribution of the classes it deprecated, given to ask's
    fixed_distributions or create_trial's distributions, into the FloatDistribution or
    IntDistribution it stands for, with a FutureWarning at the caller's line (knob kept it
    silently). Each message is Optuna 5's, as it printed it; the new classes warn nothing."""
    from knob.distributions import (
        DiscreteUniformDistribution,
        IntLogUniformDistribution,
        IntUniformDistribution,
        LogUniformDistribution,
        UniformDistribution,
    )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the classes' own warnings, tested above
        old = {
            "u": UniformDistribution(0, 1),
            "l": LogUniformDistribution(0.5, 2),
            "d": DiscreteUniformDistribution(0, 1, 0.25),
            "i": IntUniformDistribution(0, 4, 2),
            "j": IntLogUniformDistribution(1, 8),
        }
    see = " See https://github.com/optuna/optuna/issues/2941."
    expected = [
        "UniformDistribution(high=1.0, low=0.0) is deprecated and internally converted to FloatDistribution(high=1.0, log=False, low=0.0, step=None)." + see,
        "LogUniformDistribution(high=2.0, low=0.5) is deprecated and internally converted to FloatDistribution(high=2.0, log=True, low=0.5, step=None)." + see,
        "DiscreteUniformDistribution(high=1.0, low=0.0, q=0.25) is deprecated and internally converted to FloatDistribution(high=1.0, log=False, low=0.0, step=0.25)." + see,
        "IntUniformDistribution(high=4, low=0, step=2) is deprecated and internally converted to IntDistribution(high=4, log=False, low=0, step=2)." + see,
        "IntLogUniformDistribution(high=8, low=1, step=1) is deprecated and internally converted to IntDistribution(high=8, log=True, low=1, step=1)." + see,
    ]
    study = optuna.create_study()
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        t = study.ask(fixed_distributions=old)
    assert [(w.category, str(w.message), w.filename) for w in got] == [(FutureWarning, m, __file__) for m in expected]
    assert {k: type(d) for k, d in t.distributions.items()} == dict(u=FloatDistribution, l=FloatDistribution, d=FloatDistribution, i=IntDistribution, j=IntDistribution)
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        frozen = optuna.trial.create_trial(params={"u": 0.5}, distributions={"u": old["u"]}, value=1.0)
    assert [(w.category, str(w.message), w.filename) for w in got] == [(FutureWarning, expected[0], __file__)]
    assert type(frozen.distributions["u"]) is FloatDistribution
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        study.ask(fixed_distributions={"f": FloatDistribution(0, 1)})
        optuna.trial.create_trial(params={"f": 0.5}, distributions={"f": FloatDistribution(0, 1)}, value=1.0)


def test_report_and_prune():
    study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=0))
    for i in range(3):
        t = study.ask()
        for step in range(5):
            t.report(float(step + i), step)
        study.tell(t, float(i))
    t = study.ask()
    t.report(100.0, 0)
    assert t.should_prune()
    with pytest.warns(UserWarning, match="already reported"):
        t.report(0.5, 0)  # a step reported again keeps its first value
    with pytest.raises(ValueError):
        t.report(1.0, -1)
    with pytest.raises(TypeError):
        t.report("high", 1)
    study.tell(t, state=TrialState.PRUNED)
    ft = study.trials[3]
    assert ft.state == TrialState.PRUNED
    assert ft.intermediate_values == {0: 100.0}
    assert ft.last_step == 0


@pytest.mark.parametrize("where", ["memory", "sqlite"])
def test_should_prune_after_tell(where, tmp_db):
    """Optuna 5's Trial.should_prune asks the pruner whatever the trial's state: after the
    tell it answers (the study as it is then, the trial's reports), it does not raise."""
    study = optuna.create_study(
        storage=tmp_db if where == "sqlite" else None, pruner=optuna.pruners.MedianPruner(n_startup_trials=0)
    )
    for v in (2.0, 1.0, 0.0):
        t = study.ask()
        t.report(v, 0)
        study.tell(t, v)
        assert not t.should_prune()  # not above the median
    t = study.ask()
    t.report(10.0, 0)
    study.tell(t, 10.0)
    assert t.should_prune()  # above the median of the trials complete, itself among them
    t = study.ask()
    t.report(10.0, 0)
    study.tell(t, state=TrialState.PRUNED)
    assert t.should_prune()
    t = study.ask()
    t.report(0.5, 0)
    study.tell(t, state=TrialState.FAIL)
    assert not t.should_prune()
    t = study.ask()  # reported nothing: the pruner says go on
    study.tell(t, 1.0)
    assert not t.should_prune()
    t = study.ask()
    t.report(float("nan"), 0)  # a diverged run: pruned, after the tell too
    study.tell(t, state=TrialState.PRUNED)
    assert t.should_prune()
    with pytest.raises(optuna.exceptions.UpdateFinishedTrialError):
        t.report(1.0, 1)  # as Optuna's storages refuse it

    # the pruner reads the study as it is when asked, not as it was at the tell
    later = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=0))
    t = later.ask()
    t.report(0.0, 0)
    later.tell(t, 0.0)
    a = later.ask()
    a.report(5.0, 0)
    later.tell(a, 5.0)
    assert a.should_prune()  # above the median of 0 and 5
    for _ in range(3):
        t = later.ask()
        t.report(100.0, 0)
        later.tell(t, 100.0)
    assert not a.should_prune()  # below the median of 0, 5, 100, 100, 100
    threshold = optuna.create_study(pruner=optuna.pruners.ThresholdPruner(upper=1.0))
    t = threshold.ask()
    t.report(2.0, 0)
    threshold.tell(t, 2.0)
    assert t.should_prune()
    nop = optuna.create_study(pruner=optuna.pruners.NopPruner())
    t = nop.ask()
    t.report(2.0, 0)
    nop.tell(t, 2.0)
    assert not t.should_prune()
    # told under NopPruner, then asked under another pruner: that pruner answers, as
    # Optuna 5's (which asks study.pruner)
    nop.pruner = optuna.pruners.ThresholdPruner(upper=1.0)
    assert t.should_prune()
    nop.pruner = optuna.pruners.NopPruner()
    assert not t.should_prune()


@pytest.mark.parametrize("where", ["memory", "sqlite"])
def test_should_prune_after_tell_and_a_replaced_sampler_or_pruner(where, tmp_db):
    """should_prune after the tell answers once the study's sampler or pruner was replaced
    (Study._replace opens the study's handle again): the pruner the study has then, as
    Optuna asks study.pruner. The trial handles kept for it move onto the new study
    handle, and the replaced one is freed at once."""
    study = optuna.create_study(
        storage=tmp_db if where == "sqlite" else None, pruner=optuna.pruners.MedianPruner(n_startup_trials=0)
    )
    storage = study._storage
    for v in (0.0, 1.0):
        t = study.ask()
        t.report(v, 0)
        study.tell(t, v)
    a = study.ask()
    a.report(10.0, 0)
    study.tell(a, 10.0)
    b = study.ask()
    b.report(0.5, 0)
    study.tell(b, state=TrialState.PRUNED)
    assert a.should_prune() and not b.should_prune()  # above, below the median
    study.sampler = optuna.samplers.RandomSampler(seed=1)
    assert a.should_prune() and not b.should_prune()
    c = study.ask()  # told through the second handle
    c.report(20.0, 0)
    study.tell(c, 20.0)
    assert c.should_prune()
    study.pruner = optuna.pruners.ThresholdPruner(lower=1.0)  # the new pruner answers
    assert [t.should_prune() for t in (a, b, c)] == [False, True, False]
    study.pruner = optuna.pruners.NopPruner()
    assert [t.should_prune() for t in (a, b, c)] == [False, False, False]
    study.pruner = optuna.pruners.ThresholdPruner(upper=9.0)
    assert [t.should_prune() for t in (a, b, c)] == [True, False, True]
    # one study handle open: the replaced ones went at once, the kept handles moved
    assert storage._studies == 1
    del a, b, c
    gc.collect()
    assert storage._studies == 1
    t = study.ask()
    t.report(3.0, 0)
    study.tell(t, 3.0)
    assert not t.should_prune()


@pytest.mark.parametrize("where", ["memory", "sqlite"])
def test_replacing_the_sampler_keeps_one_study_handle_open(where, tmp_db):
    """A loop that replaces the study's sampler each iteration (PartialFixedSampler's
    pattern) and keeps the trials it told (reported, pruner on): one study handle stays
    open, the kept trial handles moved onto it, instead of one handle per replacement,
    each with its own copy of the study's trials and its sampler."""
    study = optuna.create_study(
        storage=tmp_db if where == "sqlite" else None, pruner=optuna.pruners.ThresholdPruner(upper=50.0)
    )
    kept = []
    for i in range(100):
        study.sampler = optuna.samplers.RandomSampler(seed=i)
        t = study.ask()
        t.suggest_float("x", 0, 1)
        t.suggest_categorical("c", ["a", "b"])
        t.report(float(i), 0)
        study.tell(t, float(i))
        kept.append(t)
        assert study._storage._studies == 1
    assert [t.should_prune() for t in kept] == [i > 50 for i in range(100)]
    assert [t.params["c"] in ("a", "b") for t in kept] == [True] * 100
    study.pruner = optuna.pruners.ThresholdPruner(upper=10.0)
    assert [t.should_prune() for t in kept] == [i > 10 for i in range(100)]
    assert study._storage._studies == 1


def test_successive_halving_after_the_tell_and_a_replaced_sampler():
    """Successive halving records a trial's rung when the trial reaches one. After the tell,
    Optuna 5's storage refuses that write: should_prune raises UpdateFinishedTrialError
    (its message) and records nothing (knob recorded the finished trial's rung, which then
    competed with the trials still running, and answered True). A trial whose rungs were
    recorded while it ran, or whose last report diverged, answers after the tell, before
    the sampler's replacement (which must keep its handle valid) and after it. Each answer
    here is Optuna 5's."""
    finished = r"^Trial#%d has already finished and can not be updated\.$"
    study = optuna.create_study(
        pruner=optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=2)
    )
    for v in (1.0, 2.0, 3.0):
        t = study.ask()
        for step in range(4):
            t.report(v, step)
            t.should_prune()
        study.tell(t, v)
    a = study.ask()  # reaches its rungs only after the tell
    for step in range(4):
        a.report(9.0, step)
    study.tell(a, 9.0)
    with pytest.raises(optuna.exceptions.UpdateFinishedTrialError, match=finished % 3):
        a.should_prune()
    assert not [k for k in study.trials[3].system_attrs if "rung" in k]
    b = study.ask()  # its rungs recorded as it ran
    for step in range(4):
        b.report(0.5, step)
        assert not b.should_prune()
    study.tell(b, 0.5)
    assert not b.should_prune()
    c = study.ask()
    c.report(float("nan"), 3)
    study.tell(c, state=TrialState.PRUNED)
    assert c.should_prune()
    study.sampler = optuna.samplers.RandomSampler(seed=0)
    with pytest.raises(optuna.exceptions.UpdateFinishedTrialError, match=finished % 3):
        a.should_prune()
    assert not b.should_prune() and c.should_prune()
    d = study.ask()
    d.report(9.0, 1)
    assert d.should_prune()  # its rung 0 recorded, the worst
    study.tell(d, state=TrialState.PRUNED)
    assert not d.should_prune()  # step 1, before rung 1


def test_pruners_that_record_in_the_trial_after_the_tell(tmp_db):
    """Hyperband (successive halving per bracket) and a PatientPruner that asks successive
    halving raise as Optuna 5's when they would record a rung after the tell; so does
    successive halving for a trial told through another Study object, by number or as the
    Trial. Nothing is recorded."""
    finished = r"^Trial#%d has already finished and can not be updated\.$"
    hb = optuna.create_study(
        pruner=optuna.pruners.HyperbandPruner(min_resource=1, max_resource=5, reduction_factor=2)
    )
    for i in range(3):  # step 4 reaches the first rung of every bracket (1, 2, 4: below 5)
        t = hb.ask()
        t.report(1.0, 4)
        hb.tell(t, 1.0)
        with pytest.raises(optuna.exceptions.UpdateFinishedTrialError, match=finished % i):
            t.should_prune()
    patient = optuna.create_study(
        pruner=optuna.pruners.PatientPruner(optuna.pruners.SuccessiveHalvingPruner(min_resource=1), patience=0)
    )
    for values, raises in (([1.0, 2.0], True), ([2.0, 1.0], False)):
        t = patient.ask()
        for step, v in enumerate(values):
            t.report(v, step)
        patient.tell(t, values[-1])
        if raises:  # worse: the patient pruner asks successive halving
            with pytest.raises(optuna.exceptions.UpdateFinishedTrialError, match=finished % t.number):
                t.should_prune()
        else:  # better: it does not ask
            assert not t.should_prune()
    sh = optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=2)
    x = optuna.create_study(storage=tmp_db, study_name="s", pruner=sh)
    y = optuna.load_study(storage=tmp_db, study_name="s", pruner=sh)
    for how in ("number", "trial"):
        t = x.ask()
        t.report(1.0, 2)
        y.tell(t.number if how == "number" else t, 1.0)
        with pytest.raises(optuna.exceptions.UpdateFinishedTrialError, match=finished % t.number):
            t.should_prune()
    assert not [k for s in (hb, patient, x) for t in s.trials for k in t.system_attrs if "rung" in k]


@pytest.mark.parametrize("study_first", [True, False])
def test_kept_trial_handles_go_with_a_study_collected_with_its_trials(study_first, tmp_db, monkeypatch):
    """A Study collected together with the trials that keep handles on it for should_prune
    (a cycle) frees its study handle, in either finalization order, the Study's first or
    the trials' first: the storage counts none open then. The order is set through the
    garbage collector's lists (the older objects are finalized first; gc.freeze and
    gc.unfreeze put the Study after the trials) and checked."""
    from knob.study import Study
    from knob.trial import Trial

    order = []
    study_del, trial_del = Study.__del__, Trial.__del__

    def study_fin(self):
        if self.__dict__.get("study_name") == name:
            order.append("Study")
        study_del(self)

    def trial_fin(self):
        if self.__dict__.get("_after") is not None and self.study.study_name == name:
            order.append("Trial")
        trial_del(self)

    gc.collect()  # what earlier tests left
    monkeypatch.setattr(Study, "__del__", study_fin)
    monkeypatch.setattr(Trial, "__del__", trial_fin)
    study = optuna.create_study(storage=tmp_db, pruner=optuna.pruners.MedianPruner(n_startup_trials=0))
    name = study.study_name
    storage = study._storage
    if not study_first:
        gc.freeze()  # the Study aside, to come after the trials
    try:
        kept = []
        for i in range(4):
            t = study.ask()
            t.report(float(i), 0)
            study.tell(t, float(i))
            kept.append(t)
            study.sampler = optuna.samplers.RandomSampler(seed=i)
        assert storage._studies == 1
        study.cycle = kept
        gc.collect()  # the trials to the oldest generation
    finally:
        gc.unfreeze()  # the Study after them there
    del study, kept, t
    gc.collect()
    assert order == (["Study"] + ["Trial"] * 4 if study_first else ["Trial"] * 4 + ["Study"])
    assert storage._studies == 0


def test_trial_attrs():
    study = optuna.create_study()
    t = study.ask()
    t.set_user_attr("note", {"a": [1, 2]})
    assert t.user_attrs == {"note": {"a": [1, 2]}}
    assert t.number == 0
    assert isinstance(t.datetime_start, datetime.datetime)
    with pytest.raises(ValueError, match="'f'"):
        t.set_user_attr("f", float("nan"))
    study.tell(t, 1)
    assert study.trials[0].user_attrs == {"note": {"a": [1, 2]}}


def test_distributions():
    with pytest.warns(FutureWarning):
        assert UniformDistribution(0, 1) == FloatDistribution(0, 1) or True
    with pytest.warns(FutureWarning):
        assert LogUniformDistribution(1e-3, 1).log
    with pytest.warns(FutureWarning):
        assert DiscreteUniformDistribution(0, 1, 0.25).q == 0.25
    with pytest.warns(UserWarning):
        d = FloatDistribution(0, 1, step=0.3)
    assert d.high == pytest.approx(0.9)
    with pytest.raises(ValueError):
        FloatDistribution(1, 0)
    with pytest.raises(ValueError):
        FloatDistribution(0, 1, log=True)
    with pytest.raises(ValueError):
        IntDistribution(0, 10, log=True)
    c = CategoricalDistribution([True, 1])
    assert c.to_internal_repr(True) == 0 and c.to_external_repr(1) == 1
    for dist in [FloatDistribution(0, 1, step=0.5), IntDistribution(1, 9, log=True), CategoricalDistribution(["a", None])]:
        assert json_to_distribution(distribution_to_json(dist)) == dist
    assert not CategoricalDistribution(["a", "b"]).single() and IntDistribution(3, 3).single()


def test_ask_fixed_distributions_and_tell_by_number():
    study = optuna.create_study()
    t = study.ask(fixed_distributions={"x": FloatDistribution(0, 1), "c": CategoricalDistribution(["a"])})
    assert set(t.params) == {"x", "c"} and t.params["c"] == "a"
    frozen = study.tell(t.number, 0.5)
    assert frozen.state == TrialState.COMPLETE and frozen.value == 0.5
    with pytest.raises(RuntimeError, match="finished"):
        study.tell(t, 1.0)
    assert study.tell(t, 1.0, skip_if_finished=True).value == 0.5
    t2 = study.ask()
    with pytest.raises(ValueError, match="No values"):
        study.tell(t2, state=TrialState.COMPLETE)
    with pytest.raises(ValueError):
        study.tell(t2, 1.0, state=TrialState.PRUNED)
    study.tell(t2, state=TrialState.FAIL)
    t3 = study.ask()
    with pytest.warns(UserWarning, match="number of the values"):
        frozen = study.tell(t3, [1.0, 2.0])  # two values, one objective: the trial fails
    assert frozen.state == TrialState.FAIL
    t4 = study.ask()
    with pytest.warns(UserWarning, match="nan"):
        frozen = study.tell(t4, float("nan"))
    assert frozen.state == TrialState.FAIL
    assert "nan, not a number" in frozen.system_attrs["fail_reason"]
    with pytest.raises(ValueError, match="does not exist"):
        study.tell(99, 1.0)
    # an enqueued trial that no ask took is not told (Optuna: "Cannot tell a WAITING
    # trial."): it stays WAITING, and the next ask runs it with its params
    study.enqueue_trial({"x": 0.25})
    waiting = study.get_trials(states=(TrialState.WAITING,))[0].number
    with pytest.raises(ValueError, match="WAITING"):
        study.tell(waiting, 1.0)
    with pytest.raises(ValueError, match="WAITING"):
        study.tell(waiting, state=TrialState.FAIL)
    assert study.trials[waiting].state == TrialState.WAITING
    t5 = study.ask()
    assert t5.number == waiting and t5.suggest_float("x", 0, 1) == 0.25


def test_frozen_and_fixed_trial():
    ft = optuna.create_trial(params={"x": 0.5}, distributions={"x": FloatDistribution(0, 1)}, value=3.0)
    assert ft.suggest_float("x", 0, 1) == 0.5
    assert ft.value == 3.0 and ft.values == [3.0] and ft.state == TrialState.COMPLETE
    assert ft.should_prune() is False
    fixed = FixedTrial({"x": 2.0, "c": "b"})
    assert fixed.suggest_float("x", 0, 10) == 2.0
    assert fixed.suggest_categorical("c", ["a", "b"]) == "b"
    with pytest.raises(ValueError):
        fixed.suggest_int("n", 0, 1)
    assert fixed.params == {"x": 2.0, "c": "b"}


def test_trial_state():
    assert [s.value for s in TrialState] == [0, 1, 2, 3, 4]
    assert TrialState.COMPLETE.is_finished() and not TrialState.WAITING.is_finished()
    # Optuna's: the enum's repr, and str() by name
    assert repr(TrialState.PRUNED) == "<TrialState.PRUNED: 2>" and str(TrialState.PRUNED) == "TrialState.PRUNED"
    assert repr([optuna.study.StudyDirection.MAXIMIZE]) == "[<StudyDirection.MAXIMIZE: 2>]"
    frozen = optuna.trial.create_trial(value=1.0)
    assert repr(frozen).startswith("FrozenTrial(number=-1, state=<TrialState.COMPLETE: 1>, values=[1.0], ")


def test_deprecated_suggest_names_warn_on_every_kind_of_trial():
    """suggest_uniform and its kin warn on Trial, FrozenTrial and FixedTrial alike, as in Optuna."""
    frozen = optuna.trial.create_trial(params={"x": 0.5}, distributions={"x": FloatDistribution(0, 1)}, value=1.0)
    fixed = FixedTrial({"x": 0.5})
    study = optuna.create_study()
    for trial in (study.ask(), frozen, fixed):
        with pytest.warns(FutureWarning):
            assert 0 <= trial.suggest_uniform("x", 0, 1) <= 1


def test_study_storage_and_open_trial_collected_together():
    """A study with a trial asked and never told is a reference cycle (the study holds its
    open trials, each trial its study); the garbage collector then finalizes the study, its
    storage and the trial in any order. The storage must outlive the study's handle."""
    import subprocess
    import sys

    code = (
        "import gc, knob\n"
        "for i in range(20):\n"
        "    s = knob.create_study(storage=knob.storages.InMemoryStorage())\n"
        "    t = s.ask(); t.suggest_float('x', 0, 1)\n"
        "    del s, t\n"
        "    gc.collect()\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "ok"


def test_step_not_dividing_the_range_warns():
    # Optuna warns when step does not divide [low, high] and the range ends at the last
    # step: suggest_int did, suggest_float did not
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    t = study.ask()
    with pytest.warns(UserWarning, match=r"replaced with \[0, 0.9"):
        x = t.suggest_float("x", 0, 1, step=0.3)
    assert min(abs(x - v) for v in (0.0, 0.3, 0.6, 0.9)) < 1e-12
    with pytest.warns(UserWarning, match=r"replaced with \[0, 9\]"):
        t.suggest_int("n", 0, 10, step=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t.suggest_float("y", 0, 1, step=0.25)
        t.suggest_float("x", 0, 1, step=0.3)  # the same param again: its value, no new warning


def test_a_path_python_decoded_with_surrogates_is_kept(tmp_db):
    # os.fsdecode gives a file name that is not UTF-8 lone surrogates, which json.dumps
    # writes as \udcXX escapes: Optuna stores and gives back such attributes, and so does
    # knob (also to a study another process reads)
    path = "/data/x\udcff.bin"
    study = optuna.create_study(storage=tmp_db, study_name="paths")
    trial = study.ask()
    trial.set_user_attr("path", path)
    study.set_user_attr("data", [path])
    study.tell(trial, 1.0)
    again = optuna.load_study(storage=tmp_db, study_name="paths")
    assert again.trials[0].user_attrs["path"] == path
    assert again.user_attrs["data"] == [path]


def test_the_value_of_a_trial_of_several_objectives_is_not_set():
    """FrozenTrial.value = v on a trial of two values raises, as Optuna's, and its values
    stay (they became [v]); one value, or none, is set as before."""
    ft = optuna.trial.create_trial(values=[1.0, 2.0], params={}, distributions={})
    with pytest.raises(RuntimeError, match="multi-objective"):
        ft.value = 5.0
    assert ft.values == [1.0, 2.0]
    one = optuna.trial.create_trial(value=1.0, params={}, distributions={})
    one.value = 5.0
    assert one.values == [5.0]
    none = optuna.trial.create_trial(state=optuna.trial.TrialState.RUNNING, params={}, distributions={})
    none.value = 3.0
    assert none.values == [3.0]
