"""Visualization, as Optuna's optuna.visualization entry points. With plotly importable,
each plot_* function returns a plotly Figure of that plot, made from the study's trials
(as Optuna's: update_layout, write_html, show ... are plotly's). Without plotly, each
returns knob's report of the study (`knob report`: one self-contained HTML page with every
plot and the trials table) as a figure with plotly's `write_html(path)`, `to_html()` and
`show()`; plotly's other figure methods (update_layout ...) raise ImportError naming
plotly. The report is written by the knob command, found as $KNOB, on PATH, or beside the
build's libknob.so."""

from __future__ import annotations

import ctypes
import datetime
import inspect
import math
import os
import shutil
import subprocess
import tempfile
import webbrowser
from typing import Any, Callable, Dict, List, Optional, Sequence

from . import _deprecated, _lib
from . import logging as _logging
from .distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from .study import _no_objective
from .trial import FrozenTrial, TrialState

_logger = _logging.get_logger("knob.visualization")

def _knob_command() -> str:
    cands = [os.environ.get("KNOB"), shutil.which("knob")]
    lib = os.path.realpath(_lib.path)
    if os.path.basename(os.path.dirname(lib)) == "src":  # the build tree: build/src/libknob.so
        cands.append(os.path.join(os.path.dirname(os.path.dirname(lib)), "knob"))
    for c in cands:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    raise RuntimeError("knob.visualization needs the knob command for its report: put it on PATH or set KNOB to its path")


class Report:
    """knob's report of a study, as HTML text; write_html and show as a plotly figure's."""

    def __init__(self, html: str, title: str) -> None:
        self.html = html
        self.title = title

    def write_html(self, file: Any, **kwargs: Any) -> None:
        if hasattr(file, "write"):
            file.write(self.html)
            return
        with open(file, "w", encoding="utf-8") as f:
            f.write(self.html)

    def to_html(self, **kwargs: Any) -> str:
        return self.html

    def show(self, *args: Any, **kwargs: Any) -> None:
        fd, path = tempfile.mkstemp(prefix="knob-report-", suffix=".html")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(self.html)
        webbrowser.open("file://" + path)

    def _repr_html_(self) -> str:
        return self.html

    def __getattr__(self, name: str) -> Any:
        if name in _FIGURE_API:
            raise ImportError(
                "%s() is a plotly figure's: knob.visualization returns plotly figures when plotly is "
                "installed (apt-get install python3-plotly, or pip install plotly); without it, knob's "
                "report, which has write_html, to_html and show" % name
            )
        raise AttributeError("%r object has no attribute %r" % (type(self).__name__, name))


# plotly's Figure API an Optuna script calls on a plot (the report has write_html, to_html, show)
_FIGURE_API = frozenset(
    "update_layout update_traces update_xaxes update_yaxes update_layout_images update add_trace add_traces "
    "add_annotation add_shape add_hline add_vline add_hrect add_vrect add_scatter add_bar for_each_trace "
    "for_each_xaxis for_each_yaxis select_traces to_dict to_json write_json to_image write_image to_plotly_json "
    "data layout full_figure_for_development".split()
)


