#!/usr/bin/env bash
# The cost per trial of a knob sampler beside the same Optuna sampler, in the same run
# (bench/README.md, "multiobjective"): for each problem, N knob runs and K Optuna runs of
# TRIALS trials, interleaved (seeds 1, 2, ...), each printing its line as run.sh does; then
# one summary line per problem: the median CPU ms per trial of each side, their ratio
# (Optuna's / knob's) and, with --callgrind, knob's instructions per trial (seed 1,
# valgrind's count of bench_mo's main: study, asks, tells, hypervolume, close). usage:
#   bench/multiobjective/speed.sh BUILD_DIR [--optuna-path DIR] [--runs N] [--optuna-runs K]
#       [--problems "P ..."] [--trials TRIALS] [--sampler S] [--callgrind]
# Defaults: 5 knob runs, 3 Optuna runs, all six problems, 1,000 trials, nsga2.
set -euo pipefail
build=${1:?usage: speed.sh BUILD_DIR [--optuna-path DIR] [--runs N] [--optuna-runs K] ...}
shift
optuna=/usr/lib/python3/dist-packages runs=5 oruns=3 trials=1000 sampler=nsga2 cg=0
problems="zdt1 zdt2 zdt3 dtlz2 c2dtlz2 bnh"
while [ $# -gt 0 ]; do
    case $1 in
    --optuna-path) optuna=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --optuna-runs) oruns=$2; shift 2 ;;
    --problems) problems=$2; shift 2 ;;
    --trials) trials=$2; shift 2 ;;
    --sampler) sampler=$2; shift 2 ;;
    --callgrind) cg=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
here=$(dirname "$0")
mo=$build/bench/multiobjective/bench_mo
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { sort -g | awk '{v[NR] = $1} END {print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
cpu() { sed -n 's/.*cpu_ms_per_trial=\([0-9.e+-]*\).*/\1/p'; }
echo "# $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
for p in $problems; do
    : > "$tmp/knob" && : > "$tmp/optuna"
    for r in $(seq 1 $((runs > oruns ? runs : oruns))); do
        if [ "$r" -le "$runs" ]; then
            nice -n 10 "$mo" "$p" "$sampler" "$trials" "$r" | tee -a "$tmp/knob"
        fi
        if [ "$r" -le "$oruns" ]; then
            PYTHONPATH=$optuna nice -n 10 /usr/bin/python3 "$here/optuna_mo.py" "$p" "$sampler" \
                "$trials" "$r" | tee -a "$tmp/optuna"
        fi
    done
    k=$(cpu < "$tmp/knob" | median) o=$(cpu < "$tmp/optuna" | median)
    line="$p $sampler $trials knob_cpu_ms=$k ($runs) optuna_cpu_ms=$o ($oruns) ratio=$(awk -v k="$k" -v o="$o" 'BEGIN {printf "%.1f", o / k}')"
    if [ "$cg" = 1 ]; then
        nice -n 10 valgrind --tool=callgrind --toggle-collect=main --callgrind-out-file="$tmp/cg" \
            "$mo" "$p" "$sampler" "$trials" 1 > /dev/null 2> "$tmp/cg.err"
        ir=$(sed -n 's/.*refs: *\([0-9,]*\).*/\1/p' "$tmp/cg.err" | tr -d ,)
        line="$line instructions_per_trial=$((ir / trials))"
    fi
    echo "$line load: $(cut -d' ' -f1-3 /proc/loadavg)"
done
