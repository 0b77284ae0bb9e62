"""Samplers, with Optuna's class and argument names, each made as one of libknob's
samplers (`knob samplers` lists them with their options). An argument left out takes
knob's default for that sampler; an Optuna argument knob's sampler has no counterpart
for is accepted while it keeps its default, and refused (NotImplementedError) when a
value given would change the search. Any option of the knob sampler can also be given
by its knob name as a keyword argument (TPESampler(startup="sobol"))."""

from __future__ import annotations

import contextlib
import ctypes
import json
import math
import os
import numbers
import threading
import warnings
from typing import Any, Dict, Hashable, Iterator, Mapping, Optional, Sequence

from .. import _deprecated, _lib
from .._args import UNSET as _UNSET
from .._args import arg as _arg
from .._args import choice as _choice
from .._args import seed as _seed
from ..distributions import _is_bool
from . import nsgaii
from .nsgaii import (  # noqa: F401: knob.samplers.SBXCrossover ... as before knob.samplers.nsgaii
    BLXAlphaCrossover,
    SBXCrossover,
    SPXCrossover,
    UNDXCrossover,
    UniformCrossover,
    VSBXCrossover,
)


class BaseSampler:
    """A knob sampler: its name and options. A new libknob sampler is made for each study
    it is given to; a seeded one given to several studies draws differently in each, as
    Optuna's draws on from its random stream (_serving). (Samplers written in Python are
    not supported: write them in C, as knob's plugins, docs/plugins.md.)"""

    _knob_name = ""
    _constraints_func = None

    # knob's option names that differ from the class's arguments, for the messages
    _argument_names: Dict[str, str] = {}

    def __init__(self, **options: Any) -> None:
        self._options: Dict[str, Any] = {k: v for k, v in options.items() if v is not _UNSET and v is not None}
        self._storage_url("warm_start_storage")
        for k, v in self._options.items():  # a value that is not JSON: TypeError, when made
            _lib.option_text(self.__class__.__name__, k, v)
        if self._knob_name:
            # what libknob refuses (a value past its range, a misspelt keyword) is raised here,
            # as Optuna's constructors raise it; it was a KnobValueError from create_study
            _lib.check_options(
                self.__class__.__name__, "sampler", self._make, _lib.lib.knob_sampler_free, self._argument_names
            )

    def _storage_url(self, key: str) -> None:
        """Option `key` given a storage object (an RDBStorage, as create_study takes one) is
        its URL; an InMemoryStorage has none another handle can open: ValueError."""
        v = self._options.get(key)
        url = getattr(v, "url", None) if v is not None and not isinstance(v, (str, os.PathLike)) else None
        if not isinstance(url, str):
            return
        if url == "memory:":
            raise ValueError(
                "%s: %s: a study in an InMemoryStorage is found only through that storage: give "
                "warm_start_study alone, with the source made in the storage of the study it starts "
                "(create_study(storage=that storage)), or keep the source in a database "
                "(\"sqlite:///source.db\")" % (self.__class__.__name__, key)
            )
        self._options[key] = url

    def _make(self, nth: int = 0) -> int:
        """A libknob sampler for the `nth` study (counted from 0) this object serves
        (_serving): a seed given is that study's (_nth_seed)."""
        if not self._knob_name:
            raise NotImplementedError(
                "%s: samplers written in Python are not supported by knob: write it in C as a "
                "plugin (docs/plugins.md), then use KnobSampler(name)" % self.__class__.__name__
            )
        options = self._options
        if nth and options.get("seed") is not None:
            options = dict(options, seed=_nth_seed(options["seed"], nth))
        keys, vals, n = _lib.pairs(options, self.__class__.__name__)
        out = ctypes.c_void_p()
        _lib.check(
            _lib.lib.knob_sampler_create_pairs(_lib.enc(self._knob_name), keys, vals, n, ctypes.byref(out)),
            "%s" % self.__class__.__name__,
        )
        return out.value

    @contextlib.contextmanager
    def _serving(self, study: Hashable, created: bool) -> Iterator[int]:
        """The number of the study `study` (a key naming it: its storage and name) among
        the studies this object served, for _make; counted when the block opening it ends
        without an exception. Optuna's sampler, given to a second study, draws on from its
        random stream: here each study this object is given to takes a seed of its own,
        derived from the seed and that number, so a benchmark loop that reuses one seeded
        sampler runs differently in each study, and as reproducibly. A study it served
        already (a worker's load_study, a new pruner) keeps its number, and so its draws;
        one `created` (made again after a delete) takes a new one."""
        with _serving_lock:
            served = self.__dict__.setdefault("_served", {})
            nth = None if created else served.get(study)
            if nth is None:
                nth = self.__dict__.get("_n_served", 0)
            yield nth
            served[study] = nth
            self._n_served = max(self.__dict__.get("_n_served", 0), nth + 1)

    def reseed_rng(self) -> None:
        """As Optuna's, which seeds its random stream from the OS: the seed is dropped, and
        each study this object is given to afterwards draws from a seed of the OS's."""
        self._options.pop("seed", None)

    def __repr__(self) -> str:
        return "%s(%s)" % (self.__class__.__name__, ", ".join("%s=%r" % kv for kv in self._options.items()))


