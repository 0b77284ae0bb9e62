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


@pytest.mark.parametrize("sampler", ["NSGAIISampler", "TPESampler", "GPSampler"])
def test_constraints_func_of_no_constraint(sampler):
    # a constraints_func that returns [] (no constraint) makes feasible trials, as Optuna's;
    # knob failed the trial and raised "no constraint values (n is 0)"
    s = getattr(optuna.samplers, sampler)(seed=1, constraints_func=lambda t: [])
    study = optuna.create_study(directions=["minimize", "maximize"], sampler=s)
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=3)
    assert [t.state for t in study.trials] == [optuna.trial.TrialState.COMPLETE] * 3
    assert len(study.best_trials) >= 1
    t = study.ask()
    study.tell(t, (0.0, 1.0))  # a tell outside optimize too
    assert study.trials[-1].state == optuna.trial.TrialState.COMPLETE
