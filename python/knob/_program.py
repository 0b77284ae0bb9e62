"""The params of a study's trials as their program got them. `knob run` records in each trial
what its program got (the system attribute "program_params"), and holds some params in the
library otherwise: the normal family and weighted values as a quantile, inv_log_uniform_values
as its reciprocal, q_log_uniform_values before its rounding. A FrozenTrial of such a trial
shows the program's values, with the distributions of those values that knob run stores with
the study ("program_distributions": the held distribution and the shown one, per param)."""

from __future__ import annotations

import json
import math
from typing import Any, Callable, Dict, Iterable, Optional, Tuple

from .distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution, json_to_distribution

GIVEN = "program_params"  # a trial's system attribute: the params its program got
ATTR = "program_distributions"  # the study's system attribute of their distributions
_MISSING = object()


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _text(v: Any) -> str:
    """A list or mapping as its JSON text, as knob holds one as a choice."""
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def _lookup(given: Dict[str, Any], name: str, path: Optional[list] = None) -> Any:
    """Param `name`'s value in the program's JSON: by its path (nested params nest), else as
    one key, else nested at some dot of the name; _MISSING when it is not there."""
    if path:
        v: Any = given
        for k in path:
            if not isinstance(v, dict) or k not in v:
                return _MISSING
            v = v[k]
        return v
    if name in given:
        return given[name]
    at = name.find(".")
    while at > 0:
        inner = given.get(name[:at])
        if isinstance(inner, dict):
            v = _lookup(inner, name[at + 1 :])
            if v is not _MISSING:
                return v
        at = name.find(".", at + 1)
    return _MISSING


def _same(held: Any, given: Any) -> bool:
    """Whether the library's value of a param is the one the program got: the same value,
    a number within its last digits (knob run writes a float in at most 15 digits), or the
    JSON text of the list, mapping or long integer the program got."""
    if isinstance(held, str) and not isinstance(given, str):
        try:
            return json.loads(held) == given
        except ValueError:
            return False
    if _number(held) and _number(given):
        return held == given or abs(held - given) <= 1e-9 * max(abs(held), abs(given))
    return type(held) is type(given) and held == given


def _fit(dist: BaseDistribution, v: Any) -> Tuple[Any, Optional[BaseDistribution]]:
    """v as a value of dist (a list or mapping as the choice of its JSON text, a whole
    number as an int of an IntDistribution), and dist, widened to take v when v is a
    number a little outside its range (a value written in 15 digits); None when dist
    cannot take v (the sweep was edited since the trial ran)."""
    if isinstance(dist, CategoricalDistribution):
        if isinstance(v, (list, dict)):
            v = next((c for c in dist.choices if isinstance(c, str) and _same(c, v)), _text(v))
        try:
            dist.to_internal_repr(v)
        except ValueError:
            return v, None
        return v, dist
    if not _number(v) or not math.isfinite(v):
        return v, None
    if isinstance(dist, IntDistribution):
        if v != int(v):
            return v, None
        v = int(v)
        if dist._contains(float(v)):
            return v, dist
        low, high = min(dist.low, v), max(dist.high, v)
        log = dist.log and low >= 1
        step = dist.step if not log and (v - dist.low) % dist.step == 0 else 1
        return v, IntDistribution(low, high - (high - low) % step, log=log, step=step)
    v = float(v)
    if dist._contains(v):
        return v, dist
    low, high = min(dist.low, v), max(dist.high, v)
    return v, FloatDistribution(low, high, log=dist.log and low > 0)


def _held_dist(d: Any) -> Optional[BaseDistribution]:
    try:
        return json_to_distribution(json.dumps(d))
    except (TypeError, ValueError, KeyError):
        return None


class ProgramView:
    """What a study says of its trials' program values: whether knob run stored a sweep with
    it (an older knob kept a trial's program values as its user attribute "params"), and the
    distributions of the params it holds otherwise. Read again for each read of the study's
    trials that builds a trial anew (Study._program_view)."""

    def __init__(self, attrs: Callable[[Callable[[str, bytes], None]], None]) -> None:
        self.swept = False
        self.entries: Dict[str, Tuple[Optional[list], BaseDistribution, BaseDistribution]] = {}
        raw: Dict[str, bytes] = {}

        def take(key: str, text: bytes) -> None:
            if key == "sweep":
                self.swept = True
            elif key == ATTR:
                raw["d"] = text

        attrs(take)
        try:
            described = json.loads(raw["d"]) if "d" in raw else {}
        except ValueError:
            described = {}
        for name, e in described.items() if isinstance(described, dict) else ():
            if not isinstance(e, dict):
                continue
            path = e.get("path") if isinstance(e.get("path"), list) else None
            held, shown = _held_dist(e.get("held")), _held_dist(e.get("shown"))
            if held is not None and shown is not None:
                self.entries[name] = (path, held, shown)
        self._fallback: Dict[str, BaseDistribution] = {}
        self.fell_back = 0  # the params given a distribution of the trials' values

    def given(self, system: Dict[str, Any], user: Dict[str, Any]) -> Optional[Dict[str, Any]]:
        """The params the trial's program got, or None (a trial made from Python or C)."""
        g = system.get(GIVEN)
        if isinstance(g, dict):
            return g
        if GIVEN not in system and self.swept and isinstance(user.get("params"), dict):
            return user["params"]
        return None

    def apply(self, params: Dict[str, Any], dists: Dict[str, BaseDistribution], given: Dict[str, Any], others) -> None:
        """Puts the program's values of the trial's params in params and dists: by the
        study's stored distributions where the trial holds the param as they say; else,
        where the library's value is not the program's (a study of a knob older than those
        records, or a sweep edited since), by a distribution of the values of every trial
        of the study (`others()`: the program values of each, as given gives them)."""
        for name in list(params):
            entry = self.entries.get(name)
            v = _lookup(given, name, entry[0] if entry else None)
            if v is _MISSING:
                continue
            if entry is not None and entry[1] == dists[name]:
                fitted, d = _fit(entry[2], v)
                if d is not None:
                    params[name], dists[name] = fitted, d
                    continue
            if _same(params[name], v):
                continue
            self.fell_back += 1
            d = self._fallback.get(name)
            if d is None:
                d = self._fallback[name] = self._of_values(name, dists[name], others(), v)
            fitted, widened = _fit(d, v)
            if widened is None:  # a value of another kind than the others': its own
                widened = CategoricalDistribution([fitted])
            params[name], dists[name] = fitted, widened

    def _of_values(self, name: str, held: BaseDistribution, given: Iterable[Dict[str, Any]], v: Any) -> BaseDistribution:
        """The distribution of the program's values of `name` in the study's trials (and v):
        numbers as an int or float range (on a log scale when the library's is and they
        are > 0), else the values as choices, in the order first met."""
        values = [v]
        for g in given:
            x = _lookup(g, name)
            if x is not _MISSING:
                values.append(x)
        if all(_number(x) and math.isfinite(x) for x in values):
            low, high = min(values), max(values)
            log = bool(getattr(held, "log", False))
            if all(isinstance(x, int) for x in values):
                return IntDistribution(int(low), int(high), log=log and low >= 1)
            return FloatDistribution(float(low), float(high), log=log and low > 0)
        choices, seen = [], set()
        for x in values:
            x = _text(x) if isinstance(x, (list, dict)) else x
            key = (type(x), x)
            if key not in seen:
                seen.add(key)
                choices.append(x)
        return CategoricalDistribution(choices)
