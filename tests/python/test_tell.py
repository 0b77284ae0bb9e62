"""Study.tell as Optuna's: the exceptions a script catches (ValueError for a finished or
waiting trial and for values refused under state=COMPLETE, TypeError for what is not a
trial), skip_if_finished whoever finished the trial, and a tell without values."""

import pytest

import knob as optuna
from knob.trial import TrialState


def test_tell_a_finished_trial_raises_value_error():
    # Optuna raises ValueError ("Cannot tell a COMPLETE trial."); scripts catch that
    study = optuna.create_study()
    t = study.ask()
    study.tell(t, 1.0)
    with pytest.raises(ValueError, match="Cannot tell a COMPLETE trial"):
        study.tell(t, 2.0)
    with pytest.raises(ValueError, match="Cannot tell a COMPLETE trial"):
        study.tell(0, 2.0)
    with pytest.raises(optuna.exceptions.UpdateFinishedTrialError):  # knob's name for it too
        study.tell(0, 2.0)
    assert study.trials[0].value == 1.0


def test_skip_if_finished_when_another_process_finished_it(tmp_db):
    # the trial object is still open here, and the storage has it finished: Optuna skips
    a = optuna.create_study(storage=tmp_db, study_name="s")
    t = a.ask()
    t.suggest_float("x", 0, 1)
    b = optuna.load_study(study_name="s", storage=tmp_db)
    b.tell(t.number, 0.25)
    done = a.tell(t, 0.5, skip_if_finished=True)
    assert done.state == TrialState.COMPLETE and done.value == 0.25
    t2 = a.ask()
    b.tell(t2.number, state=TrialState.PRUNED)
    with pytest.raises(ValueError, match="Cannot tell a PRUNED trial"):
        a.tell(t2, 0.5)
    assert [x.state for x in a.trials] == [TrialState.COMPLETE, TrialState.PRUNED]


@pytest.mark.parametrize("how", ["number", "trial"])
def test_should_prune_answers_when_another_study_object_told_the_trial(tmp_db, how):
    """A trial finished through another Study object, told by number or as the Trial itself:
    its Trial still answers should_prune, as Optuna's does, after its own tell is refused
    too (libknob refuses that tell and frees the handle: knob keeps it instead), and its
    Study may then replace its sampler or pruner."""
    median = optuna.pruners.MedianPruner(n_startup_trials=0)
    a = optuna.create_study(storage=tmp_db, study_name="s", pruner=median)
    b = optuna.load_study(study_name="s", storage=tmp_db, pruner=median)
    for v in (0.0, 1.0):
        t = a.ask()
        t.report(v, 0)
        a.tell(t, v)
    t = a.ask()
    t.report(10.0, 0)
    b.tell(t.number if how == "number" else t, 10.0)
    assert t.should_prune()
    if how == "trial":
        a.sampler = optuna.samplers.RandomSampler(seed=0)  # t no longer runs here
    with pytest.raises(ValueError, match="Cannot tell a COMPLETE trial"):
        a.tell(t, 10.0)
    assert t.should_prune()
    a.sampler = optuna.samplers.RandomSampler(seed=1)
    assert t.should_prune()
    a.pruner = optuna.pruners.ThresholdPruner(upper=20.0)
    assert not t.should_prune()
    with pytest.raises(optuna.exceptions.UpdateFinishedTrialError):
        t.report(1.0, 1)
    assert [(x.state, x.value) for x in a.trials][2] == (TrialState.COMPLETE, 10.0)


def test_tell_without_values_fails_the_trial():
    # Optuna: tell(trial) without values and state fails the trial (with a warning)
    study = optuna.create_study()
    t = study.ask()
    with pytest.warns(UserWarning, match="could not be cast to float"):
        done = study.tell(t)
    assert done.state == TrialState.FAIL and done.values is None
    t = study.ask()  # state=COMPLETE said outright needs values: refused, still running
    with pytest.raises(ValueError, match="No values were told"):
        study.tell(t, state=TrialState.COMPLETE)
    assert study.trials[1].state == TrialState.RUNNING


