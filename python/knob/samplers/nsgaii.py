"""Optuna's optuna.samplers.nsgaii: the crossovers and the mutation NSGAIISampler and
NSGAIIISampler take, each a choice of libknob's nsga2 / nsga3 options (crossover,
swapping_prob, mutation, mutation_eta). Their arguments are Optuna's; knob's operators
have the others fixed at Optuna's defaults, so another value raises NotImplementedError
naming it. Crossovers and mutations written in Python (subclasses of BaseCrossover or
BaseMutation) are not supported: knob's operators run in libknob."""

from __future__ import annotations

from typing import Any, Dict, Optional


class BaseCrossover:
    """Optuna's base class of crossovers. knob's are libknob's; NSGAIISampler refuses a
    subclass written in Python."""

    _knob_name = ""
    n_parents = 0

    def __str__(self) -> str:
        return self.__class__.__name__

    def __repr__(self) -> str:
        return "%s()" % self.__class__.__name__

    def crossover(self, parents_params: Any, rng: Any, study: Any, search_space_bounds: Any) -> Any:
        raise NotImplementedError("%s: knob's crossovers run inside libknob's sampler, not in Python" % self)

    def _knob_options(self) -> Dict[str, Any]:
        return {"crossover": self._knob_name}


class BaseMutation:
    """Optuna's base class of mutations. knob's is libknob's; NSGAIISampler refuses a
    subclass written in Python."""

    _knob_name = ""

    def __str__(self) -> str:
        return self.__class__.__name__

    def mutation(self, param: float, rng: Any, study: Any, search_space_bounds: Any) -> float:
        raise NotImplementedError("%s: knob's mutations run inside libknob's sampler, not in Python" % self)

    def _knob_options(self) -> Dict[str, Any]:
        return {"mutation": self._knob_name}


def _fixed(cls: str, arg: str, value: Any, knob_value: Any, shown: str = "") -> None:
    """Refuses a value of an argument knob's operator has fixed (at Optuna's default)."""
    if value != knob_value:
        raise NotImplementedError(
            "%s(%s=%r): not supported by knob's sampler: its %s is fixed at Optuna's default, %s"
            % (cls, arg, value, arg, shown or repr(knob_value))
        )


def _probability(cls: str, arg: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("%s: `%s` must be a float, got %r" % (cls, arg, value))
    if not 0.0 <= value <= 1.0:
        raise ValueError("`%s` must be a float value within the range [0.0, 1.0]." % arg)
    return float(value)


def _eta(cls: str, value: Optional[float]) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("%s: `eta` must be a float or None, got %r" % (cls, value))
    if value < 0.0:
        raise ValueError("The value of `eta` must be greater than or equal to 0.0.")


class UniformCrossover(BaseCrossover):
    """Each param from either parent, the second with probability swapping_prob (knob's
    nsga2 option swapping_prob, which also crosses the categorical params)."""

    _knob_name = "uniform"
    n_parents = 2

    def __init__(self, swapping_prob: float = 0.5) -> None:
        self._swapping_prob = _probability("UniformCrossover", "swapping_prob", swapping_prob)

    def _knob_options(self) -> Dict[str, Any]:
        return {"crossover": "uniform", "swapping_prob": self._swapping_prob}


class BLXAlphaCrossover(BaseCrossover):
    _knob_name = "blxalpha"
    n_parents = 2

    def __init__(self, alpha: float = 0.5) -> None:
        _fixed("BLXAlphaCrossover", "alpha", alpha, 0.5)


class SBXCrossover(BaseCrossover):
    """Simulated binary crossover; eta None is Optuna's (20 with several objectives, else 2)."""

    _knob_name = "sbx"
    n_parents = 2

    def __init__(self, eta: Optional[float] = None, uniform_crossover_prob: float = 0.5, use_child_gene_prob: float = 0.5) -> None:
        cls = type(self).__name__
        _eta(cls, eta)
        _fixed(cls, "eta", eta, None, "None (20 with several objectives, else 2)")
        _fixed(cls, "uniform_crossover_prob", uniform_crossover_prob, 0.5)
        _fixed(cls, "use_child_gene_prob", use_child_gene_prob, 0.5)


class VSBXCrossover(SBXCrossover):
    """Modified simulated binary crossover; its arguments as SBXCrossover's."""

    _knob_name = "vsbx"


class UNDXCrossover(BaseCrossover):
    _knob_name = "undx"
    n_parents = 3

    def __init__(self, sigma_xi: float = 0.5, sigma_eta: Optional[float] = None) -> None:
        _fixed("UNDXCrossover", "sigma_xi", sigma_xi, 0.5)
        _fixed("UNDXCrossover", "sigma_eta", sigma_eta, None, "None (0.35 / sqrt(number of params))")


class SPXCrossover(BaseCrossover):
    _knob_name = "spx"
    n_parents = 3

    def __init__(self, epsilon: Optional[float] = None) -> None:
        _fixed("SPXCrossover", "epsilon", epsilon, None, "None (sqrt(number of params + 2))")


class PolynomialMutation(BaseMutation):
    """Deb's polynomial mutation of a mutated param (knob's nsga2 options mutation=polynomial
    and mutation_eta)."""

    _knob_name = "polynomial"

    def __init__(self, eta: float = 20.0) -> None:
        if isinstance(eta, bool) or not isinstance(eta, (int, float)):
            raise TypeError("PolynomialMutation: `eta` must be a float, got %r" % (eta,))
        if eta < 0:
            raise ValueError("`eta` must be a non-negative float value.")
        self._eta = float(eta)

    def _knob_options(self) -> Dict[str, Any]:
        return {"mutation": "polynomial", "mutation_eta": self._eta}


_CROSSOVERS = (UniformCrossover, BLXAlphaCrossover, SBXCrossover, VSBXCrossover, UNDXCrossover, SPXCrossover)

__all__ = [
    "BaseCrossover",
    "BaseMutation",
    "BLXAlphaCrossover",
    "PolynomialMutation",
    "SBXCrossover",
    "SPXCrossover",
    "UNDXCrossover",
    "UniformCrossover",
    "VSBXCrossover",
]
