"""Pruners, with Optuna's class and argument names, each made as one of libknob's pruners
(`knob samplers` lists them with their options)."""

from __future__ import annotations

import ctypes
from typing import Any, Dict, Optional, Union

from . import _lib
from ._args import UNSET as _UNSET
from ._args import arg as _arg


def _steps(cls: str, n_startup_trials: Any, n_warmup_steps: Any, interval_steps: Any, n_min_trials: Any) -> tuple:
    """The checked arguments Optuna's MedianPruner and PercentilePruner share (and some of
    them ThresholdPruner); None for one a pruner does not have."""
    return (
        None if n_startup_trials is None else _arg(cls, "n_startup_trials", n_startup_trials, int, 0),
        _arg(cls, "n_warmup_steps", n_warmup_steps, int, 0),
        _arg(cls, "interval_steps", interval_steps, int, 1),
        None if n_min_trials is None else _arg(cls, "n_min_trials", n_min_trials, int, 1),
    )


class BasePruner:
    """A knob pruner: its name and options; a libknob pruner is made for each study.
    (Pruners written in Python are not supported: write them in C, as plugins.)"""

    _knob_name = ""

    def __init__(self, **options: Any) -> None:
        self._options: Dict[str, Any] = {k: v for k, v in options.items() if v is not _UNSET and v is not None}
        if self._knob_name:
            # a misspelt keyword (n_warmup_step) is a TypeError here, as Optuna's constructors
            # raise it, and a value libknob refuses (past its range) a ValueError; they were
            # errors of create_study. What depends on the study (an objective past its
            # objectives) stays create_study's.
            _lib.check_options(self.__class__.__name__, "pruner", self._make, _lib.lib.knob_pruner_free)

    def _make(self) -> int:
        if not self._knob_name:
            raise NotImplementedError(
                "%s: pruners written in Python are not supported by knob: write it in C as a "
                "plugin (docs/plugins.md), then use KnobPruner(name)" % self.__class__.__name__
            )
        keys, vals, n = _lib.pairs(self._options, self.__class__.__name__)
        out = ctypes.c_void_p()
        _lib.check(
            _lib.lib.knob_pruner_create_pairs(_lib.enc(self._knob_name), keys, vals, n, ctypes.byref(out)),
            self.__class__.__name__,
        )
        return out.value

    def _option_text(self) -> str:
        return ",".join("%s=%s" % (k, _lib._option_text(v)) for k, v in self._options.items())

    def __repr__(self) -> str:
        return "%s(%s)" % (self.__class__.__name__, ", ".join("%s=%r" % kv for kv in self._options.items()))


class NopPruner(BasePruner):
    _knob_name = "none"


class MedianPruner(BasePruner):
    _knob_name = "median"

    def __init__(self, n_startup_trials: int = 5, n_warmup_steps: int = 0, interval_steps: int = 1, *, n_min_trials: int = 1, **options: Any) -> None:
        n_startup_trials, n_warmup_steps, interval_steps, n_min_trials = _steps(
            "MedianPruner", n_startup_trials, n_warmup_steps, interval_steps, n_min_trials
        )
        super().__init__(
            n_startup_trials=n_startup_trials,
            n_warmup_steps=n_warmup_steps,
            interval_steps=interval_steps,
            n_min_trials=n_min_trials,
            **options,
        )


class PercentilePruner(BasePruner):
    _knob_name = "percentile"

    def __init__(self, percentile: float, n_startup_trials: int = 5, n_warmup_steps: int = 0, interval_steps: int = 1, *, n_min_trials: int = 1, **options: Any) -> None:
        cls = "PercentilePruner"
        percentile = _arg(cls, "percentile", percentile, float, 0, 100)
        n_startup_trials, n_warmup_steps, interval_steps, n_min_trials = _steps(
            cls, n_startup_trials, n_warmup_steps, interval_steps, n_min_trials
        )
        super().__init__(
            percentile=percentile,
            n_startup_trials=n_startup_trials,
            n_warmup_steps=n_warmup_steps,
            interval_steps=interval_steps,
            n_min_trials=n_min_trials,
            **options,
        )


