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


def test_summaries_and_frozen_trials_compare_as_optunas(tmp_db):
    """sorted(get_all_study_summaries(...)) raised TypeError (StudySummary had no ordering),
    and FrozenTrial had no <=: as Optuna's, summaries order by their study's id and compare
    equal field by field, trials order by number."""
    for name in ("b", "a"):
        optuna.create_study(study_name=name, storage=tmp_db).optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    summaries = optuna.get_all_study_summaries(tmp_db)
    assert [s.study_name for s in sorted(summaries)] == ["b", "a"]
    assert summaries[0] == optuna.get_all_study_summaries(tmp_db)[0] and summaries[0] <= summaries[1]
    first, second = optuna.load_study(study_name="a", storage=tmp_db).trials
    assert first <= second and second >= first and not first > second
