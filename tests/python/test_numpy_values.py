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
