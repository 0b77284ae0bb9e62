#!/usr/bin/env bash
# The conditional benchmark: smac, tpe (group), evolution and random through the knob CLI,
# and Optuna's TPE (group=True) on the same space, on model selection (modelsel.py, two
# datasets sklearn ships) and architecture search (nas.py, examples/nas's MLP on the digits,
# NAS_EPOCHS epochs a network, 5 by default); one JSON line per run into results.jsonl, then
# the table (table.py).
#
#     bash bench/conditional/run.sh [TRIALS] [SEEDS] [--optuna-path DIR]
#
# (default 200 trials, 10 seeds; Optuna: Debian's unless --optuna-path; PROBLEMS chooses
# among "digits breast_cancer nas"). From the repository root, after building into build/
# with the examples (KNOB and NAS_TRAIN name other binaries).
set -euo pipefail
trials=${1:-200}
seeds=${2:-10}
optuna=""
[ "${3:-}" = "--optuna-path" ] && optuna=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$here/results.jsonl}
for problem in ${PROBLEMS:-digits breast_cancer nas}; do
    if [ "$problem" = nas ]; then
        run=("$here/nas.py" --train "${NAS_TRAIN:-build/examples/nas/nas_train}" --epochs "${NAS_EPOCHS:-5}")
    else
        run=("$here/modelsel.py" --dataset "$problem")
    fi
    (
        for seed in $(seq 1 "$seeds"); do
            for s in smac tpe evolution random optuna; do
                nice -n 10 /usr/bin/python3 "${run[@]}" --sampler "$s" --trials "$trials" --seed "$seed" \
                    --knob "${KNOB:-build/knob}" --optuna-path "$optuna" >> "$out"
            done
        done
    ) &
done
wait
/usr/bin/python3 "$here/table.py" "$out"
