"""Trials, with Optuna's names: Trial (a running trial, over a knob_trial handle),
FrozenTrial (a finished or stored one), FixedTrial, TrialState, create_trial."""

from __future__ import annotations

import ctypes
import datetime
import decimal
import enum
import json
import math
import numbers
import operator
import warnings
from typing import Any, Dict, Optional, Sequence

from . import _args, _deprecated, _lib
from .distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    _adjust_high,
    _check_int_range,
    _check_stored_choices,
    _check_stored_ints,
    _convert_old,
    _from_c,
    _stored_otherwise,
    check_distribution_compatibility,
)
from .exceptions import UpdateFinishedTrialError


class TrialState(enum.IntEnum):
    """A trial's state, numbered as libknob stores it (and as Optuna numbers it)."""

    RUNNING = 0
    COMPLETE = 1
    PRUNED = 2
    FAIL = 3
    WAITING = 4

    def __str__(self) -> str:
        return "TrialState." + self.name

    def is_finished(self) -> bool:
        return self != TrialState.RUNNING and self != TrialState.WAITING


def _constraint_json(value: Any) -> str:
    """A constraint value as JSON: an infinity (Optuna takes one: +inf violated, -inf
    satisfied) as 1e999 or -1e999, JSON numbers that read back as one (libknob writes
    them so)."""
    if isinstance(value, float) and math.isinf(value):
        return "1e999" if value > 0 else "-1e999"
    return json.dumps(value, allow_nan=False, default=_lib.json_default)


def _attr_key(key: Any, method: str) -> str:
    """An attribute's key as libknob takes it, a string. Optuna 5 takes any hashable key: its
    in-memory storage keeps it as given ({1: 2}), its RDB storages store str(key)
    ({"1": 2}); knob takes str(key), as those do (as _param_name takes a name). An
    unhashable key, which Optuna refuses too, is refused naming the argument."""
    if isinstance(key, str):
        return key
    try:
        hash(key)
    except TypeError:
        raise TypeError("%s: `key` must be a str, got %r" % (method, key)) from None
    return str(key)


def _attr_json(key: str, value: Any) -> bytes:
    try:
        if key == "constraints" and isinstance(value, (list, tuple)):
            return _lib.enc("[" + ", ".join(_constraint_json(v) for v in value) + "]")
        if key.startswith(_NAMED):
            return _lib.enc(_constraint_json(value))
        if key == "fixed_params":  # shown as it is by knob trials, compact as its others
            return _lib.enc(json.dumps(value, allow_nan=False, default=_lib.json_default, separators=(",", ":")))
        return _lib.enc(json.dumps(value, allow_nan=False, default=_lib.json_default))
    except (TypeError, ValueError) as e:
        raise ValueError("attribute %r: %r is not JSON serializable (%s)" % (key, value, e)) from None


# Optuna 5's constraints set by name (set_constraint): the system attribute
# "constraints:<name>" each. libknob reads one list, the system attribute "constraints":
# constraints_func's values, then these in the order of their names.
_NAMED = "constraints:"


def _constraint_value(key: str, value: Any) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise TypeError("The `value` argument is of type '%s' but supposed to be a float." % type(value).__name__) from None
    if math.isnan(value):
        raise ValueError("Attempted to set a constraint for %r, but NaN is not allowed." % key)
    return value


def _named_constraints(attrs: Dict[str, Any]) -> list:
    return sorted((k[len(_NAMED) :], v) for k, v in attrs.items() if k.startswith(_NAMED))


def _constraints_list(listed, attrs: Dict[str, Any]) -> list:
    """The list of constraint values libknob stores: `listed` (constraints_func's, or the
    list a trial holds as Optuna holds it), then the named ones."""
    return list(listed) + [v for _, v in _named_constraints(attrs)]


def _constraints_dict(attrs: Dict[str, Any]) -> Dict[str, float]:
    """Optuna's trial.constraints: constraints_func's values by index ("0", "1" ...), then
    those set by name."""
    out = {str(i): v for i, v in enumerate(attrs.get("constraints") or ())}
    out.update(_named_constraints(attrs))
    return out


def _as_float(v: Any) -> Any:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v


def _constraints_read(attrs: Dict[str, Any]) -> Dict[str, Any]:
    """System attributes read back from libknob (`attrs`, changed in place and returned)
    as Optuna's trial holds them: constraints_func's values the tuple of floats Optuna
    stores ("constraints"; JSON gave -1 for -1.0), without the named ones knob appended
    for libknob (the key gone when nothing else is left), and each named value a float."""
    for k, v in attrs.items():
        if k.startswith(_NAMED):
            attrs[k] = _as_float(v)
    listed = attrs.get("constraints")
    if not isinstance(listed, list):
        return attrs
    listed = [_as_float(v) for v in listed]
    named = [v for _, v in _named_constraints(attrs)]
    if named and listed[-len(named) :] == named:
        listed = listed[: -len(named)]
        if not listed:  # set_constraint's alone (a constraints_func's [] with them reads so too)
            del attrs["constraints"]
            return attrs
    attrs["constraints"] = tuple(listed)
    return attrs


def _constraint_set(attrs: Dict[str, Any], key: str) -> bool:
    if _NAMED + key in attrs:
        warnings.warn("The constraint value is ignored because this constraint `key=%r` is already set." % key, stacklevel=3)
        return True
    return False


