"""knob.visualization.plot_terminator_improvement and knob.terminator: Optuna's figure (its
traces, colours, axis titles and y range, as Optuna 5's _terminator_improvement.py draws
them) of libknob's regret bound (knob_study_regret_bound, Optuna's RegretBoundEvaluator)."""

import math

import plotly.graph_objects as go
import pytest

import knob as optuna
from knob import visualization
from knob.terminator import (
    CrossValidationErrorEvaluator,
    RegretBoundEvaluator,
    StaticErrorEvaluator,
    report_cross_validation_scores,
)

optuna.logging.set_verbosity(optuna.logging.ERROR)


def converging(n=60, direction="minimize", storage=None):
    """Trials that spiral in on the minimum of (x - 1)^2 + y^2 (maximized: negated), a
    failed one among them."""
    study = optuna.create_study(direction=direction, storage=storage)
    d = optuna.distributions
    dists = {"x": d.FloatDistribution(-5, 5), "y": d.FloatDistribution(-5, 5)}
    for i in range(n):
        r = 4 * 0.93**i
        x, y = 1 + r * math.cos(2.4 * i), r * math.sin(2.4 * i)
        v = (x - 1) ** 2 + y**2
        study.add_trial(optuna.trial.create_trial(params={"x": x, "y": y}, distributions=dists, value=v if direction == "minimize" else -v))
        if i == 30:
            study.add_trial(optuna.trial.create_trial(state=optuna.trial.TrialState.FAIL))
    return study


def test_figure_as_optunas():
    study = converging()
    fig = visualization.plot_terminator_improvement(study)
    assert isinstance(fig, go.Figure)
    go.Figure(fig.to_dict())  # valid plotly, from its JSON too
    assert fig.layout.title.text == "Terminator Improvement Plot"
    assert fig.layout.xaxis.title.text == "Trial" and fig.layout.yaxis.title.text == "Terminator Improvement"
    light, full, error = fig.data
    numbers = [t.number for t in study.trials]
    # a point after each trial from the first complete one on (the failed one's too), the
    # first 21 lighter, the rest from the 21st on
    assert list(light.x) == numbers[:21] and list(full.x) == numbers[20:]
    assert light.marker.color == "rgba(99, 110, 250, 0.25)" and full.marker.color == "rgba(99, 110, 250, 1.0)"
    assert light.name == full.name == "Terminator Improvement" and light.mode == full.mode == "markers+lines"
    assert (light.showlegend, full.showlegend) == (False, True)
    assert error.x is None  # plot_error=False: Optuna's empty scatter
    ys = list(light.y) + list(full.y)[1:]
    assert all(math.isfinite(v) and v >= -1e-9 for v in ys)
    assert list(light.y)[-1] == list(full.y)[0]
    low, high = min(ys), max(full.y)
    assert list(fig.layout.yaxis.range) == pytest.approx([low - 0.05 * (high - low), high + 0.05 * (high - low)])
    # the failed trial's point is the bound of the trials before it
    k = numbers.index(31)
    assert ys[k] == ys[k - 1]


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_the_bound_shrinks_as_the_search_converges(direction):
    fig = visualization.plot_terminator_improvement(converging(direction=direction))
    ys = list(fig.data[0].y) + list(fig.data[1].y)[1:]
    early, late = sum(ys[1:21]) / 20, sum(ys[-20:]) / 20
    assert late < early / 5, (early, late)
    assert ys[-1] < max(ys) / 20


def test_evaluators():
    study = converging(30)
    trials = study.trials
    bound = RegretBoundEvaluator().evaluate(trials, study.direction)
    assert bound == RegretBoundEvaluator(seed=0)._of_study(study)  # the same trials, the same bound
    assert RegretBoundEvaluator(seed=3).evaluate(trials, study.direction) == pytest.approx(bound, rel=0.5)
    fig = visualization.plot_terminator_improvement(study, improvement_evaluator=RegretBoundEvaluator())
    assert fig.data[1].y[-1] == bound
    with pytest.raises(NotImplementedError, match="top_trials_ratio"):
        RegretBoundEvaluator(top_trials_ratio=0.2)
    with pytest.raises(ValueError, match="no trial has been completed"):
        RegretBoundEvaluator().evaluate([], study.direction)
    assert StaticErrorEvaluator(0.5).evaluate(trials, study.direction) == 0.5


