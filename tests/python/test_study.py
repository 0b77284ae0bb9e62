"""Studies: create, load, delete, copy, list; directions; attributes; best trials; the
trials' views; enqueue and add; on every storage."""

import datetime
import enum
import logging
import math
import subprocess
import sys
import time
import warnings

import pytest

import knob as optuna
from knob.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from knob.trial import TrialState


def quadratic(trial):
    x = trial.suggest_float("x", -10, 10)
    return (x - 2) ** 2


def test_create_load_delete(storage, name):
    study = optuna.create_study(storage=storage, study_name=name, direction="maximize")
    assert study.study_name == name
    assert study.direction == optuna.study.StudyDirection.MAXIMIZE
    study.optimize(quadratic, n_trials=5)
    assert name in optuna.get_all_study_names(storage)
    with pytest.raises(optuna.exceptions.DuplicatedStudyError):
        optuna.create_study(storage=storage, study_name=name)
    again = optuna.create_study(storage=storage, study_name=name, load_if_exists=True)
    assert len(again.trials) == 5
    assert again.direction == optuna.study.StudyDirection.MAXIMIZE
    loaded = optuna.load_study(study_name=name, storage=storage)
    assert [t.params for t in loaded.trials] == [t.params for t in study.trials]
    assert loaded.best_value == study.best_value
    del study, again, loaded
    optuna.delete_study(study_name=name, storage=storage)
    assert name not in optuna.get_all_study_names(storage)
    with pytest.raises(KeyError, match=name):
        optuna.load_study(study_name=name, storage=storage)
    with pytest.raises(KeyError, match=name):
        optuna.delete_study(study_name=name, storage=storage)


@pytest.mark.parametrize("directions", [["minimize"], ["minimize", "maximize"]])
def test_best_of_a_deleted_study_raises_as_trials_does(storage, name, directions):
    # a Study object whose study was deleted: trials raised KeyError (KnobNotFoundError, as
    # Optuna's storage's KeyError), best_trials returned [] and best_trial, best_value and
    # best_params said "No trials are completed yet."; each raises as trials does now
    study = optuna.create_study(storage=storage, study_name=name, directions=directions)
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0)[: len(directions)], n_trials=3)
    empty = optuna.create_study(storage=storage, study_name=name + "-e", directions=directions)
    optuna.delete_study(study_name=name, storage=storage)
    optuna.delete_study(study_name=name + "-e", storage=storage)
    for s in (study, empty):
        with pytest.raises(optuna.exceptions.KnobNotFoundError) as trials_error:
            s.trials
        accessors = ["best_trials"] + (["best_trial", "best_value", "best_params"] if len(directions) == 1 else [])
        for attr in accessors:
            with pytest.raises(KeyError) as e:
                getattr(s, attr)
            assert type(e.value) is optuna.exceptions.KnobNotFoundError, attr
            assert str(e.value) == str(trials_error.value), attr


def test_study_constructor_loads(tmp_db):
    optuna.create_study(storage=tmp_db, study_name="s").optimize(quadratic, n_trials=2)
    s = optuna.Study(study_name="s", storage=tmp_db)
    assert len(s.trials) == 2
    only = optuna.load_study(study_name=None, storage=tmp_db)
    assert only.study_name == "s"


def test_default_name_and_directions():
    s = optuna.create_study()
    assert s.study_name.startswith("no-name-")
    assert s.directions == [optuna.study.StudyDirection.MINIMIZE]
    with pytest.raises(ValueError):
        optuna.create_study(direction="up")
    with pytest.raises(ValueError):
        optuna.create_study(direction="minimize", directions=["minimize"])
    m = optuna.create_study(directions=["minimize", optuna.study.StudyDirection.MAXIMIZE])
    assert m.directions == [optuna.study.StudyDirection.MINIMIZE, optuna.study.StudyDirection.MAXIMIZE]
    with pytest.raises(RuntimeError):
        m.direction


def test_directions_are_checked_as_optuna():
    # Optuna 5 takes "minimize", "maximize" and StudyDirection's two members, and raises
    # ValueError naming what it got otherwise; knob took StudyDirection.NOT_SET as
    # "minimize" (it is 0, which `direction or "minimize"` replaced) and any case of the words
    D = optuna.study.StudyDirection
    msg = r"`directions` must be a list of `minimize` or `maximize`, but got %s\. For single-objective"
    for bad, shown in ((D.NOT_SET, r"\[<StudyDirection\.NOT_SET: 0>\]"), ("MAXIMIZE", r"\['MAXIMIZE'\]"), ("min", r"\['min'\]")):
        with pytest.raises(ValueError, match=msg % shown):
            optuna.create_study(direction=bad)
        with pytest.raises(ValueError, match=msg % shown):
            optuna.create_study(directions=[bad])
    with pytest.raises(ValueError, match=msg % r"\['m', 'i', 'n', 'i', 'm', 'i', 'z', 'e'\]"):
        optuna.create_study(directions="minimize")  # a string is its letters, as in Optuna
    with pytest.raises(ValueError, match="greater than 0"):
        optuna.create_study(directions=[])
    assert optuna.create_study(direction=D.MAXIMIZE).direction == D.MAXIMIZE
    assert optuna.create_study(directions=("maximize", D.MINIMIZE)).directions == [D.MAXIMIZE, D.MINIMIZE]


