"""Study.optimize: n_trials, timeout, catch, callbacks, stop, failures, KeyboardInterrupt,
threads that run in parallel, the progress line and the log messages."""

import logging
import os
import re
import signal
import sys
import threading
import time

import pytest

import knob as optuna
from knob.trial import TrialState


def quadratic(trial):
    x = trial.suggest_float("x", -10, 10)
    return (x - 2) ** 2


def test_n_trials_and_timeout():
    study = optuna.create_study()
    study.optimize(quadratic, n_trials=7)
    assert len(study.trials) == 7
    t0 = time.monotonic()

    def slow(trial):
        time.sleep(0.05)
        return quadratic(trial)

    study.optimize(slow, timeout=0.3)
    # The loop stops once the timeout has passed, after the trial running then: at least one
    # trial, at most as many 0.05 s trials as start within 0.3 s (a loaded machine runs
    # fewer, never more); a loop that ignored the timeout would not end.
    assert 0.3 <= time.monotonic() - t0 < 60
    assert 7 + 1 <= len(study.trials) <= 7 + 8


def test_exceptions_fail_the_trial_and_propagate():
    study = optuna.create_study()

    def broken(trial):
        trial.suggest_float("x", 0, 1)
        raise ZeroDivisionError("no luck")

    with pytest.raises(ZeroDivisionError):
        study.optimize(broken, n_trials=3)
    assert [t.state for t in study.trials] == [TrialState.FAIL]
    study.optimize(broken, n_trials=3, catch=ZeroDivisionError)
    study.optimize(broken, n_trials=2, catch=[ValueError, ZeroDivisionError])
    assert len(study.trials) == 6
    assert all(t.state == TrialState.FAIL for t in study.trials)
    assert "no luck" in study.trials[0].system_attrs["fail_reason"]


def test_bad_returns_fail_the_trial():
    study = optuna.create_study()
    returns = iter([None, "text", float("nan"), (1.0, 2.0), 3.0])
    study.optimize(lambda t: next(returns), n_trials=5)
    assert [t.state for t in study.trials] == [TrialState.FAIL] * 4 + [TrialState.COMPLETE]


class _Scalar:
    """One number that converts with float() and is not iterable, as a 0-d NumPy array,
    a torch tensor or a JAX array."""

    def __init__(self, v):
        self.v = v

    def __float__(self):
        return self.v


def test_returns_that_convert_to_float():
    # Optuna takes float(value): a 0-d array or tensor completes the trial (it failed:
    # "could not be cast to float"), and so does one inside a list
    study = optuna.create_study()
    returns = iter([_Scalar(0.25), [_Scalar(0.5)], 7])
    study.optimize(lambda t: next(returns), n_trials=3)
    assert [(t.state, t.value) for t in study.trials] == [(TrialState.COMPLETE, v) for v in (0.25, 0.5, 7.0)]
    two = optuna.create_study(directions=["minimize", "minimize"])
    two.optimize(lambda t: iter([1.0, 2.0]), n_trials=1)  # an iterable of values, as a 1-d array
    assert two.trials[0].values == [1.0, 2.0]


def test_a_returned_str_fails_the_trial_named_as_returned(caplog):
    # Optuna 5 never completes a trial with text: it reads a str as a sequence of its
    # characters, and a digit among them crashes it. knob fails the trial; its message named
    # one character ("The value '.' could not be cast to float" for "1.5") or called "7"
    # uncastable, which float() reads.
    import warnings

    cases = (
        ("7", "The value '7' is a str, not a number"),
        ("1.5", "The value '1.5' is a str, not a number"),
        ("abc", "The value 'abc' could not be cast to float"),
        (("7",), "The value '7' is a str, not a number"),  # completed with 7.0
        (b"2", "The value b'2' is a bytes, not a number"),
    )
    study = optuna.create_study()
    optuna.logging.enable_propagation()  # to caplog's handler
    try:
        with caplog.at_level("WARNING", logger="knob"):
            for value, _ in cases:
                study.optimize(lambda t: value, n_trials=1)
    finally:
        optuna.logging.disable_propagation()
    assert [t.state for t in study.trials] == [TrialState.FAIL] * len(cases)
    assert [t.system_attrs["fail_reason"] for t in study.trials] == [m for _, m in cases]
    logged = [r.getMessage() for r in caplog.records]
    assert "Trial 1 failed with parameters: {} because of the following error: The value '1.5' is a str, not a number." in logged
    for value, message in cases:
        t = study.ask()
        with warnings.catch_warnings(record=True) as got:
            warnings.simplefilter("always")
            assert study.tell(t, value).state == TrialState.FAIL
        assert [str(w.message) for w in got] == [message]
        t = study.ask()
        with pytest.raises(ValueError) as e:
            study.tell(t, value, state=TrialState.COMPLETE)
        assert str(e.value) == message and study.trials[t.number].state == TrialState.RUNNING
        study.tell(t, 1.0)