def _step(step: Any) -> int:
    """report's step as an int: an int, a NumPy integer, or a float that is whole (2.0).
    A fraction is a ValueError and a string, a bool or None a TypeError, each naming the
    step. Optuna takes int(step): 1.5 is step 1 (its value then dropped as a repeat of
    step 1, with a warning naming a step never given) and "2" step 2."""
    if not _args._is_bool(step):
        try:
            return operator.index(step)
        except TypeError:
            pass
        if isinstance(step, numbers.Real):
            f = float(step)
            if math.isfinite(f) and f.is_integer():
                return int(step)
            raise ValueError("The `step` argument is %r but supposed to be an int (a whole number)." % step)
    raise TypeError("The `step` argument %r is of type '%s' but supposed to be an int." % (step, type(step).__name__))


def _numbers(method: str, name: Any, **args: Any) -> None:
    """The bounds and step of a suggest_* call, checked to be numbers (an int, a float, a
    NumPy number, a Decimal; step=None of suggest_float too): anything else is a TypeError
    naming the param and the argument, where Optuna raises one from comparing it (and
    ctypes would raise its ArgumentError, no TypeError)."""
    for arg, v in args.items():
        if isinstance(v, (numbers.Real, decimal.Decimal)) or (v is None and arg == "step" and method == "suggest_float"):
            continue
        if v is not None and not isinstance(v, (str, bytes, complex)):
            try:  # a 0-d array (NumPy, a tensor) or another object float() takes, as Optuna does
                float(v)
                continue
            except (TypeError, ValueError):
                pass
        raise TypeError(
            "%s: param %r: `%s` must be a number (int or float), got %r (%s)" % (method, name, arg, v, type(v).__name__)
        )


def _choices(name: Any, choices: Any) -> None:
    """suggest_categorical's choices, checked to be a sequence (a list or a tuple), as Optuna
    takes len() of them: anything else is a TypeError naming the param."""
    try:
        len(choices)
        iter(choices)
    except TypeError:
        raise TypeError(
            "suggest_categorical: param %r: `choices` must be a sequence of choices (a list or a tuple), got %r (%s)"
            % (name, choices, type(choices).__name__)
        ) from None


def _inconsistent(name: str, old: BaseDistribution, new: BaseDistribution, stacklevel: int) -> None:
    """Optuna's warning when a trial suggests a name again with other bounds (or step):
    the first value stays."""
    if old != new:
        warnings.warn(
            'Inconsistent parameter values for distribution with name "%s"! '
            "This might be a configuration mistake. "
            "Optuna allows to call the same distribution with the same "
            "name more than once in a trial. "
            "When the parameter values are inconsistent optuna only "
            "uses the values of the first call and ignores all following. "
            "Using these values: %s" % (name, old._asdict()),
            RuntimeWarning,
            stacklevel=stacklevel + 1,
        )


class BaseTrial:
    """The base of every kind of trial (Trial, FrozenTrial, FixedTrial), as Optuna's: it
    holds Optuna 2's suggest_* names, kept by Optuna (with a FutureWarning) on each."""

    def suggest_uniform(self, name: str, low: float, high: float) -> float:
        _deprecated_suggest("suggest_uniform", "suggest_float")
        return self.suggest_float(name, low, high)

    def suggest_loguniform(self, name: str, low: float, high: float) -> float:
        _deprecated_suggest("suggest_loguniform", "suggest_float(..., log=True)")
        return self.suggest_float(name, low, high, log=True)

    def suggest_discrete_uniform(self, name: str, low: float, high: float, q: float) -> float:
        _deprecated_suggest("suggest_discrete_uniform", "suggest_float(..., step=...)")
        return self.suggest_float(name, low, high, step=q)


class _FixedSuggest(BaseTrial):
    """suggest_* of a trial whose params are given (FrozenTrial, FixedTrial): each call builds the
    distribution and hands it to the class's _suggest, which checks the given value against it."""

    def suggest_float(self, name: str, low: float, high: float, *, step: Optional[float] = None, log: bool = False) -> float:
        _numbers("suggest_float", name, low=low, high=high, step=step)
        return self._suggest(name, FloatDistribution(low, high, log=log, step=step))

    def suggest_int(self, name: str, low: int, high: int, step: int = 1, log: bool = False) -> int:
        _numbers("suggest_int", name, low=low, high=high, step=step)
        return int(self._suggest(name, IntDistribution(low, high, log=log, step=step)))

    def suggest_categorical(self, name: str, choices: Sequence[Any]) -> Any:
        _choices(name, choices)
        return self._suggest(name, CategoricalDistribution(choices))


def _kind_of(d: BaseDistribution) -> tuple:
    """What Optuna's check_distribution_compatibility compares of a distribution: its
    kind, its log scale, a categorical's choices (Study._param_kind)."""
    if isinstance(d, CategoricalDistribution):
        return ("categorical", False, d.choices)
    return ("int" if isinstance(d, IntDistribution) else "float", bool(d.log), None)


_FLOAT, _LOG_FLOAT, _INT, _LOG_INT = ("float", False, None), ("float", True, None), ("int", False, None), ("int", True, None)


