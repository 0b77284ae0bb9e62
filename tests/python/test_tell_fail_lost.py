"""A trial another worker failed as lost (its heartbeat silent past the grace), then told FAIL
with a reason by its own worker: the FAIL is refused, and the trial keeps the lost worker's
reason and cause (the late reason was written over them before the refused FAIL)."""

import time
import warnings

import pytest

import knob as optuna


def _storage(url):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return optuna.storages.RDBStorage(url, heartbeat_interval=1, grace_period=2)


@pytest.mark.parametrize("how", ["text", "constraints"])
def test_a_lost_trial_failed_late_keeps_its_reason(tmp_db, how):
    constraints = (lambda t: 1 / 0) if how == "constraints" else None
    with warnings.catch_warnings():  # constraints_func: deprecated, as in Optuna 5
        warnings.simplefilter("ignore")
        sampler = optuna.samplers.TPESampler(seed=0, constraints_func=constraints)
    study = optuna.create_study(storage=_storage(tmp_db), study_name="s", sampler=sampler)
    a = study._ask()
    a.suggest_float("x", 0, 1)
    time.sleep(3)
    other = optuna.load_study(storage=_storage(tmp_db), study_name="s")
    other.ask()  # fails trial 0 as lost
    assert other.trials[0].state == optuna.trial.TrialState.FAIL
    try:  # a value that is no number, or a constraints_func that raises: the trial is to fail, with why
        study.tell(a, "abc" if how == "text" else 0.5)
    except Exception:
        pass  # refused, or the constraints_func's error: either way nothing of it is written
    t = other.trials[0]
    assert t.state == optuna.trial.TrialState.FAIL
    assert t.system_attrs["fail_cause"] == "worker_lost"
    assert "no heartbeat" in t.system_attrs["fail_reason"], t.system_attrs["fail_reason"]


@pytest.mark.parametrize("text", ["bad bytes: \0\udcff", "file \udcff", "nul \0 inside"])
def test_a_reason_of_any_text_fails_the_trial(text):
    """An error whose text holds a NUL or a lone surrogate (a file name decoded with
    surrogateescape): the trial fails with it, and optimize's catch covers it, where the reason
    could not be encoded and the trial stayed RUNNING, with another exception raised."""

    def objective(t):
        t.suggest_float("x", 0, 1)
        raise RuntimeError(text)

    study = optuna.create_study()
    study.optimize(objective, n_trials=3, catch=(RuntimeError,))
    assert [t.state for t in study.trials] == [optuna.trial.TrialState.FAIL] * 3
    reason = study.trials[0].system_attrs["fail_reason"]
    assert reason.startswith("RuntimeError: ") and text.split()[0] in reason, reason
