#!/usr/bin/env bash
# Pruners on a learning-curve problem of up to 81 epochs: total epochs spent and best final
# value, knob beside Optuna, for no pruning, median, ASHA, Hyperband and Hyperband + TPE,
# over 10 seeds of 100 trials each; then the best final value at a third of no pruning's
# epochs. See bench/pruners/README.md.
#
#   bench/pruners/run.sh [--build-dir DIR] [--trials N] [--seeds K] [--no-budget]
#                        [--paired] [--no-optuna] [--keep FILE]
#
# --build-dir   where knob is (or gets) built; default: build/ at the repository root
# --trials      trials per study (default 100); --seeds: seeds 1..K (default 10)
# --no-budget   skip the second table (studies run to trials x 81 / 3 epochs)
# --paired      also run both frameworks on the very same trials (params enqueued from
#               curve_draw) and count the trials whose pruning decisions agree
# --no-optuna   knob alone
# --keep FILE   also write every run's JSON line (both frameworks) to FILE
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build"
trials=100
seeds=10
with_optuna=1
with_budget=1
with_paired=0
keep=
py=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in the tree

while [ $# -gt 0 ]; do
    case "$1" in
    --build-dir) build=$(realpath -m "$2"); shift 2 ;;
    --build-dir=*) build=$(realpath -m "${1#*=}"); shift ;;
    --trials) trials=$2; shift 2 ;;
    --trials=*) trials=${1#*=}; shift ;;
    --seeds) seeds=$2; shift 2 ;;
    --seeds=*) seeds=${1#*=}; shift ;;
    --no-budget) with_budget=0; shift ;;
    --paired) with_paired=1; shift ;;
    --no-optuna) with_optuna=0; shift ;;
    --keep) keep=$(realpath -m "$2"); shift 2 ;;
    --keep=*) keep=$(realpath -m "${1#*=}"); shift ;;
    -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
for v in "$trials" "$seeds"; do
    case "$v" in
    '' | *[!0-9]* | 0) echo "run.sh: --trials and --seeds need positive integers" >&2; exit 2 ;;
    esac
done
budget=$((trials * 81 / 3))

# ---------------------------------------------------------------- build
log=$(mktemp)
if [ ! -f "$build/CMakeCache.txt" ]; then
    echo "run.sh: configuring $build" >&2
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$log" 2>&1 ||
        { cat "$log" >&2; rm -f "$log"; exit 1; }
fi
cmake --build "$build" --target bench_pruners -j"$(nproc)" >"$log" 2>&1 ||
    { cat "$log" >&2; rm -f "$log"; exit 1; }
rm -f "$log"
bin="$build/bench/pruners/bench_pruners"

tmp=$(mktemp -d /tmp/knob-bench-pruners.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

if [ "$with_optuna" = 1 ] && ! "$py" -c 'import optuna' 2>/dev/null; then
    echo "run.sh: $py cannot import optuna (install python3-optuna); running knob alone" >&2
    with_optuna=0
fi

# ---------------------------------------------------------------- the same problem?
check=
if [ "$with_optuna" = 1 ]; then
    "$bin" --dump-curves >"$tmp/curves.txt"
    check=$("$py" "$here/optuna_pruners.py" --check-curves "$tmp/curves.txt") || {
        echo "run.sh: curve.py and curve.c disagree: $check" >&2
        exit 1
    }
fi

# ---------------------------------------------------------------- runs
results="$tmp/results.jsonl"
note() { echo "run.sh: $*" >&2; }
run_knob() {
    "$bin" --json --seeds "$seeds" "$@" >>"$results" 2>"$tmp/knob.err" ||
        { cat "$tmp/knob.err" >&2; exit 1; }
    cat "$tmp/knob.err" >&2
}
run_optuna() { "$py" "$here/optuna_pruners.py" --json --seeds "$seeds" "$@" >>"$results"; }

note "knob: $trials trials x $seeds seeds x 5 configurations"
run_knob --trials "$trials"
if [ "$with_budget" = 1 ]; then
    note "knob: studies of $budget epochs each"
    run_knob --budget "$budget"
fi
if [ "$with_paired" = 1 ]; then
    note "knob: paired trials"
    run_knob --trials "$trials" --paired
fi
if [ "$with_optuna" = 1 ]; then
    note "optuna: $trials trials x $seeds seeds x 5 configurations (a minute or two)"
    run_optuna --trials "$trials"
    if [ "$with_budget" = 1 ]; then
        note "optuna: studies of $budget epochs each (two or three minutes)"
        run_optuna --budget "$budget"
    fi
    if [ "$with_paired" = 1 ]; then
        note "optuna: paired trials (a minute)"
        run_optuna --trials "$trials" --paired
    fi
fi
[ -z "$keep" ] || cp "$results" "$keep"

# ---------------------------------------------------------------- the tables
"$py" "$here/table.py" "$results" "$trials" "$seeds" "$budget" "$check"
