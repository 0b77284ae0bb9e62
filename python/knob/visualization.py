"""Visualization, as Optuna's optuna.visualization entry points: each plot_* function
makes knob's report of the study (`knob report`: one self-contained HTML page with the
optimization history, slices, contours, parallel coordinates, intermediate values,
Pareto fronts, EDF, the timeline and the trials table) and returns it as a figure with
plotly's `write_html(path)` and `show()`. The report is written by the knob command,
found as $KNOB, on PATH, or beside the build's libknob.so."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import webbrowser
from typing import Any

from . import _lib


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


def _plot(name: str):
    def plot(study, *args: Any, **kwargs: Any) -> Report:
        return report(study)

    plot.__name__ = name
    plot.__doc__ = "knob's report of the study (every plot, %s among them): see knob.visualization." % name[5:].replace("_", " ")
    return plot


plot_optimization_history = _plot("plot_optimization_history")
plot_intermediate_values = _plot("plot_intermediate_values")
plot_parallel_coordinate = _plot("plot_parallel_coordinate")
plot_contour = _plot("plot_contour")
plot_slice = _plot("plot_slice")
plot_param_importances = _plot("plot_param_importances")
plot_edf = _plot("plot_edf")
plot_pareto_front = _plot("plot_pareto_front")
plot_timeline = _plot("plot_timeline")
plot_rank = _plot("plot_rank")
plot_hypervolume_history = _plot("plot_hypervolume_history")


def is_available() -> bool:
    try:
        _knob_command()
        return True
    except RuntimeError:
        return False


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
]
