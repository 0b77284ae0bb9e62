"""Parameter importances, as Optuna's optuna.importance, computed by libknob
(knob_study_importance: fANOVA on a random forest, or PED-ANOVA), the same numbers as
`knob importance`."""

from __future__ import annotations

import ctypes
import math
import numbers
from typing import Callable, Dict, List, Optional

from . import _lib
from . import exceptions as _exc
from .study import _no_objective


class BaseImportanceEvaluator:
    """Optuna's base of the importance evaluators: a subclass of one's own gives
    evaluate(study, params=None, *, target=None), each param's importance, which
    get_param_importances then normalizes as Optuna's does."""

    _method = ""

    def evaluate(self, study, params: Optional[List[str]] = None, *, target: Optional[Callable] = None) -> Dict[str, float]:
        raise NotImplementedError


class _Own(BaseImportanceEvaluator):
    """An evaluator libknob computes: evaluate gives its numbers not normalized, as Optuna's
    evaluators' evaluate does."""

    def evaluate(self, study, params: Optional[List[str]] = None, *, target: Optional[Callable] = None) -> Dict[str, float]:
        return _importances(study, self, params, target, None, False)


class FanovaImportanceEvaluator(_Own):
    """fANOVA over a random forest of 64 trees of depth at most 64, as Optuna's defaults.
    knob's forest has a fixed seed (the same trials give the same shares): `seed` is
    accepted and unused."""

    _method = "fanova"

    def __init__(self, *, n_trees: int = 64, max_depth: int = 64, seed: Optional[int] = None) -> None:
        if n_trees != 64 or max_depth != 64:
            raise NotImplementedError("FanovaImportanceEvaluator: knob's forest has 64 trees of depth at most 64")


class PedAnovaImportanceEvaluator(_Own):
    """PED-ANOVA of the best 10% of the trials against all of them, as Optuna's defaults:
    Optuna 5's target_quantile=0.1 and region_quantile=1.0 (Optuna 4's baseline_quantile=0.1)."""

    _method = "ped-anova"

    def __init__(
        self,
        *,
        target_quantile: float = 0.1,
        region_quantile: float = 1.0,
        evaluate_on_local: bool = True,
        baseline_quantile: Optional[float] = None,
    ) -> None:
        if baseline_quantile is not None:  # Optuna 4's name of target_quantile
            target_quantile = baseline_quantile
        if not 0.0 < target_quantile < region_quantile <= 1.0:
            raise ValueError("condition 0.0 < `target_quantile` < `region_quantile` <= 1.0 must be satisfied")
        if target_quantile != 0.1 or region_quantile != 1.0 or not evaluate_on_local:
            raise NotImplementedError(
                "PedAnovaImportanceEvaluator: knob compares the best 10% with all trials (the defaults: "
                "target_quantile=0.1, region_quantile=1.0, evaluate_on_local=True)"
            )


class MeanDecreaseImpurityImportanceEvaluator(BaseImportanceEvaluator):
    def __init__(self, *args, **kwargs) -> None:
        raise NotImplementedError("MeanDecreaseImpurityImportanceEvaluator is not in knob: use FanovaImportanceEvaluator or PedAnovaImportanceEvaluator")


