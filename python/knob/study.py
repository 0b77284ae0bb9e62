"""Studies, with Optuna's API: create_study, load_study, delete_study, copy_study,
get_all_study_names, and Study (optimize, ask/tell, enqueue, add trials, best trials,
attributes, trials_dataframe) over a knob_study handle."""

from __future__ import annotations

import collections.abc as _abc
import contextlib
import copy as _copy
import ctypes
import datetime
import enum
import gc
import json
import math
import os
import sys
import threading
import time
import uuid
import warnings
from numbers import Integral, Real
from typing import Any, Callable, Container, Dict, Iterable, List, Optional, Sequence, Set, Tuple, Type, Union

from . import _lib
from . import logging as _logging
from .distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, _as_stored, _check_stored_choices, _check_stored_ints, _convert_old, _from_c, _own, _stored_otherwise
from .exceptions import DuplicatedStudyError, KnobDoneError, TellFinishedTrialError, TrialPruned, UpdateFinishedTrialError
from ._program import GIVEN as _GIVEN, ProgramView
from .pruners import BasePruner, MedianPruner
from .samplers import AutoSampler, BaseSampler
from .storages import BaseStorage, get_storage
from .trial import (
    FrozenTrial,
    Trial,
    TrialState,
    _attr_json,
    _attr_key,
    _constraints_list,
    _constraints_read,
    _deprecated_attrs,
    _frozen_from_info,
    _json,
    _kind_of,
    _real,
)

_logger = _logging.get_logger("knob.study")
_METRIC_NAMES = "study:metric_names"  # Optuna's study system attribute
_SWEEP_METRIC_NAMES = "sweep_metric_names"  # the names of the sweep `knob run` stored
# A categorical's choices with a whole float (1.0 of [1.0, 2.0, 0.5]) or an int beyond 2^53
# (12345678901234567890), recorded per param in a study system attribute of this prefix
# (the param and its choices as JSON, which keeps 1.0 a float and the int exact): libknob
# stores a number choice as a double, and a stored trial reads the choices back as they
# were made by this record, in any process, as Optuna's storages give them. Per param, as
# two params' choices may be one list of doubles ([1, 3] and [1.0, 3]). Not listed in
# Study.system_attrs.
_WHOLE_FLOATS_KEY = "knob:float_choices:"


def _wait_workers(ended, state, threads) -> None:
    """Waits until optimize's worker threads have ended (state["live"] counts those
    started; one that never ran is not alive). Not Thread.join: on Python 3.11 a
    KeyboardInterrupt that interrupts a join can mark a thread that still runs as stopped,
    and a later join then returns at once. The short waits let Ctrl-C through wherever the
    signal lands."""
    with ended:
        while state["live"] > 0 and any(th.is_alive() for th in threads):
            ended.wait(0.25)


def _text_value_error(v: Any) -> str:
    """Why a returned str (or bytes) fails the trial, naming it as returned: Optuna 5 never
    completes a trial with text, even text that float() reads ("7")."""
    text = repr(v)
    text = text if len(text) <= 200 else text[:200] + "..."
    try:
        float(v)
    except (TypeError, ValueError):
        return "The value %s could not be cast to float" % text
    return "The value %s is a %s, not a number" % (text, type(v).__name__)


def _lost(frozen: FrozenTrial) -> bool:
    """Whether the trial was failed for its silent heartbeat: its worker, alive after all (the
    storage was out for longer than the grace), may still tell it, and its end is taken."""
    return frozen.state == TrialState.FAIL and frozen.system_attrs.get("fail_cause") == "worker_lost"



def _no_objective(study, what: str) -> str:
    """The message for a study without objectives (`knob run`'s sweep without a metric, whose
    trials complete with no value) asked for what needs one."""
    return "study '%s' has no objective (its sweep names no metric), so %s" % (study.study_name, what)

class StudyDirection(enum.IntEnum):
    """As Optuna's: an IntEnum with its own str and format (str(MINIMIZE) is "1" on Python
    3.11 and later; TrialState's str is its name)."""

    NOT_SET = 0
    MINIMIZE = 1
    MAXIMIZE = 2


def _foreign_direction(d: Any) -> bool:
    """Whether `d` is another package's StudyDirection member MINIMIZE or MAXIMIZE (Optuna's,
    from a `from optuna.study import StudyDirection` left as it was): taken by its name,
    which says what knob's member of that name says."""
    return isinstance(d, enum.Enum) and not isinstance(d, StudyDirection) and \
        type(d).__name__ == "StudyDirection" and d.name in ("MINIMIZE", "MAXIMIZE")


def _directions(direction, directions) -> List[StudyDirection]:
    """create_study's directions, checked as Optuna 5 checks them: each "minimize",
    "maximize" or a StudyDirection other than NOT_SET (not "MAXIMIZE", not a string given
    as `directions`). Another package's StudyDirection.MINIMIZE or MAXIMIZE is taken by its
    name; a member of any other enum is refused, naming its type."""
    if direction is not None and directions is not None:
        raise ValueError("Specify only one of `direction` and `directions`.")
    arg = "`direction`" if directions is None and direction is not None else "each of `directions`"
    if directions is None:
        directions = ["minimize" if direction is None else direction]
    elif not isinstance(directions, Iterable):
        directions = [directions]  # refused below, named
    directions = list(directions)  # a string: its letters, refused below as Optuna refuses it
    if not directions:
        raise ValueError("The number of objectives must be greater than 0.")
    out = []
    for d in directions:
        if isinstance(d, str) and d in ("minimize", "maximize"):
            out.append(StudyDirection[d.upper()])
        elif isinstance(d, StudyDirection) and d != StudyDirection.NOT_SET:
            out.append(d)
        elif _foreign_direction(d):
            out.append(StudyDirection[d.name])
        elif isinstance(d, enum.Enum) and type(d).__name__ != "StudyDirection":
            kind = type(d)  # (a StudyDirection's NOT_SET, knob's or not, is refused below)
            raise ValueError(
                "%s must be `minimize`, `maximize` or knob.study.StudyDirection.MINIMIZE or "
                ".MAXIMIZE, but got %r, a member of %s.%s, which is not knob's StudyDirection."
                % (arg, d, kind.__module__, kind.__qualname__)
            )
        else:
            raise ValueError(
                "`directions` must be a list of `minimize` or `maximize`, but got %r. For single-objective "
                "optimization, please use `direction` instead of `directions`." % (directions,)
            )
    return out


class _Beats:
    """The heartbeat of a trial while its objective runs (RDBStorage's heartbeat_interval),
    as Optuna's heartbeat thread: every interval, a beat through the trial's handle under
    the storage's lock, so a long training step that reports nothing is not taken for a
    dead worker's and failed by the next ask (another worker's, or another thread's of
    optimize(n_jobs=...))."""

    def __init__(self, study: "Study", trial: Trial) -> None:
        self._study, self._trial = study, trial
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="knob-heartbeat-%d" % trial.number, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        interval = float(self._study._storage.heartbeat_interval)
        while not self._done.wait(interval):
            with self._study._lock:
                h = self._trial._h
                if h is None or self._done.is_set():
                    return
                # a failed beat (a storage gone for a moment) is the next one's to make
                _lib.lib.knob_trial_heartbeat(h)

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


