"""knob dashboard past 2,000 complete trials: a study's importance (fANOVA, seconds at such
sizes) is computed on a thread of its own, so the first answer for the study comes without
it (null) instead of waiting, and a later poll brings it, the same as knob_study_importance's."""

import json
import os
import random
import re
import subprocess
import time
import urllib.request

import knob as optuna
from knob.distributions import CategoricalDistribution, FloatDistribution
from knob.trial import create_trial


def test_importance_comes_later_past_2000_trials(tmp_db):
    study = optuna.create_study(study_name="big", storage=tmp_db)
    rng = random.Random(0)
    dists = {"x": FloatDistribution(-5, 5), "y": FloatDistribution(-5, 5),
             "c": CategoricalDistribution(["a", "b"])}
    trials = []
    for _ in range(2100):
        p = {"x": rng.uniform(-5, 5), "y": rng.uniform(-5, 5), "c": rng.choice(["a", "b"])}
        v = 10 * p["x"] ** 2 + 0.1 * p["y"] + (0.01 if p["c"] == "a" else 0)
        trials.append(create_trial(params=p, distributions=dists, value=v))
    study.add_trials(trials)
    want = optuna.importance.get_param_importances(
        study, evaluator=optuna.importance.FanovaImportanceEvaluator())
    dash = subprocess.Popen([os.environ["KNOB"], "dashboard", "--storage", tmp_db, "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = re.search(r"http://[^/ ]*", dash.stdout.readline()).group(0)

        def get():
            with urllib.request.urlopen(url + "/api/study?name=big&since=0", timeout=120) as r:
                return json.load(r)

        first = get()
        assert len(first["trials"]["n"]) == 2100
        assert first["importance"] is None  # not waited for
        got = None
        for _ in range(1200):  # the thread's result, at a later poll
            got = get()["importance"]
            if got is not None:
                break
            time.sleep(0.1)
        assert got is not None, "the importance never came"
        shares = {e["name"]: e["share"] for e in got[0]}
        total = sum(shares.values())
        assert set(shares) == set(want)
        for name, share in want.items():
            assert abs(shares[name] / total - share) < 1e-6, (name, shares, want)
    finally:
        dash.terminate()
        dash.wait(timeout=30)
    assert dash.returncode == 130  # stopped by SIGTERM, as docs/cli.md says
