"""knob.visualization: Optuna's plot_* entry points return plotly figures when plotly is
installed (python3-plotly, which scripts/deps.sh installs; real plotly validates every trace
and layout property and raises on a wrong one), else knob's report (`knob report`), for a
study in memory (copied for the command) and on SQLite, whose plotly methods raise
ImportError naming plotly. The figures are compared with those of Optuna's own functions
(Debian's python3-optuna, or the Optuna in the directory KNOB_OPTUNA_PATH names) for the
same trials."""

import collections
import datetime
import importlib
import math
import os
import random
import sys

import plotly.graph_objects as go
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
    # as Optuna's: no plotly, no plotly figures (it said True, and a script's guarded
    # fig.update_layout raised)
    assert not visualization.is_available()
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


def _optuna():
    """Optuna itself (not knob), with its plotly functions."""
    extra = os.environ.get("KNOB_OPTUNA_PATH")
    if extra and extra not in sys.path:
        sys.path.insert(0, extra)
    real = importlib.import_module("optuna")
    real.logging.set_verbosity(real.logging.ERROR)
    return real


PLOTS = ["plot_optimization_history", "plot_intermediate_values", "plot_parallel_coordinate", "plot_contour", "plot_slice",
         "plot_param_importances", "plot_edf", "plot_pareto_front", "plot_timeline", "plot_rank", "plot_hypervolume_history"]
KINDS = {"single": ["minimize"], "pruned": ["maximize"], "two": ["minimize", "minimize"], "three": ["minimize", "maximize", "minimize"],
         "empty": ["minimize"]}


def _trials(kind):
    """The same trials for knob and Optuna: a float, a float on a log scale, an int and a
    categorical param; complete trials, and pruned and failed ones (kind "pruned")."""
    r = random.Random(7)
    out = []
    for i in range(0 if kind == "empty" else 12):
        x, lr, k, c = r.uniform(-5, 5), math.exp(r.uniform(math.log(1e-4), 0)), r.randint(1, 10), r.choice(["p", "q", "r"])
        state, iv = "COMPLETE", {}
        if kind == "pruned" and i in (3, 7):
            state, iv = "PRUNED", {s: x * x + 1.0 / (s + 1) for s in range(2)}
        elif kind == "pruned" and i == 5:
            state = "FAIL"
        elif kind in ("single", "pruned"):
            iv = {s: x * x + 1.0 / (s + 1) for s in range(3)}
        values = [x * x + lr + k + (c == "q"), (x - 2) ** 2 + k, lr][: len(KINDS[kind])] if state == "COMPLETE" else None
        out.append(({"x": x, "lr": lr, "k": k, "c": c}, state, values, iv))
    return out


def _study(lib, kind):
    d = lib.distributions
    dists = {"x": d.FloatDistribution(-5, 5), "lr": d.FloatDistribution(1e-4, 1, log=True), "k": d.IntDistribution(1, 10),
             "c": d.CategoricalDistribution(["p", "q", "r"])}
    study = lib.create_study(study_name="viz-" + kind, directions=KINDS[kind])
    t0 = datetime.datetime(2026, 1, 1)
    for i, (params, state, values, iv) in enumerate(_trials(kind)):
        study.add_trial(lib.trial.create_trial(
            params=params, distributions=dists, values=values, state=getattr(lib.trial.TrialState, state), intermediate_values=iv))
    return study


def _call(lib, name, kind):
    """lib.visualization.<name> of the kind's study: ("figure", fig) or ("error", type)."""
    study = _study(lib, kind)
    kwargs = {}
    # (plot_param_importances of several objectives: one bar set per objective, as Optuna 4.x
    # and 5 draw them; Optuna 3.1 asks for a target)
    if len(KINDS[kind]) > 1 and name not in ("plot_pareto_front", "plot_hypervolume_history", "plot_intermediate_values", "plot_timeline",
                                             "plot_param_importances"):
        kwargs["target"] = lambda t: t.values[0]
    if name == "plot_hypervolume_history":
        kwargs["reference_point"] = [100.0] * len(KINDS[kind])
    try:
        return "figure", getattr(lib.visualization, name)(study, **kwargs)
    except (ValueError, TypeError) as e:
        return "error", type(e).__name__


def _r(v):
    return round(v, 9) if isinstance(v, float) else v


def _n(seq):
    return 0 if seq is None else len(seq)


def _points(trace):
    return sorted(zip([_r(v) for v in trace["x"]], [_r(v) for v in trace["y"]]), key=repr)


def _axes(fig):
    """Each axis's title and type (log, category), where set."""
    lay = fig.to_plotly_json()["layout"]
    out = {}
    for key, axis in lay.items():
        if "axis" in key:
            title = (axis.get("title") or {}).get("text") or None
            out[key] = (title, axis.get("type"))
    return out


