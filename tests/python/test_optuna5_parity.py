"""Optuna 5 code that behaves the same under `import knob as optuna`: argument types of
suggest_*, attribute keys and study names, StudyDirection's str, a categorical's internal
repr, the warning of a name suggested again with another range, retry_history,
NSGAIISampler.population_size, Trial.storage and relative_search_space, CmaEsSampler's
incompatible arguments, and the recipe of python/README.md that moves a study from an
Optuna database into knob."""

import warnings
from decimal import Decimal

import pytest

import knob as optuna
from knob.distributions import CategoricalDistribution, FloatDistribution
from knob.trial import TrialState


def _trial():
    return optuna.create_study().ask()


@pytest.mark.parametrize(
    "call, arg",
    [
        (lambda t: t.suggest_float("m", "0", 1), "low"),
        (lambda t: t.suggest_float("m", 0, "1"), "high"),
        (lambda t: t.suggest_float("m", None, 1), "low"),
        (lambda t: t.suggest_float("m", [0], 1), "low"),
        (lambda t: t.suggest_float("m", 1j, 1), "low"),
        (lambda t: t.suggest_float("m", 0, 1, step="0.1"), "step"),
        (lambda t: t.suggest_uniform("m", "0", 1), "low"),
        (lambda t: t.suggest_loguniform("m", 1, "2"), "high"),
        (lambda t: t.suggest_discrete_uniform("m", 0, 1, "0.1"), "step"),
        (lambda t: t.suggest_int("m", "0", 5), "low"),
        (lambda t: t.suggest_int("m", 0, None), "high"),
        (lambda t: t.suggest_int("m", 0, 5, step=None), "step"),
        (lambda t: t.suggest_categorical("m", 5), "choices"),
        (lambda t: t.suggest_categorical("m", None), "choices"),
    ],
)
def test_a_bound_that_is_no_number_is_a_type_error(call, arg):
    """Optuna raises TypeError for them (from comparing); knob raised ctypes.ArgumentError,
    no TypeError, for a float's bound. The message names the param and the argument, in a
    running trial, a FixedTrial and a FrozenTrial alike."""
    fixed = optuna.trial.FixedTrial({"m": 0})
    frozen = optuna.trial.create_trial(value=1.0, params={"m": 0.5}, distributions={"m": FloatDistribution(0, 1)})
    for t in (_trial(), fixed, frozen):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            with pytest.raises(TypeError, match=r"'m'.*`%s`" % arg):
                call(t)


def test_numbers_of_other_types_are_bounds():
    t = _trial()
    assert 0 <= t.suggest_float("d", Decimal("0"), 1) <= 1
    assert t.suggest_int("b", False, True) in (0, 1)
    np = pytest.importorskip("numpy")
    assert 0 <= t.suggest_float("n", np.float32(0), np.int64(1)) <= 1
    assert 0 <= t.suggest_float("n0", np.array(0.0), np.array(1.0)) <= 1  # 0-d arrays


def test_an_attribute_key_that_is_no_str(tmp_db):
    """Optuna 5 takes any hashable key; its RDB storages store str(key), as knob does (it
    raised AttributeError)."""
    study = optuna.create_study(storage=tmp_db)
    t = study.ask()
    t.set_user_attr(1, 2)
    assert t.user_attrs == {"1": 2}
    study.set_user_attr(5, "x")
    study.tell(t, 1.0)
    assert study.trials[0].user_attrs == {"1": 2}
    assert optuna.load_study(study_name=study.study_name, storage=tmp_db).user_attrs == {"5": "x"}
    with pytest.raises(TypeError, match="key"):
        study.ask().set_user_attr([1], 2)


def test_a_study_name_that_is_no_str(tmp_db):
    """create_study(study_name=123) is a study named 123, stored as "123", as Optuna's (knob
    raised AttributeError); load_study and delete_study take the name so too."""
    study = optuna.create_study(storage=tmp_db, study_name=123)
    assert study.study_name == 123
    assert optuna.get_all_study_names(tmp_db) == ["123"]
    assert optuna.load_study(study_name=123, storage=tmp_db).study_name == 123
    assert optuna.load_study(study_name="123", storage=tmp_db).study_name == "123"
    optuna.delete_study(study_name=123, storage=tmp_db)
    assert optuna.get_all_study_names(tmp_db) == []


