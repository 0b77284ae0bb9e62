#!/usr/bin/env bash
# Sets knob up on a fresh Debian machine and runs the demo study: installs the Debian
# packages, builds into ./build, installs the Python package (scripts/install_python.sh),
# then tunes the digits classifier in examples/digits.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
# The Python package (python/): pip install, offline, for Debian's python3 and the one on PATH.
PIP_ROOT_USER_ACTION=ignore bash scripts/install_python.sh

echo
echo "== demo: tuning a neural network on the digits data (examples/digits) =="
rm -f build/demo.db build/demo.db-wal build/demo.db-shm
./build/knob run examples/digits/sweep.yaml --storage sqlite:///build/demo.db --study digits \
    --trials "${KNOB_DEMO_TRIALS:-30}" --seed 1
echo
./build/knob best digits --storage sqlite:///build/demo.db
