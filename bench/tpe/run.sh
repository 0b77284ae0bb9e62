#!/bin/sh
# TPE benchmark: search quality on six test functions and time per trial, knob beside
# Debian's Optuna in the same run. Prints Markdown tables. See bench/README.md.
#
#   bench/tpe/run.sh [--build-dir DIR] [--seeds N] [--trials T] [--jobs J]
#                    [--quality-only | --speed-only] [--no-optuna] [--optuna-path DIR]
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
build="$root/build"
seeds=10
trials=100
jobs=2
quality=1
speed=1
optuna=1
optuna_path=
while [ $# -gt 0 ]; do
    case "$1" in
    --build-dir) build=$2; shift ;;
    --seeds) seeds=$2; shift ;;
    --trials) trials=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --quality-only) speed=0 ;;
    --speed-only) quality=0 ;;
    --no-optuna) optuna=0 ;;
    --optuna-path) optuna_path=$2; shift ;;
    -h|--help) sed -n 2,6p "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done

. "$root/bench/lib.sh"
# Another Optuna than Debian's (e.g. a source tree of Optuna 5, the speed peer).
if [ -n "${optuna_path:-}" ]; then
    export PYTHONPATH="$optuna_path${PYTHONPATH:+:$PYTHONPATH}"
fi
here="$root/bench/tpe"
out=$(mktemp -d /tmp/knob-bench-tpe.XXXXXX)
trap 'rm -rf "$out"' EXIT
bench_build "$root" "$build" bench_tpe
knob="$build/bench/tpe/bench_tpe"
funcs="branin hartmann6 ackley5 rosenbrock4 levy6 styblinski_tang8 plateau6 clipped4"

echo "# TPE benchmark"
echo
bench_machine "$build"
echo "- quality: $trials trials, seeds 0..$((seeds - 1)); speed: see below"
echo

if [ "$quality" = 1 ]; then
    for f in $funcs; do
        "$knob" quality --func "$f" --seeds "$seeds" --trials "$trials"
        "$knob" quality --func "$f" --seeds "$seeds" --trials "$trials" --options multivariate=true
        "$knob" quality --func "$f" --seeds "$seeds" --trials "$trials" --sampler random
    done >"$out/knob-quality.jsonl"
    if [ "$optuna" = 1 ]; then
        for f in $funcs; do
            echo "$f"
            echo "$f --multivariate"
        done | xargs -P "$jobs" -I{} sh -c \
            "$py '$here/optuna_tpe.py' quality --seeds $seeds --trials $trials --func {} \
             > '$out/optuna-quality-'\$(echo '{}' | tr -d ' -').jsonl 2>/dev/null"
    fi
fi

if [ "$speed" = 1 ]; then
    # Each side alone on the machine, one measurement at a time.
    for n in 100 1000 10000; do
        "$knob" speed --n "$n" --measure 30
    done >"$out/knob-speed.jsonl"
    "$knob" speed --n 10000 --history random --measure 30 >>"$out/knob-speed.jsonl"
    if [ "$optuna" = 1 ]; then
        # TPE-made histories up to 1,000 trials (about 75 s to build the 1,000); at 10,000
        # completed trials drawn at random are added with add_trials, then 5 trials timed.
        {
            "$py" "$here/optuna_tpe.py" speed --n 100 --measure 10
            "$py" "$here/optuna_tpe.py" speed --n 1000 --measure 10
            "$py" "$here/optuna_tpe.py" speed --n 10000 --history random --measure 5
        } >"$out/optuna-speed.jsonl" 2>/dev/null
    fi
fi

"$py" "$here/tables.py" "$out"/*.jsonl