def test_tell_complete_refuses_values_that_fail(tmp_db):
    # state=COMPLETE given: Optuna raises ValueError for NaN, a wrong count or a
    # non-number, and the trial stays RUNNING to be told again
    study = optuna.create_study(storage=tmp_db)
    t = study.ask()
    for bad, msg in ((float("nan"), "nan"), ([1.0, 2.0], "number of the values"), ("abc", "could not be cast")):
        with pytest.raises(ValueError, match=msg):
            study.tell(t, bad, state=TrialState.COMPLETE)
        assert study.trials[0].state == TrialState.RUNNING
    assert study.tell(t, 3.0, state=TrialState.COMPLETE).value == 3.0
    t = study.ask()  # without state, they fail the trial, as Optuna's
    with pytest.warns(UserWarning, match="nan"):
        assert study.tell(t, float("nan")).state == TrialState.FAIL


def test_values_that_fail_a_trial_of_another_study_object(tmp_db):
    """Two Study objects of one stored study: values that cannot complete a trial asked by
    one fail it when the other tells it, as when its own does, with Optuna 5's UserWarning
    word for word (knob gave libknob's words for NaN, and its own for the others), and no
    trial is left RUNNING. Told with state=COMPLETE they raise ValueError with the same
    words and the trial stays RUNNING, as Optuna's. Each message is Optuna 5's."""
    import warnings

    optuna.create_study(storage=tmp_db, study_name="s")
    a = optuna.load_study(storage=tmp_db, study_name="s")
    b = optuna.load_study(storage=tmp_db, study_name="s")
    nan = float("nan")
    cases = (
        (nan, "The value nan is not acceptable"),
        ([1.0, 2.0], "The number of the values 2 did not match the number of the objectives 1"),
        ("ab", "The value 'ab' could not be cast to float"),  # named as told (Optuna 5: one per character)
        (None, "The value None could not be cast to float."),
        ([nan, "x"], "The value nan is not acceptable; The value 'x' could not be cast to float"),
    )
    for values, message in cases:
        for teller in (a, b):
            t = b.ask()
            t.suggest_float("x", 0, 1)
            with warnings.catch_warnings(record=True) as got:
                warnings.simplefilter("always")
                assert teller.tell(t, values).state == TrialState.FAIL
            assert [(w.category, str(w.message)) for w in got] == [(UserWarning, message)]
            with pytest.raises(ValueError, match="Cannot tell a FAIL trial"):
                teller.tell(t, 1.0)
    t = b.ask()
    for values, message in cases[:3]:
        with pytest.raises(ValueError) as e:
            a.tell(t, values, state=TrialState.COMPLETE)
        assert str(e.value) == message
        assert a.trials[-1].state == TrialState.RUNNING
    assert a.tell(t, 1.0).state == TrialState.COMPLETE
    for s in (a, b):
        assert {x.state for x in s.trials} == {TrialState.FAIL, TrialState.COMPLETE}
    two = optuna.create_study(directions=["minimize", "maximize"])
    for values, message in (([nan, nan], "The value nan is not acceptable; The value nan is not acceptable"), ([nan], "The value nan is not acceptable")):
        with pytest.warns(UserWarning) as got:
            assert two.tell(two.ask(), values).state == TrialState.FAIL
        assert [str(w.message) for w in got] == [message]


def test_tell_something_that_is_not_a_trial():
    study = optuna.create_study()
    with pytest.raises(TypeError, match="trial object or trial number"):
        study.tell("0", 1.0)


def test_tell_a_trial_of_another_study(tmp_db):
    # Optuna tells the trial itself, in its own study; knob told the trial of the same
    # number in this study (B's trial 0 completed with A's value, A's left running)
    a = optuna.create_study(study_name="A", storage=tmp_db)
    b = optuna.create_study(study_name="B", storage=tmp_db)
    ta, tb = a.ask(), b.ask()
    ta.suggest_float("x", 0, 1)
    done = b.tell(ta, 1.0)
    assert done.state == TrialState.COMPLETE and done.value == 1.0 and "x" in done.params
    assert [(t.state, t.value) for t in a.trials] == [(TrialState.COMPLETE, 1.0)]
    assert [t.state for t in b.trials] == [TrialState.RUNNING]
    b.tell(tb, 2.0)
    # two studies in memory of one name are two studies (two storages): the trial is told in
    # its own (Optuna's in-memory storages find the other's trial of the same id instead)
    mem_a, mem_b = optuna.create_study(study_name="A"), optuna.create_study(study_name="A")
    t = mem_a.ask()
    mem_b.ask()
    mem_b.tell(t, 3.0)
    assert mem_a.trials[0].value == 3.0 and mem_b.trials[0].state == TrialState.RUNNING