def test_a_value_past_a_double_fails_the_trial(tmp_db):
    # an int float() cannot take (10**400) raised OverflowError out of optimize and left the
    # trial RUNNING in the storage; it fails, as any value that is not a number
    study = optuna.create_study(storage=tmp_db, study_name="big")
    study.optimize(lambda t: 10**400, n_trials=1)
    study.optimize(lambda t: [10**400], n_trials=1)
    assert study.trials[0].system_attrs["fail_reason"].startswith("The value 1000")
    again = optuna.load_study(study_name="big", storage=tmp_db)
    assert [t.state for t in again.trials] == [TrialState.FAIL, TrialState.FAIL]
    trial = study.ask()
    study.tell(trial, 10**400)
    assert optuna.load_study(study_name="big", storage=tmp_db).trials[2].state == TrialState.FAIL


def test_a_nul_in_a_name_is_refused():
    # libknob holds C strings: "lr\0enc" and "lr\0dec" were one param "lr" (the second
    # suggest gave the first's value), a choice "x\0a" was stored as "x", a study was named
    # up to the NUL
    study = optuna.create_study()
    trial = study.ask()
    for call in (
        lambda: trial.suggest_float("lr\0enc", 0, 1),
        lambda: trial.suggest_categorical("c", ["x\0a", "x\0b"]),
        lambda: study.set_user_attr("k\0a", 1),
        lambda: optuna.create_study(study_name="run\0A"),
    ):
        with pytest.raises(ValueError, match="NUL"):
            call()
    assert trial.params == {}


def test_keyboard_interrupt_leaves_the_study_consistent(tmp_db):
    study = optuna.create_study(storage=tmp_db, study_name="ki")

    def interrupted(trial):
        trial.suggest_float("x", 0, 1)
        if trial.number == 2:
            raise KeyboardInterrupt
        return 1.0

    with pytest.raises(KeyboardInterrupt):
        study.optimize(interrupted, n_trials=10)
    again = optuna.load_study(study_name="ki", storage=tmp_db)
    states = [t.state for t in again.trials]
    assert states == [TrialState.COMPLETE, TrialState.COMPLETE, TrialState.FAIL]
    again.optimize(quadratic, n_trials=2)
    assert len(again.trials) == 5


def _failure_lines(records):
    """The messages of the log's "Trial N failed ..." warnings, and the exc_info of each."""
    return [(r.getMessage(), r.exc_info) for r in records if " failed with " in r.getMessage()]


@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, SystemExit])
def test_an_interrupted_trial_is_logged_as_optuna(caplog, n_jobs, interrupt):
    # Ctrl-C (or sys.exit) in the objective: the FAIL it records is logged with Optuna 5's
    # two warnings, the first with the traceback (the trial failed without a line)
    study = optuna.create_study()

    def objective(trial):
        trial.suggest_float("x", 0, 1)
        raise interrupt()

    optuna.logging.enable_propagation()
    try:
        with caplog.at_level(logging.WARNING, logger="knob"), pytest.raises(interrupt):
            study.optimize(objective, n_trials=1, n_jobs=n_jobs)
    finally:
        optuna.logging.disable_propagation()
    params = study.trials[0].params
    lines = _failure_lines(caplog.records)
    assert [m for m, _ in lines] == [
        "Trial 0 failed with parameters: %s because of the following error: %s()." % (params, interrupt.__name__),
        "Trial 0 failed with value None.",
    ]
    exc_info = lines[0][1]
    assert exc_info and exc_info[0] is interrupt
    assert "objective" in "".join(__import__("traceback").format_exception(*exc_info))
    assert study.trials[0].state == TrialState.FAIL


