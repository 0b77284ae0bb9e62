"""Distributions, with Optuna's classes and names. Each converts itself to libknob's
knob_distribution; the checks (ranges, steps, log scales) are libknob's."""

from __future__ import annotations

import ctypes
import decimal
import json
import math
import numbers
import warnings
from typing import Any, Sequence

from . import _deprecated, _lib

CategoricalChoiceType = Any  # None, bool, int, float or str


class BaseDistribution:
    """A parameter's distribution."""

    def to_external_repr(self, param_value_in_internal_repr: float) -> Any:
        return param_value_in_internal_repr

    def to_internal_repr(self, param_value_in_external_repr: Any) -> float:
        return float(param_value_in_external_repr)

    def single(self) -> bool:
        raise NotImplementedError

    def _contains(self, param_value_in_internal_repr: float) -> bool:
        raise NotImplementedError

    def _asdict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_c")}

    def __getstate__(self) -> dict:
        # without the cached knob_distribution (_c): ctypes cannot copy its pointers, and a
        # copy makes its own when libknob needs it
        return {k: v for k, v in self.__dict__.items() if k != "_c"}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BaseDistribution) or type(self) is not type(other):
            return NotImplemented
        return self._asdict() == other._asdict()

    def __hash__(self) -> int:
        return hash((self.__class__, tuple(sorted((k, _hashable(v)) for k, v in self._asdict().items()))))

    def __repr__(self) -> str:
        kwargs = ", ".join("%s=%r" % (k, v) for k, v in sorted(self._asdict().items()))
        return "%s(%s)" % (self.__class__.__name__, kwargs)

    def _to_c(self) -> _lib.Distribution:
        raise NotImplementedError


def _hashable(v):
    return tuple(v) if isinstance(v, list) else v


class FloatDistribution(BaseDistribution):
    """Floats in [low, high]: continuous (step None), stepped (low + k * step), or on a
    log scale (log=True, low > 0)."""

    def __init__(self, low: float, high: float, log: bool = False, step: float | None = None) -> None:
        if log and step is not None:
            raise ValueError("The parameter `step` is not supported when `log` is true.")
        if low > high:
            raise ValueError("`low <= high` must hold, but got (low, high) = (%s, %s)." % (low, high))
        if log and low <= 0.0:
            raise ValueError("`low > 0` must hold for `log=True`, but got (low, high) = (%s, %s)." % (low, high))
        if step is not None and step <= 0:
            raise ValueError("`step > 0` must hold, but got step = %s." % step)
        self.step = None if step is None else float(step)
        if step is not None:
            high = _adjust_high(low, high, step)
        self.low = float(low)
        self.high = float(high)
        self.log = log

    def single(self) -> bool:
        if self.step is None:
            return self.low == self.high
        return self.high - self.low < self.step

    def _contains(self, v: float) -> bool:
        if self.step is None:
            return self.low <= v <= self.high
        k = (v - self.low) / self.step
        return self.low <= v <= self.high and abs(k - round(k)) < 1.0e-8

    def to_external_repr(self, v: float) -> float:
        if self.step is None:
            return float(v)
        # libknob's top step is low + k * step in binary, which may round past high (k = 7 of
        # [0, 0.7] by 0.1 is 0.7000000000000001): clipped to high, as Optuna's samplers clip
        return min(max(float(v), self.low), self.high)

    def _to_c(self) -> _lib.Distribution:
        c = self.__dict__.get("_c")
        if c is None:
            c = _lib.Distribution(
                _lib.DIST_FLOAT, self.low, self.high, self.step or 0.0, _lib.LOG if self.log else 0, 0, None
            )
            self.__dict__["_c"] = c
        return c


