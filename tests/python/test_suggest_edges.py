"""suggest_* edge cases as Optuna's: a float step that is not positive, int bounds that are
not whole, and a FrozenTrial asked a param outside the distribution it is given (a
warning, as Optuna's, not an error)."""

import warnings

import pytest

import knob as optuna
from knob.distributions import FloatDistribution, IntDistribution
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


def test_suggest_int_bounds_that_are_not_whole():
    # Optuna's IntDistribution checks the bounds given, then takes their int(): a script's
    # suggest_int("k", 1, len(data) / 10) runs. knob raised ValueError ("must be integers")
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=3))
    t = study.ask()
    values = [t.suggest_int("a", 0.5, 5.9), t.suggest_int("g", 0, 7 / 2), t.suggest_int("c", 0, 10, step=2.5)]
    assert 0 <= values[0] <= 5 and 0 <= values[1] <= 3 and values[2] in (0, 2, 4, 6, 8, 10)
    assert t.suggest_int("d", 1.5, 1.7) == 1
    with pytest.raises(ValueError, match=r"param 'b': `low <= high` must hold"):
        t.suggest_int("b", 2, 1.5)  # checked before the int(), as Optuna's
    with pytest.raises(ValueError, match=r"param 'e': `low >= 1` must hold for `log=True`.*0\.5"):
        t.suggest_int("e", 0.5, 100.5, log=True)
    study.tell(t, 1.0)
    assert study.trials[0].distributions == {
        "a": IntDistribution(0, 5),
        "g": IntDistribution(0, 3),
        "c": IntDistribution(0, 10, step=2),
        "d": IntDistribution(1, 1),
    }
    assert all(type(v) is int for v in study.trials[0].params.values())


def test_param_name_not_a_string():
    # Optuna 5 takes any hashable name (its RDB storages store it as str(name)); knob
    # crashed with AttributeError: 'int' object has no attribute 'encode'. knob's names
    # are strings: a name that is not one is taken as str(name), as those storages store it
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    t = study.ask()
    x = t.suggest_float(1, 0, 1)
    assert t.suggest_float(1, 0, 1) == x == t.suggest_float("1", 0, 1)
    n = t.suggest_int(2, 0, 3)
    c = t.suggest_categorical(3, ["a", "b"])
    assert t.params == {"1": x, "2": n, "3": c}
    study.tell(t, x)
    assert study.best_params == {"1": x, "2": n, "3": c}
    t = study.ask({4.5: FloatDistribution(0, 1)})
    assert list(t.params) == ["4.5"]
    # an unhashable name, which Optuna refuses too (TypeError: unhashable type), is
    # refused naming the argument
    for suggest in (lambda: t.suggest_float(["x"], 0, 1), lambda: t.suggest_int({}, 0, 1),
                    lambda: t.suggest_categorical(["c"], ["a"])):
        with pytest.raises(TypeError, match="name"):
            suggest()
    assert "x" not in t.params and len(t.params) == 1


def test_int_bounds_past_2_53_refused_as_ints():
    # libknob holds an int param as a double: 2**53 + 1 reached it as 2**53 (converted before
    # its check), and a trial drew 2**53 from [2**53 + 1, 2**53 + 1], outside its own range;
    # past 2**63 ctypes wrapped the bound (2**70 was 0)
    study = optuna.create_study()
    t = study.ask()
    for low, high, step, arg in (
        (2**53 + 1, 2**53 + 1, 1, "low"),
        (0, 2**53 + 1, 1, "high"),
        (-(2**53) - 1, 0, 1, "low"),
        (0, 2**70, 1, "high"),
        (-(2**53), 2**53, 2**53 + 1, "step"),
    ):
        with pytest.raises(ValueError, match=r"param 'n': `%s` is -?\d+, .*at most 2\*\*53" % arg):
            t.suggest_int("n", low, high, step=step)
    assert t.params == {}
    assert t.suggest_int("n", -(2**53), 2**53) in range(-(2**53), 2**53 + 1)  # the edges are held
    study.tell(t, 0.0)
    # a fixed distribution (ask) and an added trial are checked as ints too
    with pytest.raises(ValueError, match=r"param 'm': `high` is 9007199254740993"):
        optuna.create_study().ask({"m": IntDistribution(0, 2**53 + 1)})
    frozen = optuna.trial.create_trial(params={"m": 2**53 + 1}, distributions={"m": IntDistribution(0, 2**53 + 1)}, value=1.0)
    other = optuna.create_study()
    with pytest.raises(ValueError, match=r"param 'm': `high` is 9007199254740993"):
        other.add_trial(frozen)
    assert other.trials == []
    # where nothing is stored, as Optuna's
    assert optuna.trial.FixedTrial({"n": 2**53 + 1}).suggest_int("n", 0, 2**53 + 1) == 2**53 + 1


def test_enqueued_int_past_2_53_is_not_taken_as_its_double():
    # libknob reads the enqueued 2**53 + 1 as 2**53, which [0, 2**53] holds: the trial took
    # 2**53 as the value enqueued, without a word
    study = optuna.create_study()
    study.enqueue_trial({"n": 2**53 + 1})
    t = study.ask()
    with pytest.warns(UserWarning, match="Fixed parameter n with value 9007199254740993 is out of range"):
        t.suggest_int("n", 0, 2**53)


def test_float_step_infinite_or_too_fine_names_the_param():
    # Decimal's 28 digits raised a bare decimal.InvalidOperation (as Optuna's does), naming
    # neither the param nor the problem
    t = optuna.create_study().ask()
    with pytest.raises(ValueError, match=r"param 'x': `step` must be finite, but got step=inf"):
        t.suggest_float("x", 0.0, 1.0, step=float("inf"))
    for step in (1e-30, 1e-300):
        with pytest.raises(ValueError, match=r"param 'x': \[0, 1\] by %g holds 2\^53 steps or more" % step):
            t.suggest_float("x", 0.0, 1.0, step=step)
    with pytest.raises(ValueError, match=r"param 'x': low and high must be finite, but got \[0, inf\]"):
        t.suggest_float("x", 0.0, float("inf"), step=1.0)
    with pytest.raises(ValueError, match=r"^`step` must be finite"):
        FloatDistribution(0.0, 1.0, step=float("inf"))
    assert t.params == {}
    assert t.suggest_float("x", 0.0, 1.0, step=0.25) in (0.0, 0.25, 0.5, 0.75, 1.0)