def _optimize_threads():
    return [th for th in threading.enumerate() if th.name.startswith("knob-optimize-")]


def _in_call(thread_id, inner, outer):
    """Whether the thread is inside a call of `inner` made by `outer` (function names)."""
    f = sys._current_frames().get(thread_id)
    while f is not None and not (f.f_code.co_name == inner and f.f_back is not None and
                                 f.f_back.f_code.co_name == outer):
        f = f.f_back
    return f is not None


def test_keyboard_interrupt_stops_the_threads(tmp_db):
    # Ctrl-C reaches the main thread, which waits for the n_jobs workers: no trial starts
    # after it and the running ones finish, as Optuna's (the workers went on asking new
    # trials, and the trials they ran at exit stayed RUNNING)
    study = optuna.create_study(storage=tmp_db, study_name="kij")

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        if trial.number == 4:
            os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)
        return x

    with pytest.raises(KeyboardInterrupt):
        study.optimize(objective, n_trials=100, n_jobs=3)
    assert _optimize_threads() == []
    states = [t.state for t in study.trials]
    assert TrialState.RUNNING not in states and len(states) < 100, states
    time.sleep(0.5)
    assert len(optuna.load_study(study_name="kij", storage=tmp_db).trials) == len(states)


def test_second_keyboard_interrupt_fails_the_running_trials(tmp_db, caplog):
    # interrupted again while the running trials finish: they are failed at once, and each
    # is logged as a trial that failed of a KeyboardInterrupt
    study = optuna.create_study(storage=tmp_db, study_name="kij2")
    waited = []

    def objective(trial):
        trial.suggest_float("x", 0, 1)
        if trial.number == 1:
            os.kill(os.getpid(), signal.SIGINT)
            # the second only once the main thread waits for the workers after the first:
            # two signals before it runs Python code again are one KeyboardInterrupt (a
            # loaded machine), and one before it waits is not caught as the second
            main = threading.main_thread().ident
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not _in_call(main, "_wait_workers", "_interrupted"):
                time.sleep(0.01)
            waited.append(_in_call(main, "_wait_workers", "_interrupted"))
            os.kill(os.getpid(), signal.SIGINT)
        # long enough that no trial ends by itself before the second interrupt, however
        # late a loaded machine starts trial 1 (1.5 s: trial 0 ended first now and then)
        time.sleep(5)
        return 1.0

    optuna.logging.enable_propagation()
    try:
        with caplog.at_level(logging.WARNING, logger="knob"), pytest.raises(KeyboardInterrupt):
            study.optimize(objective, n_trials=100, n_jobs=3)
    finally:
        optuna.logging.disable_propagation()
    assert waited == [True], "the main thread never waited for the workers after the first"
    states = [t.state for t in optuna.load_study(study_name="kij2", storage=tmp_db).trials]
    assert 2 <= len(states) <= 3 and set(states) == {TrialState.FAIL}, states
    assert all(t.system_attrs["fail_reason"].startswith("KeyboardInterrupt") for t in study.trials)
    logged = sorted(m for m, _ in _failure_lines(caplog.records))
    assert logged == sorted(
        line
        for t in study.trials
        for line in (
            "Trial %d failed with parameters: %s because of the following error: KeyboardInterrupt()." % (t.number, t.params),
            "Trial %d failed with value None." % t.number,
        )
    )
    deadline = time.monotonic() + 30
    while _optimize_threads() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [t.state for t in optuna.load_study(study_name="kij2", storage=tmp_db).trials] == states