class StudyDirection(enum.IntEnum):
    """Another package's StudyDirection, as Optuna's (optuna.study.StudyDirection)."""

    NOT_SET = 0
    MINIMIZE = 1
    MAXIMIZE = 2


class Goal(enum.Enum):
    MAXIMIZE = "maximize"


def test_a_foreign_study_direction():
    # Optuna's StudyDirection (a `from optuna.study import StudyDirection` left as it was) is
    # taken by its member's name; another enum is refused naming its type (both were refused
    # with "please use `direction` instead of `directions`", given as `direction`)
    D = optuna.study.StudyDirection
    study = optuna.create_study(direction=StudyDirection.MAXIMIZE)
    assert study.direction is D.MAXIMIZE
    assert optuna.create_study(directions=[StudyDirection.MINIMIZE, "maximize"]).directions == [D.MINIMIZE, D.MAXIMIZE]
    named = r"but got <Goal\.MAXIMIZE: 'maximize'>, a member of %s\.Goal, which is not knob's StudyDirection\." % __name__
    with pytest.raises(ValueError, match=r"^`direction` must be `minimize`, `maximize` or knob\.study\.StudyDirection\..*" + named):
        optuna.create_study(direction=Goal.MAXIMIZE)
    with pytest.raises(ValueError, match=r"^each of `directions` must be .*" + named):
        optuna.create_study(directions=["minimize", Goal.MAXIMIZE])
    with pytest.raises(ValueError, match=r"but got \[<StudyDirection\.NOT_SET: 0>\]\. For single-objective"):
        optuna.create_study(direction=StudyDirection.NOT_SET)  # as knob's own NOT_SET


def test_an_existing_study_is_said_in_optuna5s_words(tmp_db, caplog):
    optuna.create_study(storage=tmp_db, study_name="x")
    with pytest.raises(optuna.exceptions.DuplicatedStudyError) as e:
        optuna.create_study(storage=tmp_db, study_name="x")
    assert str(e.value) == (
        "Another study with study_name='x' already exists. Please specify a name not in the storage, "
        "or reuse the existing one by setting `load_if_exists` (for Python API) or `--skip-if-exists` "
        "flag (for CLI).\nUse `optuna.study.get_all_study_names(storage)` to list all the used names."
    )
    optuna.logging.set_verbosity(optuna.logging.INFO)
    optuna.logging.enable_propagation()
    try:
        with caplog.at_level(logging.INFO, logger="knob"):
            optuna.create_study(storage=tmp_db, study_name="x", load_if_exists=True)
    finally:
        optuna.logging.disable_propagation()
        optuna.logging.set_verbosity(optuna.logging.WARNING)
    assert [r.getMessage() for r in caplog.records] == [
        "Using an existing study with `study_name='x'` instead of creating a new one."
    ]


_RACER = r"""
import logging, sys, time
import knob
url, name, t0, direction, load = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5] == "1"
logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
knob.logging.set_verbosity(knob.logging.INFO)
knob.logging.disable_default_handler()
knob.logging.enable_propagation()
while time.time() < t0:
    pass
try:
    knob.create_study(study_name=name, storage=url, direction=direction, load_if_exists=load)
except knob.exceptions.DuplicatedStudyError:
    print("DuplicatedStudyError")
"""


@pytest.mark.parametrize("load", [False, True])
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_create_study_at_once_in_processes(kind, load, tmp_path, name):
    # As Optuna's: of processes that create one study at once (some to minimize, some to
    # maximize) exactly one creates it and says so; the others raise DuplicatedStudyError,
    # or with load_if_exists use it. Each checked the names, then created or loaded:
    # several "created" it, and those with the other direction got KnobValueError.
    from conftest import pg_url

    url = "sqlite:///" + str(tmp_path / "race.db") if kind == "sqlite" else pg_url()
    t0 = time.time() + 3
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _RACER, url, name, repr(t0), ("minimize", "maximize")[i % 2], str(int(load))],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(6)
    ]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        outs.append(out.strip())
    created = [o for o in outs if o.startswith("A new study created in RDB with name: ")]
    others = [o for o in outs if o not in created]
    want = "Using an existing study with `study_name=%r` instead of creating a new one." % name if load else "DuplicatedStudyError"
    assert len(created) == 1, outs
    assert others == [want] * 5, outs
    assert optuna.get_all_study_names(url).count(name) == 1