def report(study) -> Report:
    """knob's report of `study`. A study in memory is copied to a scratch SQLite file first,
    for the knob command to read."""
    from .study import copy_study

    knob = _knob_command()
    with tempfile.TemporaryDirectory(prefix="knob-report.") as tmp:
        url = study._storage.url
        if url == "memory:":
            url = "sqlite:///" + os.path.join(tmp, "study.db")
            copy_study(from_study_name=study.study_name, from_storage=study._storage, to_storage=url)
        p = subprocess.run([knob, "report", study.study_name, "--storage", url, "-o", "-"], capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError("knob report %s: %s" % (study.study_name, p.stderr.strip()))
        return Report(p.stdout, study.study_name)


def _go():
    """plotly.graph_objects, or None when plotly is not installed."""
    try:
        import plotly.graph_objects as go
    except ImportError:
        return None
    return go


def _arguments_check(name: str, sig: inspect.Signature) -> Callable:
    """A function `name` that takes what a function of signature `sig` takes and does
    nothing: called with the arguments of a plot, it raises Python's own TypeError about
    them, naming the plot as Optuna's does ("plot_pareto_front() got an unexpected keyword
    argument 'axis_order'"), where the call of the function behind it named that one."""
    plain = [p.replace(annotation=inspect.Parameter.empty, default=None if p.default is not p.empty else p.empty)
             for p in sig.parameters.values()]
    space: Dict[str, Any] = {}
    exec("def %s%s:\n    pass\n" % (name, sig.replace(parameters=plain, return_annotation=inspect.Signature.empty)), space)
    return space[name]


def _plot(name: str, make: Callable):
    # the public signature, make's without its first argument (plotly's module)
    sig = inspect.signature(make)
    sig = sig.replace(parameters=list(sig.parameters.values())[1:])
    check = _arguments_check(name, sig)

    # the argument that plots something else than the objective values, if the plot has one
    other = "target" if "target" in sig.parameters else None

    def plot(*args: Any, **kwargs: Any):
        check(*args, **kwargs)
        ba = sig.bind(*args, **kwargs)
        studies = _studies(ba.arguments["study"])
        if not hasattr(ba.arguments["study"], "study_name"):
            ba.arguments["study"] = studies  # a generator is read once, here
        if name not in _NO_VALUES and (other is None or ba.arguments.get(other) is None):
            for s in studies:
                if not s.directions:
                    raise ValueError(
                        _no_objective(s, "no objective values to plot" + (" (give `%s`)" % other if other else ""))
                    )
        go = _go()
        if go is None:
            if not studies:
                raise ValueError("%s: no study to report (an empty sequence)" % name)
            return report(studies[0])  # of several studies (plot_edf's), the first's
        return make(go, *ba.args, **ba.kwargs)

    plot.__name__ = name
    plot.__signature__ = sig  # type: ignore[attr-defined]
    plot.__doc__ = (
        "Optuna's %s: a plotly Figure (plotly installed), else knob's report of the study (every plot, "
        "%s among them): see knob.visualization." % (name, name[5:].replace("_", " "))
    )
    return plot


# the plots that draw no objective value (a study without objectives has them too); the others
# refuse a study without objectives unless given `target` (plot_pareto_front's `targets` and
# plot_hypervolume_history need the objectives' directions too)
_NO_VALUES = ("plot_intermediate_values", "plot_timeline")


def _studies(study) -> list:
    """The study, or the studies of a sequence (plot_optimization_history's and plot_edf's;
    an empty one, of which Optuna 5 draws an empty figure, too)."""
    if hasattr(study, "study_name"):
        return [study]
    try:
        studies = list(study)
    except TypeError:
        studies = None
    if studies is None or not all(hasattr(s, "study_name") for s in studies):
        raise TypeError("give a study or a sequence of studies, got %r" % (study,))
    return studies


def _complete(study, target: Optional[Callable], what: str = "target") -> tuple:
    """The study's COMPLETE trials and their target values (the objective's value)."""
    if target is None and len(study.directions) > 1:
        raise ValueError("If the `study` is being used for multi-objective optimization, please specify the `%s`." % what)
    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    return trials, [float(target(t)) if target is not None else t.value for t in trials]


def _finite(trials: List[FrozenTrial], values: List[float]) -> tuple:
    """The trials whose target value is finite, and their values; each other trial is left
    out with Optuna 5's warning (its _filter_nonfinite): the plots that leave them out."""
    kept_trials, kept_values = [], []
    for t, v in zip(trials, values):
        if v is not None and math.isfinite(v):
            kept_trials.append(t)
            kept_values.append(v)
        else:
            _logger.warning("Trial %d is omitted in visualization because its objective value is inf or nan." % t.number)
    return kept_trials, kept_values


def _figure(go, traces: list, title: str, **layout: Any):
    fig = go.Figure(data=traces)
    fig.update_layout(title=title, **layout)
    return fig


def _feasible(t: FrozenTrial) -> bool:
    """Whether the trial meets its constraints (none: it does), as Optuna's plots judge it."""
    return all(c <= 0 for c in t.constraints.values())


def _optimization_history(go, study, *, target=None, target_name: str = "Objective Value", error_bar: bool = False):
    """As Optuna 5's: per study, the feasible COMPLETE trials' values, the best value line at
    every trial's number (the running best of the feasible ones, carried through pruned,
    failed and running trials; inf, or -inf when maximizing, before the first), and the
    infeasible trials in grey; no trace when no study has a COMPLETE trial."""
    studies = _studies(study)
    if target is None and any(len(s.directions) > 1 for s in studies):
        _complete(next(s for s in studies if len(s.directions) > 1), None)  # Optuna's ValueError
    traces = []
    any_complete = False
    for s in studies:
        label = target_name if len(studies) == 1 else "%s of %s" % (target_name, s.study_name)
        trials = s.get_trials(deepcopy=False)
        xs = [t.number for t in trials]
        done = [t.state == TrialState.COMPLETE for t in trials]
        any_complete = any_complete or any(done)
        values = [(float(target(t)) if target is not None else t.value) if ok else math.nan for t, ok in zip(trials, done)]
        feasible = [ok and _feasible(t) for t, ok in zip(trials, done)]
        infeasible = [ok and not f for ok, f in zip(done, feasible)]
        traces.append(go.Scatter(x=[x for x, ok in zip(xs, feasible) if ok], y=[v for v, ok in zip(values, feasible) if ok],
                                 mode="markers", name=label))
        if target is None:
            minimize = s.direction.name == "MINIMIZE"
            pick, run = (min, math.inf) if minimize else (max, -math.inf)
            best = []
            for v, ok in zip(values, feasible):
                if ok:
                    run = pick(run, v)
                best.append(run)
            traces.append(go.Scatter(x=xs, y=best, mode="lines", name="Best Value" if len(studies) == 1 else "Best Value of %s" % s.study_name))
        traces.append(go.Scatter(x=[x for x, bad in zip(xs, infeasible) if bad], y=[v for v, bad in zip(values, infeasible) if bad],
                                 mode="markers", name="Infeasible Trial", marker={"color": "#cccccc"}, showlegend=False))
    if not any_complete:  # as Optuna: no trace when no study has a complete trial
        traces = []
    return _figure(go, traces, "Optimization History Plot", xaxis={"title": {"text": "Trial"}}, yaxis={"title": {"text": target_name}})


def _intermediate_values(go, study):
    traces = []
    for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)):
        if t.intermediate_values:
            steps = sorted(t.intermediate_values)
            traces.append(go.Scatter(x=steps, y=[t.intermediate_values[k] for k in steps], mode="lines+markers", name="Trial%d" % t.number))
    return _figure(go, traces, "Intermediate Values Plot", xaxis={"title": {"text": "Step"}}, yaxis={"title": {"text": "Intermediate Value"}}, showlegend=False)


_EDF_POINTS = 100  # Optuna's NUM_SAMPLES_X_AXIS


def _edf(go, study, *, target=None, target_name: str = "Objective Value"):
    """As Optuna's: each study's share of values <= x at 100 evenly spaced x from the least
    to the greatest value of all the studies; no trace without a complete trial."""
    studies = _studies(study)
    per = [_finite(*_complete(s, target))[1] for s in studies]
    every = [v for vs in per for v in vs]
    traces = []
    if every:
        lo, hi = min(every), max(every)
        xs = [lo + (hi - lo) * i / (_EDF_POINTS - 1) for i in range(_EDF_POINTS)]
        xs[-1] = hi
        for s, vs in zip(studies, per):
            if vs:
                ys = [sum(v <= x for v in vs) / len(vs) for x in xs]
            else:
                ys = [math.nan] * len(xs)
            traces.append(go.Scatter(x=xs, y=ys, mode="lines", name=s.study_name))
    return _figure(go, traces, "Empirical Distribution Function Plot", xaxis={"title": {"text": target_name}}, yaxis={"title": {"text": "Cumulative Probability"}})


def _params(trials: List[FrozenTrial], params: Optional[List[str]], sort: bool = False) -> List[str]:
    """The params to draw: every param of the trials, sorted, or those asked for (each must
    be in some trial), in the order given, or (`sort`, as Optuna's plot_slice and
    plot_parallel_coordinate) sorted and each once."""
    names = sorted({k for t in trials for k in t.params})
    if params is None:
        return names
    for p in params:
        if p not in names:
            raise ValueError("Parameter %s does not exist in your study." % p)
    return sorted(set(params)) if sort else list(params)


