"""knob.importance.get_param_importances: libknob's fANOVA and PED-ANOVA, as Optuna's."""

import pytest

import knob as optuna
from knob.importance import (
    FanovaImportanceEvaluator,
    MeanDecreaseImpurityImportanceEvaluator,
    PedAnovaImportanceEvaluator,
    get_param_importances,
)


def study_of(n=60, directions=None):
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=4), directions=directions)

    def objective(trial):
        x = trial.suggest_float("x", -5, 5)
        y = trial.suggest_float("y", -5, 5)
        c = trial.suggest_categorical("c", ["a", "b"])
        v = 10 * x * x + 0.1 * y + (0.01 if c == "a" else 0)
        return v if directions is None else (v, y)

    study.optimize(objective, n_trials=n)
    return study


@pytest.mark.parametrize("evaluator", [None, FanovaImportanceEvaluator(), PedAnovaImportanceEvaluator()])
def test_importances(evaluator):
    imp = get_param_importances(study_of(), evaluator=evaluator)
    assert list(imp)[0] == "x"  # most important first
    assert set(imp) == {"x", "y", "c"}
    assert sum(imp.values()) == pytest.approx(1.0)
    assert imp["x"] > 0.5


def test_params_and_objectives():
    s = study_of()
    imp = get_param_importances(s, params=["y", "c"])
    assert set(imp) == {"y", "c"}
    with pytest.raises(KeyError, match="nope"):
        get_param_importances(s, params=["nope"])
    m = study_of(directions=["minimize", "minimize"])
    with pytest.raises(ValueError):
        get_param_importances(m)
    assert list(get_param_importances(m, objective=1))[0] == "y"
    with pytest.raises(NotImplementedError):
        get_param_importances(s, target=lambda t: t.values[0])
    with pytest.raises(NotImplementedError):
        MeanDecreaseImpurityImportanceEvaluator()
    with pytest.raises(NotImplementedError):
        FanovaImportanceEvaluator(n_trees=8)
