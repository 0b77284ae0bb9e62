"""enqueue_trial(skip_if_exists=True) as Optuna's: a trial that was enqueued is compared
by the params it was enqueued with, numbers within a relative 1e-5."""

import warnings

import pytest

import knob as optuna


def _objective(t):
    return t.suggest_float("x", 0, 1) + t.suggest_int("y", 0, 5)


def test_skip_if_exists_compares_an_enqueued_trial_by_its_enqueued_params():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.enqueue_trial({"x": 0.5})
    study.optimize(_objective, n_trials=2)
    # trial 0 ran {"x": 0.5} and drew y: enqueuing {"x": 0.5} again is skipped (knob
    # compared with all its params, {"x": 0.5, "y": ...}, and enqueued it again)
    study.enqueue_trial({"x": 0.5}, skip_if_exists=True)
    assert len(study.trials) == 2
    study.enqueue_trial({"x": 0.5 + 1e-9}, skip_if_exists=True)  # as close as Optuna's np.isclose
    assert len(study.trials) == 2
    t1 = study.trials[1]  # not enqueued: compared by its params
    study.enqueue_trial({"x": t1.params["x"], "y": t1.params["y"]}, skip_if_exists=True)
    assert len(study.trials) == 2
    # other keys than trial 0 was enqueued with: a new trial
    study.enqueue_trial({"x": 0.5, "y": study.trials[0].params["y"]}, skip_if_exists=True)
    assert len(study.trials) == 3
    study.enqueue_trial({"x": 0.75}, skip_if_exists=True)
    assert len(study.trials) == 4
    study.enqueue_trial({"x": 0.75}, skip_if_exists=True)  # a waiting one with them
    assert len(study.trials) == 4


def test_enqueue_params_must_be_a_dict():
    # Optuna: TypeError "params must be a dictionary."; knob raised KnobValueError from C
    study = optuna.create_study()
    for bad in ([1, 2], "x=1", None):
        with pytest.raises(TypeError, match="params must be a dictionary"):
            study.enqueue_trial(bad)
    assert study.trials == []


def test_add_trial_of_a_waiting_trial_keeps_its_enqueued_params():
    # an enqueued trial (params in its system attribute fixed_params), added to another
    # study: Optuna runs it with those params; knob enqueued {} and the sampler drew x
    study = optuna.create_study()
    study.enqueue_trial({"x": 0.25})
    other = optuna.create_study()
    other.add_trials(study.trials)
    assert other.trials[0].system_attrs["fixed_params"] == {"x": 0.25}
    other.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_int("n", 0, 3), n_trials=1)
    assert other.trials[0].params["x"] == 0.25


@pytest.mark.parametrize("where", ["memory", "sqlite"])
def test_an_enqueued_number_is_suggested_as_enqueued(where, tmp_db):
    """Optuna 5's suggest_float and suggest_categorical return the fixed value itself: an
    enqueued int 1 is 1 (knob gave 1.0), in trial.params too; stored, it is the float
    1.0 (the distribution's), as Optuna's storages give it. suggest_int gives an int."""
    study = optuna.create_study(storage=tmp_db if where == "sqlite" else None)
    study.enqueue_trial({"x": 1, "s": 2, "c": 1, "f": 2.0, "n": 3.0})
    seen = {}

    def objective(t):
        seen["x"] = t.suggest_float("x", 0, 2)
        seen["x again"] = t.suggest_float("x", 0, 2)
        seen["s"] = t.suggest_float("s", 0, 4, step=0.5)
        seen["c"] = t.suggest_categorical("c", [1.0, 2.0])
        seen["f"] = t.suggest_categorical("f", [1, 2, 3])
        seen["n"] = t.suggest_int("n", 0, 5)
        seen["params"] = t.params
        return 0.0

    study.optimize(objective, n_trials=1)
    assert [(k, type(v)) for k, v in seen.items() if k != "params"] == [
        ("x", int), ("x again", int), ("s", int), ("c", int), ("f", float), ("n", int)
    ]
    assert seen["x"] == 1 and seen["s"] == 2 and seen["c"] == 1 and seen["f"] == 2.0 and seen["n"] == 3
    assert seen["params"] == {"x": 1, "s": 2, "c": 1, "f": 2.0, "n": 3}
    assert type(seen["params"]["x"]) is int
    stored = study.trials[0].params
    assert stored == {"x": 1.0, "s": 2.0, "c": 1.0, "f": 2, "n": 3}
    assert type(stored["x"]) is float and type(stored["c"]) is float and type(stored["f"]) is int
    t = study.ask()  # not enqueued: a float
    assert type(t.suggest_float("x", 0, 2)) is float