def _compare(name, ours, theirs):
    """What must agree between knob's figure and Optuna's of the same trials."""
    od = [t for t in ours.data]
    td = [t for t in theirs.data if t.type != "scatter" or _n(t.x) or _n(getattr(t, "dimensions", None))]
    if not td:  # Optuna's empty figure: knob's has no trace with data either
        assert not [t for t in od if _n(getattr(t, "x", None)) or _n(getattr(t, "dimensions", None))], name
        return
    if name in ("plot_contour", "plot_rank"):  # the cells' axes: types (log, category) and titles
        types = lambda f: sorted((v[1], v[0] or "") for v in _axes(f).values() if v[1])
        assert types(ours) == types(theirs), name
        titles = lambda f: sorted(v[0] for v in _axes(f).values() if v[0])
        assert titles(ours) == titles(theirs), name
        return
    if name == "plot_parallel_coordinate":
        if td[0].type != "parcoords":  # Optuna 4.x draws it with scatter lines
            return
        dims = lambda f: [(d["label"], [_r(v) for v in d["values"]], [_r(v) for v in d.get("tickvals") or ()], list(d.get("ticktext") or ()))
                          for d in f.to_plotly_json()["data"][0]["dimensions"]]
        assert dims(ours) == dims(theirs), name
        return
    if name == "plot_param_importances":  # fANOVA's forests differ; the params shown do not
        assert sorted(od[0].y) == sorted(td[0].y), name
        return
    if name == "plot_optimization_history":
        assert _points(od[0]) == _points(td[0]), name
        if len(td) > 1 and td[1].name == "Best Value":
            # Optuna 4.x and 5 step on at every trial, Optuna 3.1 at the complete ones
            at = {x for x, _ in _points(td[1])}
            assert [p for p in _points(od[1]) if p[0] in at] == _points(td[1]), name
        return
    if name == "plot_slice":
        unquote = lambda ps: [(x.strip("'") if isinstance(x, str) else x, y) for x, y in ps]
        assert [unquote(_points(t)) for t in od] == [unquote(_points(t)) for t in td], name
        types = lambda f: {k: v[1] for k, v in _axes(f).items() if v[1] == "log"}  # Optuna 3.1 sets no category type
        assert types(ours) == types(theirs), name
        return
    if name == "plot_pareto_front":
        pts = lambda data: [sorted(zip(*[[_r(v) for v in getattr(t, a)] for a in ("x", "y", "z") if getattr(t, a, None) is not None]))
                            for t in data]
        assert pts(od) == pts(td), name
        return
    assert [_points(t) for t in od] == [_points(t) for t in td], name
    titles = lambda f: {k: v[0] for k, v in _axes(f).items() if v[0]}
    assert titles(ours) == titles(theirs), name


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("name", PLOTS)
def test_plotly_figures_as_optunas(name, kind):
    """Each plot of each kind of study is a real plotly Figure (or the error Optuna raises
    for it), which serializes, and agrees with Optuna's where Optuna has the plot."""
    what, fig = _call(optuna, name, kind)
    if what == "figure":
        assert isinstance(fig, go.Figure), (name, kind)
        go.Figure(fig.to_dict())  # validated again from its JSON form
        fig.to_json()
        assert fig.layout.title.text, (name, kind)
    real = _optuna()
    if not hasattr(real.visualization, name):  # Optuna 3.1 has no plot_rank, plot_timeline, ...
        return
    theirs = _call(real, name, kind)
    if name == "plot_param_importances" and len(KINDS[kind]) > 1:
        # as Optuna 4.x and 5: every objective's importances (Optuna 3.1 asks for a target)
        assert what == "figure" and [t.name for t in fig.data] == ["Objective Value %d" % k for k in range(len(KINDS[kind]))]
        if theirs[0] == "figure":
            assert [t.name for t in theirs[1].data] == [t.name for t in fig.data]
            assert [sorted(t.y) for t in fig.data] == [sorted(t.y) for t in theirs[1].data]
        return
    assert (what, fig if what == "error" else None) == (theirs[0], theirs[1] if theirs[0] == "error" else None), (name, kind, fig, theirs)
    if what == "figure":
        _compare(name, fig, theirs[1])
        if real.__version__.startswith("5.") and name != "plot_parallel_coordinate":  # drawn as Optuna 3.1's
            # Optuna 5's traces one for one: their kinds, names and numbers of points
            listed = lambda f: [(t.type, t.name, _n(getattr(t, "x", None))) for t in f.data]  # noqa: E731
            assert listed(fig) == listed(theirs[1]), name


def test_log_and_categorical_axes():
    """A log param's axes are log axes (slice, contour, rank), a categorical one's category
    axes (contour, rank); the parallel coordinate plot shows log10 of a log param, ticked
    with its values."""
    study = _study(optuna, "single")
    sl = _axes(visualization.plot_slice(study))
    assert sl["xaxis3"] == ("lr", "log") and sl["xaxis"] == ("c", "category") and sl["xaxis4"] == ("x", None)
    two = _axes(visualization.plot_rank(study, params=["lr", "c"]))
    assert two["xaxis"] == ("lr", "log") and two["yaxis"] == ("c", "category"), two
    two = _axes(visualization.plot_contour(study, params=["lr", "c"]))  # as Optuna's: the params sorted
    assert two["xaxis"] == ("c", "category") and two["yaxis"] == ("lr", "log"), two
    dims = {d["label"]: d for d in visualization.plot_parallel_coordinate(study).to_plotly_json()["data"][0]["dimensions"]}
    lrs = [t.params["lr"] for t in study.trials]
    assert [round(v, 12) for v in dims["lr"]["values"]] == [round(math.log10(v), 12) for v in lrs]
    assert dims["lr"]["ticktext"][0] == "%.3g" % min(lrs) and "0.01" in dims["lr"]["ticktext"]
    assert dims["c"]["ticktext"] == ["p", "q", "r"]


def test_empty_figures_of_an_empty_study():
    """As Optuna: an empty study makes figures without traces (no error), a study without
    two params an empty contour and rank plot; an unknown param is still an error."""
    empty = optuna.create_study()
    for name in PLOTS:
        if name in ("plot_pareto_front", "plot_hypervolume_history"):
            continue
        fig = getattr(visualization, name)(empty)
        assert isinstance(fig, go.Figure) and len(fig.data) == 0, (name, fig.data)
    one = optuna.create_study()
    one.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    # one param: no contour, as Optuna's; Optuna 5's rank draws the param against itself
    assert len(visualization.plot_contour(one).data) == 0
    assert [(d.type, len(d.x)) for d in visualization.plot_rank(one).data] == [("scatter", 3), ("scatter", 1)]  # the colour bar's
    with pytest.raises(ValueError, match="nope"):
        visualization.plot_contour(one, params=["x", "nope"])


def test_plotly_figures_of_studies():
    a, b = _two_param_study("a", 0), _two_param_study("b", 1)
    histories = visualization.plot_optimization_history([a, b])
    assert len(histories.data) == 6  # values, best values and infeasible trials of each study
    best = visualization.plot_optimization_history(a).data[1].y
    assert list(best) == sorted(best, reverse=True) and best[-1] == a.best_value
    edf = visualization.plot_edf([a, b])
    assert [t.name for t in edf.data] == ["a", "b"] and all(t.y[-1] == 1.0 for t in edf.data)
    assert len(edf.data[0].x) == 100 and edf.data[0].x[0] == min(a.best_value, b.best_value)
    inter = visualization.plot_intermediate_values(a)
    assert len(inter.data) == 8 and list(inter.data[0].y) == [v for _, v in sorted(a.trials[0].intermediate_values.items())]
    assert sorted(visualization.plot_param_importances(a).data[0].y) == ["c", "x"]
    assert sum(len(t.y) for t in visualization.plot_timeline(a).data) == 8
    fig = visualization.plot_optimization_history(a)
    fig.update_layout(width=600)  # as an Optuna script does
    assert fig.layout.width == 600
    with pytest.raises(ValueError, match="target"):
        visualization.plot_optimization_history(optuna.create_study(directions=["minimize", "maximize"]))


