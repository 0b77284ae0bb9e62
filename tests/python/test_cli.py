"""A study shared with the knob command: written from Python, read and extended by
`knob`; written by `knob`, read and extended from Python. One SQLite file, one study."""

import json
import sqlite3
import subprocess

import pytest

import knob as optuna
from knob.trial import TrialState


def run(cli, *args):
    p = subprocess.run([cli, *args], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return p.stdout


def ask_and_tell(cli, tmp_path, study, sweep_text, url, n, values):
    """n trials of `knob ask STUDY --sweep` (the sweep's text in tmp_path/sweep.yaml), each
    told with `knob tell` the values values(params) gives."""
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(sweep_text)
    for _ in range(n):
        asked = json.loads(run(cli, "ask", study, "--sweep", str(sweep), "--storage", url))
        told = [repr(v) for v in values(asked["params"])]
        run(cli, "tell", study, str(asked["number"]), *told, "--storage", url)


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


def test_enqueued_params_show_compact_in_the_cli(knob_cli, tmp_db):
    # a waiting trial's params as Python enqueued them, compact as every other row's (they
    # were json.dumps's, with spaces: greps and diffs of the table missed them)
    study = optuna.create_study(storage=tmp_db, study_name="enq")
    study.enqueue_trial({"x": 0.0, "n": 0})
    study.enqueue_trial({"x": 1.5, "n": 2}, user_attrs={"a": 1})
    table = run(knob_cli, "trials", "enq", "--storage", tmp_db)
    assert '{"x":0.0,"n":0}' in table, table
    assert '{"x":1.5,"n":2}' in table, table
    study.optimize(lambda t: t.suggest_float("x", 0, 2) + t.suggest_int("n", 0, 3), n_trials=2)
    assert [t.params for t in study.trials] == [{"x": 0.0, "n": 0}, {"x": 1.5, "n": 2}]


def test_cli_study_read_from_python(knob_cli, tmp_path):
    db = tmp_path / "cli.db"
    url = "sqlite:///" + str(db)
    ask_and_tell(
        knob_cli, tmp_path, "cli-study",
        "method: random\n"
        "metric: {name: loss, goal: minimize}\n"
        "parameters:\n"
        "  lr: {min: 0.001, max: 0.1, distribution: log_uniform_values}\n"
        "  layers: {values: [1, 2, 3]}\n",
        url, 3, lambda p: [p["lr"] * p["layers"]])
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


def test_cli_values_are_the_stored_doubles(knob_cli, tmp_path):
    """What the program gets (knob ask prints it) is the double the library holds, in all its
    digits: a step that needs more than 15 digits (1 + k 1e-13, 1/3) gave the program a
    15-digit neighbour (1.76233775370959 for 1.762337753709589), and [1, 2] by 1e-13 was
    held as the plain sum, 1 ulp off the decimal. inv_log_uniform_values gives the X whose
    1 / X is the Y held (1 / Y where no double X has it); a q form's multiple is the double
    nearest k q."""
    from decimal import Decimal

    url = "sqlite:///" + str(tmp_path / "q.db")
    sweep = tmp_path / "q.yaml"
    sweep.write_text(
        "method: random\n"
        "metric: {name: loss}\n"
        "parameters:\n"
        "  s: {distribution: q_uniform, min: 1.0, max: 2.0, q: 1.0e-13}\n"
        "  f: {distribution: q_uniform, min: 1.0, max: 2.0, q: 1.0e-15}\n"
        "  inv: {distribution: inv_log_uniform_values, min: 0.01, max: 1}\n"
        "  w: {distribution: q_log_uniform_values, min: 1, max: 2, q: 1.0e-13}\n"
    )
    asked = [json.loads(run(knob_cli, "ask", "q", "--sweep", str(sweep), "--storage", url, "--seed", str(i)))
             for i in range(8)]
    study = optuna.load_study(study_name="q", storage=url)
    for a, t in zip(asked, study.trials):
        got = a["params"]
        assert got["s"] == t.params["s"] and got["f"] == t.params["f"], (got, t.params)
        k = round((Decimal(got["s"]) - 1) / Decimal("1e-13"))
        assert got["s"] == float(1 + k * Decimal("1e-13")), got["s"]
        # Python shows the program's value; the library holds the reciprocal y
        assert got["inv"] == t.params["inv"], (got["inv"], t.params["inv"])
        with sqlite3.connect(str(tmp_path / "q.db")) as db:
            (y,) = db.execute(
                "SELECT p.internal FROM params p JOIN trials r ON r.id = p.trial"
                " WHERE r.number = ? AND p.name = 'inv'", (t.number,)).fetchone()
        assert 1 / got["inv"] == y or got["inv"] == 1 / y, (got["inv"], y)
        k = round(got["w"] / 1e-13)
        assert got["w"] == float(k * Decimal("1e-13")), got["w"]
    # a grid of 1/3: 0, 1/3, 2/3 and 3/3 as the library holds them
    sweep.write_text(
        "method: grid\n"
        "metric: {name: loss}\n"
        "parameters:\n"
        "  s: {distribution: q_uniform, min: 0.0, max: 1.0, q: 0.3333333333333333}\n"
    )
    for _ in range(4):
        run(knob_cli, "ask", "g", "--sweep", str(sweep), "--storage", url)
    rows = json.loads(run(knob_cli, "trials", "g", "--storage", url, "--format", "json"))
    study = optuna.load_study(study_name="g", storage=url)
    assert sorted(r["params"]["s"] for r in rows) == sorted(t.params["s"] for t in study.trials)
    assert 0.3333333333333333 in [r["params"]["s"] for r in rows]


def test_plots_name_the_objectives_of_a_knob_run_sweep(knob_cli, tmp_path):
    """Plots of a study `knob run` made name its objectives as its sweep does (as `knob report`
    does), where they said "Objective 0"; metric_names stays set_metric_names's (None), as
    Optuna's, and set_metric_names still wins."""
    from knob import visualization

    url = "sqlite:///" + str(tmp_path / "names.db")
    ask_and_tell(
        knob_cli, tmp_path, "named",
        "method: random\n"
        "objectives:\n"
        "  - {name: acc, goal: maximize}\n"
        "  - {name: latency, goal: minimize}\n"
        "parameters:\n"
        "  x: {min: 0.0, max: 1.0}\n"
        "  y: {min: 0.0, max: 1.0}\n",
        url, 6, lambda p: [p["x"], p["y"] + p["x"]])
    study = optuna.load_study(study_name="named", storage=url)
    assert study.metric_names is None
    fig = visualization.plot_pareto_front(study)
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("acc", "latency")
    fig = visualization.plot_parallel_coordinate(study)
    labels = [d["label"] for d in fig.data[0]["dimensions"]]
    assert labels[:2] == ["acc", "latency"]
    study.set_metric_names(["a", "l"])
    fig = visualization.plot_pareto_front(study)
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("a", "l")


def report_data(cli, study, url):
    """The study's data in `knob report`'s page (as the dashboard's /api/study gives it)."""
    import re

    page = run(cli, "report", study, "--storage", url, "-o", "-")
    return json.loads(re.search(r'<script id="knob-data"[^>]*>(.*?)</script>', page, re.S).group(1))


def test_the_report_names_the_objectives_as_knob_trials_and_the_plots_do(knob_cli, tmp_path):
    """The report (and the dashboard) name the objectives as knob trials, knob best and the
    plots do: set_metric_names's names that do not tell the objectives apart give way to the
    sweep's (the report said ["m", "m"], the others acc and latency), and a Python study of
    more objectives than a sweep takes has its names in knob trials (it had none there)."""
    from knob import visualization

    url = "sqlite:///" + str(tmp_path / "names.db")
    ask_and_tell(
        knob_cli, tmp_path, "named",
        "method: random\n"
        "objectives: [{name: acc, goal: maximize}, {name: latency, goal: minimize}]\n"
        "parameters:\n"
        "  x: {min: 0.0, max: 1.0}\n",
        url, 3, lambda p: [0.5, 2])
    study = optuna.load_study(study_name="named", storage=url)
    for given, want in (
        (None, ["acc", "latency"]),
        (["top1", "ms"], ["top1", "ms"]),
        (["m", "m"], ["acc", "latency"]),
        (["", "ms"], ["acc", "latency"]),
    ):
        if given is not None:
            study.set_metric_names(given)
        rows = json.loads(run(knob_cli, "trials", "named", "--storage", url, "--format", "json"))
        assert list(rows[0]["named_values"]) == want, given
        fig = visualization.plot_pareto_front(study)
        assert [fig.layout.xaxis.title.text, fig.layout.yaxis.title.text] == want, given
        assert report_data(knob_cli, "named", url)["metric_names"] == want, given

    names = ["m%d" % k for k in range(20)]
    many = optuna.create_study(storage=url, study_name="many", directions=["minimize"] * 20)
    many.set_metric_names(names)
    many.optimize(lambda t: [t.suggest_float("x", 0, 1) + k for k in range(20)], n_trials=2)
    rows = json.loads(run(knob_cli, "trials", "many", "--storage", url, "--format", "json"))
    assert list(rows[0]["named_values"]) == names
    assert report_data(knob_cli, "many", url)["metric_names"] == names
    many.set_metric_names(names[:19] + ["m0"])
    assert report_data(knob_cli, "many", url)["metric_names"] is None


def test_study_without_objectives_refuses_plots_by_name(knob_cli, tmp_path, tmp_db):
    """A study of a sweep without a metric (its trials complete with no value): the plots of
    objective values, `direction` and the importances say so, naming the study (an
    IndexError, a TypeError and a warning per trial of an infinite value before); the plots
    that draw no value, and those given `target`, draw."""
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text("method: grid\nparameters:\n  x: {values: [0.1, 0.5]}\n  y: {values: [0.2, 0.4]}\n")
    for n in range(3):
        run(knob_cli, "ask", "nm", "--sweep", str(sweep), "--storage", tmp_db)
        run(knob_cli, "tell", "nm", str(n), "--storage", tmp_db)
    study = optuna.load_study(study_name="nm", storage=tmp_db)
    assert study.directions == []
    from knob import visualization
    for plot in ("plot_optimization_history", "plot_param_importances", "plot_rank", "plot_slice",
                 "plot_contour", "plot_edf", "plot_parallel_coordinate"):
        with pytest.raises(ValueError, match="study 'nm' has no objective"):
            getattr(visualization, plot)(study)
    with pytest.raises(ValueError, match="study 'nm' has no objective"):
        study.direction
    with pytest.raises(ValueError, match="study 'nm' has no objective"):
        optuna.importance.get_param_importances(study)
    visualization.plot_timeline(study)
    visualization.plot_slice(study, target=lambda t: t.params["x"])
    # the plots that take no `target` (or need directions beside `targets`) say so without a hint
    with pytest.raises(ValueError, match="so no objective values to plot$"):
        visualization.plot_pareto_front(study, targets=lambda t: (t.params["x"], t.params["y"]))
    with pytest.raises(ValueError, match="so no objective values to plot$"):
        visualization.plot_hypervolume_history(study, reference_point=[10, 10])
