"""Pruners, with Optuna's class and argument names, each made as one of libknob's pruners
(`knob samplers` lists them with their options)."""

from __future__ import annotations

import ctypes
from typing import Any, Dict, Optional, Union

from . import _lib

_UNSET: Any = object()


class BasePruner:
    """A knob pruner: its name and options; a libknob pruner is made for each study.
    (Pruners written in Python are not supported: write them in C, as plugins.)"""

    _knob_name = ""

    def __init__(self, **options: Any) -> None:
        self._options: Dict[str, Any] = {k: v for k, v in options.items() if v is not _UNSET and v is not None}

    def _make(self) -> int:
        keys, vals, n = _lib.pairs(self._options)
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
        super().__init__(
            percentile=float(percentile),
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
        super().__init__(
            lower=None if lower is None else float(lower),
            upper=None if upper is None else float(upper),
            n_warmup_steps=n_warmup_steps,
            interval_steps=interval_steps,
            **options,
        )


class PatientPruner(BasePruner):
    """Tolerates `patience` steps without improvement, then asks the wrapped pruner
    (None: stops the trial)."""

    _knob_name = "patient"

    def __init__(self, wrapped_pruner: Optional[BasePruner], patience: int, min_delta: float = 0.0, **options: Any) -> None:
        if patience < 0:
            raise ValueError("patience cannot be negative but got %d." % patience)
        if min_delta < 0:
            raise ValueError("min_delta cannot be negative but got %s." % min_delta)
        wrapped = wrapped_pruner._knob_name if wrapped_pruner is not None else None
        wopts = "[%s]" % wrapped_pruner._option_text() if wrapped_pruner is not None and wrapped_pruner._options else None
        super().__init__(patience=patience, min_delta=float(min_delta), wrapped=wrapped, wrapped_options=wopts, **options)


class SuccessiveHalvingPruner(BasePruner):
    """ASHA. min_resource "auto" takes knob's default (1)."""

    _knob_name = "successive_halving"

    def __init__(self, min_resource: Union[str, int] = "auto", reduction_factor: int = 4, min_early_stopping_rate: int = 0, bootstrap_count: int = 0, **options: Any) -> None:
        super().__init__(
            min_resource=None if min_resource == "auto" else min_resource,
            reduction_factor=reduction_factor,
            min_early_stopping_rate=min_early_stopping_rate,
            bootstrap_count=bootstrap_count,
            **options,
        )


class HyperbandPruner(BasePruner):
    """Hyperband. max_resource "auto" takes knob's default (81); give the last step your
    trials report (their number of epochs) to match Optuna's estimate."""

    _knob_name = "hyperband"

    def __init__(self, min_resource: int = 1, max_resource: Union[str, int] = "auto", reduction_factor: int = 3, bootstrap_count: int = 0, **options: Any) -> None:
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
        super().__init__(p_threshold=float(p_threshold), n_startup_steps=n_startup_steps, **options)


class CurvePruner(BasePruner):
    """knob's curve (learning-curve extrapolation); not in Optuna."""

    _knob_name = "curve"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)


class KnobPruner(BasePruner):
    """Any pruner libknob knows by name, with options by their knob names."""

    def __init__(self, name: str, **options: Any) -> None:
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
    "KnobPruner",
]