def test_hypervolume_history_at_the_complete_trials():
    """As Optuna's: one point per complete trial, at its number (a failed trial has none),
    rising; a reference point that bounds nothing gives 0 throughout, as Optuna's."""
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=optuna.samplers.RandomSampler(seed=0))
    for i in range(10):
        study.add_trial(optuna.trial.create_trial(values=[i % 3 + 0.5 / (i + 1), 3 - i % 3], state=optuna.trial.TrialState.COMPLETE))
        if i == 4:
            study.add_trial(optuna.trial.create_trial(state=optuna.trial.TrialState.FAIL))
    hv = visualization.plot_hypervolume_history(study, reference_point=[4.0, 4.0]).data[0]
    assert list(hv.x) == [n for n in range(11) if n != 5]
    assert list(hv.y) == sorted(hv.y) and 0 < hv.y[-1] <= 16.0
    assert list(visualization.plot_hypervolume_history(study, reference_point=[0.1, 0.1]).data[0].y) == [0.0] * 10


def test_hypervolume_history_by_trial_number():
    """As Optuna's: the volume after each complete trial in the order of the trials' numbers,
    where they ended in the reverse order (knob drew the volume by their ends: 9 at trial 0,
    and its axis ran from trial 3 down)."""
    study = optuna.create_study(directions=["minimize", "minimize"])
    base = datetime.datetime(2025, 1, 1)
    for k, v in enumerate(([1.0, 1.0], [0.0, 2.0], [2.0, 0.0], [0.0, 0.0])):
        t = optuna.trial.create_trial(values=v)
        t.datetime_start, t.datetime_complete = base, base + datetime.timedelta(seconds=50 - 10 * k)
        study.add_trial(t)
    hv = visualization.plot_hypervolume_history(study, reference_point=[3.0, 3.0]).data[0]
    assert list(hv.x) == [0, 1, 2, 3]
    assert list(hv.y) == [4.0, 5.0, 6.0, 9.0]


def test_pareto_front_of_the_feasible_trials():
    """As Optuna: the front is taken among the feasible trials alone, so a feasible trial
    dominated only by an infeasible one is a best trial; the traces in Optuna's order."""
    study = optuna.create_study(directions=["minimize", "minimize"])
    for v in ([1.0, 1.0], [2.0, 2.0], [3.0, 3.0]):
        study.add_trial(optuna.trial.create_trial(values=v))
    infeasible = lambda t: [1.0] if t.values[0] == 1.0 else [-1.0]
    fig = visualization.plot_pareto_front(study, constraints_func=infeasible)
    assert [(d.hovertemplate, list(d.x)) for d in fig.data] == [
        ("%{text}<extra>Infeasible Trial</extra>", [1.0]), ("%{text}<extra>Feasible Trial</extra>", [3.0]),
        ("%{text}<extra>Best Trial</extra>", [2.0])]
    three = optuna.create_study(directions=["minimize"] * 3)
    three.add_trial(optuna.trial.create_trial(values=[1.0, 2.0, 3.0]))
    fig = visualization.plot_pareto_front(three)
    assert fig.data[-1].type == "scatter3d" and fig.layout.scene.zaxis.title.text == "Objective 2"


def test_without_plotly_the_report_and_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "plotly", None)  # import plotly raises ImportError
    a, b = _two_param_study("a", 0), _two_param_study("b", 1)
    fig = visualization.plot_edf([a, b])  # a list of studies, as Optuna's plot_edf takes
    assert "<html" in fig.to_html().lower()
    with pytest.raises(ImportError, match="plotly"):
        fig.update_layout(title="x")
    assert not hasattr(fig, "no_such_attribute")


def _shared_points(fig):
    """Of each contour trace's grid (by its rounded coordinates), the points that several
    trials share, from the scatter of the trials' points knob draws after each contour."""
    out = {}
    for contour, points in zip(fig.data, fig.data[1:]):
        if contour.type == "contour" and points.type == "scatter":
            counts = collections.Counter(zip([_r(v) for v in points.x], [_r(v) for v in points.y]))
            out[(tuple(_r(v) for v in contour.x), tuple(_r(v) for v in contour.y))] = {p for p, n in counts.items() if n > 1}
    return out


def _contour_grids(fig, shared=None):
    """Each contour trace's grid: its x and y coordinates and z rows (NaN as None; "shared"
    at the points of `shared`, _shared_points's), with its axes' ranges and types, in an
    order that does not depend on how the cells are listed."""
    lay = fig.to_plotly_json()["layout"]
    out = []
    for t in fig.data:
        if t.type != "contour" or t.z is None:
            continue
        xa, ya = "xaxis" + t.xaxis[1:] if t.xaxis else "xaxis", "yaxis" + t.yaxis[1:] if t.yaxis else "yaxis"
        axis = lambda k: ([_r(v) for v in lay[k]["range"]], lay[k].get("type"))
        xs, ys = [_r(v) for v in t.x], [_r(v) for v in t.y]
        cells = (shared or {}).get((tuple(xs), tuple(ys)), set())
        z = [["shared" if (x, y) in cells else None if isinstance(v, float) and math.isnan(v) else _r(v) for x, v in zip(xs, row)]
             for y, row in zip(ys, t.z)]
        out.append((xs, ys, z, axis(xa), axis(ya), t.connectgaps, t.reversescale))
    return sorted(out, key=repr)


@pytest.mark.parametrize("params", [None, ["x", "lr"], ["c", "k"], ["lr", "c", "x"]])
@pytest.mark.parametrize("kind", ["single", "pruned"])
def test_contour_grid_as_optunas(kind, params):
    """knob's contour is Optuna's: the objective on the grid of each pair's distinct values
    (a number's axis padded by 5% at both ends, a categorical's by its text), NaN where no
    trial is, for plotly to fill in (connectgaps), with the same ranges, axis types and
    colour direction (knob passed the trials' points as they came). A point several trials
    share is left out: Optuna 5 shows the best trial's value there, Optuna 3.1 the last's
    (test_contour_grid_of_repeated_points_as_optuna_5 asserts Optuna 5's rule)."""
    ours = visualization.plot_contour(_study(optuna, kind), params=params)
    theirs = _optuna().visualization.plot_contour(_study(_optuna(), kind), params=params)
    shared = _shared_points(ours)
    grids = _contour_grids(ours, shared)
    assert grids and grids == _contour_grids(theirs, shared)
    assert all(len(z) == len(y) and all(len(row) == len(x) for row in z) for x, y, z, *_ in grids)


