"""The ctypes binding of libknob: the library found, its structs and prototypes declared,
and C failures turned into Python exceptions carrying the C message."""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import numbers
import os
import re
from ctypes import (
    POINTER,
    Structure,
    c_bool,
    c_char_p,
    c_double,
    c_int,
    c_int64,
    c_size_t,
    c_uint,
    c_uint64,
    c_void_p,
)

from . import exceptions as _exc

# Status codes (knob.h, KNOB_STATUS_LIST): never renumbered.
OK, EINVAL, ENOMEM, ENOTFOUND, EEXIST, ESTATE, ESTORAGE, ECORRUPT, EBUSY, EDONE = range(10)
EUNSUPPORTED, EPARSE, EIO = 10, 11, 12

LOG = 1
DIST_FLOAT, DIST_INT, DIST_CATEGORICAL = 0, 1, 2
CHOICE_STRING, CHOICE_NUMBER, CHOICE_BOOL, CHOICE_NULL = 0, 1, 2, 3


class Choice(Structure):
    _fields_ = [("type", c_int), ("str", c_char_p), ("num", c_double)]


class Distribution(Structure):
    _fields_ = [
        ("kind", c_int),
        ("low", c_double),
        ("high", c_double),
        ("step", c_double),
        ("flags", c_uint),
        ("n_choices", c_size_t),
        ("choices", POINTER(Choice)),
    ]


class Param(Structure):
    _fields_ = [("name", c_char_p), ("dist", POINTER(Distribution)), ("internal", c_double)]


class StepValue(Structure):
    _fields_ = [("step", c_int64), ("value", c_double)]


class Attr(Structure):
    _fields_ = [("key", c_char_p), ("json", c_char_p)]


class TrialInfo(Structure):
    _fields_ = [
        ("id", c_int64),
        ("number", c_int64),
        ("state", c_int),
        ("n_params", c_size_t),
        ("params", POINTER(Param)),
        ("n_values", c_size_t),
        ("values", POINTER(c_double)),
        ("n_intermediate", c_size_t),
        ("intermediate", POINTER(StepValue)),
        ("n_user_attrs", c_size_t),
        ("user_attrs", POINTER(Attr)),
        ("n_system_attrs", c_size_t),
        ("system_attrs", POINTER(Attr)),
        ("start_time", c_double),
        ("end_time", c_double),
        ("n_constraints", c_size_t),
        ("constraints", POINTER(c_double)),
    ]


class StudySummary(Structure):
    _fields_ = [
        ("name", c_char_p),
        ("n_objectives", c_size_t),
        ("directions", POINTER(c_int)),
        ("n_trials", c_int64),
        ("n_complete", c_int64),
        ("best_value", c_double),
        ("created", c_double),
    ]


class StudyOptions(Structure):
    _fields_ = [
        ("directions", POINTER(c_int)),
        ("n_objectives", c_size_t),
        ("sampler", c_void_p),
        ("pruner", c_void_p),
        ("heartbeat_interval", c_double),
        ("grace_period", c_double),
        ("max_retry", c_int),
        ("max_trials", c_int64),
        ("no_objective", c_bool),
        ("infinite_values", c_bool),
    ]


class Importance(Structure):
    _fields_ = [("name", c_char_p), ("share", c_double)]


ATTR_CB = ctypes.CFUNCTYPE(c_int, c_void_p, c_char_p, c_char_p)


@ATTR_CB
def ATTRS_INTO(ctx, key, text):
    """An attribute walk's callback that puts each attribute into the dict whose id() is
    ctx (alive for the call), its value read as JSON."""
    d = ctypes.cast(ctx, ctypes.py_object).value
    try:
        d[key.decode("utf-8")] = json.loads(text)
    except ValueError:
        d[key.decode("utf-8")] = text.decode("utf-8", "replace")
    return 0

