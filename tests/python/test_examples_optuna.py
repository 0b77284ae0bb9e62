"""The examples of test_examples.py are Optuna code: each runs on Debian's Optuna 3.1
(python3-optuna) with `import knob as optuna` put back to `import optuna` (KNOB_OPTUNA_PATH
may name another Optuna's directory)."""

import os

from test_examples import EXAMPLES, HERE, pytest, run_all


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    src = tmp_path_factory.mktemp("scripts")
    scripts = {}
    for name in EXAMPLES:
        text = (HERE / "examples" / name).read_text()
        assert "import knob as optuna" in text
        text = text.replace("import knob as optuna", "import optuna").replace("from knob.", "from optuna.")
        scripts[name] = src / name
        scripts[name].write_text(text)
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["PYTHONPATH"] = os.environ.get("KNOB_OPTUNA_PATH", "")
    return run_all("optuna", scripts, tmp_path_factory.mktemp("examples"), env)


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_is_optuna_code(name, runs):
    """The same script with `import optuna` runs on Optuna 3.1 (python3-optuna)."""
    status, out, err = runs[name]
    assert status == 0, out + err
