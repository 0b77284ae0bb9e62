#!/usr/bin/env bash
# Bayesmark-style benchmark: scikit-learn models x datasets (3-fold CV) and a plateau
# problem, optimized by knob's samplers (gp, tpe, smac, cmaes, random and the Python
# package's default) and Optuna's (GPSampler when it runs, TPESampler, RandomSampler), 64
# sequential trials and 16 rounds of 8, same seeds, same run; prints the Bayesmark score
# table (Markdown). See bench/README.md.
#
#   bench/bayesmark/run.sh [--build-dir DIR] [--optuna-path DIR] [--seeds N]
#                          [--problems P1,P2,...|all|tune|held] [--budget N]
#                          [--rounds N] [--opts knob:gp,optuna:tpe,...] [--out FILE]
#
# --build-dir    where libknob is (or gets) built; default: build/ at the repository root
# --optuna-path  a directory holding the optuna package to compare with (e.g.
#                /work/peers/optuna5); default: Debian's python3-optuna
# --seeds        seeds 0..N-1 per optimizer and problem; default 3
# --problems     comma-separated names (model-dataset-metric, or plateau6), or all, tune
#                (the half tuned on) or held (the held-out half); default: 15 fast ones
# --budget       trials of the sequential mode; default 64
# --rounds       rounds of 8 of the batch mode; default 16 (Bayesmark's)
# --opts         optimizers; default: all of the above
# --out          the JSON-lines results (appended); default: a temporary file
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build"
optuna_path=""
args=()
out=""
. "$root/bench/lib.sh"

while [ $# -gt 0 ]; do
    case "$1" in
    --build-dir) build=$(realpath -m "$2"); shift 2 ;;
    --optuna-path) optuna_path=$(realpath "$2"); shift 2 ;;
    --seeds | --budget | --rounds | --opts) args+=("$1" "$2"); shift 2 ;;
    --problems) args+=("$1" "$2"); shift 2 ;;
    --out) out=$(realpath -m "$2"); shift 2 ;;
    -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[ -n "$out" ] || out=$(mktemp --suffix=.jsonl)

bench_build "$root" "$build" knob
export KNOB_LIBRARY="$build/src/libknob.so" PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH="$root/python${optuna_path:+:$optuna_path}"
echo "## bench/bayesmark"
echo
bench_machine "$build"
echo "- results: $out"
echo
nice -n 10 "$py" "$here/bench.py" --out "$out" "${args[@]}"
"$py" "$here/score.py" "$out"
