"""knob report's timeline data of trials run one after the other: each trial's end (t0 + t1,
in ms after time0) is the end rounded to the ms, so a trial that started the instant the one
before it ended never shows starting before that end (which the page draws as a second lane
of one runner, a parallel run that never was). Rounding the start and the duration each on
its own put the end up to 1 ms late."""

import datetime
import json
import os
import random
import re
import subprocess

import knob as optuna
from knob.distributions import FloatDistribution
from knob.trial import TrialState, create_trial


def _report_trials(tmp_path, storage, name):
    out = tmp_path / "report.html"
    subprocess.run([os.environ["KNOB"], "report", name, "--storage", storage, "-o", str(out)],
                   check=True, capture_output=True)
    m = re.search(r'<script id="knob-data" type="application/json">(.*?)</script>',
                  out.read_text(), re.S)
    return json.loads(m.group(1))["trials"]


def test_back_to_back_trials_end_where_the_next_starts(tmp_db, tmp_path):
    study = optuna.create_study(study_name="serial", storage=tmp_db)
    rng = random.Random(7)
    t = datetime.datetime(2026, 12, 7, 12, 0, 0, 123456)
    ends = []
    for k in range(40):
        # durations with sub-millisecond parts: 0.3 to 2.7 ms
        end = t + datetime.timedelta(microseconds=rng.randint(300, 2700))
        trial = create_trial(state=TrialState.COMPLETE, value=float(k), params={"x": 0.5},
                             distributions={"x": FloatDistribution(0, 1)})
        trial.datetime_start = t
        trial.datetime_complete = end
        study.add_trial(trial)
        ends.append((t, end))
        t = end  # the next starts the instant this one ended
    cols = _report_trials(tmp_path, tmp_db, "serial")
    t0, t1 = cols["t0"], cols["t1"]
    assert len(t0) == 40
    late = [k for k in range(39) if t0[k] + t1[k] > t0[k + 1]]
    assert late == [], "trials whose end comes after the next one's start: %s" % late
    for k, (s, e) in enumerate(ends):  # each duration still within a millisecond
        assert abs(t1[k] - (e - s).total_seconds() * 1000) <= 1
