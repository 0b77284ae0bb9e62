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


@pytest.mark.parametrize("sampler", ["NSGAIISampler", "TPESampler", "GPSampler"])
def test_a_nan_value_fails_its_trial_without_constraints_func(sampler):
    # as Optuna's, which asks constraints_func of COMPLETE and PRUNED trials alone: knob asked
    # it of a trial whose value was NaN (a diverged run, failed), and the KeyError of the
    # user attribute the run never set ended optimize
    asked = []

    def cons(t):
        asked.append(t.number)
        return [t.user_attrs["mem_gb"] - 8]

    def obj(t):
        x = t.suggest_float("x", 0, 1)
        if t.number == 2:
            return float("nan")
        t.set_user_attr("mem_gb", 10 * x)
        return x

    study = optuna.create_study(sampler=getattr(optuna.samplers, sampler)(seed=0, constraints_func=cons))
    study.optimize(obj, n_trials=5)
    S = optuna.trial.TrialState
    assert [t.state for t in study.trials] == [S.COMPLETE, S.COMPLETE, S.FAIL, S.COMPLETE, S.COMPLETE]
    assert asked == [0, 1, 3, 4]
    t = study.ask()
    t.suggest_float("x", 0, 1)
    assert study.tell(t, float("nan")).state == S.FAIL  # a tell outside optimize too
    assert asked == [0, 1, 3, 4]


def _types(values):
    return [type(v) for v in values]


@pytest.mark.parametrize("storage", [None, "sqlite"])
def test_constraints_read_back_as_optunas_floats(storage, tmp_db):
    # constraints_func's values are the tuple of floats Optuna's trial holds; knob read the
    # stored JSON back, so -1.0 and 0.0 were the ints -1 and 0, in a list. A [] reads back
    # as Optuna's (), not as no constraints at all
    url = tmp_db if storage else None
    s = optuna.samplers.TPESampler(seed=0, constraints_func=lambda t: [-1.0, 0.0, 2.5] if t.number != 1 else [])
    study = optuna.create_study(storage=url, study_name="c", sampler=s)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    t = study.ask()
    study.tell(t, 0.5)  # ask and tell: the same
    trials = study.trials if url is None else optuna.load_study(study_name="c", storage=url).trials
    for ft in (trials[0], trials[2]):
        assert ft.system_attrs["constraints"] == (-1.0, 0.0, 2.5)
        assert _types(ft.system_attrs["constraints"]) == [float] * 3
        assert ft.constraints == {"0": -1.0, "1": 0.0, "2": 2.5}
        assert _types(ft.constraints.values()) == [float] * 3
    assert trials[1].system_attrs["constraints"] == () and trials[1].constraints == {}
    copy = optuna.create_study()
    copy.add_trials(trials)
    assert [t.system_attrs["constraints"] for t in copy.trials] == [(-1.0, 0.0, 2.5), (), (-1.0, 0.0, 2.5)]
    assert _types(copy.trials[0].system_attrs["constraints"]) == [float] * 3
    assert study.best_trial.number == 1  # the one feasible trial


def test_named_constraints_read_back_apart_and_as_floats(tmp_db):
    # set_constraint's values: floats, each its own "constraints:<name>" only, as Optuna
    # 5's; knob's trial read back also held them in "constraints" (the list libknob reads:
    # [-1, 3] for -1.0 and 3.0), which Optuna would count again as constraints "0" and "1"
    study = optuna.create_study(storage=tmp_db, study_name="n")
    t = study.ask()
    t.set_constraint("c", 3)
    t.set_constraint("a", -1.0)
    study.tell(t, 1.0)
    ft = optuna.load_study(study_name="n", storage=tmp_db).trials[0]
    assert ft.system_attrs == {"constraints:c": 3.0, "constraints:a": -1.0}
    assert _types(ft.system_attrs.values()) == [float, float]
    assert ft.constraints == {"a": -1.0, "c": 3.0}


def test_listed_constraints_equal_to_named_ones_are_both_kept():
    # a list that ends with the named values: knob took them for the named ones, stored
    # once, and the trial added lost constraint "0"
    both = optuna.trial.create_trial(value=1.0, system_attrs={"constraints": [3.0]}, constraints={"c": 3.0})
    assert both.constraints == {"0": 3.0, "c": 3.0}
    study = optuna.create_study()
    study.add_trial(both)
    assert study.trials[0].constraints == {"0": 3.0, "c": 3.0}
    assert study.trials[0].system_attrs == {"constraints": (3.0,), "constraints:c": 3.0}
    assert study.best_trials == []  # infeasible


def test_values_stored_as_json_read_back_as_optunas():
    # what Optuna gives as floats stays a float when whole; user attributes stay as given
    study = optuna.create_study()
    t = study.ask()
    t.suggest_float("x", 0, 1)
    t.report(2, 1)
    t.set_user_attr("f", 1.0)
    t.set_user_attr("i", 1)
    study.tell(t, 3)
    ft = study.trials[0]
    assert ft.intermediate_values == {1: 2.0} and type(ft.intermediate_values[1]) is float
    assert ft.values == [3.0] and type(ft.value) is float
    assert (type(ft.distributions["x"].low), type(ft.distributions["x"].high)) == (float, float)
    assert ft.user_attrs == {"f": 1.0, "i": 1} and _types(ft.user_attrs.values()) == [float, int]