class Trial(BaseTrial):
    """A running trial: params are suggested as it runs. Made by Study.ask and
    Study.optimize; its methods hold the storage's lock while they call libknob."""

    def __init__(self, study, handle: int) -> None:
        self.study = study
        self._h = handle
        self._lock = study._storage._lock
        self._number = _lib.lib.knob_trial_number(handle)
        self._trial_id = _lib.lib.knob_trial_id(handle)
        self._params: Dict[str, Any] = {}
        self._distributions: Dict[str, BaseDistribution] = {}
        self._user_attrs: Dict[str, Any] = {}
        self._system_attrs: Dict[str, Any] = {}
        self._steps: set = set()  # the steps reported
        self._diverged: list = []  # the reports of a NaN or an infinity (libknob stores none)
        # a handle opened on the trial just before its tell (Study._tell): should_prune
        # answers after the tell too, as Optuna's. It hangs on the Study's study handle,
        # which moves it onto the next when replaced (Study._keep, Study._replace)
        self._after: Optional[int] = None
        self._told = False  # told by this process's Study._tell through its handle
        self._datetime_start = datetime.datetime.now()
        self._fixed: Optional[Dict[str, Any]] = None  # enqueued params, when this process enqueued
        self._eager = False  # params written as suggested (Study.ask)
        self._out_d = ctypes.c_double()
        self._out_i = ctypes.c_int64()
        self._out_z = ctypes.c_size_t()

    # ------------------------------------------------------------ suggestions

    def _handle(self) -> int:
        if self._h is None:
            raise UpdateFinishedTrialError("trial %d is finished: it takes no more suggestions or reports" % self._number)
        return self._h

    def _again(self, name: str, dist: BaseDistribution, warn: bool = False) -> Any:
        """A name this trial has suggested already gives its value, as Optuna's does for any
        distribution of the same kind and log scale (a categorical: the same choices), even
        another range; another kind, log scale or choices raise ValueError, as Optuna's.
        `warn` (suggest_float and suggest_int, as Optuna's): another range or step warns."""
        old = self._distributions[name]
        if isinstance(old, _LazyFloat):
            old = old.real()
        try:
            check_distribution_compatibility(old, dist)
        except ValueError as e:
            raise ValueError("param '%s': %s (trial %d has %r)" % (name, e, self._number, old)) from None
        if warn:
            _inconsistent(name, old, dist, 3)
        return self._params[name]

    def suggest_float(self, name: str, low: float, high: float, *, step: Optional[float] = None, log: bool = False) -> float:
        name = _param_name(name, "suggest_float")
        _numbers("suggest_float", name, low=low, high=high, step=step)
        if name in self._params:
            old = self._distributions[name]
            if isinstance(old, _LazyFloat) and old.args == (low, high, step, log):
                return self._params[name]  # the same again: no new warning of its step
            return self._again(name, FloatDistribution(low, high, log=log, step=step), warn=True)
        if step is not None and not step > 0:
            # libknob reads step 0 as no step: refused here, as Optuna refuses it
            raise ValueError("param '%s': `step > 0` must hold, but got step=%s." % (name, step))
        kind = _LOG_FLOAT if log else _FLOAT
        kinds = self.study._kinds
        if kinds.get(name) != kind:
            self._handle()  # a finished trial: UpdateFinishedTrialError first, as Optuna
            self.study._param_kind(name, kind, self._number)
        top = high
        if step is not None and not log and low <= high:
            # the end of the range as Optuna's FloatDistribution makes it (in decimal, with a
            # warning when step does not divide the range), given to libknob: its own end
            # (in binary, within 1e-9 of a step) could take one step more, past this one
            top = _adjust_high(low, high, step, name)
        out = self._out_d
        with self._lock:
            rc = _lib.lib.knob_trial_suggest_float(
                self._handle(), _lib.enc(name), low, top, step or 0.0, _lib.LOG if log else 0, ctypes.byref(out)
            )
            if rc:
                raise _lib.error(rc)
        v = out.value
        if step is not None:
            v = min(v, top)  # the top step in binary may round past it, as FloatDistribution clips
        if name not in self._params:
            kinds.setdefault(name, kind)
            self._distributions[name] = _LazyFloat(low, high, step, log, top)
            v = self._params[name] = self._check_fixed(name, v)
            if self._eager:
                self._flush()
        return v

    def suggest_int(self, name: str, low: int, high: int, step: int = 1, log: bool = False) -> int:
        name = _param_name(name, "suggest_int")
        _numbers("suggest_int", name, low=low, high=high, step=step)
        if low != int(low) or high != int(high) or step != int(step):
            # not whole (a bound given as len(data) / 10): Optuna's IntDistribution checks the
            # values given, then takes their int() (knob's IntDistribution too)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # of a step that does not divide: said below
                    IntDistribution(low, high, log=log, step=step)
            except ValueError as e:
                raise ValueError("param '%s': %s" % (name, e)) from None
            low, high, step = int(low), int(high), int(step)
        if name in self._params:
            return self._again(name, IntDistribution(low, high, log=log, step=step), warn=True)
        kind = _LOG_INT if log else _INT
        kinds = self.study._kinds
        if kinds.get(name) != kind:
            self._handle()  # a finished trial: UpdateFinishedTrialError first, as Optuna
            self.study._param_kind(name, kind, self._number)
        _check_int_range(name, low, high, step)
        out = self._out_i
        with self._lock:
            rc = _lib.lib.knob_trial_suggest_int(
                self._handle(), _lib.enc(name), int(low), int(high), int(step), _lib.LOG if log else 0, ctypes.byref(out)
            )
            if rc:
                raise _lib.error(rc)
        v = out.value
        if name not in self._params:
            kinds.setdefault(name, kind)
            self._params[name] = v
            self._distributions[name] = IntDistribution(low, high, log=log, step=step)
            self._check_fixed(name, v)
            if self._eager:
                self._flush()
        return v

    def suggest_categorical(self, name: str, choices: Sequence[Any]) -> Any:
        name = _param_name(name, "suggest_categorical")
        _choices(name, choices)
        dist = CategoricalDistribution(choices)
        return self._suggest(name, dist)

    def _suggest(self, name: str, dist: BaseDistribution) -> Any:
        name = _param_name(name, "ask")  # (a fixed distribution's, Study.ask)
        if name in self._params:
            return self._again(name, dist)
        kind = _kind_of(dist)
        kinds = self.study._kinds
        if kinds.get(name) != kind:
            self._handle()  # a finished trial: UpdateFinishedTrialError first, as Optuna
            self.study._param_kind(name, kind, self._number)
        _check_stored_choices(dist, name)
        _check_stored_ints(dist, name)
        out = self._out_d
        with self._lock:
            rc = _lib.lib.knob_trial_suggest(self._handle(), _lib.enc(name), ctypes.byref(dist._to_c()), ctypes.byref(out))
            if rc:
                raise _lib.error(rc)
        v = dist.to_external_repr(out.value)
        if name not in self._params:
            kinds.setdefault(name, kind)
            if isinstance(dist, CategoricalDistribution) and any(_stored_otherwise(c) for c in dist.choices):
                self.study._note_whole_floats(name, dist)
            self._distributions[name] = dist
            v = self._params[name] = self._check_fixed(name, v, 4)
            if self._eager:
                self._flush()
        return v

    def _flush(self) -> None:
        """Writes the params suggested so far (knob_trial_flush)."""
        with self._lock:
            if self._h is not None:
                _lib.check(_lib.lib.knob_trial_flush(self._h))

    def _check_fixed(self, name: str, value: Any, stacklevel: int = 3) -> Any:
        """The value a suggestion gives: an enqueued number it used as enqueued (1 for
        suggest_float, not 1.0), as Optuna returns its fixed value; else `value`. An
        enqueued value that does not fit the distribution is not used: libknob's sampler
        decides instead. Optuna uses such a value, with a warning; knob warns."""
        if self._fixed is None or name not in self._fixed:
            return value
        fixed = self._fixed[name]
        if _fixed_used(fixed, value):
            # (the value stored when the two differ in their last bits)
            as_given = isinstance(fixed, numbers.Real) and not isinstance(fixed, bool) and fixed == value
            # an int param: the int drawn, as Optuna's suggest_int takes int() of it
            return fixed if as_given and not isinstance(self._distributions[name], IntDistribution) else value
        warnings.warn(
            "Fixed parameter %s with value %r is out of range for distribution %r: trial %d "
            "takes the sampler's value %r instead." % (name, fixed, _real(self._distributions[name]), self._number, value),
            UserWarning,
            stacklevel=stacklevel,
        )
        return value

    # ------------------------------------------------------------ pruning

    def report(self, value: float, step: int) -> None:
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError("The `value` argument is of type '%s' but supposed to be a float." % type(value).__name__) from None
        step = _step(step)
        if step < 0:
            raise ValueError("The `step` argument is %d but cannot be negative." % step)
        if step >= 2**63 - 1:  # libknob's steps are 64-bit: 2**64 + 7 was step 7
            raise ValueError("The `step` argument is %d but knob's steps are below 2**63 - 1." % step)
        if step in self._steps and self._handle():  # libknob keeps the first value; Optuna warns of the second
            warnings.warn("The reported value is ignored because this `step=%d` is already reported." % step, stacklevel=2)
            return
        with self._lock:
            _lib.check(_lib.lib.knob_trial_report(self._handle(), step, value))
        self._steps.add(step)
        if not math.isfinite(value):
            self._diverged.append((step, value))

    def should_prune(self) -> bool:
        """The pruner's answer; after the tell too, as Optuna's: the pruner the study has
        then (Optuna asks study.pruner) reads the study as it is, this trial finished in it,
        and the values the trial reported. A trial told with no report kept nothing to ask
        about: False, as every pruner answers then."""
        out = ctypes.c_bool()
        with self._lock:
            h = self._h if self._h is not None else self._after
            if h is not None:
                # the kept handle (_after) is on the study's handle now, whatever replaced it
                rc = _lib.lib.knob_trial_should_prune(h, ctypes.byref(out))
                if rc == _lib.ESTATE and (h is self._after or self.study._finished(self._number)):
                    # a pruner that records in the trial (successive halving's rungs)
                    # refuses a finished one: Optuna's storage raises this when its pruner
                    # writes there after the tell
                    raise UpdateFinishedTrialError(
                        "Trial#%d has already finished and can not be updated." % self._number
                    ) from _lib.error(rc)
                _lib.check(rc)
            elif self._told:
                return False
            else:
                self._handle()  # UpdateFinishedTrialError
        return out.value

    def _keep_for_pruning(self) -> Optional[Exception]:
        """Opens a second handle on this trial, RUNNING still, before the tell frees the
        first, for should_prune after the tell. Not for a trial that reported nothing: every
        pruner answers False then without reading the study. Under NopPruner too, as the
        study's pruner may be replaced before should_prune asks (study.pruner = ...). Called
        by Study._tell, holding the lock. Returns the error to raise instead of the tell
        when the trial turned out finished already (told by number through another Study
        object or process): its handle is then kept instead (_finished_elsewhere)."""
        self._told = True
        if self._after is not None or not self._steps:
            return None
        out = ctypes.c_void_p()
        rc = _lib.lib.knob_study_open_trial(self.study._h, self._number, ctypes.byref(out))
        if rc == _lib.ESTATE:
            e = _lib.error(rc)
            self._finished_elsewhere()
            return e
        if rc:
            # the tell goes on; should_prune after it raises UpdateFinishedTrialError
            self._told = False
            return None
        for step, value in self._diverged:  # the divergence the first handle holds
            _lib.lib.knob_trial_report(out.value, step, value)
        self._after = out.value
        self.study._keep(out.value)
        return None

    def _finished_elsewhere(self) -> None:
        """This trial, running through this object's handle, was finished by number
        elsewhere (another Study object's tell, another process). knob_study_tell would
        refuse that handle and free it, after which should_prune could not answer: it is
        kept as the one a tell keeps (its reports are the trial's), and this object is told.
        Holding the lock."""
        h, self._h = self._h, None
        self.study._open.pop(self._number, None)
        self._told = True
        if h is None:
            return
        if self._after is not None:
            _lib.lib.knob_trial_detach(h)
            return
        self._after = h
        self.study._keep(h)

    def _let_go(self) -> None:
        """Frees the handle kept for should_prune (the tell failed). Holding the lock."""
        h, self._after = self._after, None
        self._told = False
        if h is not None:
            self.study._let_go_of(h)
            _lib.lib.knob_trial_detach(h)

    # ------------------------------------------------------------ attributes

    def set_user_attr(self, key: str, value: Any) -> None:
        key = _attr_key(key, "set_user_attr")
        j = _attr_json(key, value)
        with self._lock:
            _lib.check(_lib.lib.knob_trial_set_user_attr(self._handle(), _lib.enc(key), j))
        self._user_attrs[key] = json.loads(j)

    def set_system_attr(self, key: str, value: Any) -> None:
        _deprecated_attrs("set_system_attr")
        self._set_system_attr(key, value)

    def _set_system_attr(self, key: str, value: Any) -> None:
        key = _attr_key(key, "set_system_attr")
        j = _attr_json(key, value)
        with self._lock:
            _lib.check(_lib.lib.knob_trial_set_system_attr(self._handle(), _lib.enc(key), j))
        self._system_attrs[key] = json.loads(j)

    def set_constraint(self, key: str, value: float) -> None:
        """Optuna 5's constraint by name: the trial is feasible when every value is <= 0.
        Stored with the trial when it is told (COMPLETE or PRUNED), after constraints_func's."""
        value = _constraint_value(key, value)
        if not _constraint_set(self._system_attrs, key):
            self._set_system_attr(_NAMED + key, value)

    @property
    def constraints(self) -> Dict[str, float]:
        return _constraints_dict(self._system_attrs)

    # ------------------------------------------------------------ properties

    @property
    def number(self) -> int:
        return self._number

    @property
    def params(self) -> Dict[str, Any]:
        return dict(self._params)

    @property
    def distributions(self) -> Dict[str, BaseDistribution]:
        return {k: _real(d) for k, d in self._distributions.items()}

    @property
    def user_attrs(self) -> Dict[str, Any]:
        return dict(self._user_attrs)

    @property
    def system_attrs(self) -> Dict[str, Any]:
        _deprecated_attrs("system_attrs")
        return dict(self._system_attrs)

    @property
    def datetime_start(self) -> datetime.datetime:
        return self._datetime_start

    @property
    def relative_params(self) -> Dict[str, Any]:
        return {}

    @property
    def relative_search_space(self) -> Dict[str, BaseDistribution]:
        """Optuna's search space of the sampler's relative sampling: empty, as
        relative_params; knob's samplers propose their params in libknob."""
        return {}

    @property
    def storage(self):
        """The study's storage object, as Optuna's Trial.storage."""
        return self.study._storage

    def __repr__(self) -> str:
        return "Trial(number=%d, params=%r)" % (self._number, self._params)

    def __del__(self, _detach=_lib.lib.knob_trial_detach) -> None:  # bound: see Study.__del__
        h, after = self.__dict__.get("_h"), self.__dict__.get("_after")
        if h is not None or after is not None:
            # Not told (h): it stays RUNNING in the storage, as Optuna leaves it.
            self._h = self._after = None
            try:
                with self._lock:
                    if after is not None:
                        self.study._let_go_of(after)  # not to be moved any more (Study._replace)
                    for x in (h, after):
                        if x is not None:
                            _detach(x)
            except Exception:
                pass