class Study:
    """A study: a named optimization in a storage, with its sampler and pruner.
    Study(study_name, storage) loads an existing study, as Optuna's does."""

    def __init__(
        self,
        study_name: str,
        storage: Union[str, BaseStorage, None],
        sampler: Optional[BaseSampler] = None,
        pruner: Optional[BasePruner] = None,
    ) -> None:
        self._init(get_storage(storage), study_name, sampler, pruner, None)

    def _init(self, storage: BaseStorage, name: str, sampler, pruner, directions, new: bool = False) -> None:
        """Opens the study: creates it when `directions` is given, else loads it. With
        `new`, a study of the name that exists raises DuplicatedStudyError (the storage
        decides, atomically: of several processes creating one name exactly one creates it)."""
        self._storage = storage
        self._lock = storage._lock
        self._h = None
        # the trial handles that told trials keep on this Study's study handle, for
        # should_prune after the tell (Trial._keep_for_pruning): _replace moves them onto
        # the handle that replaces it, which lets it be freed at once
        self._kept: Set[int] = set()
        n_obj = len(directions) if directions else None
        if sampler is None:
            sampler = _default_sampler(n_obj if n_obj is not None else self._stored_n_objectives(name))
        if pruner is None:
            pruner = MedianPruner()
        _check_sampler_pruner(sampler, pruner)
        self._sampler = sampler
        self._pruner = pruner
        with self._lock:
            self._h = self._open_handle(name, sampler, pruner, directions, new)
            storage._studies += 1
            self.study_name = name
            n = _lib.lib.knob_study_n_objectives(self._h)
            self._directions = [StudyDirection(_lib.lib.knob_study_direction(self._h, i) + 1) for i in range(n)]
        self._frozen: Dict[int, FrozenTrial] = {}
        self._dists: Dict[int, BaseDistribution] = {}
        self._whole_named: Optional[Dict[tuple, tuple]] = None  # (param, as stored): choices the study records
        self._whole_unnamed: Dict[tuple, tuple] = {}  # as stored: an older knob's records
        self._open: Dict[int, Trial] = {}
        # each param's kind of distribution in the study (see _param_kind), as far as read
        self._kinds: Dict[str, tuple] = {}
        self._kinds_read = 0  # the trials read into _kinds: those numbered below this
        self._kinds_unfinished: List[int] = []  # of those, the ones that may take params yet
        # the kinds the trials of knob run show a param by (its program's values), which a
        # suggestion may take beside the kind the library holds it by (_param_kind)
        self._kinds_shown: Dict[str, Set[tuple]] = {}
        # the study's word on its trials' program values, read again (_program_view) by a
        # read of the trials (each counted in _reads) that builds a trial anew
        self._program: Optional[ProgramView] = None
        self._program_read = -1
        self._reads = 0
        self._optimize_trials: set = set()  # the trials optimize() runs now
        # Guards _optimize_trials and _failing_error: set when optimize is interrupted a
        # second time, the interruption every trial of it still running, or asked later by
        # a worker that was inside its ask then, is failed with
        self._optimize_lock = threading.Lock()
        self._failing_error: Optional[BaseException] = None
        self._asking = 0  # optimize's workers inside an ask (a trial not yet in the set)
        self._asked = threading.Condition(self._optimize_lock)
        self._enqueued_waiting = 0  # trials this object enqueued that no ask of it took yet
        self._stop_flag = False
        self._optimizing = False

    def _open_handle(self, name: str, sampler, pruner, directions, new: bool = False) -> int:
        """A knob_study handle with this sampler and pruner: the study created when
        `directions` is given (only created, never loaded, with `new`), else loaded.
        Called with the lock held."""
        name = _name_text(name)
        storage = self._storage
        opts = _lib.StudyOptions()
        opts.infinite_values = True  # +-inf complete a trial, as in Optuna (NaN fails it)
        if directions:
            arr = (ctypes.c_int * len(directions))(*[int(d) - 1 for d in directions])
            opts.directions = arr
            opts.n_objectives = len(directions)
        if storage.heartbeat_interval:
            opts.heartbeat_interval = float(storage.heartbeat_interval)
            opts.grace_period = float(storage.grace_period or 0)
            opts.max_retry = int(storage.max_retry or 0)
        out = ctypes.c_void_p()
        with sampler._serving(_study_key(storage, name), created=bool(directions)) as nth:
            opts.sampler = sampler._make(nth)
            try:
                opts.pruner = pruner._make()
            except Exception:
                _lib.lib.knob_sampler_free(opts.sampler)
                raise
            if not directions:
                fn = _lib.lib.knob_study_load
            else:
                fn = _lib.lib.knob_study_create_new if new else _lib.lib.knob_study_create
            rc = fn(storage._h, _lib.enc(name), ctypes.byref(opts), ctypes.byref(out))
            if rc:
                raise _lib.error(rc)
            fixed = getattr(sampler, "_fixed_json", None)
            if fixed is not None:
                rc = _lib.lib.knob_study_set_fixed_params(out.value, _lib.enc(fixed))
                if rc:
                    e = _lib.error(rc)
                    _lib.lib.knob_study_free(out.value)
                    raise e
        return out.value

    @property
    def _study_id(self) -> int:
        """The study's number in its storage, as Optuna's `study._study_id` (read by code
        written for Optuna beside `study._storage`): its place among the storage's studies,
        oldest first, from 0, the `_study_id` of get_all_study_summaries' entry for it.
        libknob has no study id of its own; deleting an older study renumbers it."""
        names = self._storage.get_all_study_names()
        try:
            return names.index(self.study_name)
        except ValueError:
            raise KeyError("study '%s' is not in its storage (deleted?)" % self.study_name) from None

    @property
    def sampler(self) -> BaseSampler:
        return self._sampler

    @sampler.setter
    def sampler(self, sampler: BaseSampler) -> None:
        """Optuna lets a study change its sampler (PartialFixedSampler's example): the
        study's handle is opened again with the new one."""
        self._replace(sampler, self._pruner)

    @property
    def pruner(self) -> BasePruner:
        return self._pruner

    @pruner.setter
    def pruner(self, pruner: BasePruner) -> None:
        self._replace(self._sampler, pruner)

    def _replace(self, sampler, pruner) -> None:
        _check_sampler_pruner(sampler, pruner)
        with self._lock:
            running = sorted(n for n, t in self._open.items() if t._h is not None)
            if running:
                raise RuntimeError(
                    "Cannot change the sampler or pruner of study '%s' while trials %s asked by this "
                    "Study are running: tell them first." % (self.study_name, running)
                )
            h = self._open_handle(self.study_name, sampler, pruner, None)
            old = self._h
            # the trial handles told trials keep for should_prune go to the new handle, and
            # the old one goes now: one study handle open, however often it is replaced
            moved = []
            for x in self._kept:
                rc = _lib.lib.knob_study_adopt_trial(h, x)
                if rc:
                    e = _lib.error(rc)
                    for y in moved:  # back where they were (its room is there still)
                        _lib.lib.knob_study_adopt_trial(old, y)
                    _lib.lib.knob_study_free(h)
                    raise e
                moved.append(x)
            self._h = h
            _lib.lib.knob_study_free(old)
            self._sampler, self._pruner = sampler, pruner
            # both hold what the old handle's memory held: distributions by address
            self._frozen.clear()
            self._dists.clear()

    def _keep(self, t: int) -> None:
        """Trial handle `t`, on this Study's study handle, is kept for should_prune after its
        tell (Trial._keep_for_pruning): _replace moves it. Holding the lock."""
        self._kept.add(t)

    def _let_go_of(self, t: int) -> None:
        """Kept trial handle `t` (_keep) is freed. Holding the lock."""
        self._kept.discard(t)

    def _stored_n_objectives(self, name: str) -> int:
        for n, dirs, _, _ in self._storage._summaries():
            if n == name:
                return len(dirs)
        return 1

    # The library's calls are bound when the class is made: a Study collected at the
    # interpreter's exit may outlive the module's globals (_lib.lib is None by then when
    # another package, Optuna, was imported first: an AttributeError was printed at exit).
    def __del__(self, _detach=_lib.lib.knob_trial_detach, _free=_lib.lib.knob_study_free) -> None:
        h = self.__dict__.get("_h")
        if h:
            self._h = None
            # the trial handles kept for should_prune (collected with this Study, as a
            # cycle) are left to knob_trial_detach, which takes a handle whose study was freed
            self._kept = set()
            with self._lock:
                for t in list(self.__dict__.get("_open", {}).values()):
                    if t._h is not None:
                        _detach(t._h)
                        t._h = None
                _free(h)
            self._storage._study_freed()

    # ------------------------------------------------------------ directions

    @property
    def direction(self) -> StudyDirection:
        if not self._directions:
            raise ValueError(_no_objective(self, "no direction"))
        if len(self._directions) > 1:
            raise RuntimeError(
                "A single direction cannot be retrieved from a multi-objective study. Consider "
                "using Study.directions to retrieve a list containing all directions."
            )
        return self._directions[0]

    @property
    def directions(self) -> List[StudyDirection]:
        return list(self._directions)

    @property
    def _is_multi_objective(self) -> bool:
        return len(self._directions) > 1

    # ------------------------------------------------------------ trials

    def _infos(self):
        arr = ctypes.POINTER(ctypes.POINTER(_lib.TrialInfo))()
        n = ctypes.c_size_t()
        _lib.check(_lib.lib.knob_study_trials(self._h, ctypes.byref(arr), ctypes.byref(n)))
        return arr, n.value

    def _frozen_of(self, info: _lib.TrialInfo, arr, n: int) -> FrozenTrial:
        """The FrozenTrial of `info`, one of the study's trials `arr` (`n` of them, as
        _infos gives them), kept once finished. A trial whose program got its params
        (knob run's) shows them as it got them; one whose distributions came from the
        values of the study's trials (_program.ProgramView.apply) is built again at the
        next read, as the trials that come add to them."""
        number = info.number
        f = self._frozen.get(number)
        if f is not None:
            return f
        view = self._program_view() if _has_given(info) else None
        fell_back = view.fell_back if view is not None else 0
        others = (lambda: _all_given(view, arr, n)) if view is not None else None
        f = _frozen_from_info(info, self._dists, self._whole_choices, view, others)
        if f.state.is_finished() and not _lost(f) and (view is None or view.fell_back == fell_back):
            self._frozen[number] = f
        return f

    def _program_view(self) -> ProgramView:
        """The study's word on its trials' program values, read once per read of the trials."""
        if self._program is None or self._program_read != self._reads:

            def each(take):
                def cb(ctx, key, text):
                    take(key.decode("utf-8"), text)
                    return 0

                with self._lock:
                    _lib.check(_lib.lib.knob_study_attrs(self._h, True, _lib.ATTR_CB(cb), None))

            self._program = ProgramView(each)
            self._program_read = self._reads
        return self._program

    def get_trials(self, deepcopy: bool = True, states: Optional[Container[TrialState]] = None) -> List[FrozenTrial]:
        with self._lock:
            self._reads += 1
            arr, n = self._infos()
            out = []
            for i in range(n):
                info = arr[i].contents
                if states is not None and TrialState(info.state) not in states:
                    continue
                out.append(self._frozen_of(info, arr, n))
            for f in out:
                self._retry_history(f._system_attrs, arr, n)
        return _copy.deepcopy(out) if deepcopy else list(out)

    @property
    def trials(self) -> List[FrozenTrial]:
        return self.get_trials(deepcopy=True)

    def _trial_frozen(self, number: int) -> FrozenTrial:
        with self._lock:
            self._reads += 1
            arr, n = self._infos()
            # a negative number would index before the array (libknob's memory)
            if not 0 <= number < n or not arr[number]:
                raise KeyError("study '%s' has no trial %d" % (self.study_name, number))
            f = self._frozen_of(arr[number].contents, arr, n)
            self._retry_history(f._system_attrs, arr, n)
            return f

    def _retry_history(self, system: Dict[str, Any], arr=None, n: int = 0) -> None:
        """Gives a retry's system attributes Optuna's "retry_history": the numbers of the
        trials it retries, its original first, then the retries before it along its chain.
        libknob links a retry to its original by "retry_of" and numbers it by "retry_count"
        (1 for the first), so the chain is read from the study's trials (`arr`, `n`: as
        _infos gives them, read here when None). Called with the lock held."""
        origin = system.get("retry_of")
        if not isinstance(origin, int) or "retry_history" in system:
            return
        count = system.get("retry_count", 1)
        before: Dict[int, int] = {}
        if isinstance(count, int) and count > 1:
            if arr is None:
                arr, n = self._infos()
            for i in range(n):
                if not arr[i]:
                    continue
                info = arr[i].contents
                if _info_attr(info, b"retry_of") == origin:
                    c = _info_attr(info, b"retry_count")
                    if isinstance(c, int) and 0 < c < count:
                        before[c] = info.number
        system["retry_history"] = [origin] + [before[c] for c in sorted(before)]

    def _param_kind(self, name: str, kind: tuple, number: int) -> None:
        """Optuna's rule across a study's trials, which its storages check as each param is
        set: a param keeps its kind of distribution, its log scale and a categorical's
        choices in every trial (another range or step is fine). `kind` (_kind_of's) is
        how trial `number` suggests `name` now; ValueError, with Optuna's message, when a
        trial of the study holds `name` under another kind. The trial records its kind in
        _kinds once the suggestion is made. (libknob takes any distribution in each trial:
        knob run's sweeps may change.) A param that knob run's trials show by their
        program's values (a weighted choice as a categorical, _program) may also be
        suggested as they show it, beside the kind the library holds it by."""
        old = self._kinds.get(name)
        if old is None:
            self._read_kinds()
            old = self._kinds.get(name)
        if old is None or old == kind or kind in self._kinds_shown.get(name, ()):
            return
        if old[0] != kind[0]:
            why = "Cannot set different distribution kind to the same parameter name."
        elif old[1] != kind[1]:
            why = "Cannot set different log configuration to the same parameter name."
        else:
            why = "CategoricalDistribution does not support dynamic value space."
        shown = sorted(_kind_text(k) for k in self._kinds_shown.get(name, ()))
        raise ValueError(
            "%s (trial %d suggests param '%s' as %s; the study's trials have it as %s%s)"
            % (why, number, name, _kind_text(kind), _kind_text(old),
               ", or as knob run's program got it, %s" % " or ".join(shown) if shown else "")
        )

    def _read_kinds(self) -> None:
        """Reads the kinds of the params of the trials not read yet, and of those read
        unfinished (another process may have given them params since), into _kinds."""
        with self._lock:
            self._reads += 1
            arr, n = self._infos()
            unfinished = []
            for i in list(self._kinds_unfinished) + list(range(self._kinds_read, n)):
                if i >= n or not arr[i]:
                    continue
                info = arr[i].contents
                for j in range(info.n_params):
                    p = info.params[j]
                    name = p.name.decode("utf-8")
                    if name not in self._kinds:
                        self._kinds[name] = _kind_of(_from_c(p.dist.contents))
                if _has_given(info):
                    # knob run's trial shows its program's values (_frozen_of): a
                    # suggestion may take the kind of either
                    f = self._frozen_of(info, arr, n)
                    for name, d in f.distributions.items():
                        shown = _kind_of(d)
                        if shown != self._kinds.get(name):
                            self._kinds_shown.setdefault(name, set()).add(shown)
                if not TrialState(info.state).is_finished():
                    unfinished.append(i)
            self._kinds_read = max(self._kinds_read, n)
            self._kinds_unfinished = unfinished

    @property
    def best_trial(self) -> FrozenTrial:
        if self._is_multi_objective:
            raise RuntimeError(
                "A single best trial cannot be retrieved from a multi-objective study. Consider "
                "using Study.best_trials to retrieve a list containing the best trials."
            )
        out = ctypes.POINTER(_lib.TrialInfo)()
        with self._lock:
            rc = _lib.lib.knob_study_best_trial(self._h, ctypes.byref(out))
            if rc == _lib.ENOTFOUND:
                msg = self._no_best()
                if "no feasible trial" in msg:  # complete trials, each infeasible
                    raise ValueError("No feasible trials are completed yet (%s)." % msg)
                raise ValueError("No trials are completed yet.")
            if rc:
                raise _lib.error(rc)
            f = self._frozen.get(out.contents.number)
            if f is None:  # built from the study's trials (_frozen_of)
                return _copy.deepcopy(self._trial_frozen(out.contents.number))
            self._retry_history(f._system_attrs)
            return _copy.deepcopy(f)

    @property
    def best_value(self) -> float:
        return self.best_trial.value

    @property
    def best_params(self) -> Dict[str, Any]:
        return self.best_trial.params

    @property
    def best_trials(self) -> List[FrozenTrial]:
        arr = ctypes.POINTER(ctypes.POINTER(_lib.TrialInfo))()
        n = ctypes.c_size_t()
        with self._lock:
            rc = _lib.lib.knob_study_best_trials(self._h, ctypes.byref(arr), ctypes.byref(n))
            if rc == _lib.ENOTFOUND:
                self._no_best()
                return []  # no feasible trial: an empty front, as Optuna's
            _lib.check(rc)
            numbers = [arr[i].contents.number for i in range(n.value)]
            if any(k not in self._frozen for k in numbers):  # built from the study's trials
                self._reads += 1
                arr, n = self._infos()
                out = [self._frozen_of(arr[k].contents, arr, n) for k in numbers]
            else:
                out = [self._frozen[k] for k in numbers]
            for f in out:
                self._retry_history(f._system_attrs)
            return _copy.deepcopy(out)

    def _no_best(self) -> str:
        """libknob's message for a KNOB_ENOTFOUND of knob_study_best_trial(s), which means
        no complete or no feasible trial, or a study deleted since this object opened it (the
        storage has no study of its id): that raises KnobNotFoundError, as trials does (a
        KeyError, as Optuna's storages raise). Called holding the lock."""
        msg = _lib.errmsg()
        self._infos()
        return msg

    # ------------------------------------------------------------ attributes

    def _attrs(self, system: bool) -> Dict[str, Any]:
        out: Dict[str, Any] = {}

        def cb(ctx, key, text):
            out[key.decode("utf-8")] = _json(text)
            return 0

        with self._lock:
            _lib.check(_lib.lib.knob_study_attrs(self._h, system, _lib.ATTR_CB(cb), None))
        return out

    @property
    def user_attrs(self) -> Dict[str, Any]:
        return self._attrs(False)

    @property
    def system_attrs(self) -> Dict[str, Any]:
        _deprecated_attrs("system_attrs")
        return self._system_attrs()

    def _system_attrs(self) -> Dict[str, Any]:
        return {k: v for k, v in self._attrs(True).items() if not k.startswith(_WHOLE_FLOATS_KEY)}

    def _read_whole_floats(self) -> None:
        """Reads the choices the study records (see _WHOLE_FLOATS_KEY): by param into
        _whole_named, and the records of a knob that did not name the param into
        _whole_unnamed, by how they read back."""
        named: Dict[tuple, tuple] = {}
        unnamed: Dict[tuple, tuple] = {}
        for k, rec in self._attrs(True).items():
            if not k.startswith(_WHOLE_FLOATS_KEY):
                continue
            try:
                if isinstance(rec, dict) and isinstance(rec.get("param"), str) and isinstance(rec.get("choices"), list):
                    choices = CategoricalDistribution(rec["choices"]).choices
                    named[(rec["param"], _as_stored(choices))] = choices
                elif isinstance(rec, list):
                    choices = CategoricalDistribution(rec).choices  # an older knob's record
                    unnamed[_as_stored(choices)] = choices
            except (TypeError, ValueError):
                pass  # not a list of choices: not ours
        named.update(self._whole_named or {})  # what this process made wins
        self._whole_named = named
        self._whole_unnamed = unnamed

    def _note_whole_floats(self, name: str, dist: CategoricalDistribution) -> None:
        """Records, once, the choices of param `name` when a stored trial reads them back
        otherwise (a whole float, an int beyond 2^53; see _WHOLE_FLOATS_KEY)."""
        if self._whole_named is None:
            self._read_whole_floats()
        at = (name, _as_stored(dist.choices))
        was = self._whole_named.get(at)
        # by type too: [1.0, 3] and [1.0, 3.0] are equal tuples, and read back otherwise
        if was is None or was != dist.choices or any(type(a) is not type(b) for a, b in zip(was, dist.choices)):
            text = json.dumps([name, list(dist.choices)], default=_lib.json_default)
            self._set_system_attr(_WHOLE_FLOATS_KEY + text, {"param": name, "choices": list(dist.choices)})
            self._whole_named[at] = dist.choices

    def _whole_choices(self, name: str, key: tuple) -> tuple:
        """The choices of param `name` that read back from libknob as `key`: those the study
        records for the param (read again when not known), else those an older knob recorded
        for the study without naming the param, else () (the choices as they read back).
        The study's records alone: another study of this process may have made the same
        doubles otherwise."""
        if self._whole_named is None or (name, key) not in self._whole_named:
            self._read_whole_floats()
        return self._whole_named.get((name, key)) or self._whole_unnamed.get(key) or ()

    def set_user_attr(self, key: str, value: Any) -> None:
        key = _attr_key(key, "set_user_attr")
        j = _attr_json(key, value)
        with self._lock:
            _lib.check(_lib.lib.knob_study_set_user_attr(self._h, _lib.enc(key), j))

    def set_system_attr(self, key: str, value: Any) -> None:
        _deprecated_attrs("set_system_attr")
        self._set_system_attr(key, value)

    def _set_system_attr(self, key: str, value: Any) -> None:
        key = _attr_key(key, "set_system_attr")
        j = _attr_json(key, value)
        with self._lock:
            _lib.check(_lib.lib.knob_study_set_system_attr(self._h, _lib.enc(key), j))

    # ------------------------------------------------------------ metric names

    def set_metric_names(self, metric_names: List[str]) -> None:
        """Names each objective (Optuna's study system attribute "study:metric_names"):
        used by the log of finished trials, trials_dataframe and metric_names."""
        names = list(metric_names)
        if len(names) != len(self._directions):
            raise ValueError("The number of objectives must match the length of the metric names.")
        self._set_system_attr(_METRIC_NAMES, names)

    @property
    def metric_names(self) -> Optional[List[str]]:
        """The names set_metric_names gave the objectives, or None."""
        return self._attrs(True).get(_METRIC_NAMES)

    def _objective_names(self) -> Optional[List[str]]:
        """The objectives' names a plot's axes take: set_metric_names's, else those of the
        sweep `knob run` stored with the study (its metric's or objectives'), as `knob report`
        names them; None where neither names each objective once."""
        attrs = self._attrs(True)
        n = len(self._directions)
        for key in (_METRIC_NAMES, _SWEEP_METRIC_NAMES):
            names = attrs.get(key)
            if (isinstance(names, list) and len(names) == n and len(set(names)) == n
                    and all(isinstance(x, str) and x for x in names)):
                return names
        return None

    # ------------------------------------------------------------ ask and tell

    def ask(self, fixed_distributions: Optional[Dict[str, BaseDistribution]] = None) -> Trial:
        # A trial of the ask-and-tell interface may be told by number from anywhere: its
        # params are written as suggested, as Optuna's are (inside optimize, with its tell)
        trial = self._ask(fixed_distributions, eager=True)
        if self._storage.heartbeat_interval:
            # told whenever the caller is done, perhaps long after the grace period: never
            # failed for lack of beats (Optuna beats only inside optimize)
            with self._lock:
                _lib.check(_lib.lib.knob_trial_heartbeat_stop(trial._h))
        self._warn_warm_skipped()  # the sampler says it during an ask: not only optimize's users
        self._warn_cost_unseen()
        return trial

    def _ask(self, fixed_distributions: Optional[Dict[str, BaseDistribution]] = None, eager: bool = False) -> Trial:
        # the classes Optuna deprecated become the new ones first, with its warning
        fixed = {name: _convert_old(_real(dist)) for name, dist in (fixed_distributions or {}).items()}
        out = ctypes.c_void_p()
        with self._lock:
            rc = _lib.lib.knob_study_ask(self._h, ctypes.byref(out))
            if rc:
                raise _lib.error(rc)
            trial = Trial(self, out.value)
            trial._eager = eager
            self._open[trial._number] = trial
            # the user and system attributes an enqueued trial was stored with (fixed_params,
            # a retry's retry_of), as Optuna's trial has them
            _lib.check(_lib.lib.knob_trial_attrs(out.value, False, _lib.ATTRS_INTO, id(trial._user_attrs)))
            _lib.check(_lib.lib.knob_trial_attrs(out.value, True, _lib.ATTRS_INTO, id(trial._system_attrs)))
            trial._system_attrs.pop("heartbeat", None)  # libknob's, as Optuna's trial has none
            self._retry_history(trial._system_attrs)
            _constraints_read(trial._system_attrs)
            partial = getattr(self.sampler, "_fixed_params", None)
            if self._enqueued_waiting or partial:
                self._apply_enqueued(trial, partial)
        for name, dist in fixed.items():
            trial._suggest(name, dist)
        return trial

    def _apply_enqueued(self, trial: Trial, partial: Optional[Dict[str, Any]] = None) -> None:
        # PartialFixedSampler's values are checked as suggested too, under the enqueued ones
        trial._fixed = dict(partial) if partial else None
        arr, n = self._infos()
        if trial._number >= n or not arr[trial._number]:
            return
        info = arr[trial._number].contents
        fixed = None
        for i in range(info.n_system_attrs):
            if info.system_attrs[i].key == b"fixed_params":
                fixed = _json(info.system_attrs[i].json)
        if fixed is not None:  # an enqueued trial: its values are checked as suggested
            trial._fixed = dict(trial._fixed or {}, **fixed)
            self._enqueued_waiting = max(0, self._enqueued_waiting - 1)

    def tell(
        self,
        trial: Union[Trial, int],
        values: Union[float, Sequence[float], None] = None,
        state: Optional[TrialState] = None,
        skip_if_finished: bool = False,
    ) -> FrozenTrial:
        if not isinstance(trial, (Trial, int)):
            raise TypeError("Trial must be a trial object or trial number, got %r." % (trial,))
        if state is not None:
            state = TrialState(state)
            if state == TrialState.COMPLETE:
                # said outright, as Optuna: values that cannot complete it are refused and
                # the trial stays RUNNING (without a state they fail it, in _tell)
                if values is None:
                    raise ValueError("No values were told. Values are required when state is TrialState.COMPLETE.")
                vals, why = self._values_of(values)
                if why is None and any(math.isnan(v) for v in vals):
                    why = "nan"
                if why:
                    raise ValueError(self._infeasible(values) or why)
        else:
            state = TrialState.COMPLETE  # no values: the trial fails, as Optuna's
        if state in (TrialState.RUNNING, TrialState.WAITING):
            raise ValueError("Cannot tell with state %s." % state)  # TrialState.RUNNING, as Optuna 5
        if state != TrialState.COMPLETE and values is not None:
            raise ValueError(
                "Values were told. Values cannot be specified when state is TrialState.PRUNED or TrialState.FAIL "
                "(got %r for trial %s, told %s)." % (values, getattr(trial, "number", trial), state)
            )
        if isinstance(trial, Trial) and trial.study is not self and not trial.study._same_study(self):
            # a trial of another study: told there, as Optuna tells a trial by its id (knob
            # told this study's trial of the same number)
            return trial.study.tell(trial, values, state, skip_if_finished)
        number = trial if isinstance(trial, int) else trial.number
        t = trial if isinstance(trial, Trial) else self._open.get(number)
        other = None
        if t is not None and t.study is not self:
            # asked by another Study object (of this study): told by number, its params
            # written first (libknob refused the other handle's trial, and freed it)
            if t._h is not None:
                t._flush()
                other = t
            t = None
        try:
            return self._tell_checked(number, t, values, state, skip_if_finished)
        finally:
            if other is not None and other._h is not None and self._finished(number):
                # its handle, on a trial finished now, is kept for should_prune, and the
                # other Study no longer counts it as running
                with other._lock:
                    other._finished_elsewhere()

    def _finished(self, number: int) -> bool:
        try:
            return self._trial_frozen(number).state.is_finished()
        except Exception:
            return False

    def _tell_checked(self, number: int, t: Optional[Trial], values, state: TrialState, skip_if_finished: bool) -> FrozenTrial:
        if t is None or t._h is None:
            try:
                frozen = self._trial_frozen(number)
            except KeyError:
                raise ValueError("Cannot tell trial %d: it does not exist." % number) from None
            if frozen.state == TrialState.WAITING:  # enqueued, never asked: Optuna refuses it too
                raise ValueError("Cannot tell a WAITING trial (trial %d was enqueued and not asked)." % number)
            if frozen.state.is_finished() and not _lost(frozen):
                return self._told_already(_copy.deepcopy(frozen), skip_if_finished)
        else:
            frozen = None
        try:
            told, why = self._tell(number, t, state, values, None, frozen)
        except UpdateFinishedTrialError:
            # finished meanwhile by another process or Study object: this one's handle did
            # not know (it is kept for should_prune: Trial._finished_elsewhere)
            return self._told_already(_copy.deepcopy(self._trial_frozen(number)), skip_if_finished)
        if told == TrialState.FAIL and why:
            # values that cannot complete the trial failed it: a warning, as Optuna's tell
            # gives (optimize logs it instead)
            warnings.warn(why, UserWarning, stacklevel=3)  # tell's caller
        return _copy.deepcopy(self._trial_frozen(number))

    def _same_study(self, other: "Study") -> bool:
        """Whether `other` is a Study object of this study: its name in the same storage (one
        storage object, or one database; every InMemoryStorage is its own)."""
        a, b = self._storage, other._storage
        same_storage = a is b or (a.url == b.url and a.url != "memory:")
        return same_storage and self.study_name == other.study_name

    def _told_already(self, frozen: FrozenTrial, skip_if_finished: bool) -> FrozenTrial:
        """tell of a finished trial: skipped with skip_if_finished, else ValueError, as Optuna's."""
        if skip_if_finished:
            _logger.info("Trial %d already finished with %s: told nothing.", frozen.number, frozen.state.name)
            return frozen
        raise TellFinishedTrialError(
            "Cannot tell a %s trial (trial %d of study '%s' is finished)." % (frozen.state.name, frozen.number, self.study_name)
        )

    def _values_of(self, values) -> Tuple[Optional[List[float]], Optional[str]]:
        """The values told for a COMPLETE trial, or why they cannot be (the trial fails)."""
        if isinstance(values, Real) and not isinstance(values, bool):
            values = [values]
        elif values is None:
            return None, "The value None could not be cast to float."
        try:
            if isinstance(values, (str, bytes)):
                raise TypeError("text")
            if isinstance(values, _abc.Sequence):
                if any(isinstance(v, (str, bytes)) for v in values):
                    raise TypeError("text")  # as Optuna 5, which never completes a trial with text
                vals = [float(v) for v in values]
            else:
                try:  # one value that converts: a 0-d NumPy array, a torch or JAX scalar, as Optuna takes it
                    vals = [float(values)]
                except (TypeError, ValueError):
                    vals = [float(v) for v in values]  # a 1-d array of values
        except (TypeError, ValueError, OverflowError):  # OverflowError: an int past a double's range
            return None, "The value %r could not be cast to float." % (values,)
        if len(vals) != len(self._directions):
            return None, (
                "The number of the values %d did not match the number of the objectives %d."
                % (len(vals), len(self._directions))
            )
        return vals, None

    def _infeasible(self, values) -> Optional[str]:
        """Why Optuna 5's tell fails a trial told `values`, in its words (its
        _check_values_are_feasible, on the values as it reads them: a sequence, else one
        value), so a warnings filter or a log check written for Optuna matches; None when
        Optuna would complete it."""
        if values is None:
            return "The value None could not be cast to float."
        # a str is one value, named as returned (Optuna 5 reads it as a sequence of its
        # characters, and fails on the first one that is a digit)
        seq = values if isinstance(values, _abc.Sequence) and not isinstance(values, (str, bytes)) else [values]
        errors = []
        for v in seq:
            if isinstance(v, (str, bytes)):
                errors.append(_text_value_error(v))
                continue
            try:
                x = float(v)
            except (ValueError, TypeError, OverflowError):  # OverflowError: an int past a double's
                text = repr(v)
                errors.append("The value %s could not be cast to float" % (text if len(text) <= 200 else text[:200] + "..."))
                continue
            if math.isnan(x):
                errors.append("The value %s is not acceptable" % (v,))
        if errors:
            return "; ".join(errors)
        if len(seq) != len(self._directions):
            return "The number of the values %d did not match the number of the objectives %d" % (
                len(seq),
                len(self._directions),
            )
        return None

    def _tell(self, number: int, t: Optional[Trial], state: TrialState, values, reason: Optional[str], frozen=None):
        """Tells trial `number`: through `t`'s handle when it has one, else by number
        (`frozen`, when given, is the trial as the storage has it)."""
        vals: Optional[List[float]] = None
        if state == TrialState.COMPLETE:
            vals, why = self._values_of(values)
            if why:  # the trial fails; the caller warns or logs why
                state, reason = TrialState.FAIL, self._infeasible(values) or why
        arr = (ctypes.c_double * len(vals))(*vals) if vals else None
        cons, cons_error, no_cons = None, None, False
        # a NaN value fails the trial (libknob records it FAIL, below): as Optuna's, which
        # asks constraints_func of COMPLETE and PRUNED trials alone, it is not asked
        nan = state == TrialState.COMPLETE and vals is not None and any(math.isnan(v) for v in vals)
        if state in (TrialState.COMPLETE, TrialState.PRUNED) and not nan:
            # a trial asked by another Study or process: as the storage has it
            src = t if t is not None else frozen if frozen is not None else self._trial_frozen(number)
            # libknob's list: constraints_func's values, then those set by name (set_constraint)
            named = _constraints_list([], src._system_attrs)
            if self.sampler._constraints_func is not None:
                try:
                    cons = self._constraints_of(src, state, vals) + named
                except Exception as e:  # the trial fails, then the error propagates
                    cons_error, state, vals, arr = e, TrialState.FAIL, None, None
                    reason = "constraints_func: %s: %s" % (type(e).__name__, e)
            elif named:
                cons = named
            if cons is not None and not cons:
                # no constraint at all (constraints_func gave []): feasible, as Optuna's,
                # whose trial holds the empty tuple (written below, for a trial in hand)
                cons, no_cons = None, True
            if cons:
                self._say_constraints_ignored()
        with self._lock:
            if t is not None and t._h is not None:
                h = t._h
                if cons is not None:
                    carr = (ctypes.c_double * len(cons))(*cons)
                    rc = _lib.lib.knob_trial_set_constraints(h, carr, len(cons))
                    if rc:
                        e = _lib.error(rc)
                        t._h = None
                        self._open.pop(number, None)
                        _lib.lib.knob_study_tell_fail(self._h, h, _lib.enc_text(str(e)), None)
                        raise e
                elif no_cons:
                    _lib.lib.knob_trial_set_system_attr(h, b"constraints", b"[]")  # a storage failing here fails the tell below
                finished = t._keep_for_pruning()
                if finished is not None:
                    raise finished  # told elsewhere already: its handle is kept, not told
                t._h = None
                self._open.pop(number, None)
                if state == TrialState.FAIL:
                    # the reason only with a FAIL the storage takes: a trial another worker
                    # failed as lost keeps its own
                    rc = _lib.lib.knob_study_tell_fail(self._h, h, _lib.enc_text(reason) if reason else None, None)
                else:
                    rc = _lib.lib.knob_study_tell(self._h, h, int(state), arr, len(vals) if vals else 0)
                if rc == _lib.ESTATE:
                    pass  # told meanwhile elsewhere: told all the same for should_prune
                elif rc and not (rc == _lib.EINVAL and state == TrialState.COMPLETE):
                    t._let_go()  # not told: nothing to prune
            else:
                if cons is not None:
                    carr = (ctypes.c_double * len(cons))(*cons)
                    rc = _lib.lib.knob_study_set_trial_constraints(self._h, number, carr, len(cons))
                    if rc:
                        e = _lib.error(rc)
                        _lib.lib.knob_study_tell_number(self._h, number, int(TrialState.FAIL), None, 0, _lib.enc_text(str(e)))
                        raise e
                rc = _lib.lib.knob_study_tell_number(
                    self._h, number, int(state), arr, len(vals) if vals else 0, _lib.enc_text(reason) if reason else None
                )
            if cons_error is not None:
                raise cons_error
            if rc == _lib.EINVAL and state == TrialState.COMPLETE:
                # A NaN value: libknob recorded the trial FAIL with its reason; the caller
                # warns or logs Optuna's
                return TrialState.FAIL, self._infeasible(values) or _lib.errmsg()
            if rc:
                raise _lib.error(rc)
        if state == TrialState.COMPLETE and t is not None and not self.__dict__.get("_cost_said"):
            cost = getattr(self._sampler, "_options", {}).get("cost")
            if cost and cost in t._user_attrs:
                self._cost_said = True  # a complete trial has the cost: nothing to warn of
        return state, reason

    # Samplers that steer by the trials yet ignore their constraints (knob run warns of them
    # too); random, qmc, grid and brute_force steer by nothing.
    _CONSTRAINT_BLIND = ("smac", "cmaes", "evolution")

    def _say_constraints_ignored(self) -> None:
        """A warning, once for this Study object, when trials carry constraints
        (set_constraint) and its sampler has no constraint handling: it searches as if
        every trial were feasible, where GPSampler, TPESampler, NSGAIISampler and the
        default AutoSampler steer away from infeasible regions."""
        name = getattr(self.sampler, "_knob_name", "")
        if name not in self._CONSTRAINT_BLIND or self.__dict__.get("_constraints_said"):
            return
        self._constraints_said = True
        warnings.warn(
            "constraints: %s (knob's sampler %r) has no constraint handling: it searches as if "
            "every trial were feasible (best_trial and best_trials still count feasible trials "
            "only); GPSampler, TPESampler, NSGAIISampler and the default AutoSampler steer by "
            "them" % (type(self.sampler).__name__, name),
            UserWarning,
            stacklevel=4,  # tell's caller
        )

    def _constraints_of(self, t, state: TrialState, vals) -> List[float]:
        """The sampler's constraints_func on the trial about to be told (a Trial, or the
        FrozenTrial of one asked elsewhere), as Optuna calls it."""
        frozen = FrozenTrial(
            number=t.number,
            state=state,
            value=None,
            values=vals,
            datetime_start=t.datetime_start,
            datetime_complete=datetime.datetime.now(),
            params=t.params,
            distributions=t.distributions,
            user_attrs=t.user_attrs,
            system_attrs=dict(t._system_attrs),
            intermediate_values={},
            trial_id=t._trial_id,
        )
        out = self.sampler._constraints_func(frozen)
        return [float(c) for c in out]

    # ------------------------------------------------------------ optimize

    def optimize(
        self,
        func: Callable[[Trial], Union[float, Sequence[float]]],
        n_trials: Optional[int] = None,
        timeout: Optional[float] = None,
        n_jobs: int = 1,
        catch: Union[Iterable[Type[Exception]], Type[Exception]] = (),
        callbacks: Optional[List[Callable[["Study", FrozenTrial], None]]] = None,
        gc_after_trial: bool = False,
        show_progress_bar: bool = False,
    ) -> None:
        """Runs trials of `func` until n_trials are done, timeout seconds have passed,
        stop() is called or the sampler has nothing left; with n_jobs > 1 (-1: one per
        CPU) trials run in that many threads."""
        if not isinstance(catch, tuple):
            catch = tuple(catch) if isinstance(catch, Iterable) else (catch,)
        if self._optimizing:
            raise RuntimeError("Nested optimization is not allowed.")
        if n_jobs == -1:
            n_jobs = os.cpu_count() or 1
        if n_jobs < 1:
            raise ValueError("n_jobs must be a positive integer or -1, got %r." % n_jobs)
        self._stop_flag = False
        self._optimizing = True
        self._failing_error = None
        deadline = None if timeout is None else time.monotonic() + timeout
        state = {"started": 0, "done": 0, "error": None, "live": 0}
        slot_lock = threading.Lock()
        ended = threading.Condition(slot_lock)  # a worker thread has ended
        bar = _Progress(n_trials, timeout) if show_progress_bar else None

        def next_slot() -> bool:
            with slot_lock:
                if self._stop_flag or state["error"] is not None:
                    return False
                if n_trials is not None and state["started"] >= n_trials:
                    return False
                if deadline is not None and time.monotonic() >= deadline:
                    return False
                state["started"] += 1
                return True

        def worker() -> None:
            try:
                while next_slot():
                    frozen_needed = bool(callbacks)
                    number = self._run_trial(func, catch, frozen_needed, callbacks, gc_after_trial)
                    if number is None:  # the sampler is done: the slot is not a trial
                        with slot_lock:
                            state["started"] -= 1
                        return
                    if bar:
                        with slot_lock:
                            state["done"] += 1
                            bar.update(state["done"], self)
            except BaseException as e:  # noqa: B902: re-raised by the caller
                with slot_lock:
                    if state["error"] is None:
                        state["error"] = e
                if n_jobs == 1:
                    raise
            finally:
                if n_jobs > 1:
                    with ended:
                        state["live"] -= 1
                        ended.notify_all()

        try:
            if n_jobs == 1:
                worker()
            else:
                threads = [threading.Thread(target=worker, name="knob-optimize-%d" % i, daemon=True) for i in range(n_jobs)]
                try:
                    for th in threads:
                        with ended:
                            state["live"] += 1
                        th.start()
                    _wait_workers(ended, state, threads)
                except BaseException as e:  # Ctrl-C reaches this thread, not the workers
                    self._interrupted(ended, state, threads, e)  # raises when interrupted again
                    for th in threads:
                        if th.ident is not None:
                            th.join()  # each has ended its work: a moment at most
                    raise
                for th in threads:
                    th.join()
                if state["error"] is not None:
                    raise state["error"]
        finally:
            self._optimizing = False
            if bar:
                bar.close()
        self._warn_warm_skipped()
        self._warn_cost_unseen()

    def _warn_cost_unseen(self) -> None:
        """The sampler's option cost naming a user attr that none of the trials complete
        after the startup has (a misspelt name, or one the objective never sets: the search
        is cost-blind; the library says it in the study's system attribute cost_unseen: it
        prints nothing), as a UserWarning: at the end of optimize and after an ask, once for
        this Study object. Only its own sampler's sentence (AutoSampler's: gp's and TPE's)
        of its own cost."""
        cost = getattr(self._sampler, "_options", {}).get("cost")
        # "duration": every complete trial has one; a told trial of this Study that had the
        # cost settled it (_tell): no read of the study's attributes after every ask then
        if not cost or cost == "duration" or self.__dict__.get("_cost_said"):
            return
        said = self._system_attrs().get("cost_unseen")
        if not isinstance(said, str):
            return
        name = getattr(self._sampler, "_knob_name", "")
        who, sep, rest = said.partition(": ")
        if not sep or not rest.startswith("cost '%s'" % cost) or (name != "auto" and who != name):
            return
        self._cost_said = True
        warnings.warn("cost: " + said, UserWarning, stacklevel=3)  # ask's or optimize's caller

    def _warn_warm_skipped(self) -> None:
        """What the sampler's warm start left out of its source (the library says it in the
        study's system attribute warm_start_skipped: it prints nothing), as a UserWarning: at
        the end of optimize, and after an ask of the ask-and-tell interface; each sentence
        once for this Study object. Only its own sampler's sentence of its own source: the
        attribute is the study's and may hold an earlier run's (another sampler's, another
        source's); AutoSampler's are its delegates' (gp's, smac's, tpe's), which take turns
        writing it."""
        source = getattr(self._sampler, "_options", {}).get("warm_start_study")
        if not source:
            return
        said = self._system_attrs().get("warm_start_skipped")
        if not isinstance(said, str):
            return
        name = getattr(self._sampler, "_knob_name", "")
        who, sep, rest = said.partition(": ")
        if not sep or not rest.startswith("warm_start_study '%s'" % source) or \
                (name != "auto" and who != name):
            return
        seen = self.__dict__.setdefault("_warm_said", set())
        if said not in seen:
            seen.add(said)
            warnings.warn("warm_start: " + said, UserWarning, stacklevel=3)  # ask's or optimize's caller

    def _interrupted(self, ended, state, threads, e: BaseException) -> None:
        """optimize(n_jobs > 1) interrupted (KeyboardInterrupt in the main thread): no
        trial starts any more and the running ones finish, as Optuna's; interrupted again
        while they run, they are failed at once. Either way no trial of this optimize is
        left RUNNING in the storage."""
        with ended:
            if state["error"] is None:
                state["error"] = e
        try:
            _wait_workers(ended, state, threads)
        except BaseException as again:
            with self._optimize_lock:
                self._failing_error = again  # a trial asked from now on is failed by its worker
                running = list(self._optimize_trials)
            for trial in running:
                self._fail_interrupted(trial, again)
            # a worker inside its ask fails the trial it gets: waited for, in short waits
            # that let a third Ctrl-C through
            with self._asked:
                while self._asking > 0:
                    self._asked.wait(0.25)
            raise

    def _fail_interrupted(self, trial, e: BaseException) -> None:
        """Fails a trial of an optimize interrupted a second time, and logs it as a trial
        whose objective raised `e` (without a traceback: `e` was raised in the main thread,
        not in the objective)."""
        try:
            self._tell(trial.number, trial, TrialState.FAIL, None, "%s: %s" % (type(e).__name__, e))
        except Exception:  # its worker told it meanwhile (and logged it)
            return
        self._log_trial(trial, TrialState.FAIL, None, None, e, traceback=False)

    def _run_trial(self, func, catch, frozen_needed, callbacks, gc_after_trial) -> Optional[int]:
        counted = False
        try:
            with self._asked:
                self._asking += 1
                counted = True
            try:
                trial = self._ask()
            except KnobDoneError:
                # The sampler has nothing left to start now (an exhausted grid, a brute-force
                # search whose last combinations the other threads are running): this worker
                # ends; the others ask again when their trials end, and a brute-force search
                # may find more below what they ran, so they are not stopped.
                return None
            with self._asked:
                failing = self._failing_error
                if failing is None:
                    self._optimize_trials.add(trial)
            if failing is not None:
                # asked while optimize was interrupted a second time: failed, not run
                self._fail_interrupted(trial, failing)
                return None
        finally:
            if counted:
                with self._asked:
                    self._asking -= 1
                    self._asked.notify_all()
        beats = _Beats(self, trial) if self._storage.heartbeat_interval else None
        try:
            return self._run_asked(trial, func, catch, frozen_needed, callbacks, gc_after_trial)
        finally:
            if beats is not None:
                beats.stop()
            with self._optimize_lock:
                self._optimize_trials.discard(trial)

    def _run_asked(self, trial, func, catch, frozen_needed, callbacks, gc_after_trial) -> int:
        number = trial.number
        err: Optional[BaseException] = None
        ret: Any = None
        reason = None
        try:
            ret = func(trial)
            state = TrialState.COMPLETE
        except TrialPruned as e:
            state = TrialState.PRUNED
            reason = str(e)
        except Exception as e:
            if _optuna_pruned(e):  # raised by code written for Optuna (an integration's callback)
                state = TrialState.PRUNED
                reason = str(e)
            else:
                state, err = TrialState.FAIL, e
                reason = "%s: %s" % (type(e).__name__, e)
        except BaseException as e:  # KeyboardInterrupt, SystemExit: the trial fails, then it propagates
            self._tell(number, trial, TrialState.FAIL, None, "%s: %s" % (type(e).__name__, e))
            self._log_trial(trial, TrialState.FAIL, None, None, e)  # as Optuna logs a KeyboardInterrupt
            raise
        finally:
            if gc_after_trial:
                gc.collect()
        state, why = self._tell(number, trial, state, ret if state == TrialState.COMPLETE else None, reason if state == TrialState.FAIL else None)
        if state == TrialState.PRUNED:
            why = reason  # the message of the TrialPruned raised, which Optuna logs
        if _logger.isEnabledFor(_logging.INFO) or state == TrialState.FAIL:
            self._log_trial(trial, state, ret, why, err)
        if err is not None and not isinstance(err, catch):
            raise err
        if callbacks:
            frozen = _copy.deepcopy(self._trial_frozen(number))
            for cb in callbacks:
                cb(self, frozen)
        return number

    def _log_trial(self, trial: Trial, state: TrialState, ret, why, err, traceback: bool = True) -> None:
        n = trial.number
        if state == TrialState.COMPLETE:
            # the values as stored (floats: True is 1.0, as Optuna logs it), by metric name
            # when the study has them
            values, _ = self._values_of(ret)
            names = self.metric_names
            shown: Any = values if names is None else dict(zip(names, values))
            if self._is_multi_objective:
                _logger.info("Trial %d finished with values: %s and parameters: %s.", n, shown, trial._params)
                return
            try:
                best = self.best_trial
                tail = " Best is trial %d with value: %s." % (best.number, best.value)
            except ValueError:
                tail = ""
            value = values[0] if names is None else shown
            _logger.info("Trial %d finished with value: %s and parameters: %s.%s", n, value, trial._params, tail)
        elif state == TrialState.PRUNED:
            _logger.info("Trial %d pruned. %s", n, why or "")
        elif err is not None:  # with its traceback, and then the value, as Optuna logs them
            _logger.warning(
                "Trial %d failed with parameters: %s because of the following error: %r.",
                n,
                trial._params,
                err,
                exc_info=(type(err), err, err.__traceback__) if traceback else None,
            )
            _logger.warning("Trial %d failed with value %r.", n, None)
        else:  # values that cannot complete it (None, NaN, a wrong count ...), as Optuna logs them
            _logger.warning("Trial %d failed with parameters: %s because of the following error: %s.", n, trial._params, why)
            _logger.warning("Trial %d failed with value %r.", n, ret)

    def stop(self) -> None:
        if not self._optimizing:
            raise RuntimeError("`Study.stop` is supposed to be invoked inside an objective function or a callback.")
        self._stop_flag = True

    # ------------------------------------------------------------ enqueue and add

    def enqueue_trial(self, params: Dict[str, Any], user_attrs: Optional[Dict[str, Any]] = None, skip_if_exists: bool = False) -> None:
        if not isinstance(params, dict):
            raise TypeError("params must be a dictionary.")
        for k, v in params.items():
            if isinstance(v, Real) and not isinstance(v, Integral) and not math.isfinite(v):
                # Optuna takes one (a NaN choice); libknob's JSON holds no NaN or infinity
                raise ValueError(
                    "enqueue_trial: param '%s' is %r; knob stores enqueued params as JSON, which holds no NaN "
                    "or infinity." % (k, v)
                )
        if skip_if_exists and self._params_exist(params):
            _logger.info("Trial with params %s already exists. Skipping enqueue.", params)
            return
        with self._run_capped() as capped:
            if user_attrs:
                # stored with the waiting trial, as Optuna's: whoever asks it has them
                self._add_trial(TrialState.WAITING, {}, {}, None, {}, dict(user_attrs), {"fixed_params": params}, None, None, capped)
                return
            text = json.dumps(params, default=_lib.json_default, separators=(",", ":"))
            with self._lock:
                _lib.check(_lib.lib.knob_study_enqueue(capped or self._h, _lib.enc(text)), "enqueue_trial")
                self._enqueued_waiting += 1

    @contextlib.contextmanager
    def _run_capped(self):
        """A handle on the study that holds it to the run_cap of the sweep `knob run` stored
        with it (None when it has none), which enqueue_trial writes through, as `knob enqueue`
        does: its storage counts the study's trials where it numbers the new one, so a trial
        past run_cap is refused (KnobDoneError, "study 'S' holds N trials, its limit
        (max_trials, run_cap)") however many processes enqueue at once. Without it the study
        would hold more than run_cap trials, and the next `knob run` would run them all."""
        # stored by `knob run` and `knob ask` beside the sweep, as knob's sweep parser read it
        cap = self._attrs(True).get("run_cap")
        if not isinstance(cap, int) or isinstance(cap, bool) or cap < 1:
            yield None
            return
        opts = _lib.StudyOptions()
        opts.max_trials = cap
        out = ctypes.c_void_p()
        with self._lock:
            _lib.check(_lib.lib.knob_study_load(self._storage._h, _lib.enc(self.study_name), ctypes.byref(opts), ctypes.byref(out)))
        try:
            yield out.value
        finally:
            with self._lock:
                _lib.lib.knob_study_free(out.value)

    def _params_exist(self, params: Dict[str, Any]) -> bool:
        """Whether a trial has these params, as Optuna's skip_if_exists decides: a trial
        that was enqueued by the params it was enqueued with (whatever else it drew), the
        others by their params; the same keys, values of the same type, numbers within a
        relative 1e-5 of the stored one. For a param the trial has as a float, an int and a
        float are one number: libknob writes a waiting trial's params into its fixed_params,
        a whole float as an int ({"x": 4} for an added 4.0, where Optuna compares with the
        params), and 4 and 4.0 suggest the same float."""
        for t in self.get_trials(deepcopy=False):
            have = t.system_attrs.get("fixed_params", t.params)
            if not isinstance(have, dict) or have.keys() != params.keys():
                continue
            dists = t.distributions
            if all(_same_param(v, have[k], dists.get(k)) for k, v in params.items()):
                return True
        return False

    def add_trial(self, trial: FrozenTrial) -> None:
        trial._validate()
        state = trial.state
        system_attrs = dict(trial.system_attrs)
        params, dists = trial.params, trial.distributions
        for name, d in dists.items():
            _check_stored_choices(d, name)
            if isinstance(d, CategoricalDistribution) and any(_stored_otherwise(c) for c in d.choices):
                self._note_whole_floats(name, d)
        # a waiting trial keeps its params, listed before it is asked (libknob writes them
        # into its fixed_params too: the asked trial takes them as suggested)
        # an unfinished trial has no values in libknob until it is told
        values = trial.values if state.is_finished() else None
        start = trial.datetime_start if state != TrialState.WAITING else None
        end = trial.datetime_complete if state.is_finished() else None
        if state != TrialState.WAITING:
            self._add_trial(state, params, dists, values, trial.intermediate_values, trial.user_attrs, system_attrs, start, end)
            return
        # a waiting trial is one more to run: held to the run_cap, as enqueue_trial
        with self._run_capped() as capped:
            self._add_trial(state, params, dists, values, trial.intermediate_values, trial.user_attrs, system_attrs, start, end, capped)

    def _add_trial(self, state, params, dists, vals, intermediate, user_attrs, system_attrs, start, end, handle=None) -> None:
        """Writes the trial through this Study's handle, or `handle` (enqueue_trial's within
        a run_cap)."""
        keep = []
        names = list(params)
        cparams = (_lib.Param * max(len(names), 1))()
        for i, name in enumerate(names):
            d = _own(_real(dists[name]))
            _check_stored_ints(d, name)
            c = d._to_c()
            keep.append(c)
            cparams[i] = _lib.Param(_lib.enc(name), ctypes.pointer(c), d.to_internal_repr(params[name]))
        vals = vals or []
        values = (ctypes.c_double * max(len(vals), 1))(*vals)
        steps = sorted(intermediate.items())
        inter = (_lib.StepValue * max(len(steps), 1))(*[_lib.StepValue(int(s), float(v)) for s, v in steps])

        def attrs(d):
            return (_lib.Attr * max(len(d), 1))(*[_lib.Attr(_lib.enc(k), _attr_json(k, v)) for k, v in d.items()])

        user = attrs(user_attrs)
        system_attrs = dict(system_attrs)
        merged = _constraints_list(system_attrs.get("constraints") or [], system_attrs)
        if merged:  # those set by name too, in the list libknob reads
            system_attrs["constraints"] = merged
        system = attrs(system_attrs)
        info = _lib.TrialInfo(
            id=-1,
            number=-1,
            state=int(state),
            n_params=len(names),
            params=cparams,
            n_values=len(vals),
            values=values,
            n_intermediate=len(steps),
            intermediate=inter,
            n_user_attrs=len(user_attrs),
            user_attrs=user,
            n_system_attrs=len(system_attrs),
            system_attrs=system,
            # its own times, as Optuna's add_trial keeps them (copy_study)
            start_time=start.timestamp() if start else float("nan"),
            end_time=end.timestamp() if end else float("nan"),
        )
        with self._lock:
            _lib.check(_lib.lib.knob_study_add_trial(handle or self._h, ctypes.byref(info), None))
            if state == TrialState.WAITING:
                self._enqueued_waiting += 1

    def add_trials(self, trials: Iterable[FrozenTrial]) -> None:
        for t in trials:
            self.add_trial(t)

    # ------------------------------------------------------------ dataframe

    def trials_dataframe(
        self,
        attrs: Tuple[str, ...] = (
            "number",
            "value",
            "datetime_start",
            "datetime_complete",
            "duration",
            "params",
            "user_attrs",
            "system_attrs",
            "state",
        ),
        multi_index: bool = False,
    ):
        """The trials as a pandas DataFrame, with Optuna's columns (pandas needed): each
        attribute of `attrs` (any FrozenTrial attribute; a leading _ is dropped from its
        column) makes one column, or one per key of a dict (params, user_attrs ...) or per
        objective (values, by metric name when the study has them); the groups follow
        `attrs`, and each group's columns are sorted."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("trials_dataframe needs pandas: apt-get install python3-pandas, or pip install pandas") from None
        trials = self.get_trials(deepcopy=False)
        if not trials:
            return pd.DataFrame()
        n_obj = len(self._directions)
        if n_obj > 1:
            attrs = tuple("values" if a == "value" else a for a in attrs)
        metric_names = self.metric_names
        groups: Dict[str, set] = {a: set() for a in attrs}  # the columns each attribute made
        rows = []
        for t in trials:
            row: Dict[Tuple[str, Any], Any] = {}
            for a in attrs:
                col = a[1:] if a.startswith("_") else a
                if a == "values":
                    vals = t.values if t.values is not None else [None] * n_obj
                    keys = range(n_obj) if metric_names is None else metric_names
                    cells = [((col, k), v) for k, v in zip(keys, vals)]
                elif a == "value":
                    cells = [((col, "" if metric_names is None else metric_names[0]), t.value)]
                else:
                    try:
                        v = getattr(t, a)
                    except AttributeError:
                        raise AttributeError("trials_dataframe: a trial has no attribute %r" % a) from None
                    if isinstance(v, TrialState):
                        v = v.name
                    if isinstance(v, dict):
                        cells = [((col, k), x) for k, x in v.items()]
                    elif isinstance(v, list):
                        cells = [((col, k), x) for k, x in enumerate(v)]
                    else:
                        cells = [((col, ""), v)]
                for key, v in cells:
                    row[key] = v
                    groups[a].add(key)
            rows.append(row)
        columns: List[Tuple[str, Any]] = []
        for a in dict.fromkeys(attrs):
            if a == "values" and metric_names is not None:
                columns.extend(("values", m) for m in metric_names)
            else:
                columns.extend(sorted(groups[a]))
        df = pd.DataFrame(rows, columns=pd.MultiIndex.from_tuples(columns))
        if not multi_index:
            df.columns = ["_".join(str(x) for x in c if x != "") for c in columns]
        return df

    def __repr__(self) -> str:
        return "Study(study_name=%r, storage=%r)" % (self.study_name, self._storage)

    def __getstate__(self) -> dict:
        # as Optuna's: the study in its storage (a database's opened again, an in-memory
        # one copied), with its sampler and pruner; no trial of this object stays open
        return {"storage": self._storage, "study_name": self.study_name, "sampler": self._sampler, "pruner": self._pruner}

    def __setstate__(self, state: dict) -> None:
        self._init(state["storage"], state["study_name"], state["sampler"], state["pruner"], None)


def _kind_text(kind: tuple) -> str:
    if kind[0] == "categorical":
        return "a CategoricalDistribution of choices %r" % (kind[2],)
    return "%s %sDistribution" % ("a log" if kind[1] else "a linear", kind[0].capitalize())


def _optuna_pruned(e: BaseException) -> bool:
    """Whether `e` is Optuna's own TrialPruned (optuna.TrialPruned, or a subclass): a trial
    that raises it is pruned, as under Optuna."""
    return any(c.__name__ == "TrialPruned" and c.__module__.split(".")[0] == "optuna" for c in type(e).__mro__)


def _study_key(storage: BaseStorage, name: str) -> tuple:
    """A study as a sampler tells the studies it serves apart (BaseSampler._serving): a
    database's by its URL and name, whichever storage object opened it; an in-memory one's
    by its storage object (its serial: an id could be another's once it is freed)."""
    return (storage.url if storage.url != "memory:" else storage._serial, name)


def _same_param(new: Any, old: Any, dist: Optional[BaseDistribution] = None) -> bool:
    """Whether enqueued value `new` is `old`, stored for a param of distribution `dist` (None:
    not known), as Optuna's skip_if_exists compares (Study._params_exist)."""
    if isinstance(_real(dist), FloatDistribution) and _plain_number(new) and _plain_number(old):
        pass  # one float: compared as numbers below
    elif not isinstance(new, type(old)):
        return False  # an int enqueued for an int param stored 4.0, a string for a number ...
    if isinstance(new, Real):
        a, b = float(new), float(old)
        return a == b or (a != a and b != b) or abs(a - b) <= 1e-5 * abs(b)
    return new == old


def _plain_number(v: Any) -> bool:
    return isinstance(v, Real) and not isinstance(v, bool)


def _check_sampler_pruner(sampler: Any, pruner: Any) -> None:
    """A study's sampler and pruner must be instances of knob's classes (TypeError naming
    what was given: a class, a name, another library's object)."""
    for arg, v, base, where, example in (
        ("sampler", sampler, BaseSampler, "knob.samplers", "TPESampler"),
        ("pruner", pruner, BasePruner, "knob.pruners", "MedianPruner"),
    ):
        if isinstance(v, type) and issubclass(v, base):
            raise TypeError("%s must be an instance (%s()), got the class %s" % (arg, v.__name__, v.__name__))
        if not isinstance(v, base):
            raise TypeError("%s must be a %s of %s (an instance, such as %s()), got %r" % (arg, arg, where, example, v))


def _default_sampler(n_objectives: int) -> BaseSampler:
    if n_objectives > 1:
        from . import samplers

        if samplers._has_sampler("nsga2"):
            return samplers.NSGAIISampler()
    return AutoSampler()


class _Progress:
    """A one-line progress report on stderr (Optuna draws a tqdm bar)."""

    def __init__(self, n_trials, timeout) -> None:
        self.n, self.timeout, self.t0 = n_trials, timeout, time.monotonic()
        self.width = 0  # of the line last written

    def update(self, done: int, study: Study) -> None:
        total = "/%d" % self.n if self.n else ""
        try:
            best = " best %s" % study.best_value if not study._is_multi_objective else ""
        except ValueError:
            best = ""
        line = "%d%s trials, %.1f s%s" % (done, total, time.monotonic() - self.t0, best)
        # padded with spaces over the longer line before it (as tqdm pads), whose tail the
        # carriage return would leave on screen: "best 0.05" after "best 0.123456789" read
        # "best 0.053456789"
        sys.stderr.write("\r" + line.ljust(self.width))
        self.width = len(line)
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")


# ---------------------------------------------------------------- module functions


def _info_attr(info: _lib.TrialInfo, key: bytes) -> Any:
    """A system attribute of a borrowed knob_trial_info, read from its JSON (None if absent)."""
    for i in range(info.n_system_attrs):
        a = info.system_attrs[i]
        if a.key == key:
            return _json(a.json)
    return None


def _has_given(info: _lib.TrialInfo) -> bool:
    """Whether a borrowed knob_trial_info may hold the params its program got (knob run's
    system attribute, or an older knob's user attribute "params"), which _program reads."""
    key = _GIVEN.encode()
    if info.n_params == 0:
        return False
    return any(info.system_attrs[i].key == key for i in range(info.n_system_attrs)) or any(
        info.user_attrs[i].key == b"params" for i in range(info.n_user_attrs)
    )


def _all_given(view: ProgramView, arr, n: int):
    """The params each of the study's trials `arr` (`n`, as Study._infos gives them) had
    its program get, as view.given reads them."""
    for i in range(n):
        if not arr[i] or not _has_given(arr[i].contents):
            continue
        info = arr[i].contents
        system, user = {}, {}
        for j in range(info.n_system_attrs):
            if info.system_attrs[j].key == _GIVEN.encode():
                system[_GIVEN] = _json(info.system_attrs[j].json)
        for j in range(info.n_user_attrs):
            if info.user_attrs[j].key == b"params":
                user["params"] = _json(info.user_attrs[j].json)
        given = view.given(system, user)
        if given is not None:
            yield given


def _name_text(name: Any) -> str:
    """A study's name as libknob takes it, a string. Optuna takes any name (create_study(
    study_name=123) is a study whose study_name is 123, stored by its RDB storages as
    "123"): knob stores str(name) and its Study keeps study_name as given, as Optuna's."""
    if isinstance(name, str):
        return name
    try:
        hash(name)
    except TypeError:
        raise TypeError("`study_name` must be a str, got %r" % (name,)) from None
    return str(name)



def create_study(
    *,
    storage: Union[str, BaseStorage, None] = None,
    sampler: Optional[BaseSampler] = None,
    pruner: Optional[BasePruner] = None,
    study_name: Optional[str] = None,
    direction: Union[str, StudyDirection, None] = None,
    load_if_exists: bool = False,
    directions: Optional[Sequence[Union[str, StudyDirection]]] = None,
) -> Study:
    dirs = _directions(direction, directions)
    st = get_storage(storage)
    name = study_name if study_name is not None else "no-name-" + str(uuid.uuid4())
    if _name_text(name) == "":
        # libknob's storages key a study by a non-empty name (Optuna's take "")
        raise ValueError("create_study: `study_name` must not be empty: knob's storages cannot hold a study named ''")
    # The storage decides whether the name is taken, in one step (knob_study_create_new):
    # a check of the names before a create-or-load let several processes "create" it
    study = Study.__new__(Study)
    try:
        study._init(st, name, sampler, pruner, dirs, new=True)
    except DuplicatedStudyError:
        if not load_if_exists:
            # Optuna 5's words (its f-string's {study_name=} is the name's repr)
            raise DuplicatedStudyError(
                "Another study with study_name=%r already exists. Please specify a name not in "
                "the storage, or reuse the existing one by setting `load_if_exists` (for "
                "Python API) or `--skip-if-exists` flag (for CLI).\n"
                "Use `optuna.study.get_all_study_names(storage)` to list all the used names." % (name,)
            ) from None
        _logger.info("Using an existing study with `study_name=%r` instead of creating a new one.", name)
        study = Study.__new__(Study)
        study._init(st, name, sampler, pruner, None)
        return study
    _logger.info("A new study created in %s with name: %s", "memory" if st.url == "memory:" else "RDB", name)
    return study


def _scratch_study(name: str, direction: Union[str, StudyDirection] = "minimize") -> Study:
    """A study in memory of knob's own (importances of a target, a regret bound of given
    trials): made without create_study's log line, under a name that says what it holds
    (an error about it named a no-name-<uuid> study the user never made)."""
    from .samplers import RandomSampler

    study = Study.__new__(Study)
    study._init(get_storage(None), name, RandomSampler(seed=0), None, _directions(direction, None))
    return study


def load_study(
    *,
    study_name: Optional[str],
    storage: Union[str, BaseStorage],
    sampler: Optional[BaseSampler] = None,
    pruner: Optional[BasePruner] = None,
) -> Study:
    st = get_storage(storage)
    if study_name is None:
        names = st.get_all_study_names()
        if len(names) != 1:
            raise ValueError("Could not determine the study name since the storage %s does not contain exactly 1 study. Specify `study_name`." % st.url)
        study_name = names[0]
    study = Study.__new__(Study)
    study._init(st, study_name, sampler, pruner, None)
    return study


def delete_study(*, study_name: str, storage: Union[str, BaseStorage]) -> None:
    st = get_storage(storage)
    with st._lock:
        _lib.check(_lib.lib.knob_storage_delete_study(st._h, _lib.enc(_name_text(study_name))))


def get_all_study_names(storage: Union[str, BaseStorage]) -> List[str]:
    return get_storage(storage).get_all_study_names()


class StudySummary:
    """A study as knob_storage_studies lists it, with Optuna's fields."""

    def __init__(self, study_name, direction, best_trial, user_attrs, system_attrs, n_trials, datetime_start, study_id, *, directions=None):
        self.study_name = study_name
        self._directions = directions or [direction]
        self.best_trial = best_trial
        self.user_attrs = user_attrs
        self.system_attrs = system_attrs
        self.n_trials = n_trials
        self.datetime_start = datetime_start
        self._study_id = study_id

    @property
    def direction(self):
        if len(self._directions) > 1:
            raise RuntimeError("This attribute is not available during multi-objective optimization.")
        return self._directions[0]

    @property
    def directions(self):
        return list(self._directions)

    # as Optuna's: equal when every field is, ordered by the study's id (sorted() of a list)
    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, StudySummary):
            return NotImplemented
        return other.__dict__ == self.__dict__

    def __lt__(self, other: Any) -> bool:
        if not isinstance(other, StudySummary):
            return NotImplemented
        return self._study_id < other._study_id

    def __le__(self, other: Any) -> bool:
        if not isinstance(other, StudySummary):
            return NotImplemented
        return self._study_id <= other._study_id

    __hash__ = None  # as Optuna's: __eq__ without __hash__