# held while a study is opened with a sampler, so studies opened at once on one sampler
# (from threads) take numbers of their own (BaseSampler._serving)
_serving_lock = threading.RLock()


def _nth_seed(seed: int, nth: int) -> int:
    """The seed of the `nth` study a sampler given `seed` serves: `seed` itself for the
    first (nth 0), so a study with a fresh sampler draws as it always did; for the others,
    SplitMix64's mix of the seed and nth, as a signed 64-bit integer (libknob's seed)."""
    if nth == 0:
        return seed
    mask = (1 << 64) - 1
    z = (seed + nth * 0x9E3779B97F4A7C15) & mask
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    z ^= z >> 31
    return z - (1 << 64) if z >> 63 else z


def _constraints(cls: str, func) -> Any:
    """Optuna's constraints_func: called on each COMPLETE or PRUNED trial before it is told;
    its values (each satisfied when <= 0) are stored with the trial
    (knob_trial_set_constraints), best_trial / best_trials count feasible trials only, and
    the sampler steers away from infeasible regions (tpe, gp and nsga2 read them)."""
    if func is not None and not callable(func):
        raise TypeError("%s: constraints_func must be callable" % cls)
    if func is not None:  # Optuna 5 deprecated it, for Trial.set_constraint
        _deprecated.argument("constraints_func", "5.0.0", "7.0.0", "Use `optuna.trial.Trial.set_constraint` instead.")
    return func


def _unsupported(cls: str, arg: str, why: str = "") -> NotImplementedError:
    return NotImplementedError("%s(%s=...): not supported by knob's sampler%s" % (cls, arg, ": " + why if why else ""))


class RandomSampler(BaseSampler):
    _knob_name = "random"

    def __init__(self, seed: Optional[int] = None, **options: Any) -> None:
        super().__init__(seed=_seed("RandomSampler", seed), **options)


class GridSampler(BaseSampler):
    """Every point of the grid once, across workers; then the study stops."""

    _knob_name = "grid"

    def __init__(self, search_space: Dict[str, Sequence[Any]], seed: Optional[int] = None, **options: Any) -> None:
        if not isinstance(search_space, Mapping):
            raise TypeError("GridSampler: `search_space` must be a dict of param names to lists of values, got %r" % (search_space,))
        seed = _seed("GridSampler", seed)
        space = {}
        for name, values in search_space.items():
            if not isinstance(name, str):
                # json.dumps would make 1 the param "1", and {1: ..., "1": ...} one param
                raise TypeError("GridSampler: param names must be strings, got %r (%s)" % (name, type(name).__name__))
            if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
                raise ValueError("GridSampler: the values of %r must be a list" % name)
            space[name] = list(values)
            if not space[name]:
                raise ValueError("GridSampler: param %r has no values" % name)
            for i, v in enumerate(space[name]):
                _check_grid_value(name, i, v)
        text = json.dumps(space, default=_lib.json_default)
        self._search_space = space
        super().__init__(search_space=text, seed=seed, **options)

    def is_exhausted(self, study: Any) -> bool:
        """Whether every point of the grid has a finished trial in `study`, as Optuna 5's
        (a point a running trial holds is not done yet). knob's grid sampler marks each
        trial's point in its system attribute grid_id, as Optuna's. A trial that a stop of
        knob run interrupted (fail_cause "interrupted") did not run its point: libknob runs
        it again, and it is not done."""
        total = math.prod(len(v) for v in self._search_space.values())
        done = set()
        for t in study.get_trials(deepcopy=False):
            gid = t.system_attrs.get("grid_id")
            if t.state.name == "FAIL" and t.system_attrs.get("fail_cause") == "interrupted":
                continue
            if t.state.is_finished() and isinstance(gid, int) and not isinstance(gid, bool) and 0 <= gid < total:
                done.add(gid)
        return len(done) == total


