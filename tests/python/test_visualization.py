"""knob.visualization: Optuna's plot_* entry points return plotly figures when plotly is
installed (a stand-in plotly here: Debian's python3 has none), else knob's report (`knob
report`), for a study in memory (copied for the command) and on SQLite, whose plotly
methods raise ImportError naming plotly."""

import sys

import pytest

import knob as optuna
from knob import visualization


def objective(trial):
    x = trial.suggest_float("x", -5, 5)
    for step in range(3):
        trial.report(x * x + 1.0 / (step + 1), step)
    return x * x


def test_report_of_a_memory_study(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "plotly", None)  # the report, whether plotly is installed or not
    study = optuna.create_study(study_name="viz")
    study.optimize(objective, n_trials=5)
    assert visualization.is_available()
    fig = visualization.plot_optimization_history(study)
    assert "<html" in fig.html.lower()
    assert "viz" in fig.html
    out = tmp_path / "r.html"
    fig.write_html(str(out))
    assert out.read_text() == fig.html
    assert fig._repr_html_() == fig.html


def test_report_of_a_sqlite_study(tmp_db, monkeypatch):
    monkeypatch.setitem(sys.modules, "plotly", None)
    study = optuna.create_study(storage=tmp_db, study_name="viz-sql", directions=["minimize", "maximize"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=4)
    fig = visualization.plot_pareto_front(study)
    assert "viz-sql" in fig.to_html()
    assert visualization.plot_param_importances.__name__ == "plot_param_importances"


def _fake_plotly(monkeypatch):
    """A stand-in for plotly (not installed here): figures that record their traces and
    layout, with plotly's Figure(data=...), update_layout and add_trace."""
    import types

    go = types.ModuleType("plotly.graph_objects")

    class Trace(dict):
        def __init__(self, **kwargs):
            super().__init__(type=type(self).__name__, **kwargs)

    for name in ("Scatter", "Scatter3d", "Bar", "Contour", "Parcoords"):
        setattr(go, name, type(name, (Trace,), {}))

    class Figure:
        def __init__(self, data=None, layout=None):
            self.data = list(data or [])
            self.layout = dict(layout or {})

        def update_layout(self, dict1=None, **kwargs):
            self.layout.update(dict1 or {}, **kwargs)
            return self

        def add_trace(self, trace):
            self.data.append(trace)
            return self

    go.Figure = Figure
    plotly = types.ModuleType("plotly")
    plotly.__version__ = "5.0.0"
    plotly.graph_objects = go
    monkeypatch.setitem(sys.modules, "plotly", plotly)
    monkeypatch.setitem(sys.modules, "plotly.graph_objects", go)
    return go


def _two_param_study(name="a", seed=0):
    study = optuna.create_study(study_name=name, sampler=optuna.samplers.RandomSampler(seed=seed))

    def obj(trial):
        x = trial.suggest_float("x", -5, 5)
        c = trial.suggest_categorical("c", ["p", "q"])
        for step in range(3):
            trial.report(x * x + step, step)
        return x * x + (c == "q")

    study.optimize(obj, n_trials=8)
    return study


def test_plotly_figures_when_plotly_is_there(monkeypatch):
    go = _fake_plotly(monkeypatch)
    a, b = _two_param_study("a", 0), _two_param_study("b", 1)
    figs = {
        "history": visualization.plot_optimization_history(a),
        "histories": visualization.plot_optimization_history([a, b]),
        "edf": visualization.plot_edf([a, b]),
        "intermediate": visualization.plot_intermediate_values(a),
        "slice": visualization.plot_slice(a),
        "parallel": visualization.plot_parallel_coordinate(a, params=["x", "c"]),
        "contour": visualization.plot_contour(a, params=["x", "c"]),
        "rank": visualization.plot_rank(a),
        "importances": visualization.plot_param_importances(a),
        "timeline": visualization.plot_timeline(a),
    }
    for name, fig in figs.items():
        assert isinstance(fig, go.Figure), name
        fig.update_layout(width=600)  # as an Optuna script does
        assert fig.layout["width"] == 600 and fig.layout["title"], name
    assert [t["name"] for t in figs["edf"].data] == ["a", "b"]
    assert all(abs(t["y"][-1] - 1.0) < 1e-12 for t in figs["edf"].data)
    assert len(figs["histories"].data) == 4  # values and best values of each study
    best = figs["history"].data[1]["y"]
    assert best == sorted(best, reverse=True) and best[-1] == a.best_value
    assert len(figs["intermediate"].data) == 8 and figs["intermediate"].data[0]["y"][:3] == [v for _, v in sorted(a.trials[0].intermediate_values.items())]
    assert [t["name"] for t in figs["slice"].data] == ["c", "x"] and "xaxis2" in figs["slice"].layout
    assert [d["label"] for d in figs["parallel"].data[0]["dimensions"]] == ["Objective Value", "x", "c"]
    assert sorted(figs["importances"].data[0]["y"]) == ["c", "x"]
    assert sum(len(t["y"]) for t in figs["timeline"].data) == 8
    with pytest.raises(ValueError, match="target"):
        visualization.plot_optimization_history(optuna.create_study(directions=["minimize", "maximize"]))


def test_plotly_figures_of_several_objectives(monkeypatch):
    go = _fake_plotly(monkeypatch)
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), (1 - t.suggest_float("x", 0, 1)) ** 2), n_trials=10)
    fig = visualization.plot_pareto_front(study)
    assert isinstance(fig, go.Figure)
    assert fig.data[0]["name"] == "Best Trial" and len(fig.data[0]["x"]) == len(study.best_trials)
    hv = visualization.plot_hypervolume_history(study, reference_point=[2.0, 2.0]).data[0]["y"]
    assert len(hv) == 10 and hv == sorted(hv) and 0 < hv[-1] <= 4.0


def test_pareto_front_of_the_feasible_trials(monkeypatch):
    """As Optuna: the front is taken among the feasible trials alone, so a feasible trial
    dominated only by an infeasible one is a best trial."""
    _fake_plotly(monkeypatch)
    study = optuna.create_study(directions=["minimize", "minimize"])
    for v in ([1.0, 1.0], [2.0, 2.0], [3.0, 3.0]):
        study.add_trial(optuna.trial.create_trial(values=v))
    infeasible = lambda t: [1.0] if t.values[0] == 1.0 else [-1.0]
    fig = visualization.plot_pareto_front(study, constraints_func=infeasible)
    names = {d["name"]: d for d in fig.data}
    assert names["Best Trial"]["x"] == [2.0], fig.data
    assert names["Trial"]["x"] == [3.0], fig.data
    assert names["Infeasible Trial"]["x"] == [1.0], fig.data


def test_without_plotly_the_report_and_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "plotly", None)  # import plotly raises ImportError
    a, b = _two_param_study("a", 0), _two_param_study("b", 1)
    fig = visualization.plot_edf([a, b])  # a list of studies, as Optuna's plot_edf takes
    assert "<html" in fig.to_html().lower()
    with pytest.raises(ImportError, match="plotly"):
        fig.update_layout(title="x")
    assert not hasattr(fig, "no_such_attribute")