def test_sqlite_memory_url(tmp_path, monkeypatch):
    # SQLAlchemy's in-memory SQLite, as in Optuna's RDBStorage example: a new, empty
    # database of this process (it failed: "cannot switch to WAL mode ... network file system?")
    monkeypatch.chdir(tmp_path)
    storage = optuna.storages.RDBStorage(url="sqlite:///:memory:")
    study = optuna.create_study(storage=storage)
    study.optimize(quadratic, n_trials=3)
    assert len(study.trials) == 3 and storage.url == "memory:"
    again = optuna.create_study(storage="sqlite:///:memory:", study_name=study.study_name)
    assert again.trials == []
    # SQLAlchemy's other spelling of it, without a path (Optuna takes it; knob refused it:
    # "expected sqlite:///relative/path.db ...")
    for url in ("sqlite://", "sqlite+pysqlite://"):
        bare = optuna.create_study(storage=url, study_name=study.study_name)
        bare.optimize(quadratic, n_trials=2)
        assert len(bare.trials) == 2 and optuna.storages.RDBStorage(url).url == "memory:"
    assert list(tmp_path.iterdir()) == []


def test_sqlite_url_query(tmp_path, monkeypatch):
    # SQLAlchemy's URLs as Optuna users paste them: "?timeout=10" is the busy timeout of
    # the file before the query (it made a file named "q.db?timeout=10"), a driver name
    # is ignored, connect_args={"timeout": ...} is the same query; others are refused by name
    monkeypatch.chdir(tmp_path)
    study = optuna.create_study(storage="sqlite:///q.db?timeout=10", study_name="q")
    study.optimize(quadratic, n_trials=2)
    assert sorted(p.name for p in tmp_path.iterdir() if "q.db" in p.name)[0] == "q.db"
    assert not [p for p in tmp_path.iterdir() if "?" in p.name]
    again = optuna.load_study(study_name="q", storage="sqlite+pysqlite:///q.db")
    assert len(again.trials) == 2
    storage = optuna.storages.RDBStorage("sqlite:///q.db", engine_kwargs={"connect_args": {"timeout": 20}})
    assert storage.url == "sqlite:///q.db?timeout=20"
    assert len(optuna.load_study(study_name="q", storage=storage).trials) == 2
    with pytest.raises(ValueError, match="unknown query parameter 'mode'"):
        optuna.load_study(study_name="q", storage="sqlite:///q.db?mode=ro")
    with pytest.raises(NotImplementedError, match="'pool_size'"):
        optuna.storages.RDBStorage("sqlite:///q.db", engine_kwargs={"pool_size": 5})
    with pytest.raises(NotImplementedError, match="'check_same_thread'"):
        optuna.storages.RDBStorage("sqlite:///q.db", engine_kwargs={"connect_args": {"check_same_thread": False}})
    assert not [p for p in tmp_path.iterdir() if "?" in p.name]


def test_heartbeat_stale_trial_callback(tmp_path):
    # Optuna 5's RDBStorage example: heartbeat_stale_trial_callback=
    # RetryHeartbeatStaleTrialCallback(...) (an ImportError and a TypeError before);
    # failed_trial_callback=RetryFailedTrialCallback(...) is its older spelling
    from knob.storages import RetryFailedTrialCallback, RetryHeartbeatStaleTrialCallback

    url = "sqlite:///%s" % (tmp_path / "hb.db")
    storage = optuna.storages.RDBStorage(
        url=url,
        heartbeat_interval=1,
        grace_period=1,
        heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(max_retry=3),
    )
    assert storage.max_retry == 3
    with pytest.raises(ValueError, match="only one"):
        optuna.storages.RDBStorage(
            url=url,
            heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(),
            failed_trial_callback=RetryFailedTrialCallback(),
        )
    with pytest.raises(NotImplementedError, match="RetryHeartbeatStaleTrialCallback"):
        optuna.storages.RDBStorage(url=url, heartbeat_stale_trial_callback=lambda study, trial: None)
    study = optuna.create_study(storage=storage, study_name="h")
    # an optimize's trial whose worker dies: no heartbeat after the first (Study._ask, the
    # ask optimize makes; a trial of study.ask() never beats, so it is never failed)
    lost = study._ask()
    x = lost.suggest_float("x", 0, 1)
    time.sleep(2.5)
    old = optuna.storages.RDBStorage(
        url=url, heartbeat_interval=1, grace_period=1, failed_trial_callback=RetryFailedTrialCallback(max_retry=3)
    )
    again = optuna.load_study(study_name="h", storage=old)
    retry = again.ask()
    assert retry.suggest_float("x", 0, 1) == x
    again.tell(retry, 1.0)
    frozen = again.trials
    assert [t.state for t in frozen] == [TrialState.FAIL, TrialState.COMPLETE]
    assert RetryHeartbeatStaleTrialCallback.retried_trial_number(frozen[1]) == 0


