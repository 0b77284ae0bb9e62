"""Optuna's FutureWarning for what it deprecated, word for word (optuna/_deprecated.py's
template): a script's warnings.filterwarnings(..., message=...) written for Optuna matches
knob's warning too."""

from __future__ import annotations

import functools
import os
import sys
import warnings
from typing import Any, Callable, Optional, Sequence

_TEMPLATE = (
    "{name} has been deprecated in v{d_ver}. "
    "This feature will be removed in v{r_ver}. "
    "See https://github.com/optuna/optuna/releases/tag/v{d_ver}."
)

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def message(name: str, d_ver: str, r_ver: str, text: Optional[str] = None) -> str:
    """The warning's text: `name` as Optuna names the feature (a function's or a class's
    own name), then `text` when Optuna adds one."""
    out = _TEMPLATE.format(name=name, d_ver=d_ver, r_ver=r_ver)
    return out if text is None else out + " " + text


def _outside() -> int:
    """warnings.warn's stacklevel, called from the function that calls this, for the first
    caller outside the knob package (Optuna's warnings skip its own frames so, on Python
    3.12): the user's line, however deep in knob the argument was checked."""
    level, f = 2, sys._getframe(2)
    while f is not None and os.path.abspath(f.f_code.co_filename).startswith(_PACKAGE):
        f, level = f.f_back, level + 1
    return level


def warn(name: str, d_ver: str, r_ver: str, text: Optional[str] = None, stacklevel: Optional[int] = 3) -> None:
    """Warns as Optuna's deprecated_func and deprecated_class do (FutureWarning). The
    default stacklevel names the caller of the function that calls this; None names the
    first caller outside the knob package."""
    if stacklevel is None:
        stacklevel = _outside()
    warnings.warn(message(name, d_ver, r_ver, text), FutureWarning, stacklevel=stacklevel)


def argument(name: str, d_ver: str, r_ver: str, text: Optional[str] = None) -> None:
    """Optuna's FutureWarning for a deprecated argument given (named `name`, in backquotes,
    as Optuna names them), at the first caller outside the knob package."""
    warnings.warn(message("`%s`" % name, d_ver, r_ver, text), FutureWarning, stacklevel=_outside())


def positional(names: Sequence[str], d_ver: str, r_ver: str) -> Callable:
    """Optuna's convert_positional_args for an __init__ whose arguments Optuna 5 takes by
    keyword only: the ones given by position (`names`, "self" first, in Optuna's order)
    warn Optuna's FutureWarning, word for word, and are passed by keyword."""
    names = list(names)

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            inferred = {n: v for v, n in zip(args, names)}
            if len(inferred) > 1:  # more than self, as Optuna counts them
                expected = set(inferred) - {"self"}
                warnings.warn(
                    "%s() got %s as positional arguments but they were expected to be given as "
                    "keyword arguments.\nPositional arguments %s in %s() have been deprecated "
                    "since v%s. They will be replaced with the corresponding keyword arguments "
                    "in v%s, so please use the keyword specification instead. See "
                    "https://github.com/optuna/optuna/releases/tag/v%s for details."
                    % (func.__name__, expected, names, func.__name__, d_ver, r_ver, d_ver),
                    FutureWarning,
                    stacklevel=_outside(),
                )
            if len(args) > len(names):
                raise TypeError("%s() takes %d positional arguments but %d were given." % (func.__name__, len(names), len(args)))
            twice = set(kwargs).intersection(inferred)
            if twice:
                raise TypeError("%s() got multiple values for arguments %s." % (func.__name__, twice))
            kwargs.update(inferred)
            return func(**kwargs)

        return wrapper

    return decorate
