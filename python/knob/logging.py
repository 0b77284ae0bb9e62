"""Logging, as Optuna's optuna.logging: knob's messages go to the logger "knob", shown
at INFO by default on stderr (a trial finished, with its value and the best so far)."""

from __future__ import annotations

import logging as _logging
import threading
from logging import CRITICAL, DEBUG, ERROR, FATAL, INFO, WARN, WARNING  # noqa: F401

_lock = threading.Lock()
_handler: _logging.Handler | None = None


def _root() -> _logging.Logger:
    return _logging.getLogger("knob")


def _configure() -> None:
    global _handler
    with _lock:
        if _handler is not None:
            return
        _handler = _logging.StreamHandler()
        _handler.setFormatter(_logging.Formatter("[%(levelname)1.1s %(asctime)s] %(message)s"))
        root = _root()
        root.addHandler(_handler)
        root.setLevel(INFO)
        root.propagate = False


def get_logger(name: str) -> _logging.Logger:
    """The logger `name`; Optuna's names are knob's ("optuna" is "knob", "optuna.study"
    is "knob.study"), so Optuna's get_logger("optuna").addHandler(...) sees knob's messages."""
    _configure()
    if name == "optuna" or name.startswith("optuna."):
        name = "knob" + name[len("optuna") :]
    return _logging.getLogger(name)


def get_verbosity() -> int:
    _configure()
    return _root().getEffectiveLevel()


def set_verbosity(verbosity: int) -> None:
    _configure()
    _root().setLevel(verbosity)


def disable_default_handler() -> None:
    _configure()
    assert _handler is not None
    _root().removeHandler(_handler)


def enable_default_handler() -> None:
    _configure()
    assert _handler is not None
    _root().addHandler(_handler)


def disable_propagation() -> None:
    _configure()
    _root().propagate = False


def enable_propagation() -> None:
    _configure()
    _root().propagate = True


__all__ = [
    "CRITICAL", "DEBUG", "ERROR", "FATAL", "INFO", "WARN", "WARNING",
    "get_logger", "get_verbosity", "set_verbosity",
    "disable_default_handler", "enable_default_handler",
    "disable_propagation", "enable_propagation",
]