def test_a_trial_asked_during_the_second_interrupt_is_failed_too(tmp_db):
    # a worker inside its ask when the second Ctrl-C fails the running trials: the trial it
    # gets is failed as well, before optimize raises (it ran in full after, RUNNING meanwhile)
    study = optuna.create_study(storage=tmp_db, study_name="kij3")
    main = threading.main_thread().ident
    lock, calls, third_in = threading.Lock(), [0], threading.Event()
    ask = study._ask

    def slow_ask(*args, **kwargs):
        with lock:
            calls[0] += 1
            mine = calls[0]
        if mine == 3:
            third_in.set()
            # until the main thread has failed the running trials after the second interrupt
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not _in_call(main, "wait", "_interrupted"):
                time.sleep(0.01)
        return ask(*args, **kwargs)

    study._ask = slow_ask

    def objective(trial):
        trial.suggest_float("x", 0, 1)
        if trial.number == 1:
            third_in.wait(30)
            os.kill(os.getpid(), signal.SIGINT)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not _in_call(main, "_wait_workers", "_interrupted"):
                time.sleep(0.01)
            os.kill(os.getpid(), signal.SIGINT)
        time.sleep(3)
        return 1.0

    with pytest.raises(KeyboardInterrupt):
        study.optimize(objective, n_trials=100, n_jobs=3)
    states = [t.state for t in optuna.load_study(study_name="kij3", storage=tmp_db).trials]
    assert len(states) == 3 and set(states) == {TrialState.FAIL}, states
    deadline = time.monotonic() + 30
    while _optimize_threads() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [t.state for t in optuna.load_study(study_name="kij3", storage=tmp_db).trials] == states


def test_callbacks_and_stop():
    seen = []

    def cb(study, frozen):
        seen.append((frozen.number, frozen.state))
        if frozen.number == 3:
            study.stop()

    study = optuna.create_study()
    study.optimize(quadratic, n_trials=100, callbacks=[cb])
    assert seen == [(i, TrialState.COMPLETE) for i in range(4)]
    with pytest.raises(RuntimeError):
        study.stop()
    study.optimize(quadratic, callbacks=[optuna.study.MaxTrialsCallback(6)])
    assert len(study.trials) == 6


def test_pruned_in_optimize():
    study = optuna.create_study(pruner=optuna.pruners.ThresholdPruner(upper=1.0))

    def objective(trial):
        x = trial.suggest_float("x", 0, 2)
        for step in range(3):
            trial.report(x, step)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return x

    study.optimize(objective, n_trials=20)
    for t in study.trials:
        assert t.state == (TrialState.PRUNED if t.params["x"] > 1.0 else TrialState.COMPLETE)
        # a pruned trial's value is its last intermediate value, as Optuna's (it was None)
        assert t.value == t.params["x"] and t.values == [t.params["x"]], t
    study.tell(study.ask(), state=TrialState.PRUNED)  # no intermediate value: no value
    assert study.trials[-1].value is None and study.trials[-1].state == TrialState.PRUNED


def test_threads_run_in_parallel():
    """8 trials that each sleep 0.3 s (sleeping releases the GIL) with 4 threads: four of
    them are inside the objective at once, so the threads really run in parallel (counted,
    not timed: a busy machine stretches the time)."""
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(n_startup_trials=2, constant_liar=True))
    active, peak = [0], [0]
    lock = threading.Lock()

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.3)
        with lock:
            active[0] -= 1
        return x

    study.optimize(objective, n_trials=8, n_jobs=4)
    assert len(study.trials) == 8
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert sorted(t.number for t in study.trials) == list(range(8))
    assert peak[0] == 4


def test_threads_many_trials_sqlite(tmp_db):
    study = optuna.create_study(storage=tmp_db, study_name="threads")

    def objective(trial):
        x = trial.suggest_float("x", -1, 1)
        trial.report(x, 0)
        trial.should_prune()
        trial.set_user_attr("t", threading.current_thread().name)
        return x * x

    study.optimize(objective, n_trials=60, n_jobs=3)
    trials = optuna.load_study(study_name="threads", storage=tmp_db).trials
    assert len(trials) == 60
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert len({t.user_attrs["t"] for t in trials}) > 1
    with pytest.raises(ZeroDivisionError):
        study.optimize(lambda t: 1 / 0, n_trials=10, n_jobs=2)


