"""Optuna's optuna.terminator evaluators, as plot_terminator_improvement uses them: how much
the objective might still improve (RegretBoundEvaluator: libknob's knob_study_regret_bound)
and the error inherent in the objective (CrossValidationErrorEvaluator, from the scores
report_cross_validation_scores keeps with a trial; StaticErrorEvaluator). Optuna's
Terminator and TerminatorCallback are not in knob."""

from __future__ import annotations

import ctypes
import math
from typing import List, Optional

from . import _deprecated, _lib
from .study import StudyDirection
from .trial import FrozenTrial, TrialState

DEFAULT_TOP_TRIALS_RATIO = 0.5
DEFAULT_MIN_N_TRIALS = 20
_CROSS_VALIDATION_SCORES_KEY = "terminator:cv_scores"  # Optuna's system attribute
_ALL = ctypes.c_size_t(-1).value  # libknob's KNOB_REGRET_ALL


class BaseImprovementEvaluator:
    def evaluate(self, trials: List[FrozenTrial], study_direction: StudyDirection) -> float:
        raise NotImplementedError


class BaseErrorEvaluator:
    def evaluate(self, trials: List[FrozenTrial], study_direction: StudyDirection) -> float:
        raise NotImplementedError


class RegretBoundEvaluator(BaseImprovementEvaluator):
    """A bound, with high probability, on the regret of the best trial: libknob's
    knob_study_regret_bound, Optuna's RegretBoundEvaluator with its defaults (a Gaussian
    process fitted to the best max(n / 2, 20) complete trials; the largest upper confidence
    bound over the space less the largest lower one over those trials). `seed` seeds the
    points of the space the upper bound is taken at (None: 0, so the same trials give the
    same bound)."""

    def __init__(self, top_trials_ratio: float = DEFAULT_TOP_TRIALS_RATIO, min_n_trials: int = DEFAULT_MIN_N_TRIALS,
                 seed: Optional[int] = None) -> None:
        if top_trials_ratio != DEFAULT_TOP_TRIALS_RATIO or min_n_trials != DEFAULT_MIN_N_TRIALS:
            raise NotImplementedError(
                "RegretBoundEvaluator: knob fits the best half of the trials, at least 20 (the defaults: "
                "top_trials_ratio=0.5, min_n_trials=20)"
            )
        self._seed = 0 if seed is None else int(seed)

    def _of_study(self, study, n_trials: int = _ALL) -> float:
        """The bound of the study's complete trials numbered below n_trials."""
        out = ctypes.c_double()
        with study._lock:
            _lib.check(_lib.lib.knob_study_regret_bound(study._h, n_trials, self._seed & (2**64 - 1), ctypes.byref(out)))
        return out.value

    def evaluate(self, trials: List[FrozenTrial], study_direction: StudyDirection) -> float:
        """The bound of the complete trials among `trials`, copied into a study in memory."""
        from .study import _scratch_study

        complete = [t for t in trials if t.state == TrialState.COMPLETE]
        if not complete:
            raise ValueError("Because no trial has been completed yet, the regret bound cannot be evaluated.")
        direction = "maximize" if study_direction == StudyDirection.MAXIMIZE else "minimize"
        scratch = _scratch_study("(the trials given to RegretBoundEvaluator.evaluate, %d of %d complete)"
                                 % (len(complete), len(trials)), direction)
        for t in complete:
            scratch._add_trial(TrialState.COMPLETE, t.params, t.distributions, [t.value], {}, {}, {}, None, None)
        return self._of_study(scratch)


class CrossValidationErrorEvaluator(BaseErrorEvaluator):
    """As Optuna's: the standard error of the best trial's cross-validation scores
    (report_cross_validation_scores), sqrt((1 / k + 1 / (k - 1)) var(scores)) of k scores."""

    def evaluate(self, trials: List[FrozenTrial], study_direction: StudyDirection) -> float:
        complete = [t for t in trials if t.state == TrialState.COMPLETE]
        if not complete:
            raise ValueError("Because no trial has been completed yet, the error cannot be evaluated.")
        pick = max if study_direction == StudyDirection.MAXIMIZE else min
        best = pick(complete, key=lambda t: t.value)
        scores = best.system_attrs.get(_CROSS_VALIDATION_SCORES_KEY)
        if scores is None:
            raise ValueError(
                "Cross-validation scores have not been reported. Please call "
                "`report_cross_validation_scores(trial, scores)` during a trial and pass the "
                "list of scores as `scores`."
            )
        k = len(scores)
        mean = sum(scores) / k
        var = sum((s - mean) ** 2 for s in scores) / k
        return math.sqrt((1 / k + 1 / (k - 1)) * var)


class StaticErrorEvaluator(BaseErrorEvaluator):
    """As Optuna's: the same error whatever the trials."""

    def __init__(self, constant: float) -> None:
        self._constant = constant

    def evaluate(self, trials: List[FrozenTrial], study_direction: StudyDirection) -> float:
        return self._constant


def report_cross_validation_scores(trial, scores: List[float]) -> None:
    """Keeps a trial's cross-validation scores (at least two) for CrossValidationErrorEvaluator,
    as Optuna's (the trial's system attribute "terminator:cv_scores"). Optuna 5 deprecated
    its terminator module: the FutureWarning it gives here."""
    _deprecated.warn("`optuna.terminator` module", "4.9.0", "6.0.0", stacklevel=None)
    if len(scores) <= 1:
        raise ValueError("The length of `scores` is expected to be greater than one.")
    trial._set_system_attr(_CROSS_VALIDATION_SCORES_KEY, [float(s) for s in scores])


__all__ = [
    "BaseImprovementEvaluator",
    "BaseErrorEvaluator",
    "RegretBoundEvaluator",
    "CrossValidationErrorEvaluator",
    "StaticErrorEvaluator",
    "report_cross_validation_scores",
]
