"""knob.visualization: Optuna's plot_* entry points make knob's report (`knob report`),
for a study in memory (copied for the command) and on SQLite."""

import knob as optuna
from knob import visualization


def objective(trial):
    x = trial.suggest_float("x", -5, 5)
    for step in range(3):
        trial.report(x * x + 1.0 / (step + 1), step)
    return x * x


def test_report_of_a_memory_study(tmp_path):
    study = optuna.create_study(study_name="viz")
    study.optimize(objective, n_trials=5)
    assert visualization.is_available()
    fig = visualization.plot_optimization_history(study)
    assert "<html" in fig.html.lower()
    assert "viz" in fig.html
    out = tmp_path / "r.html"
    fig.write_html(str(out))
    assert out.read_text() == fig.html
    assert fig._repr_html_() == fig.html


def test_report_of_a_sqlite_study(tmp_db):
    study = optuna.create_study(storage=tmp_db, study_name="viz-sql", directions=["minimize", "maximize"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=4)
    fig = visualization.plot_pareto_front(study)
    assert "viz-sql" in fig.to_html()
    assert visualization.plot_param_importances.__name__ == "plot_param_importances"
