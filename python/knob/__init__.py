"""knob for Python: Optuna's API over libknob, so that `import knob as optuna` runs an
Optuna script on knob's C core. See python/README.md for what maps to what."""

from . import distributions, exceptions, importance, logging, pruners, samplers, storages, study, terminator, trial, visualization  # noqa: F401
from ._lib import load_plugin  # noqa: F401
from ._lib import path as _library_path  # noqa: F401
from .exceptions import TrialPruned
from .study import (
    Study,
    copy_study,
    create_study,
    delete_study,
    get_all_study_names,
    get_all_study_summaries,
    load_study,
)
from .study import StudyDirection  # noqa: F401
from .trial import FrozenTrial, Trial, TrialState, create_trial  # noqa: F401

__version__ = "0.1.0"

__all__ = [
    "Study",
    "Trial",
    "TrialPruned",
    "create_study",
    "create_trial",
    "copy_study",
    "delete_study",
    "get_all_study_names",
    "get_all_study_summaries",
    "load_study",
    "distributions",
    "exceptions",
    "importance",
    "logging",
    "pruners",
    "samplers",
    "storages",
    "study",
    "terminator",
    "trial",
    "visualization",
]