def _check_grid_value(name: str, i: int, v: Any) -> None:
    """Optuna's GridSampler takes None, bool, int, float and str. Each is checked here,
    before libknob reads the grid as JSON, so that a refusal names the param, the value and
    its index (libknob names the param and the index, and says a NaN is no JSON value). A NaN or infinite value is refused as suggest_categorical refuses one: knob stores
    params as JSON, which holds neither. NumPy's scalars count as the values they hold."""
    if v is None or isinstance(v, str) or _is_bool(v):
        return
    numpy = type(v).__module__ == "numpy"
    if isinstance(v, (int, float)) or (numpy and isinstance(v, numbers.Real)):
        if isinstance(v, numbers.Integral) or math.isfinite(v):
            return
        raise ValueError(
            "GridSampler: param %r contains %r at index %d: knob's grid holds None, bool, int, "
            "str and finite floats (it is stored as JSON, which holds no NaN or infinity)" % (name, v, i)
        )
    raise TypeError(
        "GridSampler: param %r contains %r (%s) at index %d: a grid's values must be None, "
        "bool, int, float or str" % (name, v, type(v).__name__, i)
    )


def default_gamma(x: int) -> int:
    """Optuna's default gamma: min(ceil(0.1 x), 25) (knob: gamma_strategy linear, beta 0.1)."""
    return min(int(math.ceil(0.1 * x)), 25)


def hyperopt_default_gamma(x: int) -> int:
    """Hyperopt's gamma: min(ceil(0.25 sqrt(x)), 25) (knob: gamma_strategy sqrt, beta 0.25)."""
    return min(int(math.ceil(0.25 * x**0.5)), 25)


def default_weights(x: int):
    """Optuna's default weights, old observations ramped down after 25 (knob: weights optuna)."""
    import numpy as np

    if x == 0:
        return np.asarray([])
    if x < 25:
        return np.ones(x)
    ramp = np.linspace(1.0 / x, 1.0, num=x - 25)
    return np.concatenate([ramp, np.ones(25)], axis=0)