class _LazyFloat:
    """A float distribution made only when asked for: suggest_float stays cheap."""

    __slots__ = ("args", "top")

    def __init__(self, low, high, step, log, top):
        self.args = (low, high, step, log)  # as suggested (the same call again is this param)
        self.top = top  # high as adjusted to the last step (suggest_float warns of it at each call, as Optuna)

    def real(self) -> FloatDistribution:
        low, _, step, log = self.args
        return FloatDistribution(low, self.top, log=log, step=step)

    @property
    def low(self):
        return self.args[0]

    @property
    def high(self):
        return self.top

    @property
    def step(self):
        return self.args[2]

    @property
    def log(self):
        return self.args[3]


def _fixed_used(fixed: Any, value: Any) -> bool:
    """Whether the suggested value is the enqueued one (numbers may be enqueued as text,
    as libknob accepts them; a bool for a number, or a number for a bool choice, as
    Python's == takes them, True for 1, as libknob does too)."""
    if value is None or fixed is None:
        return fixed is value
    if isinstance(value, bool) or isinstance(fixed, bool):
        return isinstance(value, numbers.Real) and isinstance(fixed, numbers.Real) and fixed == value
    if isinstance(value, int) and isinstance(fixed, numbers.Integral):
        # as ints: libknob reads an enqueued 2**53 + 1 as the double 2**53, which an int
        # param in [0, 2**53] then takes, and that is not the value enqueued
        return fixed == value
    if isinstance(value, (int, float)):
        try:
            f, v = float(fixed), float(value)
        except (TypeError, ValueError):
            return False
        # a stepped float's value as libknob snaps it to the grid (0.1 * 3 enqueued, 0.3
        # used): the same number but for the last bits
        return f == v or abs(f - v) <= 1e-12 * max(abs(f), abs(v))
    return fixed == value


