"""A PEP 517 build backend of the standard library alone, for the knob package.

The wheel holds python/knob/*.py and the libknob.so built from this tree, copied as
knob/libknob.so, which the package loads first. The library is taken from KNOB_LIBRARY
(a path) when set, else from the build directory of the tree, ../build/src/libknob.so,
as scripts/setup.sh builds it. Nothing is downloaded: pip's isolated build environment
needs no package, so `pip install ./python` works offline. The sdist holds the sources
alone, and needs no library. An archive is written whole or not at all: a build that fails
(no libknob.so) leaves nothing in the output directory.
"""

import base64
import hashlib
import io
import os
import sysconfig
import zipfile

NAME = "knob"
VERSION = "0.1.0"
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _library():
    env = os.environ.get("KNOB_LIBRARY")
    if env:
        cands = [env]
    else:
        cands = [os.path.join(os.path.dirname(HERE), "build", "src", "libknob.so")]
    for c in cands:
        if os.path.exists(c):
            return os.path.realpath(c)
    raise RuntimeError(
        "knob: libknob.so not found (looked at %s). Build it first: cmake -S . -B build && "
        "cmake --build build (scripts/setup.sh does), or set KNOB_LIBRARY to its path." % ", ".join(cands)
    )


def _tag():
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return "py3-none-" + plat


def _metadata():
    readme = open(os.path.join(HERE, "README.md"), encoding="utf-8").read()
    return (
        "Metadata-Version: 2.1\n"
        "Name: %s\nVersion: %s\n"
        "Summary: Optuna's API over libknob, knob's C hyperparameter optimization library\n"
        "Requires-Python: >=3.9\n"
        "Provides-Extra: dataframe\n"
        "Requires-Dist: pandas; extra == \"dataframe\"\n"
        "Description-Content-Type: text/markdown\n\n%s" % (NAME, VERSION, readme)
    )


def _sources():
    """The package's files, as (path in the archive, bytes)."""
    pkg = os.path.join(HERE, NAME)
    out = []
    for root, dirs, files in os.walk(pkg):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for f in sorted(files):
            if f.endswith(".py") or f == "py.typed":
                full = os.path.join(root, f)
                with open(full, "rb") as fh:
                    out.append((os.path.relpath(full, HERE).replace(os.sep, "/"), fh.read()))
    return out


def _files():
    """The wheel's files: the sources and the library (RuntimeError when there is none)."""
    with open(_library(), "rb") as fh:
        return _sources() + [(NAME + "/libknob.so", fh.read())]


def _write_whole(path, write):
    """Calls write(tmp) to make the archive at tmp, then renames it to path; a failure
    removes tmp, so that no partial archive is left for an installer to take."""
    tmp = path + ".part"
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (path, digest, len(data))


def _write_wheel(wheel_directory, files):
    dist_info = "%s-%s.dist-info" % (NAME, VERSION)
    name = "%s-%s-%s.whl" % (NAME, VERSION, _tag())
    meta = [
        (dist_info + "/METADATA", _metadata().encode()),
        (dist_info + "/WHEEL", ("Wheel-Version: 1.0\nGenerator: knob_build\nRoot-Is-Purelib: false\nTag: %s\n" % _tag()).encode()),
        (dist_info + "/top_level.txt", (NAME + "\n").encode()),
    ]

    def write(tmp):
        records = []
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
            for path, data in list(files) + meta:
                info = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))
                info.external_attr = (0o755 if path.endswith(".so") else 0o644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, data)
                records.append(_record_line(path, data))
            records.append(dist_info + "/RECORD,,")
            z.writestr(dist_info + "/RECORD", "\n".join(records) + "\n")

    _write_whole(os.path.join(wheel_directory, name), write)
    return name


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, _files())


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    # The package imported from this tree (a .pth line); it finds ../build/src/libknob.so.
    return _write_wheel(wheel_directory, [("knob_editable.pth", (HERE + "\n").encode())])


def build_sdist(sdist_directory, config_settings=None):
    import tarfile

    base = "%s-%s" % (NAME, VERSION)
    name = base + ".tar.gz"
    files = _sources()  # not the library: a wheel built from the sdist takes its own

    def write(tmp):
        with tarfile.open(tmp, "w:gz") as tar:
            for rel in ["pyproject.toml", "README.md", "_build/knob_build.py"]:
                tar.add(os.path.join(HERE, rel), arcname=base + "/" + rel)
            for path, data in files:
                info = tarfile.TarInfo(base + "/" + path)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            pkg_info = _metadata().encode()
            info = tarfile.TarInfo(base + "/PKG-INFO")
            info.size = len(pkg_info)
            tar.addfile(info, io.BytesIO(pkg_info))

    _write_whole(os.path.join(sdist_directory, name), write)
    return name