def get_all_study_summaries(storage: Union[str, BaseStorage], include_best_trial: bool = True) -> List[StudySummary]:
    st = get_storage(storage)
    out = []
    for i, (name, dirs, n_trials, _) in enumerate(st._summaries()):
        study = load_study(study_name=name, storage=st, sampler=_Plain(), pruner=_PlainPruner())
        best = None
        if include_best_trial and len(dirs) == 1:
            try:
                best = study.best_trial
            except ValueError:
                best = None
        directions = [StudyDirection(d + 1) for d in dirs]
        # the first trial's start, as Optuna's (None without trials), not the study's creation
        starts = [t.datetime_start for t in study.get_trials(deepcopy=False) if t.datetime_start is not None]
        out.append(
            StudySummary(
                name,
                directions[0] if directions else StudyDirection.NOT_SET,
                best,
                study.user_attrs,
                study._system_attrs(),
                n_trials,
                min(starts, default=None),
                i,
                directions=directions,
            )
        )
    return out


def _memory_dump(storage: BaseStorage) -> list:
    """An in-memory storage's studies as picklable values (see _memory_load)."""
    out = []
    for name in storage.get_all_study_names():
        study = load_study(study_name=name, storage=storage, sampler=_Plain(), pruner=_PlainPruner())
        out.append((name, study.directions, study.user_attrs, study._attrs(True), study.get_trials(deepcopy=False)))
    return out


