#!/bin/sh
# Importance speed: knob_study_importance (fanova, ped-anova) beside Optuna's evaluators on
# random studies of 1,000 and 10,000 trials, one JSON line per run. See bench/README.md.
#
#   bench/importance/run.sh [--build-dir DIR] [--sizes "1000 10000"] [--optuna-path DIR]
#                           [--no-optuna]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build="$root/build"
sizes="1000 10000"
optuna=1
optuna_path=""
while [ $# -gt 0 ]; do
    case "$1" in
    --build-dir) build=$2; shift ;;
    --sizes) sizes=$2; shift ;;
    --optuna-path) optuna_path=$2; shift ;;
    --no-optuna) optuna=0 ;;
    -h|--help) sed -n 2,6p "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done
cmake --build "$build" --target bench_importance -j2 > /dev/null
for n in $sizes; do
    "$build/bench/importance/bench_importance" "$n"
    if [ "$optuna" = 1 ]; then
        if [ -n "$optuna_path" ]; then
            PYTHONPATH="$optuna_path" /usr/bin/python3 "$root/bench/importance/optuna_importance.py" "$n" --optuna-path "$optuna_path"
        else
            /usr/bin/python3 "$root/bench/importance/optuna_importance.py" "$n"
        fi
    fi
done