class ThresholdPruner(BasePruner):
    _knob_name = "threshold"

    def __init__(self, lower: Optional[float] = None, upper: Optional[float] = None, n_warmup_steps: int = 0, interval_steps: int = 1, **options: Any) -> None:
        if lower is None and upper is None:
            raise TypeError("Either lower or upper must be specified.")
        cls = "ThresholdPruner"
        lower = _arg(cls, "lower", lower, float, none=True)
        upper = _arg(cls, "upper", upper, float, none=True)
        if lower is not None and upper is not None and lower > upper:
            raise ValueError("lower should be smaller than upper.")
        _, n_warmup_steps, interval_steps, _ = _steps(cls, None, n_warmup_steps, interval_steps, None)
        super().__init__(
            lower=lower,
            upper=upper,
            n_warmup_steps=n_warmup_steps,
            interval_steps=interval_steps,
            **options,
        )


class PatientPruner(BasePruner):
    """Tolerates `patience` steps without improvement, then asks the wrapped pruner
    (None: stops the trial). The wrapped pruner judges the objective this one reads (its
    option `objective`); a wrapped pruner made with another `objective` is a ValueError."""

    _knob_name = "patient"

    def __init__(self, wrapped_pruner: Optional[BasePruner], patience: int, min_delta: float = 0.0, **options: Any) -> None:
        cls = "PatientPruner"
        if wrapped_pruner is not None and not isinstance(wrapped_pruner, BasePruner):
            raise TypeError("PatientPruner: `wrapped_pruner` must be a knob pruner (MedianPruner() ...) or None, got %r" % (wrapped_pruner,))
        if isinstance(wrapped_pruner, PatientPruner):
            raise NotImplementedError("PatientPruner(wrapped_pruner=PatientPruner(...)): knob's patient pruner cannot wrap another patient pruner")
        if wrapped_pruner is not None and not wrapped_pruner._knob_name:
            wrapped_pruner._make()  # raises: written in Python
        patience = _arg(cls, "patience", patience, int)
        min_delta = _arg(cls, "min_delta", min_delta, float)
        if patience < 0:
            raise ValueError("patience cannot be negative but got %d." % patience)
        if min_delta < 0:
            raise ValueError("min_delta cannot be negative but got %s." % min_delta)
        wrapped = wrapped_pruner._knob_name if wrapped_pruner is not None else None
        wopts = "[%s]" % wrapped_pruner._option_text() if wrapped_pruner is not None and wrapped_pruner._options else None
        super().__init__(patience=patience, min_delta=float(min_delta), wrapped=wrapped, wrapped_options=wopts, **options)


class SuccessiveHalvingPruner(BasePruner):
    """ASHA. min_resource "auto" takes knob's default (1) from the first trial, where
    Optuna's waits for a complete trial and takes max(its last step // 100, 1): give that
    number to prune as Optuna's "auto" does after the first trial."""

    _knob_name = "successive_halving"

    def __init__(self, min_resource: Union[str, int] = "auto", reduction_factor: int = 4, min_early_stopping_rate: int = 0, bootstrap_count: int = 0, **options: Any) -> None:
        cls = "SuccessiveHalvingPruner"
        if isinstance(min_resource, str):
            if min_resource != "auto":
                raise ValueError("The value of `min_resource` is %s, but must be either `min_resource` >= 1 or 'auto'" % min_resource)
        else:
            min_resource = _arg(cls, "min_resource", min_resource, int, 1)
        reduction_factor = _arg(cls, "reduction_factor", reduction_factor, int, 2)
        min_early_stopping_rate = _arg(cls, "min_early_stopping_rate", min_early_stopping_rate, int, 0)
        bootstrap_count = _arg(cls, "bootstrap_count", bootstrap_count, int, 0)
        if bootstrap_count > 0 and min_resource == "auto":
            raise ValueError("bootstrap_count > 0 and min_resource == 'auto' are mutually incompatible, bootstrap_count is %d" % bootstrap_count)
        super().__init__(
            min_resource=None if min_resource == "auto" else min_resource,
            reduction_factor=reduction_factor,
            min_early_stopping_rate=min_early_stopping_rate,
            bootstrap_count=bootstrap_count,
            **options,
        )


