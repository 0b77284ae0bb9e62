"""The examples of test_examples.py are Optuna code: each runs on Debian's Optuna 3.1
(python3-optuna) with `import knob as optuna` put back to `import optuna` (KNOB_OPTUNA_PATH
may name another Optuna's directory)."""

import os

from test_examples import EXAMPLES, HERE, pytest, run


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_is_optuna_code(name, tmp_path):
    """The same script with `import optuna` runs on Optuna 3.1 (python3-optuna)."""
    text = (HERE / "examples" / name).read_text()
    assert "import knob as optuna" in text
    text = text.replace("import knob as optuna", "import optuna").replace("from knob.", "from optuna.")
    script = tmp_path / name
    script.write_text(text)
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["PYTHONPATH"] = os.environ.get("KNOB_OPTUNA_PATH", "")
    run(script, tmp_path, env)