def get_param_importances(
    study,
    *,
    evaluator: Optional[BaseImportanceEvaluator] = None,
    params: Optional[List[str]] = None,
    target: Optional[Callable] = None,
    normalize: bool = True,
    objective: Optional[int] = None,
) -> Dict[str, float]:
    """Each param's share of the objective's variance, most important first (they sum to 1;
    when nothing can be told, fewer than two trials, a flat objective or no finite value,
    each param gets 1 / the number of params, as Optuna's normalize gives; for a flat
    objective Optuna 5's FanovaImportanceEvaluator raises RuntimeError instead, "Encountered
    zero total variance in all trees."). normalize=False (Optuna's): the
    evaluator's own numbers, not divided by their sum (fANOVA: the variance fraction of each
    param's main effect, averaged over the trees; PED-ANOVA: its weighted divergence; all 0
    when nothing can be told), in the same order. `target` (Optuna's) evaluates
    target(trial) of each COMPLETE trial instead of the stored value (non-finite results
    are left out; PED-ANOVA then takes lower as better, as Optuna's); `objective` (knob's)
    names which stored objective of a study of several to evaluate, by its index from 0 (a
    negative index or one not an int raises ValueError). PED-ANOVA of a study of
    several objectives without either evaluates reaching the Pareto front, as Optuna 5's.
    An evaluator of one's own (a subclass of BaseImportanceEvaluator whose evaluate is its
    own) is asked its evaluate(study, params=params, target=target), whose numbers are then
    normalized as Optuna's (equal shares when they sum to 0)."""
    if evaluator is None:
        evaluator = FanovaImportanceEvaluator()
    if objective is not None and (
        not isinstance(objective, numbers.Integral)
        or isinstance(objective, bool)
        or not 0 <= objective < _PARETO
    ):
        # libknob takes an index from 0 (a size_t); -1, 2**64 - 1 would reach it as
        # KNOB_IMPORTANCE_PARETO, 2**64 + 1 as 1
        raise ValueError(
            "get_param_importances: `objective` must be an objective's index, an int from 0, got %r" % (objective,)
        )
    if objective is not None:
        objective = int(objective)
    if not isinstance(evaluator, BaseImportanceEvaluator):
        raise TypeError("Evaluator must be a subclass of BaseImportanceEvaluator.")
    if type(evaluator).evaluate is not _Own.evaluate:
        if objective is not None:
            if target is not None:
                raise ValueError("get_param_importances: give `target` or `objective`, not both")
            target = lambda t, k=objective: t.values[k]  # noqa: E731
        res = evaluator.evaluate(study, params=params, target=target)
        total = sum(res.values())
        if not normalize:
            return res
        if total == 0.0:
            return {k: 1.0 / len(res) for k in res}
        return {k: v / total for k, v in res.items()}
    return _normalized(_importances(study, evaluator, params, target, objective, normalize), normalize)


def _importances(study, evaluator, params, target, objective, normalize: bool) -> Dict[str, float]:
    """libknob's importances, normalized or not (knob's evaluators)."""
    if params is not None:
        if not isinstance(params, (list, tuple)):
            raise TypeError(f"Parameters must be specified as a list. Actual parameters: {params}.")
        if any(not isinstance(p, str) for p in params):
            raise TypeError(f"Parameters must be specified by their names with strings. Actual parameters: {params}.")
        if not params:  # Optuna's: no param asked, none evaluated
            return {}
    if target is not None and objective is not None:
        raise ValueError("get_param_importances: give `target` or `objective`, not both")
    if target is None and not study.directions:
        raise ValueError(_no_objective(study, "no objective values for a param to explain (give `target`)"))
    if target is None and objective is None:
        if study._is_multi_objective and isinstance(evaluator, PedAnovaImportanceEvaluator):
            # Optuna 5's: the importance of reaching the Pareto front
            return _evaluate(study, evaluator, params, _PARETO, normalize)
        if study._is_multi_objective:
            raise ValueError(
                "If the `study` is being used for multi-objective optimization, please specify the "
                "`target`. For example, use `target=lambda t: t.values[0]` for the first objective value."
            )
        objective = 0
    if target is not None:
        return _of_target(study, evaluator, params, target, normalize)
    return _evaluate(study, evaluator, params, objective, normalize)


_PARETO = ctypes.c_size_t(-1).value  # libknob's KNOB_IMPORTANCE_PARETO
_RAW = 1  # libknob's KNOB_IMPORTANCE_RAW


def _evaluate(
    study, evaluator: BaseImportanceEvaluator, params: Optional[List[str]], objective: int, normalize: bool = True, source=None
) -> Dict[str, float]:
    """libknob's importances of `objective` of the study's COMPLETE trials; `source` (the
    study itself if None) is the study whose COMPLETE trials name the params when none of
    those trials has a finite value (_of_target's scratch study holds only finite ones)."""
    names = list(params) if params else []
    arr = (ctypes.c_char_p * max(len(names), 1))(*[_lib.enc(n) for n in names])
    out = ctypes.POINTER(_lib.Importance)()
    n = ctypes.c_size_t()
    with study._lock:
        rc = _lib.lib.knob_study_importance_v2(
            study._h,
            _lib.enc(evaluator._method),
            objective,
            arr if names else None,
            len(names),
            0 if normalize else _RAW,
            ctypes.byref(out),
            ctypes.byref(n),
        )
    if rc == _lib.ENOTFOUND and names:
        # a param no complete trial with a finite value has: Optuna's ValueError, unless no
        # trial has a finite value at all
        err = _lib.error(rc)
        evaluated = _finite_trials(study, objective)
        if not evaluated:
            return _nothing_told(source if source is not None else study, evaluator, names)
        seen = {p for t in evaluated for p in t.params}
        raise _params_not_held(names, seen) from err
    if rc == _lib.EUNSUPPORTED and names:
        # fanova and a named param that is a number in some trials and a categorical in
        # others: a ValueError, as Optuna's for a search space that changed (libknob's
        # message names the param)
        err = _lib.error(rc)
        exc = _exc.KnobValueError(str(err))
        exc.status = rc
        raise exc from err
    _lib.check(rc)
    with study._lock:
        try:
            shares = {out[i].name.decode("utf-8"): out[i].share for i in range(n.value)}
        finally:
            _lib.lib.knob_importance_free(out)
    if not shares and not names and not _finite_trials(study, objective):
        return _nothing_told(source if source is not None else study, evaluator, None)
    return shares