def _is_log(trials: List[FrozenTrial], name: str) -> bool:
    """As Optuna's _is_log_scale: the param's first distribution is a float or int one on a
    log scale."""
    for t in trials:
        if name in t.params:
            d = t.distributions[name]
            return isinstance(d, (FloatDistribution, IntDistribution)) and bool(d.log)
    return False


def _is_categorical(trials: List[FrozenTrial], name: str) -> bool:
    """As Optuna's (not _is_numerical): a categorical param with a choice that is no number."""
    for t in trials:
        if name in t.params:
            d = t.distributions[name]
            return isinstance(d, CategoricalDistribution) and not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in d.choices
            )
    return False


def _axis_type(trials: List[FrozenTrial], name: str) -> Optional[str]:
    """plotly's axis type of the param: "log", "category" or None (linear)."""
    return "log" if _is_log(trials, name) else "category" if _is_categorical(trials, name) else None


def _grid_axes(layout: Dict[str, Any], rows: int, cols: int, row: int, col: int, k: int, xtitle: str, ytitle: str,
               xtype: Optional[str] = None, ytype: Optional[str] = None) -> tuple:
    """Axes x<k>/y<k> of the cell (row, col) of a rows x cols grid, as plotly's make_subplots
    lays them out, of the given types (plotly's "log", "category"); the trace's xaxis and
    yaxis names."""
    gap = 0.04
    x0, x1 = col / cols + (gap if col else 0), (col + 1) / cols - (gap if col + 1 < cols else 0)
    y0, y1 = 1 - (row + 1) / rows + (gap if row + 1 < rows else 0), 1 - row / rows - (gap if row else 0)
    sx, sy = ("" if k == 1 else str(k)), ("" if k == 1 else str(k))
    layout["xaxis" + sx] = {"domain": [x0, x1], "anchor": "y" + sy, "title": {"text": xtitle}}
    layout["yaxis" + sy] = {"domain": [y0, y1], "anchor": "x" + sx, "title": {"text": ytitle}}
    if xtype:
        layout["xaxis" + sx]["type"] = xtype
    if ytype:
        layout["yaxis" + sy]["type"] = ytype
    return "x" + sx, "y" + sy


def _first_distribution(trials: List[FrozenTrial], name: str):
    """The param's distribution in the first trial that has it, which Optuna's plots go by."""
    return next(t.distributions[name] for t in trials if name in t.params)


def _slice(go, study, params=None, *, target=None, target_name: str = "Objective Value"):
    trials, values = _finite(*_complete(study, target))  # as Optuna 5: +-inf and NaN left out
    names = _params(trials, params, sort=True)
    traces, layout = [], {}
    feasible = {t.number: _feasible(t) for t in trials}
    for i, p in enumerate(names):
        pts = [(t.params[p], v, t.number) for t, v in zip(trials, values) if p in t.params]
        dist = _first_distribution(trials, p)
        if isinstance(dist, CategoricalDistribution):
            # as Optuna 5: a category axis even of numbers, each point at its choice's repr,
            # the points and the axis in the choices' order (a value that is not among the
            # choices of the param's first distribution is left out)
            labels = [repr(c) for c in dist.choices]
            at: Dict[int, list] = {}
            for x, y, number in pts:
                # by position among the choices, of the same type: 1 == True, and a dict
                # keyed by the values put each trial of [1, True] under both
                k = next((i for i, c in enumerate(dist.choices) if type(c) is type(x) and c == x), None)
                if k is not None:
                    at.setdefault(k, []).append((y, number))
            pts = [(labels[k], y, number) for k in range(len(labels)) for y, number in at.get(k, [])]
            xa, ya = _grid_axes(layout, 1, len(names), 0, i, i + 1, p, target_name if i == 0 else "", "category")
            layout["xaxis" + xa[1:]].update(categoryorder="array", categoryarray=labels)
        else:
            xa, ya = _grid_axes(layout, 1, len(names), 0, i, i + 1, p, target_name if i == 0 else "", "log" if _is_log(trials, p) else None)
        ok = [q for q in pts if feasible[q[2]]]
        traces.append(go.Scatter(
            x=[a for a, _, _ in ok], y=[b for _, b, _ in ok], mode="markers", name="Feasible Trial", xaxis=xa, yaxis=ya, showlegend=False,
            marker={"color": [n for _, _, n in ok], "colorscale": "Blues", "showscale": i == 0, "colorbar": {"title": {"text": "Trial"}}},
        ))
        bad = [q for q in pts if not feasible[q[2]]]
        if bad:  # as Optuna 5: the infeasible trials apart, in grey
            traces.append(go.Scatter(x=[a for a, _, _ in bad], y=[b for _, b, _ in bad], mode="markers", name="Infeasible Trial",
                                     xaxis=xa, yaxis=ya, marker={"color": "#cccccc"}, showlegend=False))
    return _figure(go, traces, "Slice Plot", showlegend=False, **layout)



def _objective_names(study):
    """The objectives' names where Optuna 5 takes study.metric_names: set_metric_names's, else
    those of the sweep `knob run` stored with a study it ran (as `knob report` names them)."""
    names = getattr(study, "_objective_names", None)
    return names() if names is not None else study.metric_names

def _param_importances(go, study, evaluator=None, params=None, *, target=None, target_name: str = "Objective Value"):
    """As Optuna 5's: the importances of the target (the objective's value), or, for a study
    of several objectives without a target, one bar set per objective, of its own
    importances (as target=lambda t: t.values[k]); a set named by set_metric_names's name
    of its objective, else "<target_name> <k>". A target no COMPLETE trial has finite draws
    no bars."""
    from .importance import get_param_importances

    metric_names = _objective_names(study)
    if target is not None or not study._is_multi_objective:
        if target is None and metric_names is not None:  # set_metric_names's, as Optuna 5
            target_name = metric_names[0]
        sets = [(target, target_name)]
    else:
        names = metric_names or ["%s %d" % (target_name, k) for k in range(len(study.directions))]
        sets = [(lambda t, k=k: t.values[k], name) for k, name in enumerate(names)]
    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    traces = []
    for of, name in sets:
        if not _finite(trials, [float(of(t) if of is not None else t.value) for t in trials])[0]:
            continue  # as Optuna: no bars (Optuna warns)
        shares = get_param_importances(study, evaluator=evaluator, params=params, target=of)
        shown = list(shares)[::-1]  # the most important at the top
        if shown:
            traces.append(go.Bar(x=[shares[n] for n in shown], y=shown, orientation="h", name=name,
                                 text=["%.2f" % shares[n] if shares[n] >= 0.01 else "<0.01" for n in shown]))
    layout: Dict[str, Any] = {"xaxis": {"title": {"text": "Hyperparameter Importance"}}, "yaxis": {"title": {"text": "Hyperparameter"}}}
    if len(traces) < 2:  # (several sets: the legend tells them apart)
        layout["showlegend"] = False
    return _figure(go, traces, "Hyperparameter Importances", **layout)