def test_plot_error_of_cross_validation_scores():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=2))

    def objective(trial):
        x = trial.suggest_float("x", -3, 3)
        scores = [x * x + 0.1 * k for k in range(4)]
        report_cross_validation_scores(trial, scores)
        return sum(scores) / 4

    study.optimize(objective, n_trials=25)
    fig = visualization.plot_terminator_improvement(study, plot_error=True)
    err = fig.data[2]
    assert err.name == "Error" and err.marker.color == "rgb(239, 85, 59)" and len(err.x) == 25
    # Optuna's: sqrt((1/k + 1/(k-1)) var) of the best trial's scores; here var of 0, .1, .2, .3
    assert list(err.y) == pytest.approx([math.sqrt((1 / 4 + 1 / 3) * 0.0125)] * 25)
    assert min(err.y) >= fig.layout.yaxis.range[0]
    with pytest.raises(ValueError, match="at least|greater than one"):
        report_cross_validation_scores(study.ask(), [1.0])
    plain = converging(5)
    with pytest.raises(ValueError, match="Cross-validation scores have not been reported"):
        CrossValidationErrorEvaluator().evaluate(plain.trials, plain.direction)


def test_few_trials_errors_and_stored_studies(tmp_db):
    fig = visualization.plot_terminator_improvement(converging(8))
    assert len(fig.data) == 2 and fig.data[0].showlegend and len(fig.data[0].x) == 8  # all lighter, as Optuna's
    assert len(visualization.plot_terminator_improvement(optuna.create_study()).data) == 0  # no complete trial
    with pytest.raises(ValueError, match="multi-objective"):
        visualization.plot_terminator_improvement(optuna.create_study(directions=["minimize", "minimize"]))
    bare = optuna.create_study()
    bare.optimize(lambda t: 1.0, n_trials=2)
    with pytest.raises(ValueError, match="share no param"):
        visualization.plot_terminator_improvement(bare)
    stored = converging(25, storage=tmp_db)
    assert list(visualization.plot_terminator_improvement(stored).data[1].y) == list(visualization.plot_terminator_improvement(converging(25)).data[1].y)


def test_report_cross_validation_scores_warns_as_optuna_5():
    """Optuna 5 deprecated its terminator module: report_cross_validation_scores warns
    FutureWarning with its words at the caller's line (knob gave none). The message is
    Optuna 5's, as it printed it."""
    import warnings

    from knob.terminator import report_cross_validation_scores

    study = optuna.create_study()
    t = study.ask()
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        report_cross_validation_scores(t, [1.0, 2.0])
    assert [(w.category, str(w.message), w.filename) for w in got] == [
        (
            FutureWarning,
            "`optuna.terminator` module has been deprecated in v4.9.0. This feature will be removed in v6.0.0. "
            "See https://github.com/optuna/optuna/releases/tag/v4.9.0.",
            __file__,
        )
    ]


def test_evaluate_names_the_trials_given():
    """RegretBoundEvaluator.evaluate copies the trials into a study of its own, which its
    errors named no-name-<uuid> (a study the user never made; create_study's log line said
    so too): they name the trials given."""
    from knob.terminator import RegretBoundEvaluator

    with pytest.raises(ValueError, match=r"the trials given to RegretBoundEvaluator.evaluate, 2 of 2 complete"):
        RegretBoundEvaluator().evaluate([optuna.trial.create_trial(value=1.0), optuna.trial.create_trial(value=2.0)],
                                        optuna.study.StudyDirection.MINIMIZE)
