"""Study.trials_dataframe's columns as Optuna's: grouped by attribute in the order of
`attrs`, sorted within each group, and any FrozenTrial attribute by name."""

import pytest

import knob as optuna

pd = pytest.importorskip("pandas")


def _study():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))

    def obj(t):
        y = t.suggest_int("y", 0, 3)
        x = t.suggest_float("x", 0, 1)
        t.set_user_attr("zeta", 1)
        t.set_user_attr("alpha", 2)
        t.report(0.5, 2)
        t.report(0.25, 1)
        return x + y

    study.optimize(obj, n_trials=2)
    study.enqueue_trial({"x": 0.5, "y": 1})  # a system attribute the first trials lack
    study.optimize(obj, n_trials=1)
    return study


def test_columns_grouped_and_sorted():
    # knob listed columns as trials first had them: params_y before params_x, and
    # system_attrs_fixed_params after state
    df = _study().trials_dataframe()
    assert list(df.columns) == [
        "number", "value", "datetime_start", "datetime_complete", "duration", "params_x", "params_y",
        "user_attrs_alpha", "user_attrs_zeta", "system_attrs_fixed_params", "state",
    ]  # fmt: skip
    assert list(df["params_x"])[2] == 0.5 and list(df["params_y"])[2] == 1
    mi = _study().trials_dataframe(multi_index=True)
    assert list(mi.columns)[-2:] == [("system_attrs", "fixed_params"), ("state", "")]


def test_any_frozen_trial_attribute():
    # Optuna takes any attribute of FrozenTrial (a leading _ dropped from the column)
    df = _study().trials_dataframe(attrs=("number", "intermediate_values", "last_step", "_trial_id", "params"))
    assert list(df.columns) == [
        "number", "intermediate_values_1", "intermediate_values_2", "last_step", "trial_id", "params_x", "params_y",
    ]  # fmt: skip
    assert list(df["last_step"]) == [2, 2, 2] and list(df["intermediate_values_1"]) == [0.25] * 3
    with pytest.raises(AttributeError, match="nope"):
        _study().trials_dataframe(attrs=("nope",))
