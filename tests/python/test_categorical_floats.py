"""Categorical choices: a whole float (0.0, 1.0) comes back from the study as the float it
was, as Optuna's does (libknob stores a number; it came back as the int 0); NaN choices."""

import subprocess
import sys

import pytest

import knob as optuna
from knob.distributions import CategoricalDistribution


def test_whole_float_choices_stay_floats(tmp_db):
    for storage in (None, tmp_db):
        study = optuna.create_study(storage=storage, sampler=optuna.samplers.RandomSampler(seed=1))

        def objective(t):
            p = t.suggest_categorical("dropout", [0.0, 0.5, 1.0])
            n = t.suggest_categorical("n", [1, 2])  # ints stay ints
            return p + n

        study.optimize(objective, n_trials=8)
        for t in study.trials:
            assert type(t.params["dropout"]) is float and type(t.params["n"]) is int
            assert t.distributions["dropout"].choices == (0.0, 0.5, 1.0)
            assert [type(c) for c in t.distributions["dropout"].choices] == [float] * 3
        assert type(study.best_params["dropout"]) is float


_WRITER = r"""
import sys

import pytest
import knob as optuna

study = optuna.load_study(storage=sys.argv[1], study_name="floats", sampler=optuna.samplers.RandomSampler(seed=2))
study.optimize(lambda t: t.suggest_categorical("c", [1.0, 2.0, 0.5]) + len(str(t.suggest_categorical("m", [1, 2.0, "a"]))), n_trials=12)
"""


def test_whole_float_choices_stay_floats_in_another_process(tmp_path):
    # the study is written by one process and read by another: libknob's stored choice is
    # the number 1, which the reader took for the int 1 (Optuna gives 1.0)
    url = "sqlite:///" + str(tmp_path / "floats.db")
    reader = optuna.create_study(storage=url, study_name="floats")  # loaded before the trials
    subprocess.run([sys.executable, "-c", _WRITER, url], check=True)
    for study in (reader, optuna.load_study(study_name="floats", storage=url)):
        for t in study.trials:
            assert t.distributions["c"].choices == (1.0, 2.0, 0.5)
            assert [type(c) for c in t.distributions["c"].choices] == [float] * 3
            assert [type(c) for c in t.distributions["m"].choices] == [int, float, str]
            assert type(t.params["c"]) is float and t.params["c"] in (1.0, 2.0, 0.5)
            assert type(t.params["m"]) is (float if t.params["m"] == 2 else int if t.params["m"] == 1 else str)
        assert {t.params["c"] for t in study.trials} >= {1.0, 2.0}
        assert type(study.best_params["c"]) is float
        with pytest.warns(FutureWarning):  # deprecated, as Optuna's
            assert study.system_attrs == {}  # the record of the float choices is knob's own
    # a study's own ints stay ints
    ints = optuna.create_study(storage=url, study_name="ints")
    ints.optimize(lambda t: t.suggest_categorical("c", [1, 2]), n_trials=3)
    assert all(type(t.params["c"]) is int for t in optuna.load_study(study_name="ints", storage=url).trials)


BIG = 12345678901234567890  # a 64-bit seed: beyond 2^53, where a double holds no every int

_BIG_WRITER = r"""
import sys

import knob as optuna

study = optuna.load_study(storage=sys.argv[1], study_name="big", sampler=optuna.samplers.RandomSampler(seed=3))
study.optimize(lambda t: float(t.suggest_categorical("seed", [%d, 3]) == 3), n_trials=6)
""" % BIG


