"""`pip install ./python` offline into a fresh virtual environment: the wheel carries
libknob.so, and the installed package finds it with no environment variable. The venv is made
without pip of its own (ensurepip's copy of pip costs 4 s of CPU) and the system's pip
installs into it (--python, pip >= 22.3): the same pip, run by the venv's interpreter."""

import os
import pathlib
import subprocess
import sys

SRC = pathlib.Path(__file__).resolve().parents[2] / "python"


def test_pip_install_offline(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(py)]
    env = dict(os.environ)
    env.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")  # offline: no index at all
    p = subprocess.run(pip + ["install", str(SRC)], env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    # Run with no knob variable and from elsewhere, so nothing but the install is found.
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KNOB", "PYTHON"))}
    code = (
        "import knob, sys\n"
        "knob.logging.set_verbosity(knob.logging.WARNING)\n"
        "s = knob.create_study(storage='sqlite:///t.db', study_name='i')\n"
        "s.optimize(lambda t: t.suggest_float('x', 0, 1), n_trials=5)\n"
        "print(knob._library_path)\n"
        "print(len(knob.load_study(study_name='i', storage='sqlite:///t.db').trials))\n"
    )
    p = subprocess.run([str(py), "-c", code], env=clean, cwd=tmp_path, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    lib, n = p.stdout.split()
    assert lib.startswith(str(venv)) and lib.endswith("knob/libknob.so")
    assert n == "5"
    p = subprocess.run(pip + ["show", "-f", "knob"], capture_output=True, text=True, check=True)
    assert "knob/libknob.so" in p.stdout