def test_an_empty_study_name_is_refused_saying_why():
    """Optuna takes "", libknob's storages hold no study without a name: a ValueError that
    names the argument (python/README.md says so)."""
    with pytest.raises(ValueError, match="`study_name` must not be empty"):
        optuna.create_study(study_name="")


def test_study_direction_str_is_its_number():
    """Optuna's StudyDirection is an IntEnum with no __str__ of its own: "1" on Python 3.11;
    its TrialState keeps Enum's str."""
    SD = optuna.study.StudyDirection
    assert str(SD.MINIMIZE) == "1"
    assert f"{SD.MAXIMIZE}" == "2"
    assert "%s" % SD.NOT_SET == "0"
    assert repr(SD.MINIMIZE) == "<StudyDirection.MINIMIZE: 1>"
    assert str(TrialState.COMPLETE) == "TrialState.COMPLETE"
    assert f"{TrialState.PRUNED}" == "TrialState.PRUNED"


def test_categorical_internal_repr_is_an_int_index():
    d = CategoricalDistribution(["a", "b", "c"])
    i = d.to_internal_repr("c")
    assert i == 2 and type(i) is int
    assert ["x", "y", "z"][d.to_internal_repr("b")] == "y"
    assert d.to_external_repr(2) == "c" and d.to_external_repr(2.0) == "c"
    nan = CategoricalDistribution([1.0, float("nan")]).to_internal_repr(float("nan"))
    assert nan == 1 and type(nan) is int


def test_a_name_suggested_again_with_another_range_warns():
    """The first value, with Optuna's RuntimeWarning; the same range again warns nothing."""
    t = _trial()
    a = t.suggest_float("lr", 0, 1)
    n = t.suggest_int("n", 0, 10)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert t.suggest_float("lr", 0, 1) == a
        assert t.suggest_int("n", 0, 10) == n
    assert [str(x.message) for x in w] == []
    with pytest.warns(RuntimeWarning, match='^Inconsistent parameter values for distribution with name "lr"! This might be'):
        assert t.suggest_float("lr", 0, 5) == a
    with pytest.warns(RuntimeWarning, match='name "n"!.*Using these values: .*\'high\': 10') as w:
        assert t.suggest_int("n", 0, 20, step=2) == n
    assert w[0].filename == __file__


def test_retry_history():
    """As Optuna's: the trials a retry retries, its original first; [] for a trial that
    retries none. Built from knob's retry_of and retry_count, in stored trials and best_trial,
    or taken from an Optuna "retry_history"."""
    R = optuna.storages.RetryHeartbeatStaleTrialCallback
    study = optuna.create_study()
    d = {"x": FloatDistribution(0, 1)}

    def add(state, value, attrs):
        study.add_trial(
            optuna.trial.create_trial(state=state, value=value, params={"x": 0.5}, distributions=d, system_attrs=attrs)
        )

    add(TrialState.FAIL, None, {})
    add(TrialState.COMPLETE, 3.0, {})
    add(TrialState.FAIL, None, {"retry_of": 0, "retry_count": 1})
    add(TrialState.FAIL, None, {"retry_of": 0, "retry_count": 2})
    add(TrialState.COMPLETE, 1.0, {"retry_of": 0, "retry_count": 3})
    trials = study.trials
    assert [R.retry_history(t) for t in trials] == [[], [], [0], [0, 2], [0, 2, 3]]
    assert R.retried_trial_number(trials[4]) == 0
    assert R.retry_history(study.best_trial) == [0, 2, 3]
    assert optuna.storages.RetryFailedTrialCallback.retry_history(trials[1]) == []
    assert R.retry_history(optuna.trial.create_trial(value=1.0, system_attrs={"retry_history": [4, 7]})) == [4, 7]


def test_nsgaii_population_size():
    assert optuna.samplers.NSGAIISampler(population_size=10).population_size == 10
    assert optuna.samplers.NSGAIISampler().population_size == 50
    assert optuna.samplers.NSGAIIISampler(population_size=12).population_size == 12
    s = optuna.samplers.NSGAIISampler()
    s.population_size = 8
    assert s.population_size == 8
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=s)
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=3)
    with pytest.raises(ValueError, match="population_size"):
        s.population_size = 1