class TPESampler(BaseSampler):
    """knob's tpe: the Tree-structured Parzen Estimator."""

    _knob_name = "tpe"

    @_deprecated.positional(
        ["self", "consider_prior", "prior_weight", "consider_magic_clip", "consider_endpoints",
         "n_startup_trials", "n_ei_candidates", "gamma", "weights", "seed"],
        "4.4.0",
        "6.0.0",
    )
    def __init__(
        self,
        *,
        consider_prior: Optional[bool] = None,
        prior_weight: Optional[float] = None,
        consider_magic_clip: Optional[bool] = None,
        consider_endpoints: Optional[bool] = None,
        n_startup_trials: int = _UNSET,
        n_ei_candidates: int = _UNSET,
        gamma=None,
        weights=None,
        seed: Optional[int] = None,
        multivariate: bool = _UNSET,
        group: bool = _UNSET,
        warn_independent_sampling: Optional[bool] = None,
        constant_liar: bool = _UNSET,
        constraints_func=None,
        categorical_distance_func=None,
        **options: Any,
    ) -> None:
        cls = "TPESampler"
        # Optuna 5 deprecated these: given (not None, their default there), each warns
        for name, v, d_ver in (
            ("consider_prior", consider_prior, "4.3.0"),
            ("prior_weight", prior_weight, "4.9.0"),
            ("consider_magic_clip", consider_magic_clip, "4.9.0"),
            ("consider_endpoints", consider_endpoints, "4.9.0"),
            ("gamma", gamma, "4.9.0"),
            ("weights", weights, "4.9.0"),
            ("warn_independent_sampling", warn_independent_sampling, "4.9.0"),
        ):
            # (weights as a string, "uniform", "ei" or "optuna", is knob's own option, not
            # Optuna's deprecated function)
            if v is not None and not (name == "weights" and isinstance(v, str)):
                _deprecated.argument(name, d_ver, "6.0.0")
        # None is Optuna 5's default for these (deprecated there): the default, as left out
        consider_prior = True if consider_prior is None else consider_prior
        prior_weight, consider_magic_clip, consider_endpoints, gamma, weights = (
            _UNSET if v is None else v for v in (prior_weight, consider_magic_clip, consider_endpoints, gamma, weights)
        )
        warn_independent_sampling = True if warn_independent_sampling is None else warn_independent_sampling
        if not _arg(cls, "consider_prior", consider_prior, bool):
            raise _unsupported("TPESampler", "consider_prior", "knob's estimators always hold the prior (set prior_weight)")
        prior_weight = _arg(cls, "prior_weight", prior_weight, float, 0, above=True)
        consider_magic_clip = _arg(cls, "consider_magic_clip", consider_magic_clip, bool)
        consider_endpoints = _arg(cls, "consider_endpoints", consider_endpoints, bool)
        n_startup_trials = _arg(cls, "n_startup_trials", n_startup_trials, int, 0)
        n_ei_candidates = _arg(cls, "n_ei_candidates", n_ei_candidates, int, 1)
        seed = _seed(cls, seed)
        multivariate = _arg(cls, "multivariate", multivariate, bool, none=True)  # None: Optuna 5's default, knob's
        group = _arg(cls, "group", group, bool)
        if group is True:
            # Optuna 5: group needs the multivariate TPE, which it implies when left out
            if multivariate is False:
                raise ValueError("``group`` option can only be enabled when ``multivariate`` is enabled.")
            multivariate = True
        constant_liar = _arg(cls, "constant_liar", constant_liar, bool)
        _arg(cls, "warn_independent_sampling", warn_independent_sampling, bool)
        self._constraints_func = _constraints("TPESampler", constraints_func)
        if categorical_distance_func is not None:
            raise _unsupported("TPESampler", "categorical_distance_func")
        if gamma is not _UNSET:
            if gamma is default_gamma:
                options.setdefault("gamma_strategy", "linear")
                options.setdefault("gamma_beta", 0.1)
            elif gamma is hyperopt_default_gamma:
                options.setdefault("gamma_strategy", "sqrt")
                options.setdefault("gamma_beta", 0.25)
            else:
                raise _unsupported(
                    "TPESampler", "gamma", "give gamma_strategy='linear'|'sqrt' and gamma_beta, or "
                    "knob.samplers.default_gamma / hyperopt_default_gamma"
                )
        if weights is not _UNSET:
            if weights is default_weights:
                options.setdefault("weights", "optuna")
            elif isinstance(weights, str):
                options.setdefault("weights", weights)
            else:
                raise _unsupported("TPESampler", "weights", "give weights='optuna'|'uniform'|'ei' or knob.samplers.default_weights")
        super().__init__(
            prior_weight=prior_weight,
            consider_magic_clip=consider_magic_clip,
            consider_endpoints=consider_endpoints,
            n_startup_trials=n_startup_trials,
            n_ei_candidates=n_ei_candidates,
            seed=seed,
            multivariate=multivariate,
            group=group,
            constant_liar=constant_liar,
            **options,
        )

    @staticmethod
    def hyperopt_parameters() -> Dict[str, Any]:
        _deprecated.warn("hyperopt_parameters", "4.9.0", "6.0.0", stacklevel=None)  # as Optuna 5's
        return {
            "consider_prior": True,
            "prior_weight": 1.0,
            "consider_magic_clip": True,
            "consider_endpoints": False,
            "n_startup_trials": 20,
            "n_ei_candidates": 24,
            "gamma": hyperopt_default_gamma,
            "weights": default_weights,
        }


class GPSampler(BaseSampler):
    """knob's gp: Bayesian optimization with a Gaussian process (log EI)."""

    _knob_name = "gp"

    def __init__(
        self,
        *,
        seed: Optional[int] = None,
        independent_sampler: Optional[BaseSampler] = None,
        n_startup_trials: int = _UNSET,
        deterministic_objective: bool = False,
        constraints_func=None,
        warn_independent_sampling: bool = True,
        **options: Any,
    ) -> None:
        # warn_independent_sampling: accepted, as TPESampler's; knob's gp logs no such warning
        cls = "GPSampler"
        seed = _seed(cls, seed)
        n_startup_trials = _arg(cls, "n_startup_trials", n_startup_trials, int, 0)
        if n_startup_trials is not _UNSET and n_startup_trials < 2:
            n_startup_trials = 2  # knob's GP fits two trials at least (Optuna's first trial is drawn independently too)
        deterministic_objective = _arg(cls, "deterministic_objective", deterministic_objective, bool)
        _arg(cls, "warn_independent_sampling", warn_independent_sampling, bool)
        if independent_sampler is not None:
            raise _unsupported("GPSampler", "independent_sampler")
        self._constraints_func = _constraints("GPSampler", constraints_func)
        if deterministic_objective:
            options.setdefault("min_noise", 1e-10)
        super().__init__(seed=seed, n_startup_trials=n_startup_trials, **options)


