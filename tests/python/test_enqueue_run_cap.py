"""Study.enqueue_trial on a study that `knob run` made from a sweep with a run_cap: a trial
past the cap is refused, as `knob enqueue` refuses it, and nothing is enqueued."""

import subprocess
import sys

import pytest

import knob
from knob.exceptions import KnobDoneError
from knob.trial import TrialState


def knob_run(cli, tmp_path, tmp_db, name, sweep):
    (tmp_path / "sweep.yaml").write_text(sweep)
    p = subprocess.run(
        [cli, "run", str(tmp_path / "sweep.yaml"), "--storage", tmp_db, "--study", name],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr


SWEEP = """\
command: ["/bin/sh", "-c", "echo loss=$KNOB_TRIAL_NUMBER"]
method: random
metric: {name: loss}
run_cap: 3
parameters:
  x: {min: 0.0, max: 1.0}
"""


@pytest.mark.parametrize("pyyaml", [True, False])
def test_enqueue_past_run_cap_is_refused(knob_cli, tmp_path, tmp_db, monkeypatch, pyyaml):
    if not pyyaml:  # the sweep's run_cap read without PyYAML, which the package does not need
        monkeypatch.setitem(sys.modules, "yaml", None)
    knob_run(knob_cli, tmp_path, tmp_db, "capped", SWEEP)  # runs 3 trials, its run_cap
    study = knob.load_study(study_name="capped", storage=tmp_db)
    assert len(study.trials) == 3
    with pytest.raises(KnobDoneError, match="capped.*holds 3 trials"):
        study.enqueue_trial({"x": 0.5})
    with pytest.raises(KnobDoneError, match="capped.*holds 3 trials"):
        study.enqueue_trial({"x": 0.5}, user_attrs={"why": "a test"})
    assert len(study.trials) == 3
    # as knob enqueue refuses it
    p = subprocess.run([knob_cli, "enqueue", "capped", "x=0.5", "--storage", tmp_db], capture_output=True, text=True)
    assert p.returncode == 1 and "holds 3 trials, its run_cap" in p.stderr, p.stderr


def test_enqueue_below_run_cap_is_taken_up_to_it(knob_cli, tmp_path, tmp_db):
    # a study of 1 trial with run_cap 3 (the cap raised since the run): two more are taken
    knob_run(knob_cli, tmp_path, tmp_db, "room", SWEEP.replace("run_cap: 3", "run_cap: 1"))
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    p = subprocess.run(
        [knob_cli, "run", str(tmp_path / "sweep.yaml"), "--storage", tmp_db, "--study", "room", "--trials", "0"],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr
    study = knob.load_study(study_name="room", storage=tmp_db)
    assert len(study.trials) == 1
    study.enqueue_trial({"x": 0.25})
    study.enqueue_trial({"x": 0.75}, user_attrs={"why": "a test"})
    with pytest.raises(KnobDoneError, match="holds 3 trials"):
        study.enqueue_trial({"x": 0.5})
    states = [t.state for t in study.trials]
    assert states == [TrialState.COMPLETE, TrialState.WAITING, TrialState.WAITING]


def test_a_study_without_run_cap_takes_any(knob_cli, tmp_path, tmp_db):
    knob_run(knob_cli, tmp_path, tmp_db, "free", SWEEP.replace("run_cap: 3", "trials: 2"))
    study = knob.load_study(study_name="free", storage=tmp_db)
    for x in (0.1, 0.2, 0.3):
        study.enqueue_trial({"x": x})
    assert len(study.trials) == 5
