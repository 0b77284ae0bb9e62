"""Optuna's documented examples (first steps, pruning, ask-and-tell, multi-objective,
saving and resuming with an RDB), re-created in examples/: each is Optuna code whose only
change is `import knob as optuna`, and each runs on knob here. (test_examples_optuna.py
runs them on Optuna, to show that they are Optuna's API and not knob's.)"""

import os
import pathlib
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).parent
EXAMPLES = sorted(p.name for p in (HERE / "examples").glob("*.py"))

# Runs each script (argv: module, then script and directory pairs) as its own program, in
# a process forked from one that imported the module (knob, or Optuna with its scipy and
# SQLAlchemy: 1-2 s of CPU a process) once: each script gets a fresh copy of that process,
# its own working directory and its stdout and stderr in out.txt and err.txt there, and
# leaves its exit status in status there, as a process of its own would.
RUNNER = r"""
import importlib, os, runpy, sys, traceback
importlib.import_module(sys.argv[1])
sys.stdout.flush()
sys.stderr.flush()
for script, cwd in zip(sys.argv[2::2], sys.argv[3::2]):
    pid = os.fork()
    if pid == 0:
        os.chdir(cwd)
        for fd, name in ((1, "out.txt"), (2, "err.txt")):
            os.dup2(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
        sys.argv = [script]
        code = 0
        try:
            runpy.run_path(script, run_name="__main__")
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (e.code is not None)
        except BaseException:
            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    with open(os.path.join(cwd, "status"), "w") as f:
        f.write(str(os.waitstatus_to_exitcode(status)))
"""


def run_all(module, scripts, base, env=None):
    """Runs each of scripts ({name: path}) in a directory of its own under base, the module
    imported once before (RUNNER); gives {name: (exit status, stdout, stderr)}."""
    args = []
    for name, path in scripts.items():
        (base / name).mkdir()
        args += [str(path), str(base / name)]
    subprocess.run([sys.executable, "-c", RUNNER, module] + args, env=env, timeout=600, check=True)
    out = {}
    for name in scripts:
        d = base / name
        status = int((d / "status").read_text()) if (d / "status").exists() else None
        out[name] = (status, (d / "out.txt").read_text(), (d / "err.txt").read_text())
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return run_all("knob", {name: HERE / "examples" / name for name in EXAMPLES}, tmp_path_factory.mktemp("examples"))


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_on_knob(name, runs):
    status, out, err = runs[name]
    assert status == 0, out + err
    assert out