@pytest.mark.parametrize("direction, target, expected", [
    ("minimize", None, 2.0),  # the least of 5, 2, 4
    ("maximize", None, 5.0),  # the greatest
    ("minimize", lambda t: t.value, 4.0),  # with a target, which may be either: the last trial's
])
def test_contour_grid_of_repeated_points_as_optuna_5(direction, target, expected):
    """Trials at one point: Optuna 5 puts the best one's value on the grid (by the study's
    direction), the last one's with a target (knob, as Optuna 3.1, the last one's always, so
    this is asserted by hand); a point of no trial is NaN."""
    study = optuna.create_study(direction=direction)
    d = optuna.distributions
    dists = {"a": d.FloatDistribution(0, 4), "b": d.IntDistribution(0, 4)}
    for a, b, v in ((1.0, 1, 5.0), (3.0, 3, 7.0), (1.0, 1, 2.0), (1.0, 1, 4.0)):
        study.add_trial(optuna.trial.create_trial(params={"a": a, "b": b}, distributions=dists, value=v))
    c = visualization.plot_contour(study, target=target).data[0]
    assert list(c.x) == pytest.approx([0.9, 1.0, 3.0, 3.1]) and list(c.y) == pytest.approx([0.9, 1, 3, 3.1])
    assert c.z[1][1] == expected and c.z[2][2] == 7.0 and math.isnan(c.z[1][2]) and math.isnan(c.z[0][0])


def test_pareto_front_constraints_func_warns_as_optuna_5():
    """plot_pareto_front's constraints_func, deprecated in Optuna 4.0 for the trials' own
    constraints, warns FutureWarning with Optuna 5's words at the caller's line (knob gave
    none); without it, nothing. The message is Optuna 5's, as it printed it."""
    import warnings

    study = optuna.create_study(directions=["minimize", "minimize"])
    for i in range(3):
        study.tell(study.ask(), [i, 2 - i])
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        visualization.plot_pareto_front(study, constraints_func=lambda t: [0.0])
    assert [(w.category, str(w.message), w.filename) for w in got] == [
        (
            FutureWarning,
            "`constraints_func` has been deprecated in v4.0.0. This feature will be removed in v6.0.0. "
            "See https://github.com/optuna/optuna/releases/tag/v4.0.0.",
            __file__,
        )
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        visualization.plot_pareto_front(study)


def test_is_available_with_plotly():
    assert visualization.is_available()  # plotly is installed here


def test_metric_names_title_the_figures_as_optuna_5():
    """set_metric_names's names title plot_pareto_front's axes and name plot_param_importances'
    bars, as Optuna 5's (knob kept "Objective 0" and "Objective Value"); given names win."""
    study = optuna.create_study(directions=["minimize", "maximize"])
    study.set_metric_names(["loss", "acc"])
    for i in range(4):
        study.tell(study.ask(), [float(i), float(3 - i)])
    fig = visualization.plot_pareto_front(study)
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("loss", "acc")
    fig = visualization.plot_pareto_front(study, target_names=["a", "b"])
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("a", "b")
    one = optuna.create_study()
    one.set_metric_names(["loss"])
    for i in range(6):
        t = one.ask()
        one.tell(t, t.suggest_float("x", 0, 1) + 0.1 * t.suggest_float("y", 0, 1))
    assert visualization.plot_param_importances(one).data[0].name == "loss"
    assert visualization.plot_param_importances(one, target=lambda t: t.value).data[0].name == "Objective Value"


def test_parallel_coordinate_of_several_objectives_as_optuna_5():
    """With several objectives and no target, Optuna 5 draws every objective's axis (named by
    set_metric_names, else "Objective <i>") before the params', and colours each line by its
    trial's Pareto rank (0: the front), reversed, with the front's lines drawn last, on top
    (knob raised, asking for a target, as Optuna 3.1 does). Optuna 5 draws scatter lines,
    knob a parcoords trace: the expectations are Optuna 5's, computed by hand."""
    study = optuna.create_study(directions=["minimize", "maximize"])
    dists = {"x": optuna.distributions.FloatDistribution(0, 10)}
    for i, values in enumerate(([1.0, 1.0], [2.0, 3.0], [3.0, 2.0], [2.0, 3.0], [4.0, 0.0])):
        study.add_trial(optuna.trial.create_trial(params={"x": float(i)}, distributions=dists, values=values))
    # Pareto ranks: 0 for trials 0, 1 and 3 (equal to 1), 1 for trial 2 (dominated by 1), 2
    # for trial 4 (by 2); the lines drawn from the worst rank to the front, a rank's last first
    order = [4, 2, 3, 1, 0]
    ranks = {0: 0, 1: 0, 2: 1, 3: 0, 4: 2}
    trace = visualization.plot_parallel_coordinate(study).data[0]
    assert [(d.label, list(d["values"])) for d in trace.dimensions] == [
        ("Objective 0", [study.trials[i].values[0] for i in order]),
        ("Objective 1", [study.trials[i].values[1] for i in order]),
        ("x", [float(i) for i in order]),
    ]
    assert list(trace.line.color) == [ranks[i] for i in order]
    assert (trace.line.cmin, trace.line.cmax, trace.line.reversescale) == (-0.5, 2.5, True)
    assert trace.line.colorbar.title.text == "Pareto Rank" and list(trace.line.colorbar.tickvals) == [0, 1, 2]
    study.set_metric_names(["loss", "acc"])
    labels = [d.label for d in visualization.plot_parallel_coordinate(study).data[0].dimensions]
    assert labels == ["loss", "acc", "x"]


def test_param_importances_of_several_objectives_as_optuna_5():
    """As Optuna 5: a study of several objectives without a target draws one bar set per
    objective, named by set_metric_names (else "<target_name> <k>"), each of that
    objective's own importances (as target=lambda t: t.values[k]); knob drew one set, of
    PED-ANOVA's Pareto-front importances, named after objective 0. (Optuna 3.1 asks for a
    target: the expectations are Optuna 5's, computed by hand.)"""
    from knob import importance

    for evaluator in (importance.PedAnovaImportanceEvaluator(), importance.FanovaImportanceEvaluator()):
        study = optuna.create_study(directions=["minimize", "maximize"], sampler=optuna.samplers.RandomSampler(seed=0))
        study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1) + 0.1 * t.suggest_float("z", 0, 1)), n_trials=40)
        fig = visualization.plot_param_importances(study, evaluator=evaluator, target_name="T")
        assert [t.name for t in fig.data] == ["T 0", "T 1"] and fig.layout.showlegend is not False
        study.set_metric_names(["loss", "latency"])
        fig = visualization.plot_param_importances(study, evaluator=evaluator)
        assert [t.name for t in fig.data] == ["loss", "latency"]
        for k, trace in enumerate(fig.data):
            own = importance.get_param_importances(study, evaluator=evaluator, target=lambda t: t.values[k])
            assert dict(zip(trace.y, trace.x)) == own and list(trace.y) == list(own)[::-1]
        assert list(fig.data[0].y)[-1] == "x" and list(fig.data[1].y)[-1] == "y"
        one = visualization.plot_param_importances(study, evaluator=evaluator, target=lambda t: t.values[1])
        assert [t.name for t in one.data] == ["Objective Value"] and one.layout.showlegend is False
    # an objective no trial has finite: no bars for it (as Optuna, which warns)
    inf = optuna.create_study(directions=["minimize", "minimize"])
    dists = {"x": optuna.distributions.FloatDistribution(0, 1)}
    for i in range(4):
        inf.add_trial(optuna.trial.create_trial(params={"x": i / 4}, distributions=dists, values=[float(i), float("inf")]))
    assert [t.name for t in visualization.plot_param_importances(inf).data] == ["Objective Value 0"]


