"""A Trial used as Optuna's scripts use one: after its tell, a step reported twice or not
an int, and FixedTrial asked a name again under another kind of distribution."""

import re
import warnings

import pytest

import knob as optuna


def test_a_told_trial_raises_update_finished_trial_error():
    # Optuna: UpdateFinishedTrialError (a RuntimeError); knob raised a bare RuntimeError
    study = optuna.create_study()
    t = study.ask()
    study.tell(t, 1.0)
    for call in (lambda: t.report(1.0, 0), lambda: t.suggest_float("x", 0, 1), lambda: t.set_user_attr("k", 1)):
        with pytest.raises(optuna.exceptions.UpdateFinishedTrialError, match="finished"):
            call()


def test_a_step_reported_again_warns_and_is_ignored():
    # Optuna warns that the value is ignored; knob ignored it silently
    study = optuna.create_study()
    t = study.ask()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t.report(1.0, 0)
        t.report(1.5, 1)
    with pytest.warns(UserWarning, match="step=0. is already reported"):
        t.report(2.0, 0)
    study.tell(t, 1.0)
    assert study.trials[0].intermediate_values == {0: 1.0, 1: 1.5}
    with pytest.raises(optuna.exceptions.UpdateFinishedTrialError):
        t.report(2.0, 0)


def test_a_step_past_64_bits_is_refused():
    # knob's steps are 64-bit: 2**64 + 7 was stored as step 7, 2**63 raised naming
    # -9223372036854775808; now a ValueError naming the step, nothing stored
    study = optuna.create_study()
    t = study.ask()
    t.report(1.0, 5)
    for step in (2**64 + 7, 2**63, 2**63 - 1):
        with pytest.raises(ValueError, match="is %d but knob's steps are below" % step):
            t.report(2.0, step)
    t.report(3.0, 2**63 - 2)
    study.tell(t, 1.0)
    assert study.trials[0].intermediate_values == {5: 1.0, 2**63 - 2: 3.0}


def test_a_step_is_a_whole_number_never_truncated():
    # Optuna takes int(step): knob did too, so a fractional epoch 1.5 was step 1 (its
    # value dropped with a warning naming step=1, a step never given) and "3" was step 3.
    # A whole number (int, NumPy integer, whole float) is that step; a fraction, an
    # infinity or NaN is a ValueError, a string, bool or None a TypeError, each naming
    # the step given; nothing is stored for them
    import fractions

    import numpy as np

    study = optuna.create_study()
    t = study.ask()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for step in (2, np.int64(3), 4.0, np.float32(5.0), fractions.Fraction(12, 2)):
            t.report(float(step), step)
    for bad in (1.5, 2.9, np.float64(0.5), float("inf"), float("nan")):
        with pytest.raises(ValueError, match=r"The `step` argument is %s but supposed to be an int \(a whole number\)" % bad):
            t.report(1.0, bad)
    for bad in ("3", "x", b"3", True, np.bool_(False), None, [1]):
        with pytest.raises(TypeError, match="The `step` argument %s is of type '%s' but supposed to be an int" % (re.escape(repr(bad)), type(bad).__name__)):
            t.report(1.0, bad)
    with pytest.raises(ValueError, match="is -1 but cannot be negative"):
        t.report(1.0, -1.0)
    study.tell(t, 1.0)
    iv = study.trials[0].intermediate_values
    assert iv == {2: 2.0, 3: 3.0, 4: 4.0, 5: 5.0, 6: 6.0}
    assert all(type(k) is int for k in iv)


def test_fixed_trial_refuses_another_kind_for_a_name():
    # Optuna's FixedTrial checks a name asked again as a Trial does; knob returned the value
    t = optuna.trial.FixedTrial({"x": 1.0})
    assert t.suggest_float("x", 0, 2) == 1.0
    assert t.suggest_float("x", 0, 3) == 1.0  # another range of the same kind: fine
    with pytest.raises(ValueError, match="different distribution kind"):
        t.suggest_int("x", 0, 2)
    with pytest.raises(ValueError, match="log"):
        t.suggest_float("x", 0.5, 2, log=True)


def test_base_trial_is_the_base_of_every_kind_of_trial():
    # Optuna's BaseTrial: objectives typed (or checked) against it take any trial; knob's
    # BaseTrial was Trial itself
    study = optuna.create_study()
    t = study.ask()
    for trial in (t, optuna.trial.FixedTrial({}), optuna.trial.create_trial(value=1.0)):
        assert isinstance(trial, optuna.trial.BaseTrial)
    study.tell(t, 1.0)
