"""python/README.md's section "Not in knob" is true and whole: every Optuna name it lists
(`optuna.<module>.<name>`) is indeed missing from the knob package, and every public name
of Optuna 5's main modules that knob lacks is listed there (Optuna 5's __all__ of each,
as of Optuna 5.0)."""

import importlib
import os
import re

import knob

README = os.path.join(os.path.dirname(knob.__file__), os.pardir, "README.md")

OPTUNA5 = {
    "": ["Study", "Trial", "TrialPruned", "__version__", "artifacts", "copy_study", "create_study", "create_trial",
         "delete_study", "distributions", "exceptions", "get_all_study_names", "get_all_study_summaries", "importance",
         "integration", "load_study", "logging", "pruners", "samplers", "search_space", "storages", "study", "trial",
         "version", "visualization"],
    "samplers": ["BaseGASampler", "BaseSampler", "BruteForceSampler", "CmaEsSampler", "GPSampler", "GridSampler",
                 "NSGAIIISampler", "NSGAIISampler", "PartialFixedSampler", "QMCSampler", "RandomSampler", "TPESampler",
                 "nsgaii"],
    "samplers.nsgaii": ["BLXAlphaCrossover", "BaseCrossover", "BaseMutation", "PolynomialMutation", "SBXCrossover",
                        "SPXCrossover", "UNDXCrossover", "UniformCrossover", "VSBXCrossover"],
    "pruners": ["BasePruner", "HyperbandPruner", "MedianPruner", "NopPruner", "PatientPruner", "PercentilePruner",
                "SuccessiveHalvingPruner", "ThresholdPruner", "WilcoxonPruner"],
    "storages": ["BaseJournalLogStorage", "BaseStorage", "GrpcStorageProxy", "InMemoryStorage", "JournalFileOpenLock",
                 "JournalFileStorage", "JournalFileSymlinkLock", "JournalRedisStorage", "JournalStorage", "RDBStorage",
                 "RetryFailedTrialCallback", "RetryHeartbeatStaleTrialCallback", "_CachedStorage", "fail_stale_trials",
                 "run_grpc_proxy_server"],
    "study": ["MaxTrialsCallback", "Study", "StudyDirection", "StudySummary", "copy_study", "create_study",
              "delete_study", "get_all_study_names", "get_all_study_summaries", "load_study"],
    "trial": ["BaseTrial", "FixedTrial", "FrozenTrial", "Trial", "TrialState", "create_trial"],
    "importance": ["BaseImportanceEvaluator", "FanovaImportanceEvaluator", "MeanDecreaseImpurityImportanceEvaluator",
                   "PedAnovaImportanceEvaluator", "get_param_importances"],
    "visualization": ["is_available", "matplotlib", "plot_contour", "plot_edf", "plot_hypervolume_history",
                      "plot_intermediate_values", "plot_optimization_history", "plot_parallel_coordinate",
                      "plot_param_importances", "plot_pareto_front", "plot_rank", "plot_slice",
                      "plot_terminator_improvement", "plot_timeline"],
}


def _section():
    text = open(README, encoding="utf-8").read()
    assert "\n## Not in knob\n" in text, "python/README.md has no section 'Not in knob'"
    start = text.index("\n## Not in knob\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def _listed():
    return set(re.findall(r"`(optuna(?:\.\w+)+)`", _section()))


def _knobs(path):
    """The knob object an Optuna path names (optuna.storages.X -> knob.storages.X), or None."""
    obj, done = knob, "knob"
    for part in path.split(".")[1:]:
        if hasattr(obj, part):
            obj = getattr(obj, part)
        else:
            try:
                obj = importlib.import_module(done + "." + part)
            except ImportError:
                return None
        if obj is None:  # knob.visualization.matplotlib = None
            return None
        done += "." + part
    return obj


def test_every_name_listed_is_missing():
    listed = _listed()
    assert len(listed) >= 20, sorted(listed)
    there = sorted(p for p in listed if _knobs(p) is not None)
    assert not there, "listed as not in knob, but knob has: %s" % there


def test_every_missing_name_is_listed():
    listed = _listed()
    missing = []
    for module, names in OPTUNA5.items():
        for name in names:
            path = ".".join(["optuna"] + ([module] if module else []) + [name])
            if _knobs(path) is None and path not in listed:
                missing.append(path)
    assert not missing, "knob lacks these and 'Not in knob' does not list them: %s" % missing