def test_rank_colours_as_optuna_5():
    """As Optuna 5's plot_rank: each trial's colour is its target's rank among all the
    COMPLETE trials (ties share the mean of their ranks) over their number less one, the
    same in every cell; a lone trial's is 0.5. knob ranked each cell's trials alone, ties by
    position: a cell of the two worst trials drew one as the best. (Optuna 3.1 has no
    plot_rank: the expectations are Optuna 5's, computed by hand.)"""
    d = optuna.distributions
    study = optuna.create_study()
    for x, v in [(0.1, 1.0), (0.3, 1.0), (0.5, 2.0), (0.7, 3.0)]:
        study.add_trial(optuna.trial.create_trial(params={"x": x, "y": x + 0.1}, distributions={"x": d.FloatDistribution(0, 1),
                        "y": d.FloatDistribution(0, 1)}, value=v))
    for x, v in [(0.9, 10.0), (0.95, 11.0)]:  # a conditional param only the two worst trials have
        study.add_trial(optuna.trial.create_trial(params={"x": x, "y": x, "z": 0.5}, distributions={
            "x": d.FloatDistribution(0, 1), "y": d.FloatDistribution(0, 1), "z": d.FloatDistribution(0, 1)}, value=v))
    import plotly.colors

    # as Optuna 5's: the colour scale sampled at the rank, as "rgb(r, g, b)" of floats
    rgb = lambda ranks: [plotly.colors.label_rgb(plotly.colors.unlabel_rgb(c)) for c in  # noqa: E731
                         plotly.colors.sample_colorscale("RdYlBu_r", ranks)]
    colours = lambda fig: list(fig.data[0].marker.color)  # noqa: E731
    assert colours(visualization.plot_rank(study, params=["x", "y"])) == rgb([0.1, 0.1, 0.4, 0.6, 0.8, 1.0])
    assert colours(visualization.plot_rank(study, params=["x", "z"])) == rgb([0.8, 1.0])
    # the 3 x 3 matrix: the 5 cells of z hold the two worst trials, the 4 others all six
    cells = sorted(list(t.marker.color) for t in visualization.plot_rank(study).data[:-1])
    assert cells == sorted([rgb([0.1, 0.1, 0.4, 0.6, 0.8, 1.0])] * 4 + [rgb([0.8, 1.0])] * 5)
    one = optuna.create_study()
    one.add_trial(optuna.trial.create_trial(params={"x": 0.5}, distributions={"x": d.FloatDistribution(0, 1)}, value=3.0))
    assert list(visualization.plot_rank(one).data[0].marker.color) == rgb([0.5])


def test_slice_and_parallel_coordinate_params_sorted_once_as_optuna_5():
    """As Optuna 5 (and as plot_contour): plot_slice and plot_parallel_coordinate draw the
    params asked for sorted, each once; knob drew them as given, duplicates too."""
    study = _study(optuna, "single")
    fig = visualization.plot_slice(study, params=["x", "lr", "x"])
    assert [t.xaxis for t in fig.data] == ["x", "x2"] and (fig.layout.xaxis.title.text, fig.layout.xaxis2.title.text) == ("lr", "x")
    assert "xaxis3" not in fig.layout.to_plotly_json()
    dims = visualization.plot_parallel_coordinate(study, params=["x", "c", "x"]).data[0].dimensions
    assert [d.label for d in dims] == ["Objective Value", "c", "x"]


def test_rank_diagonal_as_optuna_5():
    """Optuna 5's plot_rank draws each param against itself on its matrix's diagonal (the
    points on the line x = y); knob left those cells empty. (Optuna 3.1 has no plot_rank.)"""
    study = optuna.create_study()
    d = optuna.distributions
    dists = {"a": d.FloatDistribution(0, 10), "b": d.IntDistribution(0, 10), "c": d.CategoricalDistribution(["p", "q"])}
    rows = [(1.0, 4, "p"), (2.0, 0, "q"), (5.0, 3, "p")]
    for i, (a, b, c) in enumerate(rows):
        study.add_trial(optuna.trial.create_trial(params={"a": a, "b": b, "c": c}, distributions=dists, value=float(i)))
    fig = visualization.plot_rank(study)
    cells = {(t.xaxis, t.yaxis): t for t in fig.data[:-1]}  # (the last trace is the colour bar's)
    assert len(cells) == 9
    for k, column in ((1, 0), (5, 1), (9, 2)):  # the cells (0, 0), (1, 1), (2, 2) of the 3 x 3 matrix
        sx = "" if k == 1 else str(k)
        cell = cells[("x" + sx, "y" + sx)]
        assert [str(v) for v in cell.x] == [str(r[column]) for r in rows] and list(cell.x) == list(cell.y)