def _param_name(name: Any, method: str) -> str:
    """A param's name as libknob takes it, a string. Optuna 5 takes any hashable name: its
    in-memory storage keeps it as given ({1: ...}), its RDB storages store str(name)
    ({"1": ...}). libknob's names are strings, so a name that is not one is taken as
    str(name), as those storages take it; an unhashable one, which Optuna refuses too
    (TypeError: unhashable type), is refused naming the argument."""
    if isinstance(name, str):
        return name
    try:
        hash(name)
    except TypeError:
        raise TypeError("%s: `name` must be a str (the param's name), got %r" % (method, name)) from None
    return str(name)


def _real(d):
    return d.real() if isinstance(d, _LazyFloat) else d


def _deprecated_attrs(name: str) -> None:
    """Optuna 3.1 deprecated the system attributes of studies and trials for users; knob
    keeps them, with Optuna 5's FutureWarning (which names v5.0.0 for their removal, and
    `name`, the method's or property's own: system_attrs, set_system_attr)."""
    _deprecated.warn(name, "3.1.0", "5.0.0", stacklevel=4)


def _deprecated_suggest(name: str, instead: str) -> None:
    """Optuna 3.0 deprecated suggest_uniform, suggest_loguniform and suggest_discrete_uniform:
    Optuna 5's FutureWarning, which says what to use instead."""
    _deprecated.warn(name, "3.0.0", "6.0.0", "Use %s instead." % instead, stacklevel=4)