def _axis_values(vals: list) -> tuple:
    """Numbers for an axis of the param's values: categories by index (their labels)."""
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
        return vals, None
    labels = sorted({str(v) for v in vals})
    return [labels.index(str(v)) for v in vals], labels


def _log_dimension(name: str, logs: List[float]) -> Dict[str, Any]:
    """As Optuna's: a log param's axis of log10 values, ticks at the whole powers of ten
    between its least and greatest and at both ends, labelled with the values (3 digits)."""
    if not logs:
        return {"label": name, "values": []}
    lo, hi = min(logs), max(logs)
    ticks: List[float] = list(range(math.ceil(lo), math.floor(hi) + 1))
    if lo not in ticks:
        ticks = [lo] + ticks
    if hi not in ticks:
        ticks = ticks + [hi]
    return {"label": name, "values": logs, "range": [lo, hi], "tickvals": ticks, "ticktext": ["%.3g" % math.pow(10, x) for x in ticks]}


def _pareto_ranks(losses: List[List[float]]) -> List[int]:
    """Each point's non-domination rank, of points better when lower in every coordinate: 0
    for the Pareto front, k for the front of what is left once the fronts of ranks below k
    are taken away (equal points share a rank)."""
    n = len(losses)

    def dominates(a: List[float], b: List[float]) -> bool:
        return all(x <= y for x, y in zip(a, b)) and a != b

    # the fast non-dominated sort: the points each point dominates and how many dominate it;
    # a front's points, taken away, leave the next front the points no longer dominated
    beaten: List[List[int]] = [[] for _ in range(n)]
    count = [0] * n
    for i in range(n):
        for j in range(n):
            if dominates(losses[i], losses[j]):
                beaten[i].append(j)
                count[j] += 1
    ranks = [0] * n
    front = [i for i in range(n) if count[i] == 0]
    rank = 0
    while front:
        following = []
        for i in front:
            ranks[i] = rank
            for j in beaten[i]:
                count[j] -= 1
                if count[j] == 0:
                    following.append(j)
        front, rank = following, rank + 1
    return ranks


def _parallel_coordinate(go, study, params=None, *, target=None, target_name: str = "Objective Value"):
    several = target is None and len(study.directions) > 1
    if several:  # as Optuna 5: the trials whose every objective is finite
        trials = [t for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)) if all(math.isfinite(v) for v in t.values)]
    else:  # as Optuna 5: the trials whose target is finite, each other one named in a warning
        trials, values = _finite(*_complete(study, target))
    names = _params(trials, params, sort=True)
    if not trials:  # as Optuna: an empty figure
        return _figure(go, [], "Parallel Coordinate Plot")
    keep = [i for i, t in enumerate(trials) if all(p in t.params for p in names)]
    if several:
        # as Optuna 5: the lines coloured by the trials' Pareto ranks (the front darkest; among
        # all the trials, as Optuna 5 draws those without a param too), drawn from the worst
        # rank to the front, so that the front's lines lie on top
        signs = [1 if d.name == "MINIMIZE" else -1 for d in study.directions]
        ranks = _pareto_ranks([[s * v for s, v in zip(signs, t.values)] for t in trials])
        keep = sorted(keep, key=lambda i: ranks[i])[::-1]
        colors = [ranks[i] for i in keep]
        # every objective an axis, named by set_metric_names (or knob run's sweep) or "Objective <i>"
        objectives = _objective_names(study) or ["Objective %d" % o for o in range(len(study.directions))]
        dims = [{"label": name, "values": [trials[i].values[o] for i in keep]} for o, name in enumerate(objectives)]
        worst = max(ranks)
        line = {"color": colors, "colorscale": "Blues", "reversescale": True, "cmin": -0.5, "cmax": worst + 0.5, "showscale": True,
                "colorbar": {"title": {"text": "Pareto Rank"}, "tickvals": list(range(worst + 1))}}
    else:
        dims = [{"label": target_name, "values": [values[i] for i in keep]}]
        line = {"color": [values[i] for i in keep], "colorscale": "Blues", "showscale": True,
                "reversescale": study.directions[0].name == "MINIMIZE" if target is None else False}
    for p in names:
        if _is_log(trials, p):
            dims.append(_log_dimension(p, [math.log10(trials[i].params[p]) for i in keep]))
            continue
        nums, labels = _axis_values([trials[i].params[p] for i in keep])
        dim: Dict[str, Any] = {"label": p, "values": nums}
        if labels is not None:
            dim.update(tickvals=list(range(len(labels))), ticktext=labels)
        dims.append(dim)
    trace = go.Parcoords(dimensions=dims, line=line)
    return _figure(go, [trace], "Parallel Coordinate Plot")


def _pairs(go, study, params, target, target_name, title: str, make_cell: Callable, min_params: int = 2):
    """A matrix of the params' pairs (one plot for two params), each cell made by the
    function make_cell(values) gives for the target values of all the COMPLETE trials; a
    cell's points are (x, y, value, feasible, the trial's index among those trials)."""
    trials, values = _complete(study, target)
    cell = make_cell(values)
    names = _params(trials, params)
    # as Optuna: an empty figure (Optuna warns) without trials, and for contour with one param;
    # Optuna 5's rank draws one param against itself
    if not trials or len(names) < min_params:
        return _figure(go, [], title)
    traces, layout = [], {}
    for k, (row, col, px, py) in enumerate(_cells(names)):
        n = len(names)
        # as Optuna's matrix: x titles under the bottom row, y titles left of the first column
        xa, ya = _grid_axes(layout, 1 if n == 2 else n, 1 if n == 2 else n, row, col, 1 if n == 2 else row * n + col + 1,
                            px if n == 2 or row == n - 1 else "", py if n == 2 or col == 0 else "",
                            _axis_type(trials, px), _axis_type(trials, py))
        # a diagonal cell (px == py) too, as Optuna 5's: the param against itself, on x = y
        pts = [(t.params[px], t.params[py], v, _feasible(t), i) for i, (t, v) in enumerate(zip(trials, values))
               if px in t.params and py in t.params]
        traces.extend(cell(go, pts, xa, ya, k == 0))
    return _figure(go, traces, title, showlegend=False, **layout)


