"""A study made by `knob run` read from Python: a trial's params, best_params,
trials_dataframe, distributions, the plots and importance show what the program got, not
the values the library holds (a quantile, a reciprocal, a value before its rounding)."""

import json
import subprocess

import pytest

import knob as optuna
from knob.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

SWEEP = """\
program: prog.py
command: [python3, prog.py]
metric: {name: loss, goal: minimize}
sampler: random
parameters:
  w: {distribution: q_log_uniform_values, min: 1, max: 1024, q: 8}
  wide: {distribution: q_log_uniform_values, min: 16, max: 512, q: 16}
  inv: {distribution: inv_log_uniform_values, min: 0.01, max: 1.0}
  nrm: {distribution: normal, mu: 0, sigma: 1}
  qn: {distribution: q_normal, mu: 10, sigma: 2, q: 1}
  ln: {distribution: log_normal, mu: 0, sigma: 1}
  opt: {values: [a, b], probabilities: [0.3, 0.7]}
  plain: {values: [x, y]}
  grp:
    parameters:
      lr: {values: [0.5, 1.5], probabilities: [0.5, 0.5]}
"""

PROGRAM = """\
import json, os
p = json.loads(os.environ["KNOB_PARAMS_JSON"])
print("loss=%r" % (p["nrm"] ** 2 + (p["opt"] == "a") + p["inv"]))
"""


def _run(cli, *args):
    p = subprocess.run([cli, *args], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return p.stdout


@pytest.fixture
def swept(knob_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    (tmp_path / "prog.py").write_text(PROGRAM)
    url = "sqlite:///" + str(tmp_path / "s.db")
    _run(knob_cli, "run", "sweep.yaml", "--study", "s", "--storage", url, "--trials", "12", "--seed", "3")
    rows = json.loads(_run(knob_cli, "trials", "s", "--storage", url, "--format", "json"))
    return optuna.load_study(study_name="s", storage=url), {r["number"]: r["params"] for r in rows}


def _flat(given):
    out = dict(given)
    out.update({"grp." + k: v for k, v in out.pop("grp").items()})
    return out


def test_params_are_what_the_program_got(swept):
    study, got = swept
    for t in study.trials:
        assert t.params == _flat(got[t.number])
        t._validate()  # each value in its distribution
    assert study.best_params == _flat(got[study.best_trial.number])
    assert isinstance(study.best_params["opt"], str)


def test_distributions_of_the_program_values(swept):
    study, _ = swept
    d = study.trials[0].distributions
    assert d["opt"] == CategoricalDistribution(["a", "b"])
    assert d["grp.lr"] == CategoricalDistribution([0.5, 1.5])
    assert d["plain"] == CategoricalDistribution(["x", "y"])
    assert d["inv"] == FloatDistribution(0.01, 1.0, log=True)
    # q_log_uniform_values: whole values; log-spaced when none rounds to 0, else by q's step
    assert d["wide"] == IntDistribution(16, 512, log=True)
    assert d["w"] == IntDistribution(0, 1024, step=8)
    # the normal family: the range of the quantiles knob searches, about 4.75 sigma each side
    assert isinstance(d["nrm"], FloatDistribution) and not d["nrm"].log
    assert d["nrm"].low == pytest.approx(-4.7534, abs=1e-3) and d["nrm"].high == pytest.approx(4.7534, abs=1e-3)
    assert isinstance(d["qn"], IntDistribution) and d["qn"].low == 0 and d["qn"].high == 20
    assert d["ln"].log and d["ln"].low > 0


def test_dataframe_plots_and_importance(swept):
    study, got = swept
    pd = pytest.importorskip("pandas")
    df = study.trials_dataframe()
    assert isinstance(df, pd.DataFrame)
    assert list(df["params_opt"]) == [got[n]["opt"] for n in df["number"]]
    assert list(df["params_inv"]) == [got[n]["inv"] for n in df["number"]]
    shares = optuna.importance.get_param_importances(study)
    assert set(shares) == set(study.trials[0].params)
    optuna.importance.get_param_importances(study, target=lambda t: t.params["nrm"])
    pytest.importorskip("plotly")
    for plot in ("plot_slice", "plot_parallel_coordinate", "plot_contour", "plot_param_importances"):
        getattr(optuna.visualization, plot)(study)


def test_python_continues_the_study(swept):
    study, _ = swept
    study.enqueue_trial({"opt": "a", "nrm": 0.25})

    def objective(trial):
        # as the trials show the params, or as the library holds them (a quantile)
        opt = trial.suggest_categorical("opt", ["a", "b"])
        nrm = trial.suggest_float("nrm", -3, 3)
        return nrm * nrm + (opt == "a")

    study.optimize(objective, n_trials=3)
    assert study.trials[12].params == {"opt": "a", "nrm": 0.25}
    study.optimize(lambda t: t.suggest_float("opt", 1e-6, 1 - 1e-6), n_trials=1)
    with pytest.raises(ValueError, match="as knob run's program got it"):
        objective_c = lambda t: t.suggest_categorical("opt", ["a", "c"])  # noqa: E731
        trial = study.ask()
        try:
            objective_c(trial)
        finally:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
    # the best trial runs the objective again, as a FixedTrial of its params
    best = study.best_trial
    assert objective(best) == best.params["nrm"] ** 2 + (best.params["opt"] == "a")


def test_a_study_without_the_stored_distributions(swept):
    """A study run by a knob older than its stored distributions: the program's values, with
    distributions of the values its trials got."""
    study, got = swept
    study._set_system_attr("program_distributions", {})
    fresh = optuna.load_study(study_name="s", storage=study._storage)
    for t in fresh.trials:
        assert t.params == _flat(got[t.number])
        t._validate()
    assert set(fresh.trials[0].distributions["opt"].choices) <= {"a", "b"}
    assert fresh.trials[0].distributions["inv"].log