def test_postgres_driver_url_and_unknown_scheme(name):
    with pytest.raises(NotImplementedError, match="mysql"):
        optuna.create_study(storage="mysql://u@h/db")
    from conftest import pg_url

    url = pg_url().replace("postgresql://", "postgresql+psycopg2://", 1)
    s = optuna.create_study(storage=url, study_name=name)
    s.optimize(quadratic, n_trials=2)
    optuna.delete_study(study_name=name, storage=url)


def test_best_and_states(storage, name):
    # Seeded: an unseeded run now and then draws none of x = 2, 5, 8 in its 20 trials (3 of
    # 2,000 seeds of the default, 1 of 2,000 of random search; uniform draws: 0.7^20 = 0.08%).
    study = optuna.create_study(storage=storage, study_name=name, sampler=optuna.samplers.AutoSampler(seed=5))
    with pytest.raises(ValueError, match="No trials are completed yet"):
        study.best_trial

    def objective(trial):
        x = trial.suggest_int("x", 0, 9)
        if x % 3 == 0:
            raise optuna.TrialPruned()
        if x % 3 == 1:
            raise RuntimeError("x=%d fails" % x)
        return x

    study.optimize(objective, n_trials=20, catch=(RuntimeError,))
    trials = study.trials
    assert len(trials) == 20
    complete = study.get_trials(states=(TrialState.COMPLETE,))
    assert all(t.params["x"] % 3 == 2 for t in complete)
    assert {t.state for t in study.get_trials(states=[TrialState.FAIL])} <= {TrialState.FAIL}
    assert study.best_value == min(t.value for t in complete)
    assert study.best_params == {"x": study.best_trial.params["x"]}
    assert study.best_trial.state == TrialState.COMPLETE
    failed = study.get_trials(deepcopy=False, states=[TrialState.FAIL])
    assert all("RuntimeError" in t.system_attrs["fail_reason"] for t in failed)
    assert all(t.value is None for t in study.get_trials(states=[TrialState.PRUNED]))
    t = trials[0]
    assert isinstance(t.datetime_start, datetime.datetime)
    assert isinstance(t.datetime_complete, datetime.datetime)
    assert t.duration >= datetime.timedelta(0)
    assert t.distributions == {"x": IntDistribution(0, 9)}


def test_frozen_trials_are_copies():
    study = optuna.create_study()
    study.optimize(quadratic, n_trials=3)
    a = study.trials
    a[0].params["x"] = 1000
    assert study.trials[0].params["x"] != 1000
    b = study.get_trials(deepcopy=False)
    assert b[1] == study.trials[1]


def test_study_attrs(storage, name):
    study = optuna.create_study(storage=storage, study_name=name)
    study.set_user_attr("dataset", "digits")
    study.set_user_attr("folds", [1, 2])
    with pytest.warns(FutureWarning):
        study.set_system_attr("origin", {"a": 1})
    assert study.user_attrs == {"dataset": "digits", "folds": [1, 2]}
    with pytest.warns(FutureWarning):
        assert study.system_attrs == {"origin": {"a": 1}}
    if not isinstance(storage, optuna.storages.InMemoryStorage):
        loaded = optuna.load_study(study_name=name, storage=storage)
        assert loaded.user_attrs["folds"] == [1, 2]
    with pytest.raises(ValueError, match="JSON"):
        study.set_user_attr("bad", object())