def _adjust_high(low, high, step, name=None):
    # in decimal, as Optuna: [0, 1] with step 0.3 ends at 0.9, not 0.8999999999999999
    d_low, d_step = decimal.Decimal(str(low)), decimal.Decimal(str(step))
    d_r = decimal.Decimal(str(high)) - d_low
    try:
        whole = d_r % d_step == 0
        top = None if whole else float((d_r // d_step) * d_step + d_low)
    except decimal.InvalidOperation:
        # an infinity, or 10^28 steps or more (decimal's 28 digits): Optuna raises the bare
        # InvalidOperation; knob says what and where, as libknob says it of 2^53 steps
        raise ValueError(_step_refused(low, high, step, name)) from None
    if not whole:
        old, high = high, top
        warnings.warn(
            "The distribution is specified by [%s, %s] and step=%s, but the range is not "
            "divisible by `step`. It will be replaced with [%s, %s]." % (low, old, step, low, high)
        )
    return high


def _step_refused(low, high, step, name) -> str:
    where = "" if name is None else "param '%s': " % name
    if not (math.isfinite(low) and math.isfinite(high)):
        return "%slow and high must be finite, but got [%g, %g]." % (where, low, high)
    if not math.isfinite(step):
        return "%s`step` must be finite, but got step=%g." % (where, step)
    return "%s[%g, %g] by %g holds 2^53 steps or more; a double cannot tell them apart." % (where, low, high, step)


def _last_step(low: float, high: float, step: float) -> float:
    """The end of a stored stepped range in decimal, as FloatDistribution makes it: libknob
    keeps the last step in binary (0.8999999999999999 for [0, 1] by 0.3), which would
    otherwise be adjusted again, down a step."""
    n = (high - low) / step
    k = math.floor(n + 1e-9 * max(1.0, n))
    return float(decimal.Decimal(str(low)) + k * decimal.Decimal(str(step)))


class IntDistribution(BaseDistribution):
    """Integers in [low, high] with a step (>= 1), or on a log scale (log=True, low >= 1,
    step 1)."""

    def __init__(self, low: int, high: int, log: bool = False, step: int = 1) -> None:
        if log and step != 1:
            raise ValueError("Samplers and other components in Optuna only accept step is 1 when `log` argument is True.")
        if low > high:
            raise ValueError("`low <= high` must hold, but got (low, high) = (%s, %s)." % (low, high))
        if log and low < 1:
            raise ValueError("`low >= 1` must hold for `log=True`, but got (low, high) = (%s, %s)." % (low, high))
        if step <= 0:
            raise ValueError("`step > 0` must hold, but got step = %s." % step)
        self.log = log
        self.step = int(step)
        self.low = int(low)
        high = int(high)
        if (high - self.low) % self.step:
            old = high
            high = self.low + (high - self.low) // self.step * self.step
            warnings.warn(
                "The distribution is specified by [%s, %s] and step=%s, but the range is not "
                "divisible by `step`. It will be replaced with [%s, %s]." % (low, old, step, low, high)
            )
        self.high = high

    def to_external_repr(self, v: float) -> int:
        return int(v)

    def to_internal_repr(self, v: Any) -> float:
        return float(v)

    def single(self) -> bool:
        if self.log:
            return self.low == self.high
        return self.high - self.low < self.step

    def _contains(self, v: float) -> bool:
        return self.low <= v <= self.high and (v - self.low) % self.step == 0

    def _to_c(self) -> _lib.Distribution:
        c = self.__dict__.get("_c")
        if c is None:
            c = _lib.Distribution(
                _lib.DIST_INT, float(self.low), float(self.high), float(self.step), _lib.LOG if self.log else 0, 0, None
            )
            self.__dict__["_c"] = c
        return c


def _is_bool(v) -> bool:
    # NumPy's bool is no bool subclass (np.bool_, np.bool in NumPy 2)
    return isinstance(v, bool) or (type(v).__module__ == "numpy" and type(v).__name__ in ("bool_", "bool"))


def _choice_c(v) -> tuple:
    if v is None:
        return (_lib.CHOICE_NULL, None, 0.0)
    if _is_bool(v):
        return (_lib.CHOICE_BOOL, None, 1.0 if v else 0.0)
    if isinstance(v, numbers.Real):  # int, float and NumPy's scalars (np.arange's ints)
        return (_lib.CHOICE_NUMBER, None, float(v))
    if isinstance(v, str):
        return (_lib.CHOICE_STRING, _lib.enc(v), 0.0)
    raise ValueError(
        "Choices for a categorical distribution should be a tuple of None, bool, int, float "
        "and str, but got %r (%s)." % (v, type(v).__name__)
    )


class CategoricalDistribution(BaseDistribution):
    """One of `choices` (None, bool, int, float or str)."""

    def __init__(self, choices: Sequence[CategoricalChoiceType]) -> None:
        if len(choices) == 0:
            raise ValueError("The `choices` must contain one or more elements.")
        for c in choices:
            _choice_c(c)
        self.choices = tuple(choices)
        record = big = False
        for c in self.choices:  # plain types first: a distribution is made at every suggest
            t = type(c)
            if t is str:
                continue
            if t is int:
                if c > 2**53 or c < -(2**53):
                    record = big = True
            elif t is float:
                record |= c.is_integer()
            elif _stored_otherwise(c):
                record = True
                big |= _int_past_2_53(c)
        if record:
            _WHOLE_FLOATS[_as_stored(self.choices)] = self.choices
        self.__dict__["_c_big"] = big  # "_c": no field of the distribution (_asdict)

    def to_external_repr(self, v: float) -> Any:
        return self.choices[int(v)]

    def to_internal_repr(self, v: Any) -> int:
        """The index of `v` in choices, an int as Optuna's (to_external_repr takes it, or the
        float libknob stores). Of choices equal to `v` in Python (1 == True), the first
        that is a bool as `v` is or is not one: 1 of [True, 1] is the 1 (Optuna's is the
        True, and add_trial, copy_study and a pickled study turned the trial's 1 into
        True); else the first equal one (True of [1.0, 2.0] is 1.0)."""
        try:
            first = self.choices.index(v)
        except ValueError as e:
            if _is_nan(v):  # a NaN is no NaN's equal: found as Optuna finds it
                for i, c in enumerate(self.choices):
                    if _is_nan(c):
                        return i
            raise ValueError("%r not in %r." % (v, self.choices)) from e
        if _is_bool(self.choices[first]) == _is_bool(v):
            return first
        b = _is_bool(v)
        return next((i for i, c in enumerate(self.choices) if i > first and _is_bool(c) == b and c == v), first)

    def single(self) -> bool:
        return len(self.choices) == 1

    def _contains(self, v: float) -> bool:
        i = int(v)
        return 0 <= i < len(self.choices) and i == v

    def __eq__(self, other):
        if not isinstance(other, CategoricalDistribution):
            return NotImplemented
        return _choices_key(self.choices) == _choices_key(other.choices)

    def __hash__(self):
        return hash((CategoricalDistribution, _choices_key(self.choices)))

    def _asdict(self) -> dict:
        return {"choices": self.choices}

    def _to_c(self) -> _lib.Distribution:
        c = self.__dict__.get("_c")
        if c is None:
            if self.__dict__.get("_c_big", True):
                _check_one_double(self.choices)
            arr = (_lib.Choice * len(self.choices))(*[_lib.Choice(*_choice_c(v)) for v in self.choices])
            c = _lib.Distribution(_lib.DIST_CATEGORICAL, 0.0, 0.0, 0.0, 0, len(self.choices), arr)
            c._keep = arr
            self.__dict__["_c"] = c
        return c


# libknob stores a number choice as a double and _from_c reads a whole one back as an int,
# one beyond 2^53 as a float; choices with a whole float (0.0 of [0.0, 0.5]) or an int beyond
# 2^53 (a 64-bit seed) made in this process are remembered by how they read back, for a
# distribution read without a study. A study's trials read them from the study's own
# records, per param (Study._whole_choices): the same doubles made as ints for one param (or
# study) and as floats for another read back as each was made.
_WHOLE_FLOATS: dict = {}


def _check_one_double(choices) -> None:
    """libknob stores a number choice as a double: two different numbers of one double (2**60
    and 2**60 + 1, or float(2**60) and 2**60 + 1) would be one choice there, and a trial of the
    second would read back as the first. Refused before a study stores them (a distribution
    that is never stored, as FixedTrial's, takes them, as Optuna's does)."""
    if not any(_int_past_2_53(c) for c in choices):
        return  # below 2^53 a double holds every int, and two floats of one double are equal
    seen: dict = {}
    for c in choices:
        if isinstance(c, numbers.Real) and not _is_bool(c) and not _is_nan(c):
            # exact values (Python compares an int and a float exactly; NumPy's as doubles)
            exact = int(c) if isinstance(c, numbers.Integral) else float(c)
            other, other_exact = seen.setdefault(float(c), (c, exact))
            if other_exact != exact:
                raise ValueError(
                    "Choices %r and %r of a categorical distribution are one number to knob, "
                    "which stores a number choice as a double: give one of them, or both as "
                    "strings." % (other, c)
                )


def _int_past_2_53(c) -> bool:
    """Whether c is an int (not a bool) beyond 2^53, which a double does not hold exactly."""
    if type(c) is int:  # the common case, cheaply
        return c > 2**53 or c < -(2**53)
    if type(c) in (float, str) or _is_bool(c) or not isinstance(c, numbers.Integral):
        return False
    return abs(int(c)) > 2**53


def _stored_otherwise(c) -> bool:
    """Whether the choice c reads back from libknob as another value of another type."""
    if _is_bool(c) or not isinstance(c, numbers.Real):
        return False
    if isinstance(c, numbers.Integral):
        return _int_past_2_53(c)
    return float(c).is_integer()


def _as_stored(choices) -> tuple:
    """The choices as _from_c reads them back, with their types."""
    out = []
    for c in choices:
        if _is_bool(c):
            out.append((bool, bool(c)))
        elif isinstance(c, numbers.Real):
            v = float(c)
            out.append((int, int(v)) if v.is_integer() and abs(v) <= 2.0**53 else (float, v))
        else:
            out.append((type(c), c))
    return tuple(out)


def _choices_key(choices):
    # 1 and True are equal in Python but are different choices; a NaN equals every NaN,
    # as in Optuna's _categorical_choice_equal.
    return tuple((_is_bool(c), _NAN if _is_nan(c) else c) for c in choices)


_NAN = ("nan",)  # no choice is a tuple


def _is_nan(c) -> bool:
    return isinstance(c, numbers.Real) and not isinstance(c, numbers.Integral) and not _is_bool(c) and math.isnan(c)


def _check_int_range(name: str, low: int, high: int, step: int) -> None:
    """libknob holds an int param as a double, which holds every integer up to 2^53 only:
    the bounds and step are checked as ints, before they are converted (2**53 + 1 became
    2**53, and a trial drew 2**53 from [2**53 + 1, 2**53 + 1]; past 2**63, ctypes wrapped
    it). Raised where a study would store them; a distribution that is never stored
    (FixedTrial's) takes them, as Optuna's does."""
    for arg, v in (("low", low), ("high", high), ("step", step)):
        if v > 2**53 or v < -(2**53):
            raise ValueError(
                "param '%s': `%s` is %d, but knob holds an int param as a double, exact up to "
                "2**53: the bounds and step of an int are at most 2**53 (%d) in magnitude."
                % (name, arg, v, 2**53)
            )


def _check_stored_ints(dist: BaseDistribution, name: str) -> None:
    """An IntDistribution's bounds and step, checked before libknob stores it (_check_int_range)."""
    if isinstance(dist, IntDistribution):
        _check_int_range(name, dist.low, dist.high, dist.step)


def _check_stored_choices(dist: BaseDistribution, name: str) -> None:
    """libknob refuses a NaN or infinite choice, which Optuna 5 takes: it stores choices as
    JSON, which holds neither (nor do the report, the dashboard and the CLI that read them).
    Refused before libknob is called, with a ValueError as Optuna words its own."""
    if not isinstance(dist, CategoricalDistribution):
        return
    for i, c in enumerate(dist.choices):
        if isinstance(c, numbers.Real) and not isinstance(c, numbers.Integral) and not _is_bool(c) and not math.isfinite(c):
            raise ValueError(
                "Choices for a categorical distribution should be None, bool, int, str or a finite "
                "float to be stored by knob (as JSON, which holds no NaN or infinity), but param "
                "'%s' contains %r at index %d." % (name, c, i)
            )


# ---------------------------------------------------------------- deprecated classes


def _deprecated_class(name: str, instead: str) -> None:
    """Optuna's FutureWarning when one of the classes it deprecated in 3.0 is made (by the
    caller of the class)."""
    _deprecated.warn(name, "3.0.0", "6.0.0", "Use :class:`~optuna.distributions.%s` instead." % instead, stacklevel=4)


class UniformDistribution(FloatDistribution):
    def __init__(self, low: float, high: float) -> None:
        _deprecated_class("UniformDistribution", "FloatDistribution")
        super().__init__(low=low, high=high, log=False, step=None)

    def _asdict(self) -> dict:
        return {"low": self.low, "high": self.high}


class LogUniformDistribution(FloatDistribution):
    def __init__(self, low: float, high: float) -> None:
        _deprecated_class("LogUniformDistribution", "FloatDistribution")
        super().__init__(low=low, high=high, log=True, step=None)

    def _asdict(self) -> dict:
        return {"low": self.low, "high": self.high}


class DiscreteUniformDistribution(FloatDistribution):
    def __init__(self, low: float, high: float, q: float) -> None:
        _deprecated_class("DiscreteUniformDistribution", "FloatDistribution")
        super().__init__(low=low, high=high, step=q)

    @property
    def q(self) -> float:
        return self.step

    def _asdict(self) -> dict:
        return {"low": self.low, "high": self.high, "q": self.step}


class IntUniformDistribution(IntDistribution):
    def __init__(self, low: int, high: int, step: int = 1) -> None:
        _deprecated_class("IntUniformDistribution", "IntDistribution")
        super().__init__(low=low, high=high, log=False, step=step)

    def _asdict(self) -> dict:
        return {"low": self.low, "high": self.high, "step": self.step}


class IntLogUniformDistribution(IntDistribution):
    def __init__(self, low: int, high: int, step: int = 1) -> None:
        _deprecated_class("IntLogUniformDistribution", "IntDistribution")
        super().__init__(low=low, high=high, log=True, step=step)

    def _asdict(self) -> dict:
        return {"low": self.low, "high": self.high, "step": self.step}


def _own(dist: Any) -> BaseDistribution:
    """dist as a distribution of this module: Optuna's own (a script that still imports one
    from optuna.distributions beside `import knob as optuna`) as the class of the same name
    here, with its attributes; anything else that is not a distribution refused, named."""
    if isinstance(dist, BaseDistribution):
        return dist
    cls = _NAMES.get(type(dist).__name__)
    if cls is not None and issubclass(cls, FloatDistribution):
        cls = FloatDistribution  # the deprecated classes hold low, high, log and step too
    elif cls is not None and issubclass(cls, IntDistribution):
        cls = IntDistribution
    if cls is not None and type(dist).__module__.split(".")[0] == "optuna":
        try:
            return cls(**{k: v for k, v in vars(dist).items() if not k.startswith("_")})
        except (TypeError, ValueError):
            pass
    raise TypeError(
        "%r is not a distribution of knob.distributions (FloatDistribution, IntDistribution, "
        "CategoricalDistribution): import them from knob.distributions" % (dist,)
    )


def _convert_old(dist: BaseDistribution) -> BaseDistribution:
    """One of the classes Optuna 3.0 deprecated as the FloatDistribution or IntDistribution
    it stands for, with Optuna 5's FutureWarning (its _convert_old_distribution_to_new_
    distribution, which ask's fixed_distributions and create_trial's distributions go
    through); any other distribution as it is (Optuna's own as knob's: _own)."""
    dist = _own(dist)
    if isinstance(dist, (UniformDistribution, LogUniformDistribution, DiscreteUniformDistribution)):
        new: BaseDistribution = FloatDistribution(low=dist.low, high=dist.high, log=dist.log, step=dist.step)
    elif isinstance(dist, (IntUniformDistribution, IntLogUniformDistribution)):
        new = IntDistribution(low=dist.low, high=dist.high, log=dist.log, step=dist.step)
    else:
        return dist
    warnings.warn(
        "%s is deprecated and internally converted to %s. See https://github.com/optuna/optuna/issues/2941." % (dist, new),
        FutureWarning,
        stacklevel=_deprecated._outside(),
    )
    return new


_NAMES = {
    "FloatDistribution": FloatDistribution,
    "IntDistribution": IntDistribution,
    "CategoricalDistribution": CategoricalDistribution,
    "UniformDistribution": UniformDistribution,
    "LogUniformDistribution": LogUniformDistribution,
    "DiscreteUniformDistribution": DiscreteUniformDistribution,
    "IntUniformDistribution": IntUniformDistribution,
    "IntLogUniformDistribution": IntLogUniformDistribution,
}


def distribution_to_json(dist: BaseDistribution) -> str:
    return json.dumps({"name": dist.__class__.__name__, "attributes": dist._asdict()})


def json_to_distribution(json_str: str) -> BaseDistribution:
    d = json.loads(json_str)
    cls = _NAMES.get(d.get("name"))
    if cls is None:
        raise ValueError("Unknown distribution class: %s" % d.get("name"))
    return cls(**d["attributes"])


def check_distribution_compatibility(dist_old: BaseDistribution, dist_new: BaseDistribution) -> None:
    if dist_old.__class__ != dist_new.__class__:
        raise ValueError("Cannot set different distribution kind to the same parameter name.")
    if isinstance(dist_old, (FloatDistribution, IntDistribution)) and dist_old.log != dist_new.log:
        raise ValueError("Cannot set different log configuration to the same parameter name.")
    if isinstance(dist_old, CategoricalDistribution) and dist_old != dist_new:
        raise ValueError(
            CategoricalDistribution.__name__ + " does not support dynamic value space."
        )


def _from_c(d: _lib.Distribution, choose=None, name=None) -> BaseDistribution:
    """A distribution read from libknob (param `name`'s of a stored trial). Choices that
    read back as whole numbers or as floats beyond 2^53 may have been made otherwise
    (_WHOLE_FLOATS): `choose(name, as_read)`, when given, is the study's word on them
    (see Study._whole_choices); without it, or when it has none, the choices made in this
    process that read back so."""
    if d.kind == _lib.DIST_FLOAT:
        step = d.step or None
        high = d.high if step is None else _last_step(d.low, d.high, step)
        return FloatDistribution(d.low, high, log=bool(d.flags & _lib.LOG), step=step)
    if d.kind == _lib.DIST_INT:
        return IntDistribution(int(d.low), int(d.high), log=bool(d.flags & _lib.LOG), step=int(d.step) or 1)
    choices = []
    for i in range(d.n_choices):
        c = d.choices[i]
        if c.type == _lib.CHOICE_STRING:
            choices.append(c.str.decode("utf-8"))
        elif c.type == _lib.CHOICE_BOOL:
            choices.append(bool(c.num))
        elif c.type == _lib.CHOICE_NULL:
            choices.append(None)
        else:
            v = c.num
            choices.append(int(v) if v.is_integer() and abs(v) <= 2.0**53 else v)
    key = tuple((type(c), c) for c in choices)
    if not any(t is int or (t is float and c.is_integer()) for t, c in key):
        made = None
    elif choose is not None:
        made = choose(name, key)  # the study's records alone
    else:
        made = _WHOLE_FLOATS.get(key)
    return CategoricalDistribution(made or choices)


__all__ = [
    "BaseDistribution",
    "FloatDistribution",
    "IntDistribution",
    "CategoricalDistribution",
    "UniformDistribution",
    "LogUniformDistribution",
    "DiscreteUniformDistribution",
    "IntUniformDistribution",
    "IntLogUniformDistribution",
    "distribution_to_json",
    "json_to_distribution",
    "check_distribution_compatibility",
    "CategoricalChoiceType",
]
