"""Plugins (docs/plugins.md) from Python: KNOB_PLUGINS is read when the package is imported,
as the knob command reads it, and knob.load_plugin loads one later; each registers in the
package's own libknob, so KnobSampler("name") finds its sampler. The package read neither:
the plugin's sampler was "unknown", and a plugin loaded with ctypes before the package
registered in a second libknob of its own and said nothing."""

import os
import subprocess
import sys

import pytest

import knob

SRC = os.path.dirname(os.path.abspath(os.environ["PYTHONPATH"].split(os.pathsep)[0]))
LIB = os.path.dirname(os.path.abspath(os.environ["KNOB_LIBRARY"]))


@pytest.fixture(scope="module")
def plugin(tmp_path_factory):
    out = tmp_path_factory.mktemp("plugin")
    make = subprocess.run(
        ["make", "-s", "-f", os.path.join(SRC, "examples", "plugin", "Makefile"), "KNOB_INCLUDE=" + os.path.join(SRC, "include"),
         "KNOB_LIB=" + LIB, "OUT=" + str(out), str(out / "liblocalsearch.so")],
        capture_output=True, text=True)
    assert make.returncode == 0, make.stderr
    return str(out / "liblocalsearch.so")


RUN = """
import knob
knob.logging.set_verbosity(knob.logging.WARNING)
study = knob.create_study(sampler=knob.samplers.KnobSampler("localsearch", seed=1))
study.optimize(lambda t: (t.suggest_float("x", -2, 2) - 1) ** 2, n_trials=40)
print(round(study.best_value, 6) < 0.05)
"""


def run(code, **env):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ, **env))


def test_knob_plugins_at_import(plugin):
    r = run(RUN, KNOB_PLUGINS=plugin)
    assert r.returncode == 0 and r.stdout.strip() == "True", r.stderr
    # without it the sampler is unknown
    r = run(RUN, KNOB_PLUGINS="")
    assert r.returncode != 0 and "unknown sampler 'localsearch'" in r.stderr


def test_load_plugin(plugin):
    r = run("import knob\nknob.load_plugin(%r)\nknob.load_plugin(%r)\n" % (plugin, plugin) + RUN.split("\n", 2)[2], KNOB_PLUGINS="")
    assert r.returncode == 0 and r.stdout.strip() == "True", r.stderr  # twice: loaded once


def test_bad_plugins():
    with pytest.raises(FileNotFoundError, match="no such file"):
        knob.load_plugin("/nonexistent/libnope.so")
    with pytest.raises(knob.exceptions.KnobError, match="invalid ELF header|too short|not a dynamic"):
        knob.load_plugin(os.path.abspath(__file__))
    r = run("import knob", KNOB_PLUGINS="/nonexistent/libnope.so")
    assert r.returncode != 0 and "KNOB_PLUGINS: knob: plugin '/nonexistent/libnope.so': no such file" in r.stderr
