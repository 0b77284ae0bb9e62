#!/usr/bin/env bash
# Tuning during training on examples/digits (or --task quadratic): PBT, PB2, random search, ASHA, the hypergradient
# learning rate and the lr-find suggestion at about equal epochs (README.md, this folder).
# Usage: bench/tuning_in_training/run.sh [--build-dir DIR] [--seeds N] [--population P]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build"
args=()
while [ $# -gt 0 ]; do
    case $1 in
    --build-dir) build=$2; shift 2 ;;
    --help | -h) sed -n 2,4p "$0"; exit 0 ;;
    *) args+=("$1"); shift ;;
    esac
done
cmake --build "$build" --target knob_cli digits_train bench_quadratic > /dev/null
exec /usr/bin/python3 "$here/run.py" --build-dir "$build" "${args[@]}"
