"""Study.tell as Optuna's: the exceptions a script catches (ValueError for a finished or
waiting trial and for values refused under state=COMPLETE, TypeError for what is not a
trial), skip_if_finished whoever finished the trial, and a tell without values."""

import math
import warnings

import pytest

import knob as optuna
from knob.trial import TrialState


def test_tell_a_finished_trial_raises_value_error(tmp_db):
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