def test_trial_storage_and_relative_search_space():
    storage = optuna.storages.InMemoryStorage()
    t = optuna.create_study(storage=storage).ask()
    assert t.storage is storage
    assert t.relative_search_space == {}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(use_separable_cma=True, with_margin=True), "Currently, we do not support `use_separable_cma=True` and `with_margin=True`."),
        (dict(lr_adapt=True, use_separable_cma=True), "It is prohibited to pass `use_separable_cma` or `with_margin` argument when using `lr_adapt`."),
        (dict(lr_adapt=True, with_margin=True), "It is prohibited to pass `use_separable_cma` or `with_margin` argument when using `lr_adapt`."),
        (dict(source_trials=[], sigma0=0.5), "It is prohibited to pass `source_trials` argument when x0 or sigma0 is specified."),
        (dict(source_trials=[], use_separable_cma=True), "It is prohibited to pass `source_trials` argument when using separable CMA-ES."),
    ],
)
def test_cmaes_refuses_what_optuna_refuses_together(kwargs, message):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError) as e:
            optuna.samplers.CmaEsSampler(**kwargs)
    assert str(e.value) == message
    optuna.samplers.CmaEsSampler(use_separable_cma=True)
    optuna.samplers.CmaEsSampler(with_margin=True)


def test_a_study_moves_from_an_optuna_database(tmp_path):
    """python/README.md's recipe, run on the Optuna importable here (Debian's python3-optuna
    3.1 in CI): knob refuses Optuna's database; the study's trials added to a knob study keep
    their params, values, intermediate values and attributes, and its best trial."""
    real = pytest.importorskip("optuna")
    if real is optuna or not hasattr(real, "load_study"):
        pytest.skip("no Optuna importable")
    real.logging.set_verbosity(real.logging.WARNING)
    url = "sqlite:///" + str(tmp_path / "optuna.db")
    made = real.create_study(study_name="s", storage=url, direction="maximize")
    made.set_user_attr("owner", "me")

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        c = trial.suggest_categorical("c", ["a", "b"])
        n = trial.suggest_int("n", 1, 8, log=True)
        trial.set_user_attr("n_twice", 2 * n)
        trial.report(x, 0)
        if trial.number == 3:
            raise real.TrialPruned()
        return x + n + (c == "b")

    made.optimize(objective, n_trials=6)
    with pytest.raises(optuna.exceptions.StorageInternalError, match="not a knob database"):
        optuna.load_study(study_name="s", storage=url)

    # the recipe of python/README.md
    import knob

    src = real.load_study(study_name="s", storage=url)
    dst = knob.create_study(study_name="s", storage="sqlite:///" + str(tmp_path / "knob.db"),
                            directions=[d.name.lower() for d in src.directions])
    for key, value in src.user_attrs.items():
        dst.set_user_attr(key, value)
    done = (real.trial.TrialState.COMPLETE, real.trial.TrialState.PRUNED, real.trial.TrialState.FAIL)
    dst.add_trials(src.get_trials(states=done))

    moved = knob.load_study(study_name="s", storage="sqlite:///" + str(tmp_path / "knob.db"))
    assert moved.direction == knob.study.StudyDirection.MAXIMIZE
    assert moved.user_attrs == {"owner": "me"}
    before, after = src.trials, moved.trials
    assert [t.state.name for t in after] == [t.state.name for t in before]
    assert [t.params for t in after] == [t.params for t in before]
    assert [t.user_attrs for t in after] == [t.user_attrs for t in before]
    assert [t.intermediate_values for t in after] == [t.intermediate_values for t in before]
    assert [t.values for t in after if t.state.name == "COMPLETE"] == [t.values for t in before if t.state.name == "COMPLETE"]
    # a PRUNED trial without a value takes its highest step's intermediate value (Optuna: None)
    assert after[3].value == before[3].intermediate_values[0]
    assert moved.best_trial.number == src.best_trial.number
    assert moved.best_params == src.best_params
