#!/usr/bin/env bash
# ZDT1/2/3 (30-D): knob's nsga2, random (and tpe at 200 trials) beside Optuna's
# NSGAIISampler and RandomSampler, in the same run. usage:
#   bench/multiobjective/run.sh BUILD_DIR [--optuna-path DIR] [--seeds N]
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR [--optuna-path DIR] [--seeds N]}
shift
optuna=/usr/lib/python3/dist-packages seeds=3
while [ $# -gt 0 ]; do
    case $1 in
    --optuna-path) optuna=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
here=$(dirname "$0")
zdt=$build/bench/multiobjective/bench_zdt
for n in 200 1000; do for p in zdt1 zdt2 zdt3; do for seed in $(seq 1 "$seeds"); do
    for s in nsga2 random; do
        nice -n 10 "$zdt" $p $s $n $seed
        PYTHONPATH=$optuna nice -n 10 /usr/bin/python3 "$here/optuna_zdt.py" $p $s $n $seed
    done
    [ $n = 200 ] && nice -n 10 "$zdt" $p tpe $n $seed
done; done; done
