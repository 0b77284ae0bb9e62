#!/bin/sh
# Sampler comparison: median best regret on six test functions for knob's random, tpe, gp,
# cmaes and qmc beside Debian's Optuna (TPE, CMA-ES, QMC), CMA-ES at 1,000 trials, and the
# GP sampler's time per trial. Prints Markdown tables. See bench/README.md.
#
#   bench/samplers/run.sh [--build-dir DIR] [--seeds N] [--trials T] [--long-trials T]
#                         [--jobs J] [--quality-only | --long-only | --speed-only]
#                         [--no-optuna]
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
build="$root/build"
seeds=10
trials=100
long=1000
jobs=2
parts="quality long speed"
optuna=1
while [ $# -gt 0 ]; do
    case "$1" in
    --build-dir) build=$2; shift ;;
    --seeds) seeds=$2; shift ;;
    --trials) trials=$2; shift ;;
    --long-trials) long=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --quality-only) parts=quality ;;
    --long-only) parts=long ;;
    --speed-only) parts=speed ;;
    --no-optuna) optuna=0 ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done

. "$root/bench/lib.sh"
here="$root/bench/samplers"
optuna_py="$root/bench/tpe/optuna_tpe.py"
out=$(mktemp -d /tmp/knob-bench-samplers.XXXXXX)
trap 'rm -rf "$out"' EXIT
bench_build "$root" "$build" bench_tpe
knob="$build/bench/tpe/bench_tpe"
funcs="branin hartmann6 ackley5 rosenbrock4 levy6 styblinski_tang8"

{
    echo "# Sampler benchmark"
    echo
    bench_machine "$build"
    echo "- seeds 0..$((seeds - 1)); $trials trials (quality), $long trials (CMA-ES)"
    echo
} >"$out/header.md"

# Optuna's runs, one process per (function, sampler, budget), $jobs at a time.
optuna_runs() { # budget sampler...
    n=$1
    shift
    for f in $funcs; do
        for s in "$@"; do
            echo "$f $s"
        done
    done | xargs -P "$jobs" -L 1 sh -c \
        "$py '$optuna_py' quality --func \$0 --sampler \$1 --seeds $seeds --trials $n \
         > '$out/optuna-$n-'\$0-\$1.jsonl 2>'$out/optuna-$n-'\$0-\$1.err || \
         echo \"optuna \$1 on \$0 failed: \$(tail -1 '$out/optuna-$n-'\$0-\$1.err)\" >&2"
}

for part in $parts; do
    case "$part" in
    quality)
        for f in $funcs; do
            for s in random tpe gp cmaes qmc; do
                "$knob" quality --func "$f" --sampler "$s" --seeds "$seeds" --trials "$trials"
            done
        done >"$out/knob-quality.jsonl"
        [ "$optuna" = 1 ] && optuna_runs "$trials" tpe cmaes qmc
        ;;
    long)
        for f in $funcs; do
            "$knob" quality --func "$f" --sampler cmaes --seeds "$seeds" --trials "$long"
        done >"$out/knob-long.jsonl"
        [ "$optuna" = 1 ] && optuna_runs "$long" cmaes
        ;;
    speed)
        # The GP sampler after N finished trials drawn at random; its model is refitted
        # at every ask below 200 observations, then when the data grew by 5%, so the mean
        # (a refit now and then) is given beside the median. At most 256 trials go into
        # the model (max_observations).
        for n in 100 300 1000 10000; do
            m=15
            "$knob" speed --sampler gp --history random --n "$n" --measure "$m"
        done >"$out/knob-speed.jsonl"
        ;;
    esac
done

"$py" "$here/tables.py" --trials "$trials" --long "$long" "$out/header.md" "$out"/*.jsonl
