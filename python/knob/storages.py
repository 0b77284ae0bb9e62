"""Storages: a URL opened as a knob_storage handle ("memory:", "sqlite:///path.db",
"postgresql://..."), with Optuna's classes InMemoryStorage and RDBStorage. One lock per
handle: libknob's handles belong to one thread at a time, so every call on a storage and
on the studies and trials made from it holds it."""

from __future__ import annotations

import ctypes
import itertools
import math
import re
import threading
from typing import List, Optional

from . import _deprecated, _lib


class BaseStorage:
    """A knob storage handle. Study options that live in Optuna's storages
    (heartbeats, retries) are kept here and given to each study opened on it."""

    heartbeat_interval: Optional[float] = None
    grace_period: Optional[float] = None
    max_retry: int = 0

    def __init__(self, url: str) -> None:
        self.url = _normalize(url)
        self._lock = threading.RLock()
        h = ctypes.c_void_p()
        _lib.check(_lib.lib.knob_storage_open(_lib.enc(self.url), ctypes.byref(h)))
        self._h = h.value
        self._studies = 0  # open study handles made on this one (Study._init)
        self._serial = next(_serials)  # this object among the storages (study._study_key)

    def __del__(self) -> None:
        # A study handle must be freed before its storage. When a storage and its studies
        # are garbage-collected together (a cycle through a study's open trials), Python
        # finalizes them in any order: the storage then waits for its last study.
        if self.__dict__.get("_studies", 0) > 0:
            self._orphaned = True
            return
        self._close()

    def _close(self, _close=_lib.lib.knob_storage_close) -> None:
        # bound when the class is made, as Study.__del__'s calls: called at the exit too
        h = self.__dict__.get("_h")
        if h:
            self._h = None
            _close(h)

    def _study_freed(self) -> None:
        self._studies -= 1
        if self._studies == 0 and self.__dict__.get("_orphaned"):
            self._close()

    def __repr__(self) -> str:
        return "%s(%r)" % (self.__class__.__name__, self.url)

    def __reduce__(self):
        # A handle is not pickled: a database storage is opened again by its URL (with its
        # heartbeat settings), an in-memory one is copied with its studies, as Optuna's
        # storages pickle.
        if self.url == "memory:":
            from .study import _memory_dump

            return (_memory_from, (type(self), _memory_dump(self)))
        state = {k: v for k, v in self.__dict__.items() if k not in _HANDLE_FIELDS}
        return (_reopened, (type(self), state))

    def _summaries(self):
        out = ctypes.POINTER(_lib.StudySummary)()
        n = ctypes.c_size_t()
        with self._lock:
            _lib.check(_lib.lib.knob_storage_studies(self._h, ctypes.byref(out), ctypes.byref(n)))
            return [
                (
                    out[i].name.decode("utf-8"),
                    [out[i].directions[k] for k in range(out[i].n_objectives)],
                    out[i].n_trials,
                    out[i].created,
                )
                for i in range(n.value)
            ]

    def get_all_study_names(self):
        return [s[0] for s in self._summaries()]


class InMemoryStorage(BaseStorage):
    """A storage in this process only ("memory:"): studies made on this object share it."""

    def __init__(self) -> None:
        super().__init__("memory:")


class RDBStorage(BaseStorage):
    """A database storage: SQLite ("sqlite:///path.db") or PostgreSQL
    ("postgresql://user:password@host:port/db"; a driver such as "+psycopg2" is ignored).
    heartbeat_interval, grace_period and heartbeat_stale_trial_callback=
    RetryHeartbeatStaleTrialCallback(...) (or Optuna's older failed_trial_callback=
    RetryFailedTrialCallback(...)) set the studies' heartbeat, grace period and retries of
    the trials whose worker stopped beating."""

    def __init__(
        self,
        url: str,
        engine_kwargs=None,
        skip_compatibility_check: bool = False,
        *,
        heartbeat_interval: Optional[int] = None,
        grace_period: Optional[int] = None,
        heartbeat_stale_trial_callback=None,
        failed_trial_callback=None,
        skip_table_creation: bool = False,
    ) -> None:
        if engine_kwargs:
            url = _with_connect_args(url, engine_kwargs)
        # not math.isfinite alone: NaN <= 0 is False; libknob refuses both at the study
        if heartbeat_interval is not None and not (0 < heartbeat_interval < math.inf):
            raise ValueError("The value of `heartbeat_interval` should be a positive integer.")
        if grace_period is not None and not (0 < grace_period < math.inf):
            raise ValueError("The value of `grace_period` should be a positive integer.")
        if heartbeat_stale_trial_callback is not None and failed_trial_callback is not None:
            raise ValueError("Specify only one of `heartbeat_stale_trial_callback` and `failed_trial_callback`.")
        if failed_trial_callback is not None:
            _deprecated.argument("failed_trial_callback", "4.9.0", "6.0.0", "Use `heartbeat_stale_trial_callback` instead.")
        # Optuna 5's name, and failed_trial_callback, its deprecated one
        callback = heartbeat_stale_trial_callback if heartbeat_stale_trial_callback is not None else failed_trial_callback
        if callback is not None and not isinstance(callback, RetryHeartbeatStaleTrialCallback):
            raise NotImplementedError(
                "RDBStorage: heartbeat_stale_trial_callback must be a RetryHeartbeatStaleTrialCallback "
                "(or RetryFailedTrialCallback): knob retries the trials of dead workers itself, in libknob"
            )
        super().__init__(url)
        self.heartbeat_interval = heartbeat_interval
        self.grace_period = grace_period
        self.heartbeat_stale_trial_callback = self.failed_trial_callback = callback
        if callback is not None:
            self.max_retry = callback._max_retry
            if self.max_retry is None:
                self.max_retry = 1 << 30