def test_system_attrs_deprecated(tmp_db):
    """Optuna 5 keeps the system attributes of Study and Trial, and their setters (FrozenTrial's
    and FixedTrial's too), deprecated since 3.1, each with a FutureWarning; so does knob.
    A FrozenTrial's or a FixedTrial's system_attrs is not deprecated, nor knob's own use."""
    study = optuna.create_study(storage=tmp_db, study_name="sys")
    with pytest.warns(FutureWarning, match="^set_system_attr has been deprecated"):
        study.set_system_attr("origin", 1)
    with pytest.warns(FutureWarning, match="^system_attrs has been deprecated"):
        assert study.system_attrs == {"origin": 1}
    t = study.ask()
    with pytest.warns(FutureWarning, match="^set_system_attr has been deprecated"):
        t.set_system_attr("k", 2)
    with pytest.warns(FutureWarning, match="^system_attrs has been deprecated"):
        assert t.system_attrs == {"k": 2}
    ft = optuna.trial.FixedTrial({})
    with pytest.warns(FutureWarning, match="^set_system_attr has been deprecated"):
        ft.set_system_attr("k", 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t.set_constraint("c", -1.0)
        t.report(1.0, 0)
        study.tell(t, 1.0)
        study.set_metric_names(["loss"])
        frozen = study.trials[0]
        assert frozen.system_attrs == {"k": 2, "constraints:c": -1.0}  # as Optuna 5's
        assert ft.system_attrs == {"k": 3}
        optuna.get_all_study_summaries(tmp_db)
        optuna.copy_study(from_study_name="sys", from_storage=tmp_db, to_storage=optuna.storages.InMemoryStorage())
    with pytest.warns(FutureWarning, match="^set_system_attr has been deprecated"):
        frozen.set_system_attr("k", 4)


# Optuna 5's words (optuna/_deprecated.py's _DEPRECATION_WARNING_TEMPLATE, with the
# versions and texts of its deprecated_func and deprecated_class decorators).
_OPTUNA_DEPRECATED = (
    "{} has been deprecated in v{}. This feature will be removed in v{}. "
    "See https://github.com/optuna/optuna/releases/tag/v{}."
)


def _optuna_deprecated(name, d_ver, r_ver, text=None):
    out = _OPTUNA_DEPRECATED.format(name, d_ver, r_ver, d_ver)
    return out if text is None else out + " " + text


def test_deprecation_warnings_have_optunas_words():
    """Each FutureWarning knob gives for what Optuna deprecated is Optuna 5's, word for
    word, at the caller's line: a script's filter written for Optuna's message matches."""
    from knob.distributions import (
        DiscreteUniformDistribution,
        IntLogUniformDistribution,
        IntUniformDistribution,
        LogUniformDistribution,
        UniformDistribution,
    )

    attrs = _optuna_deprecated("{}", "3.1.0", "5.0.0")
    study = optuna.create_study()
    t = study.ask()
    t.suggest_float("u", 0, 1)
    t.suggest_float("l", 0.5, 1, log=True)
    t.suggest_float("d", 0, 1, step=0.5)
    fixed = optuna.trial.FixedTrial({"u": 0.5, "l": 0.5, "d": 0.5})
    cases = [
        (lambda: study.set_system_attr("k", 1), attrs.format("set_system_attr")),
        (lambda: study.system_attrs, attrs.format("system_attrs")),
        (lambda: t.set_system_attr("k", 1), attrs.format("set_system_attr")),
        (lambda: t.system_attrs, attrs.format("system_attrs")),
        (lambda: fixed.set_system_attr("k", 1), attrs.format("set_system_attr")),
    ]
    for trial in (t, fixed):
        cases += [
            (lambda trial=trial: trial.suggest_uniform("u", 0, 1), _optuna_deprecated("suggest_uniform", "3.0.0", "6.0.0", "Use suggest_float instead.")),
            (
                lambda trial=trial: trial.suggest_loguniform("l", 0.5, 1),
                _optuna_deprecated("suggest_loguniform", "3.0.0", "6.0.0", "Use suggest_float(..., log=True) instead."),
            ),
            (
                lambda trial=trial: trial.suggest_discrete_uniform("d", 0, 1, 0.5),
                _optuna_deprecated("suggest_discrete_uniform", "3.0.0", "6.0.0", "Use suggest_float(..., step=...) instead."),
            ),
        ]
    for make, name, instead in (
        (lambda: UniformDistribution(0, 1), "UniformDistribution", "FloatDistribution"),
        (lambda: LogUniformDistribution(1e-3, 1), "LogUniformDistribution", "FloatDistribution"),
        (lambda: DiscreteUniformDistribution(0, 1, 0.25), "DiscreteUniformDistribution", "FloatDistribution"),
        (lambda: IntUniformDistribution(0, 3), "IntUniformDistribution", "IntDistribution"),
        (lambda: IntLogUniformDistribution(1, 3), "IntLogUniformDistribution", "IntDistribution"),
    ):
        cases.append((make, _optuna_deprecated(name, "3.0.0", "6.0.0", "Use :class:`~optuna.distributions.%s` instead." % instead)))
    cases.append((lambda: study.tell(t, 1.0) and None, None))  # then those of the trial as stored
    cases.append((lambda: study.trials[0].set_system_attr("k", 2), attrs.format("set_system_attr")))
    cases.append((lambda: study.trials[0].suggest_uniform("u", 0, 1), _optuna_deprecated("suggest_uniform", "3.0.0", "6.0.0", "Use suggest_float instead.")))
    for call, expected in cases:
        if expected is None:
            call()
            continue
        with warnings.catch_warnings(record=True) as got:
            warnings.simplefilter("always")
            call()
        assert [(w.category, str(w.message), w.filename) for w in got] == [(FutureWarning, expected, __file__)]
    # a filter as a script written for Optuna has it
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="set_system_attr has been deprecated in v3.1.0", category=FutureWarning)
        with pytest.raises(FutureWarning):
            study.set_system_attr("k", 3)


