"""get_all_study_summaries as Optuna's: a summary's datetime_start is its first trial's
start, None for a study without trials (knob gave the study's creation time)."""

import knob as optuna


def test_summary_datetime_start_is_the_first_trials(tmp_db):
    empty = optuna.create_study(storage=tmp_db, study_name="empty")
    ran = optuna.create_study(storage=tmp_db, study_name="ran")
    ran.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    by_name = {s.study_name: s for s in optuna.get_all_study_summaries(tmp_db)}
    assert by_name["empty"].datetime_start is None and by_name["empty"].n_trials == 0
    assert by_name["ran"].datetime_start == min(t.datetime_start for t in ran.trials)
    assert empty.study_name == "empty"