# ---------------------------------------------------------------- FrozenTrial


class FrozenTrial(_FixedSuggest):
    """A trial as stored: its state, values, params with their distributions,
    intermediate values, attributes and times."""

    def __init__(
        self,
        number: int,
        state: TrialState,
        value: Optional[float],
        datetime_start: Optional[datetime.datetime],
        datetime_complete: Optional[datetime.datetime],
        params: Dict[str, Any],
        distributions: Dict[str, BaseDistribution],
        user_attrs: Dict[str, Any],
        system_attrs: Dict[str, Any],
        intermediate_values: Dict[int, float],
        trial_id: int,
        *,
        values: Optional[Sequence[float]] = None,
    ) -> None:
        if value is not None and values is not None:
            raise ValueError("Specify only one of `value` and `values`.")
        self._number = number
        self.state = TrialState(state)
        self._values = [float(value)] if value is not None else (None if values is None else [float(v) for v in values])
        self._datetime_start = datetime_start
        self.datetime_complete = datetime_complete
        self._params = dict(params)
        self._distributions = dict(distributions)
        self._user_attrs = dict(user_attrs)
        self._system_attrs = dict(system_attrs)
        self.intermediate_values = dict(intermediate_values)
        self._trial_id = trial_id

    # Optuna's FrozenTrial doubles as a trial whose params are fixed (_FixedSuggest).
    def _suggest(self, name: str, dist: BaseDistribution) -> Any:
        if name not in self._params:
            raise ValueError("The value of the parameter '%s' is not found. Please set it at the construction of the FrozenTrial object." % name)
        value = self._params[name]
        if not dist._contains(dist.to_internal_repr(value)):
            # the stored value is returned, as Optuna's FrozenTrial does (an objective run
            # again on study.best_trial after its range changed)
            warnings.warn(
                "The value %r of the parameter '%s' is out of the range of the distribution %r." % (value, name, dist),
                stacklevel=3,
            )
        if name in self._distributions:
            check_distribution_compatibility(self._distributions[name], dist)
        self._distributions[name] = dist
        return value

    def report(self, value: float, step: int) -> None:
        pass

    def should_prune(self) -> bool:
        return False

    def set_user_attr(self, key: str, value: Any) -> None:
        self._user_attrs[key] = value

    def set_system_attr(self, key: str, value: Any) -> None:
        _deprecated_attrs("set_system_attr")
        self._system_attrs[key] = value

    def set_constraint(self, key: str, value: float) -> None:
        value = _constraint_value(key, value)
        if not _constraint_set(self._system_attrs, key):
            self._system_attrs[_NAMED + key] = value

    @property
    def constraints(self) -> Dict[str, float]:
        return _constraints_dict(self._system_attrs)

    def _validate(self) -> None:
        if self._datetime_start is None and self.state != TrialState.WAITING:
            raise ValueError("`datetime_start` is supposed to be set when the trial is not waiting.")
        if self.state.is_finished() and self.datetime_complete is None:
            raise ValueError("`datetime_complete` is supposed to be set for a finished trial.")
        if not self.state.is_finished() and self.datetime_complete is not None:
            raise ValueError("`datetime_complete` is supposed to be None for an unfinished trial.")
        if self.state == TrialState.FAIL and self._values is not None:
            raise ValueError("values should be None for a failed trial, but got %s." % (self._values,))
        if self.state == TrialState.COMPLETE and self._values is None:
            raise ValueError("`value` is supposed to be set for a complete trial.")
        if self.state == TrialState.COMPLETE and any(math.isnan(v) for v in self._values):
            raise ValueError("`value` is supposed to be a number, not NaN, for a complete trial.")
        if set(self._params) != set(self._distributions):
            raise ValueError("Inconsistent parameters {} and distributions {}.".format(set(self._params), set(self._distributions)))
        for name, v in self._params.items():
            d = self._distributions[name]
            if not d._contains(d.to_internal_repr(v)):
                raise ValueError("The value {} of parameter '{}' isn't contained in the distribution {}.".format(v, name, d))

    @property
    def number(self) -> int:
        return self._number

    @number.setter
    def number(self, v: int) -> None:
        self._number = v

    @property
    def value(self) -> Optional[float]:
        if self._values is not None and len(self._values) > 1:
            raise RuntimeError("This attribute is not available during multi-objective optimization.")
        return self._values[0] if self._values else None

    @value.setter
    def value(self, v: Optional[float]) -> None:
        # as Optuna's: a trial of several objectives has no one value to set
        if self._values is not None and len(self._values) > 1:
            raise RuntimeError("This attribute is not available during multi-objective optimization.")
        self._values = None if v is None else [v]

    @property
    def values(self) -> Optional[list]:
        return None if self._values is None else list(self._values)

    @values.setter
    def values(self, v) -> None:
        self._values = None if v is None else list(v)

    @property
    def datetime_start(self) -> Optional[datetime.datetime]:
        return self._datetime_start

    @datetime_start.setter
    def datetime_start(self, v) -> None:
        self._datetime_start = v

    @property
    def params(self) -> Dict[str, Any]:
        return self._params

    @params.setter
    def params(self, v) -> None:
        self._params = v

    @property
    def distributions(self) -> Dict[str, BaseDistribution]:
        return self._distributions

    @distributions.setter
    def distributions(self, v) -> None:
        self._distributions = v

    @property
    def user_attrs(self) -> Dict[str, Any]:
        return self._user_attrs

    @user_attrs.setter
    def user_attrs(self, v) -> None:
        self._user_attrs = v

    @property
    def system_attrs(self) -> Dict[str, Any]:
        return self._system_attrs

    @system_attrs.setter
    def system_attrs(self, v) -> None:
        self._system_attrs = v

    @property
    def duration(self) -> Optional[datetime.timedelta]:
        if self._datetime_start and self.datetime_complete:
            return self.datetime_complete - self._datetime_start
        return None

    @property
    def last_step(self) -> Optional[int]:
        return max(self.intermediate_values) if self.intermediate_values else None

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, FrozenTrial):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __lt__(self, other: Any) -> bool:
        if not isinstance(other, FrozenTrial):
            return NotImplemented
        return self._number < other._number

    def __le__(self, other: Any) -> bool:  # as Optuna's: by number (>= and > through the reflection)
        if not isinstance(other, FrozenTrial):
            return NotImplemented
        return self._number <= other._number

    def __hash__(self) -> int:
        return hash(tuple(v for v in self.__dict__.values() if not isinstance(v, (dict, list))))

    def __repr__(self) -> str:
        return (
            "FrozenTrial(number={}, state={!r}, values={}, datetime_start={!r}, datetime_complete={!r}, "
            "params={}, user_attrs={}, system_attrs={}, intermediate_values={}, distributions={}, "
            "trial_id={}, value=None)".format(
                self._number,
                self.state,
                self._values,
                self._datetime_start,
                self.datetime_complete,
                self._params,
                self._user_attrs,
                self._system_attrs,
                self.intermediate_values,
                self._distributions,
                self._trial_id,
            )
        )