def test_slice_of_numeric_choices_as_optuna_5():
    """A categorical param is a category axis in Optuna 5's plot_slice even when its choices
    are numbers: the points' x are the choices' reprs, listed in the choices' order, which
    also orders the axis (knob drew a linear axis of the numbers; Optuna 3.1 does too, so the
    expectations are Optuna 5's, computed by hand)."""
    study = optuna.create_study()
    dists = {"n": optuna.distributions.CategoricalDistribution([16, 8, 128, 32])}
    for i, n in enumerate([32, 8, 16, 8, 128]):
        study.add_trial(optuna.trial.create_trial(params={"n": n}, distributions=dists, value=float(i)))
    fig = visualization.plot_slice(study)
    trace = fig.data[0]
    assert list(trace.x) == ["16", "8", "8", "128", "32"]
    assert list(trace.y) == [2.0, 1.0, 3.0, 4.0, 0.0] and list(trace.marker.color) == [2, 1, 3, 4, 0]
    axis = fig.layout.xaxis
    assert (axis.type, axis.categoryorder, list(axis.categoryarray)) == ("category", "array", ["16", "8", "128", "32"])
    words = optuna.create_study()  # a word's repr is quoted, as in Optuna 5's
    words_dist = {"c": optuna.distributions.CategoricalDistribution(["q", "p"])}
    words.add_trial(optuna.trial.create_trial(params={"c": "q"}, distributions=words_dist, value=0.0))
    assert list(visualization.plot_slice(words).layout.xaxis.categoryarray) == ["'q'", "'p'"]
    # choices equal in Python (1 == True): each trial drawn once, under its own choice (Optuna
    # 5 draws each under both); the trials keep their choices, as Optuna's in memory
    mixed = optuna.create_study()
    mixed_dist = {"a": optuna.distributions.CategoricalDistribution([1, True])}
    for i, a in enumerate([1, True, True]):
        mixed.add_trial(optuna.trial.create_trial(params={"a": a}, distributions=mixed_dist, value=float(i)))
    assert list(visualization.plot_slice(mixed).data[0].x) == ["1", "True", "True"]


def _timeline_study():
    """Two complete trials of 4 s each (12:00:00-04, 12:00:10-14), a RUNNING one (started
    12:00:12) and a WAITING one (enqueued, not asked)."""
    study = optuna.create_study()
    t0 = datetime.datetime(2026, 1, 1, 12, 0, 0)
    for i in range(2):
        t = optuna.trial.create_trial(value=float(i))
        t.datetime_start = t0 + datetime.timedelta(seconds=10 * i)
        t.datetime_complete = t.datetime_start + datetime.timedelta(seconds=4)
        study.add_trial(t)
    running = optuna.trial.create_trial(state=optuna.trial.TrialState.RUNNING)
    running.datetime_start = t0 + datetime.timedelta(seconds=12)
    study.add_trial(running)
    study.enqueue_trial({})
    return study, t0


def _bars(fig):
    return {t.name: (list(t.y), list(t.base), list(t.x)) for t in fig.data}


def test_timeline_of_waiting_and_stale_running_trials_as_optuna_5():
    """As Optuna 5's plot_timeline: a WAITING trial is a 1 s bar (knob left it out), and a
    RUNNING trial that started more than 5 times the longest run ago (its process gone)
    ends, as the WAITING one starts, at the last trial's end (+1 s for the RUNNING one;
    knob ran it on to now). Optuna 3.1 has no plot_timeline: the bars are computed by hand."""
    study, t0 = _timeline_study()
    bars = _bars(visualization.plot_timeline(study))
    last_end = t0 + datetime.timedelta(seconds=14)
    assert sorted(bars) == ["COMPLETE", "RUNNING", "WAITING"]
    assert bars["RUNNING"] == ([2], [(t0 + datetime.timedelta(seconds=12)).isoformat()], [3000.0])  # 12 s to 15 s
    assert bars["WAITING"] == ([3], [last_end.isoformat()], [1000.0])


def test_timeline_of_waiting_and_live_running_trials_as_optuna_5():
    """As Optuna 5's: while a RUNNING trial runs (started less than 5 times the longest run
    ago), its bar ends 1 s past now and a WAITING trial's 1 s bar starts now. Computed by
    hand, as Optuna 3.1 has no plot_timeline."""
    study = optuna.create_study()
    now = datetime.datetime.now()
    done = optuna.trial.create_trial(value=0.0)
    done.datetime_start, done.datetime_complete = now - datetime.timedelta(seconds=100), now - datetime.timedelta(seconds=40)
    study.add_trial(done)
    running = optuna.trial.create_trial(state=optuna.trial.TrialState.RUNNING)
    running.datetime_start = now - datetime.timedelta(seconds=30)
    study.add_trial(running)
    study.enqueue_trial({})
    before = datetime.datetime.now()
    bars = _bars(visualization.plot_timeline(study))
    after = datetime.datetime.now()
    (number,), (base,), (width,) = bars["RUNNING"]
    assert number == 1 and base == running.datetime_start.isoformat()
    assert (before - running.datetime_start).total_seconds() + 1 <= width / 1000 <= (after - running.datetime_start).total_seconds() + 1
    (number,), (base,), (width,) = bars["WAITING"]
    assert number == 2 and before <= datetime.datetime.fromisoformat(base) <= after and width == 1000.0


def test_infeasible_trials_apart_as_optuna_5():
    """A constrained study's history: the best value is the feasible trials' best (it was
    the best of all, an infeasible -4.66 where study.best_value was 0.92), the infeasible
    trials are a grey trace of their own; slice, contour and rank draw them apart in grey."""
    def objective(trial):
        x = trial.suggest_float("x", -5, 5)
        y = trial.suggest_float("y", -5, 5)
        trial.set_constraint("c", -x)  # feasible when x >= 0
        return x + y

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=30)
    ok = [t for t in study.trials if t.params["x"] >= 0]
    bad = [t for t in study.trials if t.params["x"] < 0]
    assert ok and bad
    fig = visualization.plot_optimization_history(study)
    assert [d.name for d in fig.data] == ["Objective Value", "Best Value", "Infeasible Trial"]
    assert list(fig.data[0].x) == [t.number for t in ok] and list(fig.data[2].x) == [t.number for t in bad]
    assert fig.data[1].y[-1] == study.best_value == min(t.value for t in ok)
    first = ok[0].number
    assert all(v == math.inf for v in fig.data[1].y[:first])  # as Optuna 5's
    sl = visualization.plot_slice(study)
    assert [d.name for d in sl.data] == ["Feasible Trial", "Infeasible Trial", "Feasible Trial", "Infeasible Trial"]
    assert len(sl.data[0].x) == len(ok) and len(sl.data[1].x) == len(bad)
    grey = [d for d in visualization.plot_contour(study).data if d.name == "Infeasible Trial"]
    assert len(grey) == 1 and len(grey[0].x) == len(bad)
    # plot_rank, as Optuna 5's: the infeasible trials grey in the one scatter of the trials
    cell = visualization.plot_rank(study).data[0]
    assert [c == "rgb(204.0, 204.0, 204.0)" for c in cell.marker.color] == [t.params["x"] < 0 for t in study.trials]