def test_deprecated_storage_arguments_warn_as_optuna_5(tmp_db):
    """RDBStorage's failed_trial_callback and the class RetryFailedTrialCallback, which
    Optuna 5 deprecated for heartbeat_stale_trial_callback and
    RetryHeartbeatStaleTrialCallback, warn FutureWarning with its words at the caller's line
    (knob took them silently); the new names warn nothing. Each message is Optuna 5's."""
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        callback = optuna.storages.RetryFailedTrialCallback(max_retry=2)
        optuna.storages.RDBStorage(tmp_db, heartbeat_interval=60, failed_trial_callback=callback)
    assert [(w.category, str(w.message), w.filename) for w in got] == [
        (
            FutureWarning,
            "RetryFailedTrialCallback has been deprecated in v4.9.0. This feature will be removed in v6.0.0. See "
            "https://github.com/optuna/optuna/releases/tag/v4.9.0. Use `RetryHeartbeatStaleTrialCallback` instead.",
            __file__,
        ),
        (
            FutureWarning,
            "`failed_trial_callback` has been deprecated in v4.9.0. This feature will be removed in v6.0.0. See "
            "https://github.com/optuna/optuna/releases/tag/v4.9.0. Use `heartbeat_stale_trial_callback` instead.",
            __file__,
        ),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        callback = optuna.storages.RetryHeartbeatStaleTrialCallback(max_retry=2)
        storage = optuna.storages.RDBStorage(tmp_db, heartbeat_interval=60, heartbeat_stale_trial_callback=callback)
    assert storage.max_retry == 2


def test_multi_objective_best_trials(storage, name):
    study = optuna.create_study(storage=storage, study_name=name, directions=["minimize", "minimize"])

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        return x, 1 - x

    study.optimize(objective, n_trials=10)
    front = study.best_trials
    assert len(front) == 10  # every trial is on the front of (x, 1 - x)
    assert all(len(t.values) == 2 for t in front)
    with pytest.raises(RuntimeError):
        study.best_trial
    with pytest.raises(RuntimeError):
        front[0].value


def test_enqueue(storage, name):
    study = optuna.create_study(storage=storage, study_name=name)
    study.enqueue_trial({"x": 1.5}, user_attrs={"why": "a guess"})
    study.enqueue_trial({"x": 1.5}, skip_if_exists=True)  # waiting already: skipped
    study.enqueue_trial({"x": 3.0})
    study.optimize(quadratic, n_trials=3)
    t = study.trials
    assert t[0].params == {"x": 1.5}
    assert t[0].user_attrs == {"why": "a guess"}
    assert t[1].params == {"x": 3.0}
    study.enqueue_trial({"x": 3.0}, skip_if_exists=True)  # ran already: skipped
    study.optimize(quadratic, n_trials=1)
    assert study.trials[3].params != {"x": 3.0}
    # an enqueued value outside the distribution is not used (the sampler decides): a
    # warning says so (Optuna uses it, with a warning; knob said nothing)
    study.enqueue_trial({"x": 50.0})
    with pytest.warns(UserWarning, match=r"Fixed parameter x with value 50\.0 is out of range .* trial 4 takes the sampler's value"):
        study.optimize(quadratic, n_trials=1)
    assert -10 <= study.trials[4].params["x"] <= 10
    study.enqueue_trial({"x": "2"})  # a number as text, as libknob takes it: used, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        study.optimize(quadratic, n_trials=1)
    assert study.trials[5].params == {"x": 2.0}


def test_add_trial_and_create_trial(storage, name):
    study = optuna.create_study(storage=storage, study_name=name)
    dists = {"x": FloatDistribution(0, 10), "opt": CategoricalDistribution(["adam", None, 3])}
    study.add_trial(
        optuna.create_trial(
            params={"x": 2.0, "opt": None},
            distributions=dists,
            value=0.25,
            user_attrs={"src": "paper"},
            intermediate_values={0: 1.0, 3: 0.5},
        )
    )
    study.add_trials(
        [
            optuna.create_trial(params={"x": 4.0, "opt": 3}, distributions=dists, state=TrialState.PRUNED, intermediate_values={1: 9.0}),
            optuna.create_trial(params={"x": 5.0, "opt": "adam"}, distributions=dists, state=TrialState.FAIL),
        ]
    )
    t = study.trials
    assert [x.state for x in t] == [TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL]
    assert t[0].params == {"x": 2.0, "opt": None}
    assert t[0].value == 0.25
    assert t[0].intermediate_values == {0: 1.0, 3: 0.5}
    assert t[0].user_attrs == {"src": "paper"}
    assert t[1].params["opt"] == 3
    assert t[0].distributions == dists
    assert study.best_trial.number == 0
    # The next trial is numbered after them, and sees them.
    study.optimize(quadratic, n_trials=1)
    assert study.trials[3].number == 3
    with pytest.raises(ValueError, match="value"):
        optuna.create_trial(params={"x": 1.0}, distributions=dists)  # complete needs a value
    with pytest.raises(ValueError):
        optuna.create_trial(params={"x": 11.0}, distributions={"x": dists["x"]}, value=1)
    with pytest.raises(ValueError, match="objective"):
        study.add_trial(optuna.create_trial(params={}, distributions={}, values=[1, 2]))


def test_copy_study(tmp_path, name):
    src = "sqlite:///" + str(tmp_path / "a.db")
    dst = optuna.storages.InMemoryStorage()
    s = optuna.create_study(storage=src, study_name=name, directions=["minimize", "maximize"])
    s.set_user_attr("k", 1)

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        c = trial.suggest_categorical("c", [True, False])
        return x, float(c)

    s.optimize(objective, n_trials=6)
    s.enqueue_trial({"x": 0.5})
    optuna.copy_study(from_study_name=name, from_storage=src, to_storage=dst, to_study_name="copy")
    c = optuna.load_study(study_name="copy", storage=dst)
    assert c.directions == s.directions
    assert c.user_attrs == {"k": 1}
    ct, st = c.trials, s.trials
    assert len(ct) == 7
    assert [t.params for t in ct[:6]] == [t.params for t in st[:6]]
    assert [t.values for t in ct[:6]] == [t.values for t in st[:6]]
    # the trials keep their times, as Optuna's copy_study keeps them
    assert [t.datetime_start for t in ct[:6]] == [t.datetime_start for t in st[:6]]
    assert [t.datetime_complete for t in ct[:6]] == [t.datetime_complete for t in st[:6]]
    assert ct[6].state == TrialState.WAITING


def test_trials_dataframe(storage, name):
    pd = pytest.importorskip("pandas")
    study = optuna.create_study(storage=storage, study_name=name)

    def objective(trial):
        trial.set_user_attr("u", 7)
        x = trial.suggest_float("x", 0, 1)
        trial.suggest_categorical("c", ["a", "b"])
        return x

    study.optimize(objective, n_trials=4)
    df = study.trials_dataframe()
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == [
        "number", "value", "datetime_start", "datetime_complete", "duration", "params_c", "params_x", "user_attrs_u", "state"
    ] or set(df.columns) == {
        "number", "value", "datetime_start", "datetime_complete", "duration", "params_x", "params_c", "user_attrs_u", "state"
    }
    assert list(df["number"]) == [0, 1, 2, 3]
    assert list(df["state"]) == ["COMPLETE"] * 4
    assert list(df["value"]) == list(df["params_x"])
    mi = study.trials_dataframe(attrs=("number", "params"), multi_index=True)
    assert ("params", "x") in mi.columns


def test_summaries(tmp_db):
    optuna.create_study(storage=tmp_db, study_name="a").optimize(quadratic, n_trials=3)
    optuna.create_study(storage=tmp_db, study_name="b", directions=["minimize", "maximize"])
    sums = optuna.get_all_study_summaries(tmp_db)
    assert [s.study_name for s in sums] == ["a", "b"]
    assert sums[0].n_trials == 3 and sums[0].best_trial is not None
    assert math.isfinite(sums[0].best_trial.value)
    assert len(sums[1].directions) == 2


def test_metric_names(tmp_db, caplog):
    # Optuna's set_metric_names / metric_names (an AttributeError before): kept in the
    # storage as Optuna keeps them, shown in the log of each trial and in trials_dataframe
    study = optuna.create_study(storage=tmp_db, study_name="named", directions=["minimize", "maximize"])
    assert study.metric_names is None
    with pytest.raises(ValueError, match="must match"):
        study.set_metric_names(["only one"])
    study.set_metric_names(["loss", "acc"])
    assert study.metric_names == ["loss", "acc"]
    with pytest.warns(FutureWarning):
        assert study.system_attrs["study:metric_names"] == ["loss", "acc"]
    again = optuna.load_study(study_name="named", storage=tmp_db)
    assert again.metric_names == ["loss", "acc"]
    optuna.logging.set_verbosity(optuna.logging.INFO)
    optuna.logging.enable_propagation()
    try:
        with caplog.at_level(logging.INFO, logger="knob"):
            study.optimize(lambda t: (t.suggest_float("x", 0, 1), 0.5), n_trials=1)
    finally:
        optuna.logging.disable_propagation()
        optuna.logging.set_verbosity(optuna.logging.WARNING)
    assert any("finished with values: {'loss': " in r.getMessage() and "'acc': 0.5}" in r.getMessage() for r in caplog.records)
    try:
        import pandas  # noqa: F401
    except ImportError:
        return
    df = study.trials_dataframe(multi_index=True)
    assert ("values", "loss") in df.columns and ("values", "acc") in df.columns
    assert "values_acc" in study.trials_dataframe().columns


class _FloatLike:
    """A value that converts with float() and is neither a number nor a sequence (a 0-d
    array's or a torch scalar's shape)."""

    def __float__(self):
        return 0.25


def test_bool_and_float_like_values(caplog):
    # Optuna converts an objective's value with float(): True is 1.0, and the log shows
    # the stored value (it showed "True", and a float-like value raised in the log)
    optuna.logging.set_verbosity(optuna.logging.INFO)
    optuna.logging.enable_propagation()
    try:
        with caplog.at_level(logging.INFO, logger="knob"):
            study = optuna.create_study()
            study.optimize(lambda t: t.suggest_int("x", 1, 1) == 1, n_trials=1)
            study.optimize(lambda t: _FloatLike(), n_trials=1)
    finally:
        optuna.logging.disable_propagation()
        optuna.logging.set_verbosity(optuna.logging.WARNING)
    assert [t.value for t in study.trials] == [1.0, 0.25]
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    msgs = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("Trial 0 finished with value: 1.0 ") for m in msgs), msgs
    assert any(m.startswith("Trial 1 finished with value: 0.25 ") for m in msgs), msgs
    t = study.ask()
    assert study.tell(t, False).value == 0.0


