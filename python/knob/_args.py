"""Checks of the samplers' and pruners' arguments, made when the object is made and by
the argument's Optuna name: a wrong type raises TypeError, a value out of range
ValueError, instead of libknob's refusal of its option (by knob's name) when a study is
made with it, or an error from ctypes."""

from __future__ import annotations

import numbers
from typing import Any, Optional

UNSET: Any = object()  # an argument left out: knob's default


def _is_bool(v: Any) -> bool:
    return isinstance(v, bool) or (type(v).__module__ == "numpy" and type(v).__name__ in ("bool_", "bool"))


def _kind(kind: type) -> str:
    return {int: "an int", float: "a float", bool: "a bool"}[kind]


def arg(
    cls: str,
    name: str,
    value: Any,
    kind: type,
    low: Optional[float] = None,
    high: Optional[float] = None,
    none: bool = False,
    above: bool = False,
) -> Any:
    """`value` of argument `name` of `cls`, checked: of `kind` (int, float or bool; None too
    when `none`), in [low, high] (low excluded when `above`). Returned as a Python int,
    float or bool (a NumPy scalar too); UNSET as it is."""
    if value is UNSET or (none and value is None):
        return value
    if kind is bool:
        if not _is_bool(value):
            raise TypeError("%s: `%s` must be a bool, got %r" % (cls, name, value))
        return bool(value)
    ok = isinstance(value, numbers.Integral if kind is int else numbers.Real) and not _is_bool(value)
    if not ok:
        raise TypeError("%s: `%s` must be %s%s, got %r" % (cls, name, _kind(kind), " or None" if none else "", value))
    value = int(value) if kind is int else float(value)
    if value != value:
        raise ValueError("%s: `%s` must be a number, got nan" % (cls, name))
    if low is not None and (value <= low if above else value < low):
        raise ValueError("%s: `%s` must be %s %s, got %r" % (cls, name, ">" if above else ">=", _num(low), value))
    if high is not None and value > high:
        raise ValueError("%s: `%s` must be <= %s, got %r" % (cls, name, _num(high), value))
    return value


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(v)


def seed(cls: str, value: Any) -> Any:
    """A seed: None (drawn from the OS) or an int libknob takes, -2**63 to 2**64 - 1 (a
    negative one modulo 2**64, as libknob's option seed= and knob's --seed take it)."""
    return arg(cls, "seed", value, int, -(2**63), 2**64 - 1, none=True)


def choice(cls: str, name: str, value: Any, words: tuple) -> Any:
    if value is UNSET:
        return value
    if value not in words:
        raise ValueError("%s: `%s` must be one of %s, got %r" % (cls, name, ", ".join(repr(w) for w in words), value))
    return value
