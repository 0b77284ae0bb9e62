"""NumPy scalars where Optuna's scripts pass them: categorical choices from np.arange or
an array, attribute values and enqueued params (knob refused NumPy ints and bools)."""

import warnings

import pytest

import knob as optuna

np = pytest.importorskip("numpy")


def test_numpy_categorical_choices():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for _ in range(6):
        t = study.ask()
        a = t.suggest_categorical("a", list(np.arange(1, 4)))
        c = t.suggest_categorical("c", np.array([10, 20]))
        d = t.suggest_categorical("d", [np.bool_(True), np.bool_(False)])
        b = t.suggest_categorical("b", list(np.linspace(0, 1, 3)))
        assert a in (1, 2, 3) and c in (10, 20) and d in (True, False) and b in (0.0, 0.5, 1.0)
        study.tell(t, float(a + c + b))
    for t in study.trials:
        assert t.params["a"] in (1, 2, 3) and t.params["c"] in (10, 20)
        assert isinstance(t.params["b"], float) and t.params["d"] in (True, False)


def test_numpy_values_in_attributes_enqueue_and_grid():
    # np.int64 is no int: json refused it (Optuna's in-memory storage keeps it)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.set_user_attr("n", np.int64(3))
    study.enqueue_trial({"x": np.float64(0.5), "n": np.int64(3)}, user_attrs={"batch": np.int64(64)})
    t = study.ask()
    t.set_user_attr("arr", np.arange(3))
    t.set_user_attr("flag", np.bool_(True))
    assert t.suggest_float("x", 0, 1) == 0.5 and t.suggest_int("n", 0, 5) == 3
    study.tell(t, 1.0)
    done = study.trials[0]
    assert done.user_attrs == {"batch": 64, "arr": [0, 1, 2], "flag": True}
    assert study.user_attrs == {"n": 3}
    grid = optuna.create_study(sampler=optuna.samplers.GridSampler({"k": np.arange(1, 4)}))
    grid.optimize(lambda t: t.suggest_int("k", 1, 3))
    assert sorted(t.params["k"] for t in grid.trials) == [1, 2, 3]
    with pytest.raises(ValueError, match="not JSON serializable"):
        study.set_user_attr("o", object())