def test_ask_tell_elsewhere_keeps_params(tmp_db):
    # Optuna's distributed ask-and-tell: a trial asked in one place and told by number in
    # another keeps its params, and others see them while it runs (they were written only
    # with the asker's own tell, so the trial finished without them)
    asker = optuna.create_study(storage=tmp_db, study_name="elsewhere")
    t = asker.ask()
    x = t.suggest_float("x", 0, 1)
    n = t.suggest_int("n", 1, 4)
    teller = optuna.load_study(study_name="elsewhere", storage=tmp_db)
    assert teller.trials[0].params == {"x": x, "n": n}
    teller.tell(t.number, 0.5)
    done = optuna.load_study(study_name="elsewhere", storage=tmp_db).trials[0]
    assert done.state == TrialState.COMPLETE and done.params == {"x": x, "n": n}


def test_tell_a_trial_of_another_study_object(tmp_db):
    # a Trial asked through one Study object and told through another of the same study,
    # as Optuna allows (libknob refused the other handle's trial: the trial stayed running
    # and the tell was logged as a failure)
    a = optuna.create_study(storage=tmp_db, study_name="two")
    t = a.ask()
    x = t.suggest_float("x", 0, 1)
    b = optuna.load_study(study_name="two", storage=tmp_db)
    done = b.tell(t, 0.25)
    assert done.state == TrialState.COMPLETE and done.value == 0.25 and done.params == {"x": x}
    with pytest.raises(optuna.exceptions.UpdateFinishedTrialError):
        a.tell(t, 0.5)
    assert a.trials[0].value == 0.25


