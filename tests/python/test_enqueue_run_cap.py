"""Study.enqueue_trial on a study that `knob run` made from a sweep with a run_cap: a trial
past the cap is refused, as `knob enqueue` refuses it, and nothing is enqueued. The cap is the
one knob's own sweep parser read (stored with the study as its system attribute "run_cap"),
however the sweep is written."""

import subprocess
import sys

import pytest

import knob
from knob.exceptions import KnobDoneError
from knob.trial import TrialState


def knob_run(cli, tmp_path, tmp_db, name, sweep, *args):
    (tmp_path / "sweep.yaml").write_bytes(sweep.encode())  # as written: CRLF kept
    p = subprocess.run(
        [cli, "run", str(tmp_path / "sweep.yaml"), "--storage", tmp_db, "--study", name, *args],
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


def test_enqueue_past_run_cap_is_refused(knob_cli, tmp_path, tmp_db):
    knob_run(knob_cli, tmp_path, tmp_db, "capped", SWEEP)  # runs 3 trials, its run_cap
    study = knob.load_study(study_name="capped", storage=tmp_db)
    assert len(study.trials) == 3
    assert study._attrs(True)["run_cap"] == 3
    with pytest.raises(KnobDoneError, match="capped.*holds 3 trials"):
        study.enqueue_trial({"x": 0.5})
    with pytest.raises(KnobDoneError, match="capped.*holds 3 trials"):
        study.enqueue_trial({"x": 0.5}, user_attrs={"why": "a test"})
    # a waiting trial added whole is one more to run, as an enqueued one
    waiting = knob.trial.create_trial(state=TrialState.WAITING, params={"x": 0.5},
                                      distributions={"x": knob.distributions.FloatDistribution(0, 1)})
    with pytest.raises(KnobDoneError, match="capped.*holds 3 trials"):
        study.add_trial(waiting)
    assert len(study.trials) == 3
    # a finished one runs nothing: taken
    done = knob.trial.create_trial(params={"x": 0.5}, value=0.1,
                                   distributions={"x": knob.distributions.FloatDistribution(0, 1)})
    study.add_trial(done)
    assert len(study.trials) == 4
    # as knob enqueue refuses it
    p = subprocess.run([knob_cli, "enqueue", "capped", "x=0.5", "--storage", tmp_db], capture_output=True, text=True)
    assert p.returncode == 1 and "holds 4 trials, its run_cap" in p.stderr, p.stderr


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


FLOW = """\
{command: ["/bin/sh", "-c", "echo loss=$KNOB_TRIAL_NUMBER"], method: random,
 metric: {name: loss}, run_cap: 3, parameters: {x: {min: 0.0, max: 1.0}}}
"""


@pytest.mark.parametrize(
    "sweep, cap",
    [
        (SWEEP.replace("\n", "\r\n"), 3),  # CRLF line ends
        (FLOW, 3),  # flow style
        (SWEEP.replace("run_cap: 3", "run_cap: 010"), 10),  # knob reads 10 (PyYAML read 8)
        (SWEEP.replace("run_cap: 3", "run_cap: &cap 3"), 3),  # an anchor
    ],
    ids=["crlf", "flow", "leading_zero", "anchor"],
)
@pytest.mark.parametrize("pyyaml", [True, False])
def test_enqueue_stops_where_knob_enqueue_does(knob_cli, tmp_path, tmp_db, monkeypatch, sweep, cap, pyyaml):
    """Two trials below the cap (as knob read it) are taken, the next is refused, and knob
    enqueue refuses it too; the same with PyYAML installed or not (the package reads no YAML)."""
    if not pyyaml:
        monkeypatch.setitem(sys.modules, "yaml", None)
    knob_run(knob_cli, tmp_path, tmp_db, "s", sweep, "--trials", str(cap - 2))
    study = knob.load_study(study_name="s", storage=tmp_db)
    assert len(study.trials) == cap - 2
    study.enqueue_trial({"x": 0.25})
    study.enqueue_trial({"x": 0.75})
    with pytest.raises(KnobDoneError, match="holds %d trials" % cap):
        study.enqueue_trial({"x": 0.5})
    assert len(study.trials) == cap
    p = subprocess.run([knob_cli, "enqueue", "s", "x=0.5", "--storage", tmp_db], capture_output=True, text=True)
    assert p.returncode == 1 and "holds %d trials, its run_cap" % cap in p.stderr, p.stderr


def test_a_cap_taken_out_of_the_sweep_is_gone(knob_cli, tmp_path, tmp_db):
    # run_cap 1, then the sweep without one: the stored cap goes with it
    knob_run(knob_cli, tmp_path, tmp_db, "was", SWEEP.replace("run_cap: 3", "run_cap: 1"))
    knob_run(knob_cli, tmp_path, tmp_db, "was", SWEEP.replace("run_cap: 3\n", ""), "--trials", "0")
    study = knob.load_study(study_name="was", storage=tmp_db)
    assert study._attrs(True)["run_cap"] == 0
    study.enqueue_trial({"x": 0.5})
    assert len(study.trials) == 2