def test_tell_a_negative_trial_number():
    # a number below 0 names no trial: ValueError, as for a number past the last trial
    # (knob read the trial array before its start, and the process crashed)
    study = optuna.create_study()
    t = study.ask()
    for number in (-1, -2, -(2**40)):
        with pytest.raises(ValueError, match="Cannot tell trial %d: it does not exist" % number):
            study.tell(number, 1.0)
        with pytest.raises(ValueError, match="does not exist"):
            study.tell(number, 1.0, skip_if_finished=True)
    assert study.tell(t, 2.0).value == 2.0


def test_values_that_cannot_complete_a_trial_warn_as_optuna(caplog):
    # Optuna's tell warns (UserWarning, the reason as its message) when the values told
    # fail the trial; optimize logs the reason instead. knob logged it in both cases, so
    # pytest.warns and warnings filters did not see it.
    import warnings

    study = optuna.create_study()
    for values, msg in (
        (None, r"^The value None could not be cast to float\.$"),
        (float("nan"), "nan"),
        ([1.0, 2.0], "^The number of the values 2 did not match the number of the objectives 1"),
        ("abc", "could not be cast to float"),
    ):
        t = study.ask()
        with pytest.warns(UserWarning, match=msg) as got:
            done = study.tell(t, values)
        assert done.state == TrialState.FAIL and got[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning: state FAIL said outright
        assert study.tell(study.ask(), state=TrialState.FAIL).state == TrialState.FAIL
    optuna.logging.enable_propagation()  # to caplog's handler
    try:
        with caplog.at_level("WARNING", logger="knob"), warnings.catch_warnings():
            warnings.simplefilter("error")
            study.optimize(lambda trial: None, n_trials=1)
    finally:
        optuna.logging.disable_propagation()
    assert study.trials[-1].state == TrialState.FAIL
    logged = [r.getMessage() for r in caplog.records]
    assert "Trial %d failed with parameters: {} because of the following error: The value None could not be cast to float.." % study.trials[-1].number in logged
    assert "Trial %d failed with value None." % study.trials[-1].number in logged


def test_tell_refusals_carry_optunas_messages():
    # the ValueErrors of a state that cannot be told, or of values with PRUNED or FAIL,
    # begin as Optuna 5's, which scripts and tests match (knob's own words differed)
    study = optuna.create_study()
    t = study.ask()
    for state in (TrialState.RUNNING, TrialState.WAITING):
        with pytest.raises(ValueError, match=r"^Cannot tell with state TrialState\.%s\.$" % state.name):
            study.tell(t, state=state)
    for state in (TrialState.PRUNED, TrialState.FAIL):
        with pytest.raises(ValueError, match=r"^Values were told\. Values cannot be specified when state is TrialState\.PRUNED or TrialState\.FAIL"):
            study.tell(t, 1.0, state=state)
    assert study.trials[0].state == TrialState.RUNNING
    assert study.tell(t, state=TrialState.PRUNED).state == TrialState.PRUNED


def test_failed_trial_logs_its_traceback(caplog):
    """An objective that raises: its failure is logged with the traceback and then the
    value, as Optuna logs it (the line came alone, and with catch= the traceback was lost)."""
    study = optuna.create_study()

    def objective(trial):
        trial.suggest_float("x", 0, 1)
        raise ValueError("boom")

    optuna.logging.enable_propagation()
    try:
        with caplog.at_level("WARNING", logger="knob"):
            study.optimize(objective, n_trials=1, catch=(ValueError,))
    finally:
        optuna.logging.disable_propagation()
    failed = [r for r in caplog.records if "because of the following error: ValueError('boom')" in r.getMessage()]
    assert len(failed) == 1 and failed[0].exc_info and failed[0].exc_info[1].args == ("boom",)
    assert "objective" in "".join(__import__("traceback").format_exception(*failed[0].exc_info))
    assert "Trial 0 failed with value None." in [r.getMessage() for r in caplog.records]