def test_study_id_as_optunas(tmp_db):
    """Code written for Optuna reads study._study_id beside study._storage (it raised
    AttributeError): an int, the study's place in its storage, the same from every Study
    object of it and as get_all_study_summaries gives it."""
    memory = optuna.storages.InMemoryStorage()
    for storage in (memory, tmp_db):
        a = optuna.create_study(storage=storage, study_name="a")
        b = optuna.create_study(storage=storage, study_name="b")
        assert (a._study_id, b._study_id) == (0, 1) and type(a._study_id) is int
        assert optuna.load_study(study_name="b", storage=storage)._study_id == 1
        assert [s._study_id for s in optuna.get_all_study_summaries(storage)] == [0, 1]


def test_a_study_left_at_exit_is_freed_quietly(tmp_path):
    """A Study (and its trial, storage) still held when the interpreter exits is freed without
    a word, also once the module's globals are gone (_lib.lib None, as at an exit after
    `import optuna`: an AttributeError was printed from Study.__del__, and the storage was not
    closed)."""
    import subprocess
    import sys
    import os
    script = tmp_path / "exit.py"
    script.write_text(
        "import knob, knob._lib as L\n"
        "s = knob.create_study(storage='sqlite:///%s')\n"
        "t = s.ask()\n"
        "s.optimize(lambda t: t.suggest_float('x', 0, 1), n_trials=2)\n"
        "L.lib = None\n" % (tmp_path / "exit.db")
    )
    p = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=dict(os.environ))
    assert p.returncode == 0, p.stderr
    assert "Exception ignored" not in p.stderr and "Traceback" not in p.stderr, p.stderr
