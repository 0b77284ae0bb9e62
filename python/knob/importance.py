"""Parameter importances, as Optuna's optuna.importance, computed by libknob
(knob_study_importance: fANOVA on a random forest, or PED-ANOVA), the same numbers as
`knob importance`."""

from __future__ import annotations

import ctypes
from typing import Callable, Dict, List, Optional

from . import _lib


class BaseImportanceEvaluator:
    _method = ""


class FanovaImportanceEvaluator(BaseImportanceEvaluator):
    """fANOVA over a random forest of 64 trees of depth at most 64, as Optuna's defaults.
    knob's forest has a fixed seed (the same trials give the same shares): `seed` is
    accepted and unused."""

    _method = "fanova"

    def __init__(self, *, n_trees: int = 64, max_depth: int = 64, seed: Optional[int] = None) -> None:
        if n_trees != 64 or max_depth != 64:
            raise NotImplementedError("FanovaImportanceEvaluator: knob's forest has 64 trees of depth at most 64")


class PedAnovaImportanceEvaluator(BaseImportanceEvaluator):
    """PED-ANOVA against the best 10% of the trials, as Optuna's defaults."""

    _method = "ped-anova"

    def __init__(self, *, baseline_quantile: float = 0.1, evaluate_on_local: bool = True) -> None:
        if baseline_quantile != 0.1 or not evaluate_on_local:
            raise NotImplementedError("PedAnovaImportanceEvaluator: knob compares the best 10% with all trials (the defaults)")


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
    """Each param's share of the objective's variance, most important first (they sum to 1).
    `objective` (knob's) names which objective of a study of several to evaluate; a
    `target` function is not supported (libknob evaluates stored values)."""
    if target is not None:
        raise NotImplementedError("get_param_importances(target=...): knob evaluates an objective's stored values; give objective=<index>")
    if not normalize:
        raise NotImplementedError("get_param_importances(normalize=False): knob gives shares that sum to 1")
    if objective is None:
        if study._is_multi_objective:
            raise ValueError("If the study is being used for multi-objective optimization, please specify the `objective` (knob) index.")
        objective = 0
    evaluator = evaluator or FanovaImportanceEvaluator()
    names = list(params) if params else []
    arr = (ctypes.c_char_p * max(len(names), 1))(*[_lib.enc(n) for n in names])
    out = ctypes.POINTER(_lib.Importance)()
    n = ctypes.c_size_t()
    with study._lock:
        _lib.check(
            _lib.lib.knob_study_importance(
                study._h, _lib.enc(evaluator._method), objective, arr if names else None, len(names), ctypes.byref(out), ctypes.byref(n)
            )
        )
        try:
            return {out[i].name.decode("utf-8"): out[i].share for i in range(n.value)}
        finally:
            _lib.lib.knob_importance_free(out)


__all__ = [
    "BaseImportanceEvaluator",
    "FanovaImportanceEvaluator",
    "PedAnovaImportanceEvaluator",
    "MeanDecreaseImpurityImportanceEvaluator",
    "get_param_importances",
]