class HyperbandPruner(BasePruner):
    """Hyperband. max_resource "auto" takes knob's default (81) from the first trial, where
    Optuna's waits for a complete trial and takes its last step + 1: give that number (the
    steps 0 .. 80 of 81 epochs: 81) to prune as Optuna's "auto" does after the first trial.
    Brackets are counted exactly (1 + the largest k with min_resource * eta^k <=
    max_resource), where Optuna's logarithm in doubles counts one fewer at exact powers
    (243 with eta 3, 1000 with eta 10)."""

    _knob_name = "hyperband"

    def __init__(self, min_resource: int = 1, max_resource: Union[str, int] = "auto", reduction_factor: int = 3, bootstrap_count: int = 0, **options: Any) -> None:
        cls = "HyperbandPruner"
        min_resource = _arg(cls, "min_resource", min_resource, int, 1)
        if isinstance(max_resource, str):
            if max_resource != "auto":
                raise ValueError("The 'max_resource' should be integer or 'auto'. But max_resource = %s" % max_resource)
        else:
            max_resource = _arg(cls, "max_resource", max_resource, int, 1)
        reduction_factor = _arg(cls, "reduction_factor", reduction_factor, int, 2)
        bootstrap_count = _arg(cls, "bootstrap_count", bootstrap_count, int, 0)
        if bootstrap_count > 0 and max_resource == "auto":
            raise ValueError("bootstrap_count > 0 and max_resource == 'auto' are mutually incompatible, bootstrap_count is %d" % bootstrap_count)
        if max_resource == "auto":  # knob's 81 counts the brackets; rungs go on past it
            options.setdefault("rungs_past_max", True)
        super().__init__(
            min_resource=min_resource,
            max_resource=None if max_resource == "auto" else max_resource,
            reduction_factor=reduction_factor,
            bootstrap_count=bootstrap_count,
            **options,
        )


class WilcoxonPruner(BasePruner):
    _knob_name = "wilcoxon"

    def __init__(self, *, p_threshold: float = 0.1, n_startup_steps: int = 2, **options: Any) -> None:
        p_threshold = _arg("WilcoxonPruner", "p_threshold", p_threshold, float, 0, 1)
        n_startup_steps = _arg("WilcoxonPruner", "n_startup_steps", n_startup_steps, int, 0)
        super().__init__(p_threshold=p_threshold, n_startup_steps=n_startup_steps, **options)


class CurvePruner(BasePruner):
    """knob's curve (learning-curve extrapolation); not in Optuna. Cautious by design: the
    disagreement of its two fitted curves about the end widens its band both ways, so a
    power-law curve runs long before it is stopped."""

    _knob_name = "curve"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)


class WandbHyperbandPruner(BasePruner):
    """knob's wandb_hyperband: W&B's early termination (a sweep's early_terminate), bands
    at max_iter / eta^k or min_iter * eta^k without brackets; not in Optuna."""

    _knob_name = "wandb_hyperband"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)


class KnobPruner(BasePruner):
    """Any pruner libknob knows by name, with options by their knob names."""

    def __init__(self, name: str, **options: Any) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError("KnobPruner: `name` must be the name of a libknob pruner (`knob samplers` lists them), got %r" % (name,))
        self._knob_name = name
        super().__init__(**options)


__all__ = [
    "BasePruner",
    "NopPruner",
    "MedianPruner",
    "PercentilePruner",
    "ThresholdPruner",
    "PatientPruner",
    "SuccessiveHalvingPruner",
    "HyperbandPruner",
    "WilcoxonPruner",
    "CurvePruner",
    "WandbHyperbandPruner",
    "KnobPruner",
]