def test_big_int_choices_stay_ints(tmp_path):
    # libknob stores a number choice as a double: an int beyond 2^53 came back as the float
    # 1.2345678901234567e+19, and an added trial made the same choices a dynamic value space
    dist = CategoricalDistribution([BIG, 3])
    for storage in (None, "sqlite:///" + str(tmp_path / "one.db")):
        study = optuna.create_study(storage=storage, sampler=optuna.samplers.RandomSampler(seed=1))
        study.add_trial(optuna.trial.create_trial(params={"seed": BIG}, distributions={"seed": dist}, value=1.0))
        study.optimize(lambda t: float(t.suggest_categorical("seed", [BIG, 3]) == 3), n_trials=6)
        assert len(study.trials) == 7 and all(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials)
        for t in study.trials:
            assert t.params["seed"] in (BIG, 3) and type(t.params["seed"]) is int, t.params
            assert t.distributions["seed"].choices == (BIG, 3)
        assert study.trials[0].params["seed"] == BIG
    # 2^53 itself, which a double holds but the reader takes for a float from there on
    study = optuna.create_study()
    study.optimize(lambda t: float(t.suggest_categorical("e", [2**53, 2]) == 2), n_trials=4)
    assert {type(t.params["e"]) for t in study.trials} == {int}
    # 2.0**53, a whole float, stays a float
    url = "sqlite:///" + str(tmp_path / "f53.db")
    s2 = optuna.create_study(storage=url)
    s2.enqueue_trial({"c": 2.0**53})
    t = s2.ask()
    t.suggest_categorical("c", [2.0**53, 3])
    s2.tell(t, 1.0)
    assert type(optuna.load_study(study_name=s2.study_name, storage=url).trials[0].params["c"]) is float
    # two ints of one double: knob cannot tell them apart once stored, and says so (an
    # enqueued trial of the second read back as the first); a distribution never stored
    # (FixedTrial's) takes them, as Optuna's does
    import numpy as np

    for choices in ([2**60, 2**60 + 1], [float(2**60), 2**60 + 1], [np.int64(2**60), np.uint64(2**60 + 1)],
                    [np.float64(2**60), 2**60 + 1], [2**60 + 1, np.float64(2**60)]):
        with pytest.raises(ValueError, match="are one number to knob"):
            study.ask().suggest_categorical("f", choices)
    assert optuna.trial.FixedTrial({"f": 2**60 + 1}).suggest_categorical("f", [2**60, 2**60 + 1]) == 2**60 + 1
    # written by another process, read here before and after
    url = "sqlite:///" + str(tmp_path / "big.db")
    reader = optuna.create_study(storage=url, study_name="big")
    subprocess.run([sys.executable, "-c", _BIG_WRITER, url], check=True)
    for study in (reader, optuna.load_study(study_name="big", storage=url)):
        seeds = [t.params["seed"] for t in study.trials]
        assert len(seeds) == 6 and set(seeds) <= {BIG, 3} and BIG in seeds, seeds
        assert all(type(v) is int for v in seeds), seeds


_TWO_WRITER = r"""
import sys

import knob as optuna

study = optuna.load_study(storage=sys.argv[1], study_name="two", sampler=optuna.samplers.RandomSampler(seed=4))
def objective(t):
    a = t.suggest_categorical("a", [%d, 3])
    b = t.suggest_categorical("b", [float(2**60), 3])
    i = t.suggest_categorical("i", [1, 3])
    f = t.suggest_categorical("f", [1.0, 3])
    return float(a == 3) + float(b == 3) + i + f
study.optimize(objective, n_trials=12)
""" % (2**60 + 1)


def test_params_whose_choices_are_one_list_of_doubles(tmp_path):
    # [2**60 + 1, 3] and [float(2**60), 3] are one list of doubles to libknob, and so are
    # [1, 3] and [1.0, 3]: each param reads back its own choices (the second param's trials
    # read back the first's, 1152921504606846977 for 2.0**60 and 1.0 for the int 1)
    url = "sqlite:///" + str(tmp_path / "two.db")
    reader = optuna.create_study(storage=url, study_name="two")
    subprocess.run([sys.executable, "-c", _TWO_WRITER, url], check=True)
    here = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=4))
    here.optimize(lambda t: float(t.suggest_categorical("a", [2**60 + 1, 3]) == 3)
                  + float(t.suggest_categorical("b", [float(2**60), 3]) == 3)
                  + t.suggest_categorical("i", [1, 3]) + t.suggest_categorical("f", [1.0, 3]), n_trials=12)
    for study in (reader, optuna.load_study(study_name="two", storage=url), here):
        seen = {"a": set(), "b": set(), "i": set(), "f": set()}
        for t in study.trials:
            for k, v in t.params.items():
                seen[k].add((type(v), v))
            assert t.distributions["a"].choices == (2**60 + 1, 3)
            assert [type(c) for c in t.distributions["a"].choices] == [int, int]
            assert [type(c) for c in t.distributions["b"].choices] == [float, int]
            assert [type(c) for c in t.distributions["i"].choices] == [int, int]
            assert [type(c) for c in t.distributions["f"].choices] == [float, int]
        assert seen["a"] == {(int, 2**60 + 1), (int, 3)}, seen
        assert seen["b"] == {(float, 2.0**60), (int, 3)}, seen
        assert seen["i"] == {(int, 1), (int, 3)}, seen
        assert seen["f"] == {(float, 1.0), (int, 3)}, seen


