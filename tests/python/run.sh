#!/usr/bin/env bash
# Runs one test file of the Python package with pytest on Debian's python3 (ctest runs
# each file as python.<name>; tests/CMakeLists.txt sets KNOB_LIBRARY, PYTHONPATH and KNOB).
# pytest's exit status 77 (a test skipped, none failed; see conftest.py) is ctest's skip.
set -euo pipefail
py=/usr/bin/python3
if ! "$py" -c 'import pytest' 2>/dev/null; then
    echo "python3-pytest is not installed (bash scripts/deps.sh installs it)" >&2
    exit 77
fi
mkdir -p "${KNOB_TEST_TMP:-/tmp}"
export PYTHONDONTWRITEBYTECODE=1
cd "$(dirname "$1")"
exec "$py" -m pytest -p no:cacheprovider -q -rs --basetemp="${KNOB_TEST_TMP:-/tmp}/pytest-$(basename "$1" .py)" "$1"