_P = c_void_p
_INFO_P = POINTER(TrialInfo)
_PROTOTYPES = {
    "knob_status_str": (c_char_p, [c_int]),
    "knob_errmsg": (c_char_p, []),
    "knob_storage_open": (c_int, [c_char_p, POINTER(_P)]),
    "knob_storage_close": (None, [_P]),
    "knob_storage_studies": (c_int, [_P, POINTER(POINTER(StudySummary)), POINTER(c_size_t)]),
    "knob_storage_delete_study": (c_int, [_P, c_char_p]),
    "knob_sampler_create_pairs": (
        c_int,
        [c_char_p, POINTER(c_char_p), POINTER(c_char_p), c_size_t, POINTER(_P)],
    ),
    "knob_sampler_free": (None, [_P]),
    "knob_sampler_name": (c_char_p, [_P]),
    "knob_pruner_create_pairs": (
        c_int,
        [c_char_p, POINTER(c_char_p), POINTER(c_char_p), c_size_t, POINTER(_P)],
    ),
    "knob_pruner_free": (None, [_P]),
    "knob_study_create": (c_int, [_P, c_char_p, POINTER(StudyOptions), POINTER(_P)]),
    "knob_study_create_new": (c_int, [_P, c_char_p, POINTER(StudyOptions), POINTER(_P)]),
    "knob_study_load": (c_int, [_P, c_char_p, POINTER(StudyOptions), POINTER(_P)]),
    "knob_study_free": (None, [_P]),
    "knob_study_name": (c_char_p, [_P]),
    "knob_study_n_objectives": (c_size_t, [_P]),
    "knob_study_direction": (c_int, [_P, c_size_t]),
    "knob_study_sampler": (_P, [_P]),
    "knob_study_pruner": (_P, [_P]),
    "knob_study_ask": (c_int, [_P, POINTER(_P)]),
    "knob_study_open_trial": (c_int, [_P, c_int64, POINTER(_P)]),
    "knob_study_adopt_trial": (c_int, [_P, _P]),
    "knob_study_tell": (c_int, [_P, _P, c_int, POINTER(c_double), c_size_t]),
    "knob_study_tell_fail": (c_int, [_P, _P, c_char_p, c_char_p]),
    "knob_study_tell_number": (
        c_int,
        [_P, c_int64, c_int, POINTER(c_double), c_size_t, c_char_p],
    ),
    "knob_trial_detach": (None, [_P]),
    "knob_trial_flush": (c_int, [_P]),
    "knob_study_enqueue": (c_int, [_P, c_char_p]),
    "knob_study_set_fixed_params": (c_int, [_P, c_char_p]),
    "knob_study_sync": (c_int, [_P]),
    "knob_study_trials": (c_int, [_P, POINTER(POINTER(_INFO_P)), POINTER(c_size_t)]),
    "knob_study_best_trial": (c_int, [_P, POINTER(_INFO_P)]),
    "knob_study_best_trials": (c_int, [_P, POINTER(POINTER(_INFO_P)), POINTER(c_size_t)]),
    "knob_study_set_user_attr": (c_int, [_P, c_char_p, c_char_p]),
    "knob_study_set_system_attr": (c_int, [_P, c_char_p, c_char_p]),
    "knob_study_attrs": (c_int, [_P, c_bool, ATTR_CB, c_void_p]),
    "knob_study_add_trial": (c_int, [_P, _INFO_P, POINTER(c_int64)]),
    "knob_trial_suggest_float": (
        c_int,
        [_P, c_char_p, c_double, c_double, c_double, c_uint, POINTER(c_double)],
    ),
    "knob_trial_suggest_int": (
        c_int,
        [_P, c_char_p, c_int64, c_int64, c_int64, c_uint, POINTER(c_int64)],
    ),
    "knob_trial_suggest_choice": (
        c_int,
        [_P, c_char_p, POINTER(Choice), c_size_t, POINTER(c_size_t)],
    ),
    "knob_trial_suggest": (c_int, [_P, c_char_p, POINTER(Distribution), POINTER(c_double)]),
    "knob_trial_number": (c_int64, [_P]),
    "knob_trial_id": (c_int64, [_P]),
    "knob_trial_report": (c_int, [_P, c_int64, c_double]),
    "knob_trial_heartbeat": (c_int, [_P]),
    "knob_trial_heartbeat_stop": (c_int, [_P]),
    "knob_trial_should_prune": (c_int, [_P, POINTER(c_bool)]),
    "knob_pruner_prune": (c_int, [_P, _P, _P, POINTER(c_bool)]),
    "knob_trial_set_user_attr": (c_int, [_P, c_char_p, c_char_p]),
    "knob_trial_set_system_attr": (c_int, [_P, c_char_p, c_char_p]),
    "knob_trial_attrs": (c_int, [_P, c_bool, ATTR_CB, c_void_p]),
    "knob_trial_set_constraints": (c_int, [_P, POINTER(c_double), c_size_t]),
    "knob_study_set_trial_constraints": (c_int, [_P, c_int64, POINTER(c_double), c_size_t]),
    "knob_study_importance": (
        c_int,
        [_P, c_char_p, c_size_t, POINTER(c_char_p), c_size_t, POINTER(POINTER(Importance)), POINTER(c_size_t)],
    ),
    "knob_study_importance_v2": (
        c_int,
        [_P, c_char_p, c_size_t, POINTER(c_char_p), c_size_t, ctypes.c_uint, POINTER(POINTER(Importance)), POINTER(c_size_t)],
    ),
    "knob_importance_free": (None, [POINTER(Importance)]),
    "knob_study_regret_bound": (c_int, [_P, c_size_t, c_uint64, POINTER(c_double)]),
    "knob_study_hypervolume_history": (c_int, [_P, POINTER(c_double), POINTER(POINTER(c_double)), POINTER(c_size_t)]),
    "knob_study_hypervolume_history_by_number": (c_int, [_P, POINTER(c_double), POINTER(POINTER(c_double)), POINTER(c_size_t)]),
}