def test_an_enqueued_choice_beyond_2_53_is_taken():
    """A choice beyond 2^53 (held by the library as the double it rounds to) is the one an
    enqueued trial fixes, not a sampled one."""
    study = optuna.create_study()
    study.enqueue_trial({"seed": 12345678901234567890, "n": 2**53 + 1})
    t = study.ask()
    assert t.suggest_categorical("seed", [12345678901234567890, 3]) == 12345678901234567890
    assert t.suggest_categorical("n", [2**53 + 1, 3]) == 2**53 + 1


def test_stepped_floats_enqueued_with_rounding_noise_are_used_without_a_warning():
    """0.1 * 3 enqueued for a float of step 0.1: the trial runs at 0.3 without a warning (it
    warned that the value was out of range and the sampler's taken, where it was used)."""
    study = optuna.create_study()
    grid = [k * 0.1 for k in (3, 6, 7)]
    for v in grid:
        study.enqueue_trial({"x": v})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0, step=0.1), n_trials=3)
    assert [t.params["x"] for t in study.trials] == [0.3, 0.6, 0.7]


def test_skip_if_exists_takes_a_whole_float_as_the_float_param_it_is():
    """A waiting trial added with a float param of a whole value (4.0) is stored with
    fixed_params {"x": 4} (an int in libknob's JSON): enqueuing {"x": 4.0} again is
    skipped, as Optuna skips it (it compares with that trial's params). For a float param,
    4 and 4.0 are one value."""
    dist = optuna.distributions.FloatDistribution(0, 10)
    study = optuna.create_study()
    study.add_trial(optuna.create_trial(params={"x": 4.0}, distributions={"x": dist}, state=optuna.trial.TrialState.WAITING))
    study.enqueue_trial({"x": 4.0}, skip_if_exists=True)
    assert len(study.trials) == 1
    study.enqueue_trial({"x": 4}, skip_if_exists=True)
    assert len(study.trials) == 1
    study.optimize(lambda t: t.suggest_float("x", 0, 10), n_trials=1)
    study.enqueue_trial({"x": 4.0}, skip_if_exists=True)
    assert len(study.trials) == 1
    # an int param's 4 is not a float's 4.0, as Optuna compares them
    ints = optuna.create_study()
    ints.add_trial(
        optuna.create_trial(
            params={"n": 4}, distributions={"n": optuna.distributions.IntDistribution(0, 10)}, state=optuna.trial.TrialState.WAITING
        )
    )
    ints.enqueue_trial({"n": 4.0}, skip_if_exists=True)
    assert len(ints.trials) == 2
    ints.enqueue_trial({"n": 4}, skip_if_exists=True)
    assert len(ints.trials) == 2


def test_enqueued_bool_is_the_number_python_takes_it_for():
    """An enqueued True is 1 for suggest_int and the choice 1.0 of [1.0, 2.0, "x"], and an
    enqueued 1 the choice True of [False, True], as Optuna uses them (Python's True == 1);
    knob let the sampler choose, with a warning that the value was out of range."""
    # (enqueued, suggest, the value suggest returns, the param stored): a number is
    # returned as enqueued, as Optuna returns it (1, not True); a bool as the number or
    # choice stored (Optuna returns True itself from suggest_float and for the choice 1.0)
    cases = [
        (True, lambda t: t.suggest_int("p", 0, 10), 1, 1),
        (False, lambda t: t.suggest_int("p", 0, 10), 0, 0),
        (True, lambda t: t.suggest_float("p", 0, 10), 1.0, 1.0),
        (True, lambda t: t.suggest_categorical("p", [1.0, 2.0, "x"]), 1.0, 1.0),
        (False, lambda t: t.suggest_categorical("p", [1, 0]), 0, 0),
        (1, lambda t: t.suggest_categorical("p", [False, True]), 1, True),
        (True, lambda t: t.suggest_categorical("p", [1, True]), True, True),  # the value itself first
    ]
    for value, suggest, want, param in cases:
        study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
        study.enqueue_trial({"p": value})
        got = []
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            study.optimize(lambda t: (got.append(suggest(t)), 0.0)[1], n_trials=1)
        assert got == [want] and type(got[0]) is type(want), (value, got)
        params = study.trials[0].params
        assert params == {"p": param} and type(params["p"]) is type(param), (value, params)
        assert study.trials[0].system_attrs["fixed_params"] == {"p": value}
    # out of range as a number still leaves it to the sampler, with the warning
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.enqueue_trial({"p": True})
    with pytest.warns(UserWarning, match="out of range"):
        study.optimize(lambda t: t.suggest_int("p", 2, 10), n_trials=1)