def test_records_are_the_study_s_own(tmp_path):
    # two studies of one process whose param x has the same doubles, floats in one and ints
    # in the other: each reads back its own (the second read the first's floats)
    a, b = optuna.create_study(), optuna.create_study()
    a.optimize(lambda t: t.suggest_categorical("x", [1.0, 3]), n_trials=4)
    b.optimize(lambda t: t.suggest_categorical("x", [1, 3]), n_trials=4)
    assert all(type(t.params["x"]) is (float if t.params["x"] == 1 else int) for t in a.trials), [t.params for t in a.trials]
    assert all(type(t.params["x"]) is int for t in b.trials), [t.params for t in b.trials]
    assert all(t.distributions["x"].choices == (1, 3) and type(t.distributions["x"].choices[0]) is int for t in b.trials)
    assert all(type(t.distributions["x"].choices[0]) is float for t in a.trials)
    # a record of an older knob (unnamed) still holds when a param of today records the
    # same doubles: it read back as ints once z was suggested
    url = "sqlite:///" + str(tmp_path / "older.db")
    s = optuna.create_study(storage=url, study_name="older", sampler=optuna.samplers.RandomSampler(seed=1))
    s.enqueue_trial({"x": 1.0})
    s.optimize(lambda t: t.suggest_categorical("x", [1.0, 3]), n_trials=1)
    s._set_system_attr("knob:float_choices:[1.0, 3]", [1.0, 3])  # as an older knob wrote it
    for k in [k for k in s._attrs(True) if k.startswith("knob:float_choices:[\"x\"")]:
        subprocess.run(["sqlite3", str(tmp_path / "older.db"), "DELETE FROM study_attrs WHERE key = '%s'" % k], check=True)
    s2 = optuna.load_study(study_name="older", storage=url)
    s2.optimize(lambda t: t.suggest_categorical("z", [1.0, 3]), n_trials=1)
    s3 = optuna.load_study(study_name="older", storage=url)
    assert s3.trials[0].params == {"x": 1.0} and type(s3.trials[0].params["x"]) is float, s3.trials[0].params


def test_nan_choices():
    """Optuna 5 takes NaN (and infinities) as categorical choices, a NaN equal to any NaN
    (_categorical_choice_equal). knob's distributions compare and look them up so too, where
    nothing is stored (FixedTrial, create_trial); libknob stores choices as JSON, which holds
    neither, so a suggestion or an added trial refuses them with a ValueError naming the
    param and the choice, before libknob is called (it was libknob's KnobValueError, or, for
    add_trial, a message about a study system attribute)."""
    nan = float("nan")
    a, b = CategoricalDistribution([nan, 1.0]), CategoricalDistribution([float("nan"), 1.0])
    assert a == b and hash(a) == hash(b) and a != CategoricalDistribution([2.0, 1.0])
    assert b.to_internal_repr(float("nan")) == 0
    assert b.to_internal_repr(1.0) == 1
    got = optuna.trial.FixedTrial({"c": float("nan")}).suggest_categorical("c", [nan, 1.0])
    assert got != got
    frozen = optuna.trial.create_trial(params={"c": nan}, distributions={"c": a}, value=0.0)
    assert frozen.params["c"] != frozen.params["c"]

    study = optuna.create_study()
    t = study.ask()
    for choices, shown in (([nan, 1.0], "nan at index 0"), (["a", float("-inf")], "-inf at index 1")):
        with pytest.raises(ValueError, match="param 'c' contains %s" % shown) as e:
            t.suggest_categorical("c", choices)
        assert type(e.value) is ValueError
    assert t.suggest_categorical("c", ["a", 1.0]) in ("a", 1.0)  # the trial goes on
    with pytest.raises(ValueError, match="param 'c' contains nan at index 0"):
        study.add_trial(frozen)
    with pytest.raises(ValueError, match="param 'c' is nan"):
        study.enqueue_trial({"c": nan})
    study.tell(t, 0.0)
    assert len(study.trials) == 1
