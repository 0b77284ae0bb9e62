"""A study shared with the knob command: written from Python, read and extended by
`knob`; written by `knob`, read and extended from Python. One SQLite file, one study."""

import json
import subprocess

import knob as optuna
from knob.trial import TrialState


def run(cli, *args):
    p = subprocess.run([cli, *args], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_python_study_read_by_the_cli(knob_cli, tmp_db):
    study = optuna.create_study(storage=tmp_db, study_name="shared", direction="maximize")

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        opt = trial.suggest_categorical("opt", ["adam", "sgd"])
        return x + (opt == "sgd")

    study.optimize(objective, n_trials=6)
    rows = json.loads(run(knob_cli, "trials", "shared", "--storage", tmp_db, "--format", "json"))
    assert len(rows) == 6
    by_number = {t.number: t for t in study.trials}
    for r in rows:
        t = by_number[r["number"]]
        assert r["params"] == t.params
        assert r["state"] == "complete"
        assert r["values"] == [t.value]
    best = run(knob_cli, "best", "shared", "--storage", tmp_db)
    assert best.startswith("trial %d: value" % study.best_trial.number)

    # Enqueued by the CLI, run from Python.
    run(knob_cli, "enqueue", "shared", "x=0.125", "opt=sgd", "--storage", tmp_db)
    study.optimize(objective, n_trials=1)
    assert study.trials[6].params == {"x": 0.125, "opt": "sgd"}
    assert study.trials[6].value == 1.125


def test_cli_study_read_from_python(knob_cli, tmp_path):
    db = tmp_path / "cli.db"
    url = "sqlite:///" + str(db)
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(
        "method: random\n"
        "metric: {name: loss, goal: minimize}\n"
        "parameters:\n"
        "  lr: {min: 0.001, max: 0.1, distribution: log_uniform_values}\n"
        "  layers: {values: [1, 2, 3]}\n"
    )
    for _ in range(3):
        asked = json.loads(run(knob_cli, "ask", "cli-study", "--sweep", str(sweep), "--storage", url))
        loss = asked["params"]["lr"] * asked["params"]["layers"]
        run(knob_cli, "tell", "cli-study", str(asked["number"]), repr(loss), "--storage", url)
    study = optuna.load_study(study_name="cli-study", storage=url)
    trials = study.trials
    assert len(trials) == 3
    for t in trials:
        assert t.state == TrialState.COMPLETE
        assert t.value == t.params["lr"] * t.params["layers"]
        assert t.distributions["lr"].log
    # Python goes on with the same study; the CLI sees its trials.
    study.optimize(lambda t: t.suggest_float("lr", 0.001, 0.1, log=True) * t.suggest_categorical("layers", [1, 2, 3]), n_trials=2)
    rows = json.loads(run(knob_cli, "trials", "cli-study", "--storage", url, "--format", "json"))
    assert len(rows) == 5


def test_long_choices_reach_the_cli_whole(knob_cli, tmp_db):
    """A choice longer than 510 characters as JSON (600 letters; 90 control bytes, 6 each
    escaped) was cut by the CLI, and `knob trials --format json` was not JSON."""
    study = optuna.create_study(storage=tmp_db, study_name="long")
    choices = ["x" * 600, "\x01" * 90]
    study.enqueue_trial({"prompt": choices[0]})
    study.enqueue_trial({"prompt": choices[1]})
    study.optimize(lambda t: len(t.suggest_categorical("prompt", choices)), n_trials=2)
    rows = json.loads(run(knob_cli, "trials", "long", "--storage", tmp_db, "--format", "json"))
    assert [r["params"]["prompt"] for r in rows] == choices
    best = json.loads(run(knob_cli, "best", "long", "--storage", tmp_db, "--json"))
    assert best["params"]["prompt"] == choices[1]


def test_csv_quotes_a_carriage_return(knob_cli, tmp_db):
    """A fail reason with a bare CR was written unquoted: csv read 4 rows for 2 trials."""
    import csv
    import io

    study = optuna.create_study(storage=tmp_db, study_name="cr")

    def objective(trial):
        trial.suggest_float("x", 0, 1)
        raise RuntimeError("loss diverged\rretry")

    study.optimize(objective, n_trials=2, catch=(RuntimeError,))
    p = subprocess.run([knob_cli, "trials", "cr", "--storage", tmp_db, "--format", "csv"],
                       capture_output=True)  # bytes: text mode reads a CR as a newline
    assert p.returncode == 0, p.stderr
    rows = list(csv.DictReader(io.StringIO(p.stdout.decode(), newline="")))
    assert [r["fail_reason"] for r in rows] == ["RuntimeError: loss diverged\rretry"] * 2


def test_a_user_attribute_named_params_stays_the_users(knob_cli, tmp_db):
    """set_user_attr("params", 1234567) was shown by the CLI as every trial's params."""
    study = optuna.create_study(storage=tmp_db, study_name="ua")

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        trial.set_user_attr("params", 1234567)
        return x

    study.optimize(objective, n_trials=2)
    rows = json.loads(run(knob_cli, "trials", "ua", "--storage", tmp_db, "--format", "json"))
    assert [r["params"] for r in rows] == [t.params for t in study.trials]
    assert all(r["user_attrs"]["params"] == 1234567 for r in rows)
    best = json.loads(run(knob_cli, "best", "ua", "--storage", tmp_db, "--json"))
    assert best["params"] == study.best_trial.params
