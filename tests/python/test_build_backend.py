"""python/_build/knob_build.py, the package's build backend, called as pip calls it: a build
that fails leaves no archive behind (a failed build_sdist left a knob-0.1.0.tar.gz without
PKG-INFO, a failed build_wheel an empty .whl), and the sdist, which holds no library, is
built without one (it needed libknob.so)."""

import importlib.util
import os
import pathlib
import tarfile
import zipfile

import pytest

BACKEND = pathlib.Path(__file__).resolve().parents[2] / "python" / "_build" / "knob_build.py"


@pytest.fixture
def backend():
    spec = importlib.util.spec_from_file_location("knob_build_under_test", BACKEND)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_sdist_needs_no_library(backend, tmp_path, monkeypatch):
    monkeypatch.setenv("KNOB_LIBRARY", str(tmp_path / "no" / "libknob.so"))
    out = tmp_path / "dist"
    out.mkdir()
    name = backend.build_sdist(str(out))
    assert os.listdir(out) == [name]
    with tarfile.open(out / name) as tar:
        names = tar.getnames()
    base = name[: -len(".tar.gz")]
    assert base + "/PKG-INFO" in names
    assert base + "/pyproject.toml" in names
    assert base + "/knob/__init__.py" in names
    assert not [n for n in names if n.endswith(".so")]


def test_failed_wheel_leaves_nothing(backend, tmp_path, monkeypatch):
    monkeypatch.setenv("KNOB_LIBRARY", str(tmp_path / "no" / "libknob.so"))
    out = tmp_path / "dist"
    out.mkdir()
    with pytest.raises(RuntimeError, match="libknob.so not found"):
        backend.build_wheel(str(out))
    assert os.listdir(out) == []


def test_failure_while_writing_leaves_nothing(backend, tmp_path, monkeypatch):
    out = tmp_path / "dist"
    out.mkdir()

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(backend, "_record_line", broken)
    monkeypatch.setenv("KNOB_LIBRARY", os.environ["KNOB_LIBRARY"])
    with pytest.raises(OSError, match="disk full"):
        backend.build_wheel(str(out))
    assert os.listdir(out) == []
    monkeypatch.setattr(tarfile.TarFile, "addfile", broken)
    with pytest.raises(OSError, match="disk full"):
        backend.build_sdist(str(out))
    assert os.listdir(out) == []


def test_wheel_holds_the_library(backend, tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    name = backend.build_wheel(str(out))
    assert os.listdir(out) == [name]
    with zipfile.ZipFile(out / name) as z:
        names = z.namelist()
        assert z.testzip() is None
    assert "knob/libknob.so" in names and "knob/__init__.py" in names
    assert "knob-0.1.0.dist-info/RECORD" in names
