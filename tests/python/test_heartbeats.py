"""Heartbeats (RDBStorage's heartbeat_interval and grace_period) as Optuna's: a trial beats
while optimize runs its objective, so a long step that reports nothing is not failed as a
dead worker's; a trial of study.ask() is told whenever the caller is done and is never
failed for lack of beats; a live trial has the system attributes it was stored with (an
enqueued trial's fixed_params, a retry's retry_of)."""

import math
import os
import subprocess
import sys
import time
import warnings

import pytest

import knob as optuna


def _storage(url, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return optuna.storages.RDBStorage(url, heartbeat_interval=1, grace_period=2, **kw)


def test_a_long_objective_beats(tmp_db):
    """Trial 0 sleeps 4 s, twice the grace period, beside a thread asking trial after trial:
    every trial completes (without beats, trial 0 was failed by the other thread's ask and
    optimize raised when it finished)."""
    study = optuna.create_study(storage=_storage(tmp_db), study_name="s")

    def objective(trial):
        time.sleep(4 if trial.number == 0 else 0.3)
        return float(trial.number)

    study.optimize(objective, n_trials=12, n_jobs=2)
    assert [t.state.name for t in study.trials] == ["COMPLETE"] * 12


def test_an_asked_trial_is_never_stale(tmp_db):
    """A trial of study.ask() told 3 s later, after another worker's ask (which fails stale
    trials): it completes (it was failed, and the tell raised)."""
    study = optuna.create_study(storage=_storage(tmp_db), study_name="s")
    trial = study.ask()
    x = trial.suggest_float("x", 0, 1)
    trial.report(x, 0)
    time.sleep(3)
    other = optuna.load_study(storage=_storage(tmp_db), study_name="s")
    other.optimize(lambda t: 1.0, n_trials=1)
    assert study.tell(trial, x).state == optuna.trial.TrialState.COMPLETE
    assert [t.state.name for t in other.trials] == ["COMPLETE", "COMPLETE"]


def test_a_lost_trial_told_late_completes(tmp_db):
    """Two trials of optimize's ask (they beat) whose beats stop for 3 s, as when the storage
    is out for longer than the grace: another worker's ask fails them as lost. Their worker,
    alive after all, tells them then, through the trial and by number: both complete, the
    presumption kept as lost_reason and lost_cause (both tells raised, and the values were
    lost)."""
    study = optuna.create_study(storage=_storage(tmp_db), study_name="s")
    a, b = study._ask(), study._ask()
    x = a.suggest_float("x", 0, 1)
    b.suggest_float("x", 0, 1)
    time.sleep(3)
    other = optuna.load_study(storage=_storage(tmp_db), study_name="s")
    other.ask()
    assert [t.state.name for t in other.trials[:2]] == ["FAIL", "FAIL"]
    assert study.tell(a, x).state == optuna.trial.TrialState.COMPLETE
    assert study.tell(b.number, 0.5).state == optuna.trial.TrialState.COMPLETE
    trials = other.trials
    assert [t.state.name for t in trials[:2]] == ["COMPLETE", "COMPLETE"]
    assert [t.value for t in trials[:2]] == [x, 0.5]
    for t in trials[:2]:
        assert t.system_attrs["lost_cause"] == "worker_lost"
        assert "no heartbeat" in t.system_attrs["lost_reason"]
        assert "fail_reason" not in t.system_attrs and "fail_cause" not in t.system_attrs
    with pytest.raises(ValueError):  # once told, finished for good
        study.tell(b.number, 0.25)


def test_a_live_trial_has_its_stored_system_attrs():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        study = optuna.create_study()
        study.enqueue_trial({"x": 0.25})
        seen = []
        study.optimize(lambda t: seen.append(t.system_attrs) or t.suggest_float("x", 0, 1), n_trials=1)
        assert seen == [{"fixed_params": {"x": 0.25}}]
        study.enqueue_trial({"x": 0.5})
        assert study.ask().system_attrs == {"fixed_params": {"x": 0.5}}


_CRASH = """
import os, sys, warnings
warnings.simplefilter("ignore")
import knob as optuna
storage = optuna.storages.RDBStorage(sys.argv[1], heartbeat_interval=1, grace_period=2,
                                     failed_trial_callback=optuna.storages.RetryFailedTrialCallback(max_retry=1))
study = optuna.create_study(storage=storage, study_name="s")
def objective(trial):
    trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    trial.set_user_attr("checkpoint_dir", "/ckpt/run-0")
    os._exit(1)  # the worker is killed
study.optimize(objective, n_trials=1)
"""


def test_a_retry_knows_its_original(tmp_db):
    """The worker of trial 0 dies; the retry (trial 1) asked 3 s later gives
    retried_trial_number 0 and retry_history [0] inside the objective (it gave None), has the user attributes of
    trial 0 (it had none), as Optuna's retries, and the same lr."""
    subprocess.run([sys.executable, "-c", _CRASH, tmp_db], check=False, timeout=60)
    time.sleep(3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        storage = optuna.storages.RDBStorage(tmp_db, heartbeat_interval=1, grace_period=2,
                                             failed_trial_callback=optuna.storages.RetryFailedTrialCallback(max_retry=1))
        study = optuna.load_study(storage=storage, study_name="s")
        got = []

        def objective(trial):
            R = optuna.storages.RetryFailedTrialCallback
            got.append((R.retried_trial_number(trial), R.retry_history(trial), trial.user_attrs))
            return trial.suggest_float("lr", 1e-4, 1e-1, log=True)

        study.optimize(objective, n_trials=1)
    assert got == [(0, [0], {"checkpoint_dir": "/ckpt/run-0"})]
    trials = study.trials
    assert [t.state.name for t in trials] == ["FAIL", "COMPLETE"]
    assert trials[1].params == trials[0].params


@pytest.mark.parametrize("bad", [0, -1, math.inf, math.nan])
def test_heartbeat_and_grace_are_refused_where_the_storage_is_made(tmp_db, bad):
    # refused by RDBStorage, as Optuna refuses them, not at create_study (libknob refuses a
    # non-finite one there)
    for key in ("heartbeat_interval", "grace_period"):
        with pytest.raises(ValueError, match="positive integer"):
            optuna.storages.RDBStorage(tmp_db, **{key: bad})