def test_logging_and_progress(capsys, caplog):
    optuna.logging.set_verbosity(optuna.logging.INFO)
    assert optuna.logging.get_verbosity() == optuna.logging.INFO
    optuna.logging.enable_propagation()
    try:
        with caplog.at_level(logging.INFO, logger="knob"):
            study = optuna.create_study()
            study.optimize(quadratic, n_trials=2, show_progress_bar=True)
        msgs = [r.getMessage() for r in caplog.records]
        assert any(m.startswith("Trial 1 finished with value:") and "Best is trial" in m for m in msgs)
        assert "2/2 trials" in capsys.readouterr().err
    finally:
        optuna.logging.disable_propagation()
        optuna.logging.set_verbosity(optuna.logging.WARNING)


def _terminal_lines(text):
    """The lines a terminal shows for `text`: a carriage return moves back to the line's
    start, and what is written next overwrites the old characters, no more."""
    lines = []
    for raw in text.split("\n"):
        shown = ""
        for part in raw.split("\r"):
            shown = part + shown[len(part):]
        lines.append(shown)
    return lines


def test_progress_line_shows_the_best_value(capsys):
    """Each progress line covers the one before it: a shorter line left the old one's tail
    on screen, and "best 0.05" after "best 0.123456789" read "best 0.053456789"."""
    values = iter([0.123456789, 0.5, 0.05, 7.0])
    study = optuna.create_study()
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), next(values))[1], n_trials=4, show_progress_bar=True)
    shown = [line.rstrip() for line in _terminal_lines(capsys.readouterr().err) if "trials" in line]
    assert len(shown) == 1 and re.fullmatch(r"4/4 trials, \d+\.\d s best 0\.05", shown[0]), shown


def test_optuna_logger_name():
    # Optuna's tutorial: get_logger("optuna").addHandler(StreamHandler(sys.stdout)) shows
    # each trial there (the handler sat on a logger knob never writes to)
    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    keep = Keep()
    optuna.logging.get_logger("optuna").addHandler(keep)
    optuna.logging.set_verbosity(optuna.logging.INFO)
    try:
        study = optuna.create_study(study_name="logged")
        study.optimize(quadratic, n_trials=1)
    finally:
        optuna.logging.get_logger("optuna").removeHandler(keep)
        optuna.logging.set_verbosity(optuna.logging.WARNING)
    assert any("A new study created in memory with name: logged" in m for m in seen), seen
    assert any(m.startswith("Trial 0 finished with value:") for m in seen), seen
    assert optuna.logging.get_logger("optuna.study") is logging.getLogger("knob.study")


def test_grid_ends_the_study():
    study = optuna.create_study(sampler=optuna.samplers.GridSampler({"x": [0, 1, 2], "c": ["a", "b"]}))

    def objective(trial):
        return trial.suggest_int("x", 0, 2) + (trial.suggest_categorical("c", ["a", "b"]) == "b")

    study.optimize(objective)  # no n_trials: runs until the grid is done
    assert sorted((t.params["x"], t.params["c"]) for t in study.trials) == [
        (x, c) for x in (0, 1, 2) for c in ("a", "b")
    ]


def test_optunas_own_trial_pruned_prunes():
    # code written for Optuna (an integration's pruning callback) raises optuna.TrialPruned,
    # which is not knob's: the trial failed and the exception propagated out of optimize
    class TrialPruned(Exception):
        pass

    TrialPruned.__module__ = "optuna.exceptions"

    class Subclass(TrialPruned):
        pass

    study = optuna.create_study()

    def objective(trial):
        trial.report(0.5, 0)
        raise (TrialPruned if trial.number == 0 else Subclass)("pruned by an integration")

    study.optimize(objective, n_trials=2)
    assert [t.state for t in study.trials] == [TrialState.PRUNED] * 2
    assert study.trials[0].value == 0.5
    study.optimize(lambda t: (_ for _ in ()).throw(ValueError("x")), n_trials=1, catch=ValueError)
    assert study.trials[-1].state == TrialState.FAIL
