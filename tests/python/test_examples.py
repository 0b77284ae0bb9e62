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


def run(script: pathlib.Path, cwd, env=None):
    p = subprocess.run([sys.executable, str(script)], cwd=cwd, capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    return p.stdout


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_on_knob(name, tmp_path):
    out = run(HERE / "examples" / name, tmp_path)
    assert out