class AutoSampler(BaseSampler):
    """knob's default sampler (``auto``): the Gaussian process (GPSampler; every
    ``smac_every``-th trial, 3, SMACSampler's, and so is a trial asked while others of its batch
    run, ``smac_running``, but every ``gp_running_every``-th of those, 2; gp's while a ``cost`` is set or trials carry constraints) while the study has one objective, a fixed space of at most ``gp_params``
    params, no pruned trial and fewer than ``gp_trials`` completed trials; TPE (with
    ``constant_liar``) otherwise, as
    OptunaHub's AutoSampler reasons; ``cost`` and ``cost_budget`` go to gp and TPE.
    ``knob.create_study()`` uses it for one objective."""

    _knob_name = "auto"

    def __init__(
        self, *, seed: Optional[int] = None, gp_trials: int = _UNSET, gp_params: int = _UNSET, **options: Any
    ) -> None:
        gp_trials = _arg("AutoSampler", "gp_trials", gp_trials, int, 0)
        gp_params = _arg("AutoSampler", "gp_params", gp_params, int, 0)
        super().__init__(seed=_seed("AutoSampler", seed), gp_trials=gp_trials, gp_params=gp_params, **options)


class CmaEsSampler(BaseSampler):
    """knob's cmaes: CMA-ES with restarts, a separable variant and a margin for integers.
    sigma0 is a fraction of each param's range (Optuna's too, on its [0, 1] scaled space)."""

    _knob_name = "cmaes"
    _argument_names = {"separable": "use_separable_cma", "use_margin": "with_margin"}

    @_deprecated.positional(
        ["self", "x0", "sigma0", "n_startup_trials", "independent_sampler", "warn_independent_sampling", "seed"],
        "4.9.0",
        "6.0.0",
    )
    def __init__(
        self,
        *,
        x0: Optional[Dict[str, Any]] = None,
        sigma0: Optional[float] = None,
        n_startup_trials: int = _UNSET,
        independent_sampler: Optional[BaseSampler] = None,
        warn_independent_sampling: bool = True,
        seed: Optional[int] = None,
        consider_pruned_trials: bool = False,
        restart_strategy: Optional[str] = _UNSET,
        popsize: Optional[int] = None,
        inc_popsize: int = _UNSET,
        use_separable_cma: bool = _UNSET,
        with_margin: bool = _UNSET,
        lr_adapt: bool = False,
        source_trials=None,
        **options: Any,
    ) -> None:
        cls = "CmaEsSampler"
        # Optuna 5 deprecated restart_strategy and inc_popsize, saying they fall back to None
        # there: knob's CMA-ES restarts as asked, so they warn nothing here.
        if x0 is not None:
            _deprecated.argument("x0", "4.9.0", "6.0.0")
        if sigma0 is not None:
            _deprecated.argument("sigma0", "4.9.0", "6.0.0")
        if x0 is not None and not isinstance(x0, Mapping):
            raise TypeError("CmaEsSampler: `x0` must be a dict of param names to values, got %r" % (x0,))
        sigma0 = _arg(cls, "sigma0", sigma0, float, 0, none=True, above=True)
        n_startup_trials = _arg(cls, "n_startup_trials", n_startup_trials, int, 0)
        if n_startup_trials == 0:
            n_startup_trials = 1  # the same: CMA-ES starts from a complete trial's params, as Optuna's
        _arg(cls, "warn_independent_sampling", warn_independent_sampling, bool)
        seed = _seed(cls, seed)
        _choice(cls, "restart_strategy", restart_strategy, (None, "ipop", "bipop"))
        popsize = _arg(cls, "popsize", popsize, int, 1, none=True)
        if inc_popsize == -1 and not isinstance(inc_popsize, bool):
            inc_popsize = _UNSET  # Optuna 5's default: knob's
        inc_popsize = _arg(cls, "inc_popsize", inc_popsize, int, 1)
        use_separable_cma = _arg(cls, "use_separable_cma", use_separable_cma, bool)
        with_margin = _arg(cls, "with_margin", with_margin, bool)
        # the arguments Optuna's refuses together, refused as it refuses them (before those
        # knob does not support: the same ValueError as Optuna's)
        separable, margin = use_separable_cma is True, with_margin is True
        if source_trials is not None and (x0 is not None or sigma0 is not None):
            raise ValueError("It is prohibited to pass `source_trials` argument when x0 or sigma0 is specified.")
        if source_trials is not None and separable:
            raise ValueError("It is prohibited to pass `source_trials` argument when using separable CMA-ES.")
        if lr_adapt and (separable or margin):
            raise ValueError("It is prohibited to pass `use_separable_cma` or `with_margin` argument when using `lr_adapt`.")
        if separable and margin:
            raise ValueError("Currently, we do not support `use_separable_cma=True` and `with_margin=True`.")
        if independent_sampler is not None:
            raise _unsupported("CmaEsSampler", "independent_sampler", "categoricals are drawn at random")
        if consider_pruned_trials:
            raise _unsupported("CmaEsSampler", "consider_pruned_trials")
        if lr_adapt:
            raise _unsupported("CmaEsSampler", "lr_adapt")
        if source_trials is not None:
            raise _unsupported("CmaEsSampler", "source_trials", "give warm_start_study (and warm_start_storage)")
        if restart_strategy is not _UNSET:
            options["restart_strategy"] = "none" if restart_strategy is None else restart_strategy
        super().__init__(
            x0=None if x0 is None else json.dumps(dict(x0), default=_lib.json_default),
            sigma0=sigma0,
            n_startup_trials=n_startup_trials,
            seed=seed,
            popsize=popsize,
            inc_popsize=inc_popsize,
            separable=use_separable_cma,
            use_margin=with_margin,
            **options,
        )