def _candidates():
    env = os.environ.get("KNOB_LIBRARY")
    if env:
        yield env
        return
    here = os.path.dirname(os.path.abspath(__file__))
    # An installed package carries the library beside its modules.
    yield os.path.join(here, "libknob.so")
    # Imported from the source tree (PYTHONPATH=python): the build tree's library.
    yield os.path.join(os.path.dirname(os.path.dirname(here)), "build", "src", "libknob.so")
    # A libknob installed with cmake --install (found by the dynamic linker).
    found = ctypes.util.find_library("knob")
    if found:
        yield found


def _load():
    tried = []
    for path in _candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append(path + " (missing)")
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
            continue
        for name, (restype, argtypes) in _PROTOTYPES.items():
            fn = getattr(lib, name, None)
            if fn is None:
                continue  # an older library: the call raises when used
            fn.restype = restype
            fn.argtypes = argtypes
        return lib, path
    raise ImportError(
        "knob: libknob.so not found; tried: "
        + "; ".join(tried or ["nothing"])
        + ". Install the package with `pip install ./python` after building libknob, "
        "or set KNOB_LIBRARY to the library's path"
    )


lib, path = _load()

_plugins: set = set()  # the real paths of the plugins loaded: each is initialised once


def load_plugin(file: str) -> None:
    """Loads a plugin (a shared object whose knob_plugin_init() registers samplers and
    pruners, docs/plugins.md) into this libknob: its samplers are then KnobSampler("name").
    libknob is loaded first, so the plugin's own libknob.so.0 is this one (loaded before
    the package, a plugin registered in a libknob of its own, and said nothing)."""
    real = os.path.realpath(file)
    if real in _plugins:
        return
    if not os.path.isfile(real):
        raise FileNotFoundError("knob: plugin %r: no such file" % (file,))
    try:
        # RTLD_LOCAL, as the knob command loads them: a plugin's names stay its own
        so = ctypes.CDLL(real, mode=os.RTLD_NOW | os.RTLD_LOCAL)
    except OSError as e:
        raise _exc.KnobValueError("knob: plugin %r: %s" % (file, e)) from None
    init = getattr(so, "knob_plugin_init", None)
    if init is None:
        raise _exc.KnobValueError("knob: plugin %r: no function knob_plugin_init() in it (docs/plugins.md)" % (file,))
    init.restype = c_int
    init.argtypes = []
    rc = init()
    if rc:  # a name taken (EEXIST) is no study's: KnobValueError, whatever the status
        raise _exc.KnobValueError("knob: plugin %r: knob_plugin_init() failed: %s" % (file, errmsg()))
    _plugins.add(real)


def _env_plugins() -> None:
    """KNOB_PLUGINS=a.so:b.so, as the knob command reads it: loaded at import."""
    for file in os.environ.get("KNOB_PLUGINS", "").split(":"):
        if file:
            try:
                load_plugin(file)
            except (OSError, _exc.KnobError) as e:
                raise ImportError("KNOB_PLUGINS: %s" % (e,)) from e


def errmsg() -> str:
    return lib.knob_errmsg().decode("utf-8", "replace")


def error(rc: int, context: str | None = None) -> Exception:
    """The exception for status `rc`, with this thread's C message."""
    msg = errmsg() or lib.knob_status_str(rc).decode()
    if context:
        msg = "%s: %s" % (context, msg)
    cls = {
        EINVAL: _exc.KnobValueError,
        EPARSE: _exc.KnobValueError,
        ENOTFOUND: _exc.KnobNotFoundError,
        EEXIST: _exc.DuplicatedStudyError,
        ESTATE: _exc.UpdateFinishedTrialError,
        ESTORAGE: _exc.StorageInternalError,
        EBUSY: _exc.StorageInternalError,
        EIO: _exc.StorageInternalError,
        ECORRUPT: _exc.StorageInternalError,
        EUNSUPPORTED: _exc.KnobNotSupportedError,
        ENOMEM: _exc.KnobMemoryError,
        EDONE: _exc.KnobDoneError,
    }.get(rc, _exc.KnobError)
    e = cls(msg)
    e.status = rc
    return e