def _cells(names: List[str]) -> List[tuple]:
    """The cells (row, column, x param, y param) of the params' plot, in Optuna's order of
    their traces: one cell for two params, else the matrix column by column (its axes are
    numbered row by row, as plotly's make_subplots numbers them)."""
    if len(names) == 2:
        return [(0, 0, names[0], names[1])]
    return [(row, col, px, py) for col, px in enumerate(names) for row, py in enumerate(names)]


_CONTOUR_PADDING = 0.05  # Optuna's PADDING_RATIO: the axes reach 5% past the least and greatest values


def _contour_axis(trials: List[FrozenTrial], name: str) -> Dict[str, Any]:
    """As Optuna's _get_axis_info: each trial's value of the param (None where it has none; a
    categorical's as text), the grid's coordinates (the distinct values, sorted, and for a
    number the axis's two padded ends too), the axis's range and its kind."""
    numeric = all(isinstance(t.params[name], (int, float)) and not isinstance(t.params[name], bool) for t in trials if name in t.params)
    values = [(t.params[name] if numeric else str(t.params[name])) if name in t.params else None for t in trials]
    present = [v for v in values if v is not None]
    log = _is_log(trials, name)
    if log:
        pad = (math.log10(max(present)) - math.log10(min(present))) * _CONTOUR_PADDING
        lo, hi = math.pow(10, math.log10(min(present)) - pad), math.pow(10, math.log10(max(present)) + pad)
    elif numeric:
        pad = (max(present) - min(present)) * _CONTOUR_PADDING
        lo, hi = float(min(present)) - pad, float(max(present)) + pad
    else:
        span = len(set(values)) - 1 - (None in values)
        lo, hi = -span * _CONTOUR_PADDING, span + span * _CONTOUR_PADDING
    grid: List[Any] = sorted(set(present))
    if numeric and len(grid) >= 2:
        grid = [lo] + grid + [hi]
    return {"values": values, "grid": grid, "range": [math.log10(lo), math.log10(hi)] if log else [lo, hi], "numeric": numeric}


def _contour_z(trials: List[FrozenTrial], values: List[float], ax: Dict[str, Any], ay: Dict[str, Any],
               best: Optional[Callable[[float, float], float]]) -> List[List[float]]:
    """Optuna's grid of the objective: a row per y coordinate, a column per x one, each
    trial's value at its (x, y), NaN elsewhere; of several trials at one point, `best` of
    their values (min or max), or the last trial's without it. plotly fills the gaps
    (connectgaps) by its interpolation, as for Optuna's figure."""
    xi = {v: i for i, v in enumerate(ax["grid"])}
    yi = {v: i for i, v in enumerate(ay["grid"])}
    z = [[math.nan] * len(ax["grid"]) for _ in ay["grid"]]
    for x, y, v in zip(ax["values"], ay["values"], values):
        if x is not None and y is not None:
            row, col = yi[y], xi[x]
            z[row][col] = v if best is None or math.isnan(z[row][col]) else best(z[row][col], v)
    return z


def _contour(go, study, params=None, *, target=None, target_name: str = "Objective Value"):
    """As Optuna's plot_contour: for each pair of params, the objective on the grid of their
    distinct values (_contour_z) drawn as a heatmap-coloured contour, and the trials'
    points; the axes' ranges padded by 5%, log and category axes as the params'."""
    trials, values = _finite(*_complete(study, target))
    names = _params(trials, params, sort=True)
    title = "Contour Plot"
    if not trials or len(names) < 2:  # as Optuna: an empty figure (Optuna warns)
        return _figure(go, [], title)
    reverse = target is not None or study.directions[0].name == "MINIMIZE"
    # as Optuna 5: of the trials at one point, the best by the study's direction; with a
    # target, whose values may mean anything, the last one (as Optuna 3.1 does always)
    best = None if target is not None else min if study.direction.name == "MINIMIZE" else max
    axes = {p: _contour_axis(trials, p) for p in names}
    n = len(names)
    traces, layout, first = [], {}, True
    for row, col, px, py in _cells(names):
        ax, ay = axes[px], axes[py]
        xa, ya = _grid_axes(layout, 1 if n == 2 else n, 1 if n == 2 else n, row, col, 1 if n == 2 else row * n + col + 1,
                            px if n == 2 or row == n - 1 else "", py if n == 2 or col == 0 else "",
                            _axis_type(trials, px), _axis_type(trials, py))
        sx, sy = xa[1:], ya[1:]
        layout["xaxis" + sx]["range"], layout["yaxis" + sy]["range"] = ax["range"], ay["range"]
        # as Optuna 5's traces: a diagonal cell of the matrix is an empty scatter; a pair
        # without a grid (a param of one value, or params no trial has both of) an empty
        # contour and scatter (and, for two params, an empty infeasible scatter)
        if px == py:
            traces.append(go.Scatter(xaxis=xa, yaxis=ya))
            continue
        both = [(x, y, _feasible(t)) for x, y, t in zip(ax["values"], ay["values"], trials) if x is not None and y is not None]
        if len(ax["grid"]) < 2 or len(ay["grid"]) < 2 or not both:
            traces.extend([go.Contour(xaxis=xa, yaxis=ya), go.Scatter(xaxis=xa, yaxis=ya)] + ([go.Scatter()] if n == 2 else []))
            continue
        traces.append(go.Contour(
            x=ax["grid"], y=ay["grid"], z=_contour_z(trials, values, ax, ay, best), xaxis=xa, yaxis=ya, colorbar={"title": {"text": target_name}},
            colorscale="Blues", connectgaps=True, contours_coloring="heatmap", hoverinfo="none", line_smoothing=1.3,
            reversescale=reverse, showscale=first))
        first = False
        traces.append(go.Scatter(x=[x for x, _, ok in both if ok], y=[y for _, y, ok in both if ok], mode="markers", xaxis=xa, yaxis=ya,
                                 showlegend=False, name="Feasible Trial", marker={"line": {"width": 2.0, "color": "Grey"}, "color": "black"}))
        # the infeasible trials in grey: always for two params, as Optuna 5's (empty without
        # them); in the matrix, where Optuna 5 leaves them out, when there are some
        if n == 2 or not all(ok for _, _, ok in both):
            traces.append(go.Scatter(x=[x for x, _, ok in both if not ok], y=[y for _, y, ok in both if not ok], mode="markers",
                                     xaxis=xa, yaxis=ya, showlegend=False, name="Infeasible Trial",
                                     marker={"line": {"width": 2.0, "color": "Grey"}, "color": "#cccccc"}))
    return _figure(go, traces, title, showlegend=False, **layout)