def _time(t: float) -> Optional[datetime.datetime]:
    return None if t != t else datetime.datetime.fromtimestamp(t)


def _json(text: bytes) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text.decode("utf-8", "replace")


def _frozen_from_info(info: _lib.TrialInfo, dist_cache: dict, choose=None, program=None, others=None) -> FrozenTrial:
    """A FrozenTrial copied from a borrowed knob_trial_info (`choose`: as _from_c's). With
    `program` (the study's _program.ProgramView), a trial whose program got its params
    (knob run's) shows them as it got them (`others`: as ProgramView.apply takes it)."""
    params = {}
    dists = {}
    for i in range(info.n_params):
        p = info.params[i]
        name = p.name.decode("utf-8")
        at = (ctypes.addressof(p.dist.contents), name)  # params of one distribution may read back apart
        d = dist_cache.get(at)
        if d is None:
            d = dist_cache[at] = _from_c(p.dist.contents, choose, name)
        params[name] = d.to_external_repr(p.internal)
        dists[name] = d
    state = TrialState(info.state)
    values = None
    # a PRUNED trial's value is its last intermediate value (one objective), as Optuna's; one
    # of several objectives that knob run pruned keeps each objective's last value (Optuna's
    # has none), which no front or best trial counts
    if state in (TrialState.COMPLETE, TrialState.PRUNED) and info.n_values:
        values = [info.values[i] for i in range(info.n_values)]
    inter = {}
    for i in range(info.n_intermediate):
        sv = info.intermediate[i]
        inter[sv.step] = sv.value
    user = {}
    for i in range(info.n_user_attrs):
        a = info.user_attrs[i]
        user[a.key.decode("utf-8")] = _json(a.json)
    system = {}
    for i in range(info.n_system_attrs):
        a = info.system_attrs[i]
        system[a.key.decode("utf-8")] = _json(a.json)
    _constraints_read(system)
    given = program.given(system, user) if program is not None else None
    if given is not None:
        program.apply(params, dists, given, others)
    return FrozenTrial(
        number=info.number,
        state=state,
        value=None,
        values=values,
        datetime_start=_time(info.start_time),
        datetime_complete=_time(info.end_time),
        params=params,
        distributions=dists,
        user_attrs=user,
        system_attrs=system,
        intermediate_values=inter,
        trial_id=info.id,
    )