def _params_not_held(names: List[str], seen) -> ValueError:
    """Optuna's ValueError for named params the trials do not hold: those no trial has, as
    PED-ANOVA's names them, or (fanova) every one of them, when each is in some trial but
    no trial holds them all, as Optuna's fanova says it."""
    missing = [p for p in names if p not in seen]
    if missing:
        return ValueError(
            "Study must contain at least one completed trial for each specified parameter. Missing parameters: %s." % missing
        )
    return ValueError(
        "Study must contain completed trials with all specified parameters. Specified parameters: %s." % list(names)
    )


def _finite_trials(study, objective: int) -> list:
    """The COMPLETE trials libknob evaluates: those whose value of `objective` (of every
    objective for _PARETO) is finite."""
    from .trial import TrialState

    out = []
    for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):
        values = t.values or []
        wanted = values if objective == _PARETO else values[objective : objective + 1]
        if wanted and all(math.isfinite(v) for v in wanted):
            out.append(t)
    return out


def _nothing_told(study, evaluator: BaseImportanceEvaluator, names: Optional[List[str]]) -> Dict[str, float]:
    """The importances when no COMPLETE trial has a finite value to evaluate, as Optuna's
    evaluators give them: 0 for each param (normalized: equal shares), the params being
    `names` (each in some COMPLETE trial; for fanova, all of them in one) or, without names,
    those of the COMPLETE trials (fanova: those every one holds), in the order first met."""
    from .trial import TrialState

    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    fanova = evaluator._method == "fanova"
    if names:
        seen = {p for t in trials for p in t.params}
        if any(p not in seen for p in names) or (
            fanova and not any(all(p in t.params for p in names) for t in trials)
        ):
            raise _params_not_held(names, seen)
        return {p: 0.0 for p in names}
    everywhere = set.intersection(*[set(t.params) for t in trials]) if fanova and trials else None
    found: Dict[str, float] = {}
    for t in trials:
        for p in t.params:
            if everywhere is None or p in everywhere:
                found.setdefault(p, 0.0)
    return found


def _of_target(
    study, evaluator: BaseImportanceEvaluator, params: Optional[List[str]], target: Callable, normalize: bool = True
) -> Dict[str, float]:
    """The importances of target(trial): libknob evaluates stored values, so the COMPLETE
    trials go, with their params and target(trial) as the one value to minimize, into a
    study in memory, which libknob then evaluates as any other."""
    from .study import _scratch_study
    from .trial import TrialState

    scratch = _scratch_study("(the target's values of study '%s')" % study.study_name)
    for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):
        v = float(target(t))
        if math.isfinite(v):
            scratch._add_trial(TrialState.COMPLETE, t.params, t.distributions, [v], {}, {}, {}, None, None)
    return _evaluate(scratch, evaluator, params, 0, normalize, source=study)


def _normalized(shares: Dict[str, float], normalize: bool = True) -> Dict[str, float]:
    """Optuna's normalize=True: shares that sum to 0 (nothing could be told) become equal."""
    if normalize and shares and sum(shares.values()) == 0.0:
        return {k: 1.0 / len(shares) for k in shares}
    return shares


__all__ = [
    "BaseImportanceEvaluator",
    "FanovaImportanceEvaluator",
    "PedAnovaImportanceEvaluator",
    "MeanDecreaseImpurityImportanceEvaluator",
    "get_param_importances",
]