def _rank_colours(values: List[float]) -> List[float]:
    """As Optuna 5's plot_rank: each trial's colour, its target's rank among all the trials
    (0 for the least; tied values share the mean of their ranks) over the number of trials
    less one, the same in every cell (a cell ranking its own trials alone drew a trial
    worse than most as the best); 0.5 for a lone trial. A NaN has no rank (NaN)."""
    ordered = sorted(v for v in values if not math.isnan(v))
    first: Dict[float, int] = {}
    last: Dict[float, int] = {}
    for r, v in enumerate(ordered):
        first.setdefault(v, r)
        last[v] = r
    if len(values) < 2:
        return [0.5] * len(values)
    return [math.nan if math.isnan(v) else (first[v] + last[v]) / 2 / (len(values) - 1) for v in values]


def _rank_cell(values: List[float]) -> Callable:
    import plotly.colors

    # as Optuna 5's: each trial's colour sampled from the colour scale at its rank, grey for
    # an infeasible trial, in one scatter per cell
    colours = [plotly.colors.label_rgb(plotly.colors.unlabel_rgb(c)) for c in plotly.colors.sample_colorscale(
        "RdYlBu_r", [0.5 if math.isnan(c) else c for c in _rank_colours(values)])]

    def cell(go, pts, xa, ya, first):
        return [go.Scatter(x=[q[0] for q in pts], y=[q[1] for q in pts], mode="markers", xaxis=xa, yaxis=ya,
                           text=["%g" % q[2] for q in pts], showlegend=False,
                           marker={"color": [colours[q[4]] if q[3] else _GREY_RGB for q in pts], "line": {"width": 0.5, "color": "Grey"}})]

    return cell


_GREY_RGB = "rgb(204.0, 204.0, 204.0)"  # Optuna 5's rank colour of an infeasible trial


def _quantile(ordered: List[float], q: float) -> float:
    """NumPy's default (linear) quantile of sorted values."""
    at = q * (len(ordered) - 1)
    lo = math.floor(at)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (at - lo)


def _rank(go, study, params=None, *, target=None, target_name: str = "Objective Value"):
    fig = _pairs(go, study, params, target, target_name, "Rank (%s)" % target_name, _rank_cell, 1)
    if fig.data:
        # as Optuna 5's: a last, pointless trace carries the colour bar, ticked at the
        # values' quantiles
        values = sorted(_complete(study, target)[1])
        ticks = [0, 0.25, 0.5, 0.75, 1]
        text = ["%s (%3g)" % (word, _quantile(values, q)) for word, q in zip(["min.", "25%", "50%", "75%", "max."], ticks)]
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", hoverinfo="none", showlegend=False, marker={
            "colorscale": "RdYlBu_r", "showscale": True, "cmin": 0, "cmax": 1,
            "colorbar": {"thickness": 10, "tickvals": ticks, "ticktext": text}}))
    return fig


def _targets_of(targets: Optional[Callable], t: FrozenTrial) -> list:
    """The values a trial is drawn at: targets(t), or its objectives' values. A targets
    function that returns no sequence (a float) raises Optuna 5's ValueError; any iterable
    but text is taken (a numpy array too, which Optuna 5 refuses)."""
    if targets is None:
        return list(t.values)
    v = targets(t)
    if isinstance(v, (str, bytes)) or not hasattr(v, "__iter__"):
        raise ValueError("`targets` should return a sequence of target values. your `targets` returns %s" % type(v))
    return list(v)


