"""Optuna 5's Trial.set_constraint / constraints and FrozenTrial's: constraint values set
in the objective by name count for best_trial and best_trials as constraints_func's do,
and a FrozenTrial carries them to add_trial and copy_study (knob had neither method)."""

import warnings

import pytest

import knob as optuna
from knob.trial import TrialState, create_trial


def _objective(t):
    x = t.suggest_float("x", 0, 1)
    t.set_constraint("x_le_half", x - 0.5)
    t.set_constraint("tiny", -1.0)
    assert t.constraints == {"x_le_half": x - 0.5, "tiny": -1.0}
    return -x


def test_set_constraint_counts_for_the_best_trial(tmp_db):
    study = optuna.create_study(storage=tmp_db, study_name="c")
    for x in (0.9, 0.3, 0.45, 0.7):
        study.enqueue_trial({"x": x})
    study.optimize(_objective, n_trials=4)
    assert study.best_trial.params == {"x": 0.45}  # 0.9 and 0.7 are infeasible
    assert study.trials[0].constraints == {"tiny": -1.0, "x_le_half": pytest.approx(0.4)}
    other = optuna.create_study()
    other.add_trials(study.trials)
    assert other.best_trial.params == {"x": 0.45}
    assert other.trials[0].constraints == study.trials[0].constraints


def test_set_constraint_checks_as_optuna():
    study = optuna.create_study()
    t = study.ask()
    with pytest.raises(TypeError):
        t.set_constraint("a", "high")
    with pytest.raises(ValueError, match="NaN"):
        t.set_constraint("a", float("nan"))
    t.set_constraint("a", 1)
    with pytest.warns(UserWarning, match="already set"):
        t.set_constraint("a", -1)
    assert t.constraints == {"a": 1.0}
    study.tell(t, 0.0)
    with pytest.raises(ValueError, match="No feasible trials"):
        study.best_trial


def test_frozen_trial_set_constraint():
    f = create_trial(value=1.0)
    assert f.constraints == {}
    f.set_constraint("c", 2.0)
    assert f.constraints == {"c": 2.0}
    g = create_trial(value=0.5, system_attrs={"constraints": [-1.0]})  # the list of constraints_func
    assert g.constraints == {"0": -1.0}
    study = optuna.create_study()
    study.add_trials([f, g])
    assert study.best_trial.value == 0.5
    assert [t.constraints for t in study.trials] == [{"c": 2.0}, {"0": -1.0}]


def test_set_constraint_with_constraints_func_and_a_tell_by_number(tmp_db):
    def func(ft):
        return [ft.params["x"] - 0.8]

    study = optuna.create_study(storage=tmp_db, study_name="f", sampler=optuna.samplers.TPESampler(seed=0, constraints_func=func))
    t = study.ask()
    t.suggest_float("x", 0, 1)
    t.set_constraint("neg", -2.0)
    teller = optuna.load_study(study_name="f", storage=tmp_db, sampler=optuna.samplers.TPESampler(constraints_func=func))
    teller.tell(t.number, 1.0)  # asked here, told there: the storage's attributes
    done = study.trials[0]
    assert done.constraints == {"0": pytest.approx(done.params["x"] - 0.8), "neg": -2.0}
    assert done.system_attrs["constraints"] == (pytest.approx(done.params["x"] - 0.8),)  # Optuna's, "neg" apart


def test_fixed_trial_set_constraint():
    # Optuna 5's FixedTrial has set_constraint and constraints, as Trial and FrozenTrial
    ft = optuna.trial.FixedTrial({"x": 0.75})
    assert _objective(ft) == -0.75
    assert ft.constraints == {"x_le_half": 0.25, "tiny": -1.0}
    assert ft.system_attrs == {"constraints:x_le_half": 0.25, "constraints:tiny": -1.0}
    with pytest.warns(UserWarning, match="already set"):
        ft.set_constraint("tiny", 5.0)
    assert ft.constraints["tiny"] == -1.0
    with pytest.raises(TypeError):
        ft.set_constraint("a", "high")
    with pytest.raises(ValueError, match="NaN"):
        ft.set_constraint("a", float("nan"))