class QMCSampler(BaseSampler):
    """knob's qmc: scrambled Sobol or Halton points."""

    _knob_name = "qmc"

    def __init__(
        self,
        *,
        qmc_type: str = "sobol",
        scramble: bool = _UNSET,
        seed: Optional[int] = None,
        independent_sampler: Optional[BaseSampler] = None,
        warn_asynchronous_seeding: bool = True,
        warn_independent_sampling: bool = True,
        **options: Any,
    ) -> None:
        cls = "QMCSampler"
        _choice(cls, "qmc_type", qmc_type, ("sobol", "halton"))
        scramble = _arg(cls, "scramble", scramble, bool)
        seed = _seed(cls, seed)
        if independent_sampler is not None:
            raise _unsupported("QMCSampler", "independent_sampler")
        super().__init__(qmc_type=qmc_type, scramble=scramble, seed=seed, **options)


class EvolutionSampler(BaseSampler):
    """knob's evolution: regularized (aging) evolution (Real et al. 2019); not in Optuna."""

    _knob_name = "evolution"

    def __init__(
        self,
        *,
        population_size: int = _UNSET,
        sample_size: int = _UNSET,
        mutation_scale: float = _UNSET,
        include_pruned: bool = _UNSET,
        seed: Optional[int] = None,
        **options: Any,
    ) -> None:
        cls = "EvolutionSampler"
        super().__init__(
            population_size=_arg(cls, "population_size", population_size, int, 2),
            # 0 is knob's: sample_size 0 is 5 (or the population when smaller), mutation_scale 0
            # draws a mutated number anew
            sample_size=_arg(cls, "sample_size", sample_size, int, 0),
            mutation_scale=_arg(cls, "mutation_scale", mutation_scale, float, 0),
            include_pruned=_arg(cls, "include_pruned", include_pruned, bool),
            seed=_seed(cls, seed),
            **options,
        )


class SMACSampler(BaseSampler):
    """knob's smac: Bayesian optimization with a random forest, as SMAC3's facade (OptunaHub
    has a SMACSampler; Optuna itself has none). Options by their knob names."""

    _knob_name = "smac"

    def __init__(self, *, n_startup_trials: int = _UNSET, n_trees: int = _UNSET, seed: Optional[int] = None, **options: Any) -> None:
        cls = "SMACSampler"
        n_startup_trials = _arg(cls, "n_startup_trials", n_startup_trials, int, 0)
        n_trees = _arg(cls, "n_trees", n_trees, int, 1)
        super().__init__(n_startup_trials=n_startup_trials, n_trees=n_trees, seed=_seed(cls, seed), **options)