def _pareto_front(go, study, *, target_names=None, include_dominated_trials: bool = True, constraints_func=None, targets=None):
    if constraints_func is not None:  # deprecated in Optuna 4.0, for the trials' own constraints
        _deprecated.argument("constraints_func", "4.0.0", "6.0.0")
    if targets is None and len(study.directions) not in (2, 3):
        raise ValueError("`plot_pareto_front` function only supports 2 or 3 objective studies when using `targets` is `None`. Please use `targets` if your objective studies have more than 3 objectives.")
    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    # as Optuna: the feasible trials (constraints_func's, else each trial's constraints) and
    # the front among them alone, so a trial dominated only by infeasible ones is best
    if constraints_func is not None:
        feasible = [all(c <= 0 for c in constraints_func(t)) for t in trials]
    else:
        feasible = [all(c <= 0 for c in t.constraints.values()) for t in trials]
    signs = [1 if d.name == "MINIMIZE" else -1 for d in study.directions]
    keys = [[s * v for s, v in zip(signs, t.values)] for t in trials]
    ok = [i for i in range(len(trials)) if feasible[i]]

    def dominated(i):
        return any(all(a <= b for a, b in zip(keys[j], keys[i])) and keys[j] != keys[i] for j in ok)

    best = {i for i in ok if not dominated(i)}
    vals = [_targets_of(targets, t) for t in trials]
    # as Optuna 5: the number of targets is the first best trial's, else the first infeasible
    # one's, else (no such trial) target_names's or the study's objectives'
    first = min(best, default=None)
    if first is None:
        first = next((i for i in range(len(trials)) if not feasible[i]), None)
    if first is not None:
        n = len(vals[first])
    elif target_names is not None:
        n = len(target_names)
    elif targets is None:
        n = len(study.directions)
    else:
        raise ValueError("If `targets` is specified for empty studies, `target_names` must be specified.")
    if n not in (2, 3):
        raise ValueError("`plot_pareto_front` function only supports 2 or 3 targets. you used %d targets now." % n)
    metric_names = _objective_names(study)  # set_metric_names's, as Optuna 5 titles the axes
    if target_names is None and metric_names is not None and len(metric_names) == n:
        target_names = metric_names
    names = list(target_names) if target_names is not None else ["Objective %d" % i for i in range(n)]
    if len(names) != n:
        raise ValueError("The length of `target_names` is supposed to be %d." % n)
    # as Optuna 5's traces, unnamed (the hover label names them): the infeasible trials when
    # the study has constraints, the dominated ones (empty without include_dominated_trials),
    # the best
    constrained = constraints_func is not None or any(t.constraints for t in trials)
    groups = []
    if constrained:
        groups.append(("Infeasible Trial", lambda i: not feasible[i], {"color": "#cccccc"}))
    dominated_marker = {"line": {"width": 0.5, "color": "Grey"}, "colorscale": "Blues", "colorbar": {"title": {"text": "Trial"}}}
    groups.append(("Feasible Trial" if constrained else "Trial", lambda i: include_dominated_trials and i not in best and feasible[i],
                   dominated_marker))
    groups.append(("Best Trial", lambda i: i in best, {"line": {"width": 0.5, "color": "Grey"}, "colorscale": "Reds",
                   "colorbar": {"title": {"text": "Best Trial"}, "x": 1.1 if include_dominated_trials else 1, "xpad": 40}}))
    traces = []
    for label, keep, marker in groups:
        idx = [i for i in range(len(trials)) if keep(i)]
        cols = [[vals[i][k] for i in idx] for k in range(n)]
        if "colorscale" in marker:
            marker = dict(marker, color=[trials[i].number for i in idx])
        common = {"mode": "markers", "text": ["Trial %d" % trials[i].number for i in idx], "marker": marker, "showlegend": False,
                  "hovertemplate": "%%{text}<extra>%s</extra>" % label}
        traces.append(go.Scatter(x=cols[0], y=cols[1], **common) if n == 2 else go.Scatter3d(x=cols[0], y=cols[1], z=cols[2], **common))
    if n == 2:
        return _figure(go, traces, "Pareto-front Plot", xaxis={"title": {"text": names[0]}}, yaxis={"title": {"text": names[1]}})
    scene = {"xaxis": {"title": {"text": names[0]}}, "yaxis": {"title": {"text": names[1]}}, "zaxis": {"title": {"text": names[2]}}}
    return _figure(go, traces, "Pareto-front Plot", scene=scene)


_STALE_RUNS = 5  # Optuna 5's: a RUNNING trial started longer ago than 5 times the longest run is taken for dead


def _timeline_end(trials: List[FrozenTrial]) -> datetime.datetime:
    """As Optuna 5's timeline: now while a trial runs (a RUNNING one started less than
    _STALE_RUNS times the longest run ago, or any when no run is finished), else the last
    trial's end (now without one)."""
    now = datetime.datetime.now()
    runs = [t.datetime_complete - t.datetime_start for t in trials if t.datetime_start is not None and t.datetime_complete is not None]
    running = [t for t in trials if t.state == TrialState.RUNNING and t.datetime_start is not None]
    if running and (not runs or any(now - t.datetime_start < _STALE_RUNS * max(runs) for t in running)):
        return now
    return max((t.datetime_complete for t in trials if t.datetime_complete is not None), default=now)


def _timeline(go, study, n_recent_trials: Optional[int] = None):
    if n_recent_trials is not None and n_recent_trials <= 0:
        raise ValueError("n_recent_trials must be a positive integer or None.")
    every = study.get_trials(deepcopy=False)
    trials = every[-n_recent_trials:] if n_recent_trials is not None else every
    last = _timeline_end(every)
    second = datetime.timedelta(seconds=1)
    colors = {"COMPLETE": "blue", "FAIL": "red", "PRUNED": "orange", "RUNNING": "green", "WAITING": "gray"}
    # as Optuna's: one bar trace per state, by the state's name, the infeasible complete
    # trials apart (before the feasible ones)
    groups = []
    for state in sorted(TrialState, key=lambda s: s.name):
        mine = [t for t in trials if t.state == state]
        if state == TrialState.COMPLETE:
            bad = [t for t in mine if any(c > 0 for c in t.constraints.values())]
            groups.append(("INFEASIBLE", "#cccccc", bad))
            mine = [t for t in mine if t not in bad]
        groups.append((state.name, colors.get(state.name, "gray"), mine))
    traces = []
    for name, color, mine in groups:
        if not mine:
            continue
        # as Optuna 5: a trial not started (WAITING) starts at the timeline's end; a RUNNING
        # one ends 1 s past it, one not finished otherwise 1 s after its start
        starts = [t.datetime_start or last for t in mine]
        ends = [last + second if t.state == TrialState.RUNNING else t.datetime_complete or start + second for t, start in zip(mine, starts)]
        traces.append(go.Bar(
            name=name, orientation="h", y=[t.number for t in mine], base=[start.isoformat() for start in starts],
            x=[(end - start).total_seconds() * 1000 for start, end in zip(starts, ends)],
            text=["Trial %d %s" % (t.number, t.state.name) for t in mine], marker={"color": color}, textposition="none",
        ))
    return _figure(go, traces, "Timeline Plot", xaxis={"title": {"text": "Datetime"}, "type": "date"}, yaxis={"title": {"text": "Trial"}}, barmode="overlay", showlegend=True)