def test_create_trial_takes_constraints(tmp_db):
    # Optuna 5's create_trial(constraints={name: value}): set as set_constraint sets them
    infeasible = create_trial(params={"x": 0.9}, distributions={"x": optuna.distributions.FloatDistribution(0, 1)}, value=-0.9, constraints={"c": 0.4})
    feasible = optuna.trial.create_trial(params={"x": 0.2}, distributions={"x": optuna.distributions.FloatDistribution(0, 1)}, value=-0.2, constraints={"c": -0.3})
    assert infeasible.constraints == {"c": 0.4}
    assert feasible.system_attrs == {"constraints:c": -0.3}
    study = optuna.create_study(storage=tmp_db, study_name="ct")
    study.add_trials([infeasible, feasible])
    assert study.best_trial.params == {"x": 0.2}
    assert [t.constraints for t in study.trials] == [{"c": 0.4}, {"c": -0.3}]
    with pytest.raises(ValueError, match="NaN"):
        create_trial(value=1.0, constraints={"c": float("nan")})


def test_infinite_constraints_are_taken(tmp_db):
    """An infinite constraint value, as Optuna takes it: +inf violated, -inf satisfied; the
    trial completes with its value (it failed, and optimize raised), in storage and back."""
    import math

    def objective(t):
        x = t.suggest_float("x", 0, 1)
        t.set_constraint("mem", math.inf if x > 0.5 else -math.inf)
        return -x

    def listed(t):
        return [math.inf if t.params["x"] > 0.8 else -1.0]

    for sampler in (None, optuna.samplers.TPESampler(seed=1, constraints_func=listed), optuna.samplers.NSGAIISampler(seed=1)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            study = optuna.create_study(storage=tmp_db, sampler=sampler)
        for x in (0.9, 0.3, 0.45, 0.7):
            study.enqueue_trial({"x": x})
        study.optimize(objective, n_trials=8)
        assert all(t.state == TrialState.COMPLETE for t in study.trials)
        assert study.trials[0].constraints["mem"] == math.inf
        assert study.trials[1].constraints["mem"] == -math.inf
        assert study.best_trial.params["x"] <= 0.5
        again = optuna.load_study(study_name=study.study_name, storage=tmp_db)
        assert again.trials[0].constraints == study.trials[0].constraints
        copy = optuna.create_study()
        copy.add_trials(study.trials)
        assert copy.best_trial.number == study.best_trial.number


def _corner(t):
    x = t.suggest_float("x", 0, 1)
    y = t.suggest_float("y", 0, 1)
    t.set_constraint("cx", 0.9 - x)  # feasible only for x >= 0.9
    return x + y


def test_the_default_gives_smacs_turns_to_gp_under_constraints():
    """smac has no constraint handling: while trials carry constraints, AutoSampler's smac
    turns (every third trial) are gp's, so the study runs as without smac at all."""
    runs = []
    for extra in ({}, {"smac_every": 0}):
        study = optuna.create_study(sampler=optuna.samplers.AutoSampler(seed=1, **extra))
        study.optimize(_corner, n_trials=16)
        runs.append([t.params for t in study.trials])
    assert runs[0] == runs[1]


def test_a_constraint_blind_sampler_warns_once():
    for sampler, says in (
        (optuna.samplers.SMACSampler(seed=1), True),
        (optuna.samplers.CmaEsSampler(seed=1), True),
        (optuna.samplers.TPESampler(seed=1), False),
        (optuna.samplers.RandomSampler(seed=1), False),
    ):
        study = optuna.create_study(sampler=sampler)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            study.optimize(_corner, n_trials=3)
        said = [str(x.message) for x in w if "no constraint handling" in str(x.message)]
        assert len(said) == (1 if says else 0), (sampler, said)
        if says:
            assert type(sampler).__name__ in said[0]
