#!/usr/bin/env bash
# The conditional benchmark (model selection): smac, tpe (group), evolution and random through
# the knob CLI, and Optuna's TPE (group=True) on the same space, on two datasets sklearn
# ships; one JSON line per run into results.jsonl, then the table (table.py).
#
#     bash bench/conditional/run.sh [TRIALS] [SEEDS] [--optuna-path DIR]
#
# (default 200 trials, 10 seeds; Optuna: Debian's unless --optuna-path). From the
# repository root, after building into build/.
set -euo pipefail
trials=${1:-200}
seeds=${2:-10}
optuna=""
[ "${3:-}" = "--optuna-path" ] && optuna=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$here/results.jsonl}
for dataset in digits breast_cancer; do
    (
        for seed in $(seq 1 "$seeds"); do
            for s in smac tpe evolution random optuna; do
                nice -n 10 /usr/bin/python3 "$here/modelsel.py" --sampler "$s" --dataset "$dataset" \
                    --trials "$trials" --seed "$seed" --knob "${KNOB:-build/knob}" \
                    --optuna-path "$optuna" >> "$out"
            done
        done
    ) &
done
wait
/usr/bin/python3 "$here/table.py" "$out"