def _hypervolume_history(go, study, reference_point: Sequence[float]):
    n = len(study.directions)
    if n < 2:
        raise ValueError("Study must be multi-objective. For single-objective optimization, please use plot_optimization_history instead.")
    if len(reference_point) != n:
        raise ValueError("The dimension of the reference point must be the same as the number of objectives of the study.")
    signs = [1 if d.name == "MINIMIZE" else -1 for d in study.directions]
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    # A reference point that no feasible trial is strictly better than in every objective
    # bounds nothing: Optuna's history is 0 throughout, libknob refuses it.
    bounded = any(
        all(c <= 0 for c in t.constraints.values()) and all(s * v < s * float(r) for s, v, r in zip(signs, t.values, reference_point))
        for t in complete
    )
    hv: List[float] = []
    if bounded:
        ref = (ctypes.c_double * n)(*[float(v) for v in reference_point])
        out = ctypes.POINTER(ctypes.c_double)()
        count = ctypes.c_size_t()
        with study._lock:
            rc = _lib.lib.knob_study_hypervolume_history_by_number(study._h, ref, ctypes.byref(out), ctypes.byref(count))
            if rc != _lib.ENOTFOUND:
                _lib.check(rc)
                hv = [out[i] for i in range(count.value)]
    # libknob's k-th value is after the finished trial (COMPLETE, PRUNED or FAIL) of the k-th
    # lowest number, as Optuna reads the trials (by their ends, a trial that ended first was
    # given the volume of the trials that ended before it: the last one's, where trials ended
    # in the reverse order); Optuna's points are the complete trials', at their numbers
    done = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)
    finished = sorted(study.get_trials(deepcopy=False, states=done), key=lambda t: t.number)
    if not bounded:
        hv = [0.0] * len(finished)
    points = [(t.number, v) for t, v in zip(finished, hv) if t.state == TrialState.COMPLETE]
    trace = go.Scatter(x=[k for k, _ in points], y=[v for _, v in points], mode="lines+markers")  # unnamed, as Optuna's
    return _figure(go, [trace], "Hypervolume History Plot", xaxis={"title": {"text": "Trial"}}, yaxis={"title": {"text": "Hypervolume"}})


_TERMINATOR_PADDING = 0.05  # Optuna's PADDING_RATIO_Y
_TERMINATOR_OPACITY = 0.25  # Optuna's OPACITY: the points before min_n_trials


def _terminator_improvement(go, study, plot_error: bool = False, improvement_evaluator=None, error_evaluator=None,
                            min_n_trials: int = 20):
    """As Optuna's plot_terminator_improvement: after each trial from the first complete one
    on, how much the objective might still improve over the complete trials so far (knob's
    RegretBoundEvaluator by default: libknob's knob_study_regret_bound), lighter up to
    min_n_trials, and with plot_error the error evaluator's values (Optuna's default,
    CrossValidationErrorEvaluator)."""
    from .terminator import CrossValidationErrorEvaluator, RegretBoundEvaluator

    if len(study.directions) > 1:
        raise ValueError("This function does not support multi-objective optimization study.")
    improvement_evaluator = improvement_evaluator or RegretBoundEvaluator()
    error_evaluator = error_evaluator or CrossValidationErrorEvaluator()
    numbers: List[int] = []
    improvements: List[float] = []
    errors: List[float] = []
    complete: List[FrozenTrial] = []
    for t in study.get_trials(deepcopy=False):
        if t.state == TrialState.COMPLETE:
            complete.append(t)
        if not complete:
            continue
        numbers.append(t.number)
        if type(improvement_evaluator) is RegretBoundEvaluator:  # libknob reads the study itself
            improvements.append(improvement_evaluator._of_study(study, t.number + 1))
        else:
            improvements.append(improvement_evaluator.evaluate(complete, study.direction))
        if plot_error:
            errors.append(error_evaluator.evaluate(complete, study.direction))
    layout = {"xaxis": {"title": {"text": "Trial"}}, "yaxis": {"title": {"text": "Terminator Improvement"}}}
    if not numbers:  # as Optuna: no trace without a complete trial (Optuna warns)
        return _figure(go, [], "Terminator Improvement Plot", **layout)

    def scatter(xs, ys, opacity, legend):
        color = "rgba(99, 110, 250, %s)" % opacity
        return go.Scatter(x=xs, y=ys, mode="markers+lines", marker={"color": color}, line={"color": color},
                          name="Terminator Improvement", showlegend=legend, legendgroup="improvement")

    n = len(numbers)
    traces = [scatter(numbers[: min_n_trials + 1], improvements[: min_n_trials + 1], _TERMINATOR_OPACITY, n <= min_n_trials)]
    if n > min_n_trials:
        traces.append(scatter(numbers[min_n_trials:], improvements[min_n_trials:], 1.0, True))
    red = "rgb(239, 85, 59)"
    traces.append(go.Scatter(x=numbers, y=errors, mode="markers+lines", name="Error", marker={"color": red}, line={"color": red})
                  if plot_error else go.Scatter())
    # the y range of the points after min_n_trials (all of them when there are no more)
    low = min(improvements + errors)
    high = max((improvements[min_n_trials:] if n > min_n_trials else improvements) + errors)
    pad = (high - low) * _TERMINATOR_PADDING
    layout["yaxis"]["range"] = [low - pad, high + pad]
    return _figure(go, traces, "Terminator Improvement Plot", **layout)


plot_optimization_history = _plot("plot_optimization_history", _optimization_history)
plot_intermediate_values = _plot("plot_intermediate_values", _intermediate_values)
plot_parallel_coordinate = _plot("plot_parallel_coordinate", _parallel_coordinate)
plot_contour = _plot("plot_contour", _contour)
plot_slice = _plot("plot_slice", _slice)
plot_param_importances = _plot("plot_param_importances", _param_importances)
plot_edf = _plot("plot_edf", _edf)
plot_pareto_front = _plot("plot_pareto_front", _pareto_front)
plot_timeline = _plot("plot_timeline", _timeline)
plot_rank = _plot("plot_rank", _rank)
plot_hypervolume_history = _plot("plot_hypervolume_history", _hypervolume_history)
plot_terminator_improvement = _plot("plot_terminator_improvement", _terminator_improvement)


def is_available() -> bool:
    """As Optuna's: whether plotly is importable, so that plot_* return plotly figures
    (scripts guard update_layout and the like with it). Without plotly they still return
    knob's report, which needs the knob command."""
    return _go() is not None


matplotlib = None  # Optuna's matplotlib backend: not in knob

__all__ = [
    "Report",
    "report",
    "is_available",
    "plot_optimization_history",
    "plot_intermediate_values",
    "plot_parallel_coordinate",
    "plot_contour",
    "plot_slice",
    "plot_param_importances",
    "plot_edf",
    "plot_pareto_front",
    "plot_timeline",
    "plot_rank",
    "plot_hypervolume_history",
    "plot_terminator_improvement",
]
