"""Best trials of a constrained study when no trial is feasible, as Optuna's:
best_trials is empty and best_trial says no feasible trial is complete."""

import pytest

import knob as optuna


def _infeasible(directions):
    study = optuna.create_study(directions=directions)
    study.add_trial(optuna.trial.create_trial(values=[0.0] * len(directions), system_attrs={"constraints": [1.0]}))
    return study


def test_best_trials_of_no_feasible_trial_is_empty():
    # knob raised KnobNotFoundError ("its Pareto front is empty")
    assert _infeasible(["minimize", "maximize"]).best_trials == []
    assert _infeasible(["minimize"]).best_trials == []


def test_best_trial_of_no_feasible_trial():
    with pytest.raises(ValueError, match="No feasible trials are completed yet"):
        _infeasible(["minimize"]).best_trial
    with pytest.raises(ValueError, match="No trials are completed yet"):
        optuna.create_study().best_trial
