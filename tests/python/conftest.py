"""Fixtures of the Python package's tests. They run from the build tree: KNOB_LIBRARY names
the build's libknob.so, PYTHONPATH the package's sources (tests/CMakeLists.txt sets both),
KNOB the knob binary. A run that skipped a test and failed none exits 77, which ctest
reports as skipped (and CI as a failure): a skip never passes for a pass."""

import os
import subprocess
import time
import uuid

import pytest

import knob


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if exitstatus == 0 and reporter is not None and reporter.stats.get("skipped"):
        session.exitstatus = 77


@pytest.fixture(autouse=True)
def _quiet():
    knob.logging.set_verbosity(knob.logging.WARNING)
    yield


@pytest.fixture
def tmp_db(tmp_path):
    return "sqlite:///" + str(tmp_path / "knob.db")


_pg = {}


def pg_url():
    """A PostgreSQL URL whose tables live in a schema of this run's own (dropped at the
    end), on the server named by KNOB_TEST_PG_URL; the test is skipped without one."""
    base = os.environ.get("KNOB_TEST_PG_URL")
    if not base:
        pytest.skip("KNOB_TEST_PG_URL is not set (scripts/pg.sh start gives one)")
    if "url" not in _pg:
        schema = "py_%d_%d" % (os.getpid(), int(time.time()))
        subprocess.run(["psql", base, "-qc", "CREATE SCHEMA " + schema], check=True)
        _pg["schema"] = schema
        _pg["url"] = base + ("&" if "?" in base else "?") + "options=-csearch_path%3D" + schema
    return _pg["url"]


@pytest.fixture(scope="session", autouse=True)
def _drop_pg_schema():
    yield
    if "schema" in _pg:
        subprocess.run(["psql", os.environ["KNOB_TEST_PG_URL"], "-qc", "DROP SCHEMA %s CASCADE" % _pg["schema"]], check=False)


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def storage(request, tmp_path):
    """A storage of each kind: an InMemoryStorage object, a SQLite URL, a PostgreSQL URL."""
    if request.param == "memory":
        return knob.storages.InMemoryStorage()
    if request.param == "sqlite":
        return "sqlite:///" + str(tmp_path / "knob.db")
    return pg_url()


@pytest.fixture
def name():
    return "py-" + uuid.uuid4().hex[:12]


@pytest.fixture
def knob_cli():
    path = os.environ.get("KNOB")
    if not path or not os.path.exists(path):
        pytest.fail("KNOB must name the knob binary")
    return path
