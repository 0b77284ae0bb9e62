"""Optuna's FutureWarning for what it deprecated, word for word (optuna/_deprecated.py's
template): a script's warnings.filterwarnings(..., message=...) written for Optuna matches
knob's warning too."""

from __future__ import annotations

import warnings
from typing import Optional

_TEMPLATE = (
    "{name} has been deprecated in v{d_ver}. "
    "This feature will be removed in v{r_ver}. "
    "See https://github.com/optuna/optuna/releases/tag/v{d_ver}."
)


def message(name: str, d_ver: str, r_ver: str, text: Optional[str] = None) -> str:
    """The warning's text: `name` as Optuna names the feature (a function's or a class's
    own name), then `text` when Optuna adds one."""
    out = _TEMPLATE.format(name=name, d_ver=d_ver, r_ver=r_ver)
    return out if text is None else out + " " + text


def warn(name: str, d_ver: str, r_ver: str, text: Optional[str] = None, stacklevel: int = 3) -> None:
    """Warns as Optuna's deprecated_func and deprecated_class do (FutureWarning). The
    default stacklevel names the caller of the function that calls this."""
    warnings.warn(message(name, d_ver, r_ver, text), FutureWarning, stacklevel=stacklevel)