class NSGAIISampler(BaseSampler):
    """knob's nsga2 sampler (NSGA-II, for several objectives), with Optuna's argument names.
    crossover: one of knob.samplers.nsgaii's crossovers (or a knob name); mutation:
    nsgaii.PolynomialMutation (left out: knob's default, polynomial). A libknob built
    without it refuses a study made with it, naming the sampler."""

    _knob_name = "nsga2"

    def __init__(
        self,
        *,
        population_size: int = _UNSET,
        mutation=None,
        mutation_prob: Optional[float] = None,
        crossover=None,
        crossover_prob: float = _UNSET,
        swapping_prob: float = _UNSET,
        seed: Optional[int] = None,
        constraints_func=None,
        elite_population_selection_strategy=None,
        child_generation_strategy=None,
        after_trial_strategy=None,
        **options: Any,
    ) -> None:
        cls = type(self).__name__
        population_size = _arg(cls, "population_size", population_size, int, 2)
        mutation_prob = _arg(cls, "mutation_prob", mutation_prob, float, 0, 1, none=True)
        crossover_prob = _arg(cls, "crossover_prob", crossover_prob, float, 0, 1)
        swapping_prob = _arg(cls, "swapping_prob", swapping_prob, float, 0, 1)
        seed = _seed(cls, seed)
        for arg, v in (
            ("elite_population_selection_strategy", elite_population_selection_strategy),
            ("child_generation_strategy", child_generation_strategy),
            ("after_trial_strategy", after_trial_strategy),
        ):
            if v is not None:
                raise _unsupported(cls, arg)
        if crossover is not None:
            options.update(_operator(cls, "crossover", crossover, nsgaii.BaseCrossover, swapping_prob))
            swapping_prob = options.pop("swapping_prob", swapping_prob)
            parents = getattr(crossover, "n_parents", 2)
            if population_size is not _UNSET and isinstance(population_size, int) and population_size < parents:
                raise ValueError(
                    "Using %s, the population size should be greater than or equal to %d. The specified "
                    "`population_size` is %d." % (crossover, parents, population_size)
                )
        if mutation is not None:
            options.update(_operator(cls, "mutation", mutation, nsgaii.BaseMutation, _UNSET))
        self._constraints_func = _constraints(cls, constraints_func)
        super().__init__(
            population_size=population_size,
            mutation_prob=mutation_prob,
            crossover_prob=crossover_prob,
            swapping_prob=swapping_prob,
            seed=seed,
            **options,
        )

    @property
    def population_size(self) -> int:
        """The trials per generation, as Optuna's attribute: the argument, or knob's
        default, which is Optuna's (50). Set, it holds for the studies made with the
        sampler from then on."""
        return self._options.get("population_size", 50)

    @population_size.setter
    def population_size(self, value: int) -> None:
        self._options["population_size"] = _arg(type(self).__name__, "population_size", value, int, 2)


def _operator(cls: str, arg: str, op: Any, base: type, swapping_prob: Any) -> Dict[str, Any]:
    """The nsga2 options of a crossover or mutation of knob.samplers.nsgaii (or a knob name
    of one)."""
    if isinstance(op, str):
        return {arg: op}
    if isinstance(op, type) and issubclass(op, base):
        raise TypeError("%s: %s must be an instance (%s()), got the class" % (cls, arg, op.__name__))
    if not isinstance(op, base):
        raise ValueError("%s: '%s' is not a valid %s: give one of knob.samplers.nsgaii's, or a knob name" % (cls, op, arg))
    if not op._knob_name:
        raise _unsupported(cls, arg, "%ss written in Python (%s) are not supported; give one of knob.samplers.nsgaii's" % (arg, op))
    out = op._knob_options()
    mine = out.get("swapping_prob")
    if mine is not None and swapping_prob is not _UNSET and swapping_prob is not None and float(swapping_prob) != mine:
        raise _unsupported(
            cls,
            "swapping_prob",
            "it differs from UniformCrossover(swapping_prob=%r), and knob's nsga2 has one swapping_prob, "
            "for the uniform crossover and the categorical params" % mine,
        )
    return out


class NSGAIIISampler(NSGAIISampler):
    """knob's nsga3 sampler (NSGA-III, for three or more objectives): NSGA-II's generations,
    crossovers and constrained domination with survival by reference points, with Optuna's
    argument names. reference_points: a sequence of points (a numpy array too) of as many
    objectives as the study; left out, Das-Dennis points with dividing_parameter divisions."""

    _knob_name = "nsga3"

    def __init__(
        self,
        *,
        reference_points=None,
        dividing_parameter: int = _UNSET,
        child_generation_strategy=None,
        **kwargs: Any,
    ) -> None:
        if child_generation_strategy is not None:
            raise _unsupported("NSGAIIISampler", "child_generation_strategy")
        if reference_points is not None:
            kwargs["reference_points"] = json.dumps(_points(reference_points))
        dividing_parameter = _arg("NSGAIIISampler", "dividing_parameter", dividing_parameter, int, 1)
        super().__init__(dividing_parameter=dividing_parameter, **kwargs)


def _points(reference_points: Any) -> list:
    """NSGAIIISampler's reference_points as lists of floats, all of one length."""
    bad = TypeError("NSGAIIISampler: `reference_points` must be a sequence (or 2-d numpy array) of points, each a "
                    "sequence of numbers, one per objective; got %r" % (reference_points,))
    if isinstance(reference_points, (str, bytes)) or not hasattr(reference_points, "__iter__"):
        raise bad
    points = []
    for p in reference_points:
        if isinstance(p, (str, bytes)) or not hasattr(p, "__iter__"):
            raise bad
        try:
            points.append([_arg("NSGAIIISampler", "reference_points", v, float) for v in p])
        except TypeError:
            raise bad from None
    if not points or len({len(p) for p in points}) != 1 or not points[0]:
        raise ValueError("NSGAIIISampler: `reference_points` must hold points of one length (one value per objective), "
                         "got lengths %s" % sorted({len(p) for p in points}))
    return points