class RetryHeartbeatStaleTrialCallback:
    """Retries a trial whose worker stopped beating (RDBStorage with heartbeat_interval)
    up to max_retry times, with the same params: libknob does it. Optuna 5's name;
    RetryFailedTrialCallback is the same class by its older name."""

    def __init__(self, max_retry: Optional[int] = None, inherit_intermediate_values: bool = False) -> None:
        if inherit_intermediate_values:
            raise NotImplementedError("RetryFailedTrialCallback: inherit_intermediate_values is not supported by knob")
        self._max_retry = max_retry

    @staticmethod
    def retried_trial_number(trial) -> Optional[int]:
        return trial.system_attrs.get("retry_of", None)

    @staticmethod
    def retry_history(trial) -> List[int]:
        """The numbers of the trials `trial` retries, in order: its original first, the
        retry just before it last; [] if it retries none. As Optuna's, read from the
        system attribute "retry_history", which knob's study gives a retry from its
        "retry_of" and "retry_count"."""
        attrs = trial.system_attrs
        history = attrs.get("retry_history")
        if history is None:
            origin = attrs.get("retry_of")
            return [] if origin is None else [origin]
        return list(history)


class RetryFailedTrialCallback(RetryHeartbeatStaleTrialCallback):
    """RetryHeartbeatStaleTrialCallback by its name before Optuna 4.9 (deprecated there)."""

    def __init__(self, max_retry: Optional[int] = None, inherit_intermediate_values: bool = False) -> None:
        _deprecated.warn("RetryFailedTrialCallback", "4.9.0", "6.0.0", "Use `RetryHeartbeatStaleTrialCallback` instead.", stacklevel=None)
        super().__init__(max_retry, inherit_intermediate_values)


def _normalize(url: str) -> str:
    # SQLAlchemy's in-memory SQLite database (Optuna's RDBStorage examples use it), spelled
    # sqlite:///:memory: or, without a path, sqlite://: a new, empty database for this
    # process only, which is knob's memory storage
    if re.fullmatch(r"sqlite(\+[A-Za-z0-9_]+)?://(/:memory:)?(\?.*)?", url):
        return "memory:"
    # Optuna's SQLAlchemy URLs name a driver: postgresql+psycopg2://, sqlite+pysqlite://
    return re.sub(r"^(postgres(?:ql)?|sqlite)\+[A-Za-z0-9_]+://", r"\1://", url)


# The connect_args of SQLAlchemy's engine_kwargs that mean something to knob, by scheme,
# as the URL's query parameters of the same name: SQLite's timeout (seconds a write waits
# for another process's lock), libpq's connect_timeout.
_CONNECT_ARGS = {"sqlite": ("timeout",), "postgresql": ("connect_timeout",), "postgres": ("connect_timeout",)}


def _with_connect_args(url: str, engine_kwargs) -> str:
    """The URL with engine_kwargs={"connect_args": {...}} as query parameters; any other
    engine keyword (a pool's, say) or connect argument is refused by name."""
    scheme = re.sub(r"\+.*", "", url.split(":", 1)[0])
    other = sorted(k for k in engine_kwargs if k != "connect_args")
    if other:
        raise NotImplementedError(
            "RDBStorage: engine_kwargs %s are SQLAlchemy's; knob opens the database itself "
            "(it takes connect_args only)" % ", ".join(map(repr, other))
        )
    args = engine_kwargs.get("connect_args") or {}
    known = _CONNECT_ARGS.get(scheme, ())
    unknown = sorted(k for k in args if k not in known)
    if unknown:
        raise NotImplementedError(
            "RDBStorage: connect_args %s not supported for %s storages (knob takes %s)"
            % (", ".join(map(repr, unknown)), scheme, ", ".join(known) or "none")
        )
    for key in known:
        if key in args:
            url += "%s%s=%s" % ("&" if "?" in url else "?", key, args[key])
    return url


_serials = itertools.count()  # BaseStorage._serial

_HANDLE_FIELDS = ("_h", "_lock", "_studies", "_orphaned", "_serial")


def _reopened(cls, state: dict) -> BaseStorage:
    """A pickled database storage, opened again by its URL."""
    st = cls.__new__(cls)
    BaseStorage.__init__(st, state["url"])
    st.__dict__.update(state)
    return st


def _memory_from(cls, dump) -> BaseStorage:
    """A pickled in-memory storage: a new one holding copies of its studies."""
    from .study import _memory_load

    st = cls.__new__(cls)
    BaseStorage.__init__(st, "memory:")
    _memory_load(st, dump)
    return st


def get_storage(storage) -> BaseStorage:
    if storage is None:
        return InMemoryStorage()
    if isinstance(storage, BaseStorage):
        return storage
    if isinstance(storage, str):
        if storage in ("memory:", ":memory:"):
            return InMemoryStorage()
        return RDBStorage(storage)
    raise TypeError("storage must be None, a URL string or a knob storage, not %r" % type(storage).__name__)


__all__ = [
    "BaseStorage",
    "InMemoryStorage",
    "RDBStorage",
    "RetryFailedTrialCallback",
    "RetryHeartbeatStaleTrialCallback",
    "get_storage",
]