def _memory_load(storage: BaseStorage, dump: list) -> None:
    """Puts back the studies of _memory_dump (an unpickled InMemoryStorage): made without
    create_study's "A new study created" line, as Optuna's unpickling logs nothing."""
    for name, directions, user_attrs, system_attrs, trials in dump:
        study = Study.__new__(Study)
        study._init(storage, name, _Plain(), _PlainPruner(), _directions(None, directions))
        for k, v in system_attrs.items():
            study._set_system_attr(k, v)
        for k, v in user_attrs.items():
            study.set_user_attr(k, v)
        study.add_trials(trials)


class _Plain(BaseSampler):
    _knob_name = "random"


class _PlainPruner(BasePruner):
    _knob_name = "none"


def copy_study(
    *,
    from_study_name: str,
    from_storage: Union[str, BaseStorage],
    to_storage: Union[str, BaseStorage],
    to_study_name: Optional[str] = None,
) -> None:
    """Copies a study (directions, attributes, every trial as it is) to another storage."""
    src = load_study(study_name=from_study_name, storage=from_storage, sampler=_Plain(), pruner=_PlainPruner())
    dst = create_study(
        study_name=to_study_name or from_study_name,
        storage=to_storage,
        directions=src.directions,
        sampler=_Plain(),
        pruner=_PlainPruner(),
    )
    for k, v in src._system_attrs().items():
        dst._set_system_attr(k, v)
    for k, v in src.user_attrs.items():
        dst.set_user_attr(k, v)
    dst.add_trials(src.get_trials(deepcopy=False))


class MaxTrialsCallback:
    """Stops the study once it holds n_trials trials in `states`."""

    def __init__(self, n_trials: int, states: Optional[Container[TrialState]] = (TrialState.COMPLETE,)) -> None:
        self._n_trials = n_trials
        self._states = states

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if len(study.get_trials(deepcopy=False, states=self._states)) >= self._n_trials:
            study.stop()


__all__ = [
    "Study",
    "StudyDirection",
    "StudySummary",
    "create_study",
    "load_study",
    "delete_study",
    "copy_study",
    "get_all_study_names",
    "get_all_study_summaries",
    "MaxTrialsCallback",
]