def check(rc: int, context: str | None = None) -> None:
    if rc:
        raise error(rc, context)


def check_options(owner: str, noun: str, make, free, names=None) -> None:
    """Makes a sampler or pruner (`noun`) once with the options its object was given, and
    frees it, so that what libknob refuses is raised when the object is made, as Optuna's
    constructors raise: an unknown option as TypeError (a misspelt keyword), any other
    refusal (a value out of libknob's range, options that do not go together) as ValueError,
    naming `owner` (the class), the argument (`names` maps knob's option names to the
    class's arguments where they differ) and libknob's message. A name libknob does not know
    (a plugin not loaded yet, a sampler not built in) is left to create_study."""
    try:
        free(make())
    except _exc.KnobValueError as e:
        msg = errmsg() or str(e)
        if msg.startswith("unknown %s '" % noun):
            return
        if "unknown option" in msg:
            raise TypeError("%s.__init__() got an unexpected keyword argument: %s" % (owner, msg)) from None
        # libknob's message names its option: the argument too where its name differs
        m = re.search(r"option '(\w+)'", msg)
        arg = (names or {}).get(m.group(1)) if m else None
        raise ValueError("%s: %s%s" % (owner, "`%s`: " % arg if arg else "", msg)) from None


def json_default(v):
    """json.dumps's default: a NumPy scalar or array as the Python value it holds (np.int64
    is no int), as Optuna's scripts hand them over; anything else is refused."""
    if type(v).__module__ == "numpy" and hasattr(v, "tolist"):
        return v.tolist()
    raise TypeError("Object of type %s is not JSON serializable" % type(v).__name__)


def enc(s: str) -> bytes:
    if "\0" in s:  # libknob holds C strings: it would keep the text up to the NUL alone
        raise ValueError("%r holds a NUL character ('\\0'), which a name or text libknob holds cannot" % (s[:200],))
    return s.encode("utf-8")


def enc_text(s: str) -> bytes:
    """Text libknob keeps for people to read (a failure's reason), never refused: a NUL is
    written as \\0 and what UTF-8 cannot hold (a lone surrogate, as a file name decoded with
    surrogateescape gives) as its backslash escape. A trial being failed must not fail on the
    text of its own error."""
    return s.replace("\0", "\\0").encode("utf-8", "backslashreplace")


def dec(b: bytes | None) -> str | None:
    return None if b is None else b.decode("utf-8")


def pairs(options: dict, owner: str = ""):
    """Option pairs (keys, values, n) as knob_*_create_pairs takes them. `owner` (the class
    the options were given to) names a value that is not JSON (option_text)."""
    items = [(k, option_text(owner, k, v)) for k, v in options.items() if v is not None]
    n = len(items)
    keys = (c_char_p * max(n, 1))(*[enc(k) for k, _ in items])
    vals = (c_char_p * max(n, 1))(*[enc(v) for _, v in items])
    return keys, vals, n


def option_text(owner: str, name: str, v) -> str:
    """The text of option `name`'s value v, as libknob reads it; a value that is not JSON
    (an object inside a mapping or a list, a mapping key JSON has no form for, an object
    that is no number, string or path) raises TypeError naming `owner` (the class it was
    given to) and the option, as Optuna's arguments' wrong types do: OptunaHub's
    SMACSampler(search_space={"x": FloatDistribution(...)}) failed in json.dumps, naming
    neither."""
    bad = []

    def default(x):
        try:
            return json_default(x)
        except TypeError:
            bad.append(x)
            raise

    try:
        return _option_text(v, default)
    except TypeError as e:
        kind = type(bad[0]).__name__ if bad else ""
        what = "%s %s is not a JSON value" % ("an" if kind[:1] in "aeiouAEIOU" else "a", kind) if bad else str(e)
        raise TypeError("%s: option '%s': %s" % (owner or "options", name, what)) from None


def _option_text(v, default=json_default) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if v != v:
            return "nan"
        if v in (float("inf"), float("-inf")):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, (dict, list, tuple)):
        # the structured options (x0, search_space, reference_point...) read JSON: str()
        # gave Python's repr, {'x': 2.0}, which libknob refused
        return json.dumps(v, default=default)
    if type(v).__module__ == "numpy":
        return _option_text(v.tolist() if hasattr(v, "tolist") else v, default)
    if isinstance(v, os.PathLike):
        return os.fspath(v)
    if not isinstance(v, (str, numbers.Number)):
        return default(v)  # an object's repr is no value of an option
    return str(v)


_env_plugins()  # last: it uses error() above