class BruteForceSampler(BaseSampler):
    """knob's brute_force sampler (Optuna's BruteForceSampler): every combination of a
    finite define-by-run search space (categoricals, ints, floats with a step; conditional
    params too) once, in a seeded random order; then the study stops (optimize returns).
    A float without a step is refused when suggested."""

    _knob_name = "brute_force"

    def __init__(self, seed: Optional[int] = None, avoid_premature_stop: bool = _UNSET, **options: Any) -> None:
        avoid_premature_stop = _arg("BruteForceSampler", "avoid_premature_stop", avoid_premature_stop, bool)
        super().__init__(seed=_seed("BruteForceSampler", seed), avoid_premature_stop=avoid_premature_stop, **options)


class PartialFixedSampler(BaseSampler):
    """Optuna's PartialFixedSampler: the params named in fixed_params take those values in
    every trial of the study (knob_study_set_fixed_params), and base_sampler draws the
    others. An enqueued trial's own values come first. A value that does not fit its
    distribution warns, as Optuna's does, and then base_sampler draws that param (Optuna
    uses the value anyway)."""

    def __init__(self, fixed_params: Dict[str, Any], base_sampler: BaseSampler) -> None:
        if not isinstance(fixed_params, Mapping):
            raise TypeError("PartialFixedSampler: `fixed_params` must be a dict of param names to values, got %r" % (fixed_params,))
        if not isinstance(base_sampler, BaseSampler):
            raise TypeError("PartialFixedSampler: base_sampler must be a knob sampler, got %r" % (base_sampler,))
        self._fixed_params = dict(fixed_params)
        self._fixed_json = json.dumps(self._fixed_params, default=_json_number)
        self._base_sampler = base_sampler
        self._knob_name = base_sampler._knob_name
        self._options = base_sampler._options
        self._constraints_func = base_sampler._constraints_func

    def _make(self, nth: int = 0) -> int:
        return self._base_sampler._make(nth)

    def _serving(self, study: Hashable, created: bool):
        # base_sampler's random stream, as Optuna's PartialFixedSampler draws from it
        return self._base_sampler._serving(study, created)

    def reseed_rng(self) -> None:
        self._base_sampler.reseed_rng()

    def __repr__(self) -> str:
        return "PartialFixedSampler(%r, %r)" % (self._fixed_params, self._base_sampler)


def _json_number(v: Any) -> Any:
    """A NumPy scalar (np.int64, np.bool_ ...) as the Python number it holds."""
    if hasattr(v, "item"):
        return v.item()
    raise TypeError("PartialFixedSampler: fixed value %r is not a number, a string, a bool or None" % (v,))


class KnobSampler(BaseSampler):
    """Any sampler libknob knows by name (built in or a registered plugin), with options
    by their knob names: KnobSampler("tpe", startup="sobol")."""

    def __init__(self, name: str, **options: Any) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError("KnobSampler: `name` must be the name of a libknob sampler (`knob samplers` lists them), got %r" % (name,))
        self._knob_name = name
        super().__init__(**options)

    def __repr__(self) -> str:
        # the sampler's name first, as it is given: KnobSampler('tpe', seed=3)
        return "KnobSampler(%s)" % ", ".join([repr(self._knob_name)] + ["%s=%r" % kv for kv in self._options.items()])


def _has_sampler(name: str) -> bool:
    h = ctypes.c_void_p()
    keys, vals, n = _lib.pairs({})
    rc = _lib.lib.knob_sampler_create_pairs(_lib.enc(name), keys, vals, n, ctypes.byref(h))
    if rc == 0:
        _lib.lib.knob_sampler_free(h)
    return rc == 0


__all__ = [
    "nsgaii",
    "BaseSampler",
    "RandomSampler",
    "GridSampler",
    "TPESampler",
    "GPSampler",
    "AutoSampler",
    "CmaEsSampler",
    "QMCSampler",
    "EvolutionSampler",
    "NSGAIISampler",
    "NSGAIIISampler",
    "PartialFixedSampler",
    "BruteForceSampler",
    "SMACSampler",
    "KnobSampler",
    "default_gamma",
    "hyperopt_default_gamma",
    "default_weights",
]