def create_trial(
    *,
    state: TrialState = TrialState.COMPLETE,
    value: Optional[float] = None,
    values: Optional[Sequence[float]] = None,
    params: Optional[Dict[str, Any]] = None,
    distributions: Optional[Dict[str, BaseDistribution]] = None,
    user_attrs: Optional[Dict[str, Any]] = None,
    system_attrs: Optional[Dict[str, Any]] = None,
    intermediate_values: Optional[Dict[int, float]] = None,
    constraints: Optional[Dict[str, float]] = None,
) -> FrozenTrial:
    """A FrozenTrial to add to a study with Study.add_trial. `constraints` (Optuna 5's):
    values by name, set as FrozenTrial.set_constraint sets them; the trial is feasible
    when every one is <= 0."""
    params = params or {}
    distributions = distributions or {}
    distributions = {k: _convert_old(_real(d)) for k, d in distributions.items()}
    now = datetime.datetime.now()
    state = TrialState(state)
    t = FrozenTrial(
        number=-1,
        trial_id=-1,
        state=state,
        value=value,
        values=values,
        datetime_start=None if state == TrialState.WAITING else now,
        datetime_complete=now if state.is_finished() else None,
        params=params,
        distributions=distributions,
        user_attrs=user_attrs or {},
        system_attrs=system_attrs or {},
        intermediate_values=intermediate_values or {},
    )
    for key, v in (constraints or {}).items():
        t.set_constraint(key, v)
    t._validate()
    return t


class FixedTrial(_FixedSuggest):
    """A trial whose params are given, to run an objective outside a study."""

    def __init__(self, params: Dict[str, Any], number: int = 0) -> None:
        self._params = params
        self._suggested_params: Dict[str, Any] = {}
        self._distributions: Dict[str, BaseDistribution] = {}
        self._user_attrs: Dict[str, Any] = {}
        self._system_attrs: Dict[str, Any] = {}
        self._datetime_start = datetime.datetime.now()
        self._number = number

    def _suggest(self, name, dist):
        if name not in self._params:
            raise ValueError("The value of the parameter '%s' is not found. Please set it at the construction of the FixedTrial object." % name)
        value = self._params[name]
        if not dist._contains(dist.to_internal_repr(value)):
            warnings.warn("The value %r of the parameter '%s' is out of the range of the distribution %r." % (value, name, dist))
        if name in self._distributions:
            check_distribution_compatibility(self._distributions[name], dist)
        self._suggested_params[name] = value
        self._distributions[name] = dist
        return value

    def report(self, value, step):
        pass

    def should_prune(self):
        return False

    def set_user_attr(self, key, value):
        self._user_attrs[key] = value

    def set_system_attr(self, key, value):
        _deprecated_attrs("set_system_attr")
        self._system_attrs[key] = value

    def set_constraint(self, key: str, value: float) -> None:
        """Optuna 5's constraint by name, kept with the trial's system attributes."""
        value = _constraint_value(key, value)
        if not _constraint_set(self._system_attrs, key):
            self._system_attrs[_NAMED + key] = value

    @property
    def constraints(self) -> Dict[str, float]:
        return _constraints_dict(self._system_attrs)

    @property
    def params(self):
        return self._suggested_params

    @property
    def distributions(self):
        return self._distributions

    @property
    def user_attrs(self):
        return self._user_attrs

    @property
    def system_attrs(self):
        return self._system_attrs

    @property
    def datetime_start(self):
        return self._datetime_start

    @property
    def number(self):
        return self._number



__all__ = ["Trial", "FrozenTrial", "FixedTrial", "TrialState", "create_trial", "BaseTrial"]