def _constrained_study(lib, directions=("minimize",), constrained=True):
    """Five complete trials of x, y and c (feasible when x >= 0, with constraints), a failed
    one, and a last complete one, made the same with knob or Optuna."""
    d = lib.distributions
    dists = {"x": d.FloatDistribution(-5, 5), "y": d.FloatDistribution(-5, 5), "c": d.CategoricalDistribution(["p", "q"])}
    study = lib.create_study(directions=list(directions))
    rows = [(-1.0, 2.0, "p"), (2.0, -3.0, "q"), (3.0, 1.0, "p"), (-4.0, 0.5, "q"), (1.5, 1.5, "q"), None, (0.5, 0.1, "p")]
    for row in rows:
        if row is None:
            study.add_trial(lib.trial.create_trial(state=lib.trial.TrialState.FAIL))
            continue
        x, y, c = row
        study.add_trial(lib.trial.create_trial(params={"x": x, "y": y, "c": c}, distributions=dists, values=[x + y, x - y][: len(directions)],
                                               system_attrs={"constraints": [-x]} if constrained else {}))
    return study


def _trace_lists(lib):
    """Each figure's traces as (kind, name, number of points), for the figures whose trace
    lists knob had otherwise than Optuna 5."""
    v = lib.visualization
    listed = lambda f: [(t.type, t.name, _n(getattr(t, "x", None))) for t in f.data]  # noqa: E731
    plain = _constrained_study(lib, constrained=False)
    s = _constrained_study(lib)
    two = _constrained_study(lib, ("minimize", "minimize"))
    two_plain = _constrained_study(lib, ("minimize", "minimize"), constrained=False)
    return {
        "history": listed(v.plot_optimization_history(s)),
        "slice": listed(v.plot_slice(plain)),
        "contour": listed(v.plot_contour(plain, params=["x", "y"])),
        "contour constrained": listed(v.plot_contour(s, params=["x", "y"])),
        "contour matrix": listed(v.plot_contour(plain)),
        "rank": listed(v.plot_rank(s, params=["x", "y"])),
        "rank matrix": listed(v.plot_rank(plain)),
        "pareto": listed(v.plot_pareto_front(two_plain)),
        "pareto best": listed(v.plot_pareto_front(two_plain, include_dominated_trials=False)),
        "pareto constrained": listed(v.plot_pareto_front(two)),
        "hypervolume": listed(v.plot_hypervolume_history(two_plain, reference_point=[10.0, 10.0])),
    }


def test_trace_lists_as_optuna_5():
    """The traces of each figure one for one as Optuna 5's (code written for it reads
    fig.data[i]): knob had one trace where Optuna 5's pareto front without dominated trials
    has two (an empty one first), two where its contour of one pair has three (an empty
    "Infeasible Trial" last), one where its rank plot has two (the colour bar's last), no
    diagonal cells in the contour matrix, the slices named after the params, not "Feasible
    Trial". The lists are Optuna 5's (test_plotly_figures_as_optunas compares them with
    Optuna's when KNOB_OPTUNA_PATH names Optuna 5)."""
    sc, co, ok, bad = "scatter", "contour", "Feasible Trial", "Infeasible Trial"
    # the 3 x 3 matrix column by column: the diagonal cell an empty scatter, each other cell
    # its contour (on the grid: the padded ends and the values of c, or of x or y) and points
    c_x, c_y = [(co, None, 2), (sc, ok, 6)], [(co, None, 8), (sc, ok, 6)]
    assert _trace_lists(optuna) == {
        "history": [(sc, "Objective Value", 4), (sc, "Best Value", 7), (sc, bad, 2)],
        "slice": [(sc, ok, 6)] * 3,
        "contour": [(co, None, 8), (sc, ok, 6), (sc, bad, 0)],
        "contour constrained": [(co, None, 8), (sc, ok, 4), (sc, bad, 2)],
        "contour matrix": [(sc, None, 0)] + c_x + c_x + c_y + [(sc, None, 0)] + c_y + c_y + c_y + [(sc, None, 0)],
        "rank": [(sc, None, 6), (sc, None, 1)],
        "rank matrix": [(sc, None, 6)] * 9 + [(sc, None, 1)],
        "pareto": [(sc, None, 5), (sc, None, 1)],
        "pareto best": [(sc, None, 0), (sc, None, 1)],
        "pareto constrained": [(sc, None, 2), (sc, None, 1), (sc, None, 3)],
        "hypervolume": [(sc, None, 6)],
    }


def test_optimization_history_best_value_at_every_trial_as_optuna_5():
    """As Optuna 5's: the "Best Value" line has a point at every trial's number, the running
    best of the feasible complete trials carried through failed (and pruned, running)
    ones, inf before the first (-inf maximizing); knob's had the complete trials' points
    alone. A study without complete trials among others keeps its (empty) traces."""
    fig = optuna.visualization.plot_optimization_history(_constrained_study(optuna))
    best = fig.data[1]
    assert list(best.x) == list(range(7)) and list(best.y) == [math.inf, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0]
    assert list(fig.data[0].x) == [1, 2, 4, 6] and list(fig.data[2].x) == [0, 3]
    up = optuna.visualization.plot_optimization_history(_constrained_study(optuna, ("maximize",)))
    assert list(up.data[1].y) == [-math.inf, -1.0, 4.0, 4.0, 4.0, 4.0, 4.0]
    empty = optuna.create_study(study_name="empty")
    both = optuna.visualization.plot_optimization_history([_constrained_study(optuna, constrained=False), empty])
    assert [(t.name.split(" of ")[0], _n(t.x)) for t in both.data] == [
        ("Objective Value", 6), ("Best Value", 7), ("Infeasible Trial", 0), ("Objective Value", 0), ("Best Value", 0), ("Infeasible Trial", 0)]
    assert list(both.data[1].y) == [1.0, -1.0, -1.0, -3.5, -3.5, -3.5, -3.5]


def test_infinite_values_left_out_with_optunas_warning(caplog):
    """As Optuna 5's: slice and parallel coordinate plots leave out a trial whose target is
    +-inf (they kept them, and to_json made them null: they vanished without a word), and
    every plot that leaves such trials out names each in a warning."""
    FD = optuna.distributions.FloatDistribution
    values = [0.0, 0.1, math.inf, 0.3, -math.inf, 0.5]
    one = optuna.create_study()
    two = optuna.create_study(directions=["minimize", "minimize"])
    for i, v in enumerate(values):
        params, dists = {"x": i / 6, "y": (i * 5 % 6) / 6}, {"x": FD(0, 1), "y": FD(0, 1)}
        one.add_trial(optuna.trial.create_trial(params=params, distributions=dists, value=v))
        two.add_trial(optuna.trial.create_trial(params=params, distributions=dists, values=[v, 1.0 if i != 5 else math.inf]))
    finite = [0.0, 0.1, 0.3, 0.5]
    first = lambda t: t.values[0]  # noqa: E731
    warned = ["Trial %d is omitted in visualization because its objective value is inf or nan." % n for n in (2, 4)]
    cases = [
        ("plot_slice", one, {}, warned), ("plot_slice", two, {"target": first}, warned),
        ("plot_parallel_coordinate", one, {}, warned), ("plot_parallel_coordinate", two, {"target": first}, warned),
        ("plot_contour", one, {}, warned), ("plot_edf", one, {}, warned), ("plot_param_importances", one, {}, warned),
        ("plot_param_importances", two, {}, warned + [warned[0].replace("2", "5")]),
        ("plot_parallel_coordinate", two, {}, []),  # several objectives: the finite ones, silently
        ("plot_rank", one, {}, []), ("plot_optimization_history", one, {}, []),
    ]
    optuna.logging.enable_propagation()
    try:
        for name, study, kwargs, says in cases:
            caplog.clear()
            with caplog.at_level("WARNING", logger="knob"):
                fig = getattr(visualization, name)(study, **kwargs)
            assert [r.getMessage() for r in caplog.records] == says, (name, kwargs)
            if name == "plot_slice":
                assert list(fig.data[0].y) == finite and None not in fig.to_plotly_json()["data"][0]["y"]
            if name == "plot_parallel_coordinate" and kwargs:
                assert list(fig.data[0].dimensions[0]["values"]) == finite
    finally:
        optuna.logging.disable_propagation()
    several = visualization.plot_parallel_coordinate(two).data[0].dimensions
    assert sorted(several[0]["values"]) == [0.0, 0.1, 0.3]


def test_pareto_front_targets_errors_as_optuna_5():
    """Optuna 5's errors for targets of another count than 2 or 3 (knob's spoke of `targets`
    being None when it was given), for targets that return no sequence, and for an empty
    study with targets; a wrong argument names the plot (it named the private function
    behind it), as Python names Optuna's."""
    FD = optuna.distributions.FloatDistribution
    study = optuna.create_study(directions=["minimize"] * 2)
    for i in range(4):
        study.add_trial(optuna.trial.create_trial(params={"x": i / 4}, distributions={"x": FD(0, 1)}, values=[i, 4 - i]))
    for values in ((1.0,), (1, 2, 3, 4)):
        says = "`plot_pareto_front` function only supports 2 or 3 targets. you used %d targets now." % len(values)
        with pytest.raises(ValueError) as e:
            visualization.plot_pareto_front(study, targets=lambda t: values)
        assert str(e.value) == says
    with pytest.raises(ValueError) as e:
        visualization.plot_pareto_front(study, targets=lambda t: 1.0)
    assert str(e.value) == "`targets` should return a sequence of target values. your `targets` returns <class 'float'>"
    with pytest.raises(ValueError) as e:
        visualization.plot_pareto_front(optuna.create_study(directions=["minimize"] * 2), targets=lambda t: (1, 2))
    assert str(e.value) == "If `targets` is specified for empty studies, `target_names` must be specified."
    with pytest.raises(ValueError, match="only supports 2 or 3 objective studies when using `targets` is `None`"):
        visualization.plot_pareto_front(optuna.create_study(directions=["minimize"] * 4))
    three = visualization.plot_pareto_front(study, targets=lambda t: (t.values[0], t.values[1], 1.0))
    assert three.layout.scene.zaxis.title.text == "Objective 2" and sum(len(d.x) for d in three.data) == 4
    calls = [
        (lambda: visualization.plot_pareto_front(study, axis_order=[1, 0]),
         "plot_pareto_front() got an unexpected keyword argument 'axis_order'"),
        (lambda: visualization.plot_pareto_front(study, None), "plot_pareto_front() takes 1 positional argument but 2 were given"),
        (lambda: visualization.plot_slice(), "plot_slice() missing 1 required positional argument: 'study'"),
        (lambda: visualization.plot_edf(study, nope=1), "plot_edf() got an unexpected keyword argument 'nope'"),
    ]
    for call, says in calls:
        with pytest.raises(TypeError) as e:
            call()
        assert str(e.value) == says
    fig = visualization.plot_slice(study=study, params=["x"], target=lambda t: t.values[0])  # by keyword, as Optuna's
    assert list(fig.data[0].y) == [0, 1, 2, 3]


def test_empty_sequence_of_studies_draws_an_empty_figure():
    # as Optuna 5's: no study, no trace (a TypeError before)
    assert len(visualization.plot_optimization_history([]).data) == 0
    assert len(visualization.plot_edf([]).data) == 0
    with pytest.raises(TypeError, match="a study or a sequence of studies"):
        visualization.plot_edf(3)


def test_a_generator_of_studies_is_read_once():
    study = optuna.create_study()
    study.optimize(objective, n_trials=3)
    assert len(visualization.plot_optimization_history(s for s in [study]).data) == 3
    assert len(visualization.plot_edf(iter([study])).data) == 1
