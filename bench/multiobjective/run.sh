#!/usr/bin/env bash
# The multi-objective benchmark: knob's samplers beside Optuna's in the same run, one line per
# (problem, sampler, trials, seed) on stdout (bench/README.md, "multiobjective"); summarize.py
# turns the lines into the tables. usage:
#   bench/multiobjective/run.sh BUILD_DIR [--optuna-path DIR] [--seeds N] [--first-seed K]
#       [--problems "P ..."] [--trials "N ..."] [--long "S ..."] [--short "S ..."]
#       [--optuna "S ..."] [--knob "S ..."] [--nice N] [--batch]
# Seeds K .. K + N - 1 (default 1 .. 10). --optuna: the samplers also run with Optuna
# (default: all of them but gp and gp-ref; "" runs knob's alone). --knob: the samplers run
# with knob (default: all of them; "" runs Optuna's alone). --nice: the runs' niceness (10).
# --batch: per (trials, problem, sampler) knob's seeds, then Optuna's seeds in one Python
# process (its import costs more CPU than a 200-trial NSGA-II run; the lines are the same).
# At every trial count: the samplers of --long (default nsga2 nsga3 random, knob's and
# Optuna's); at 200 trials or fewer also those of --short (default: knob's tpe, gp and gp-ref,
# which is gp given the problem's reference point; Optuna's tpe). Problems: zdt1 zdt2 zdt3 dtlz2 c2dtlz2 bnh (default: dtlz2 c2dtlz2 bnh).
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR [--optuna-path DIR] [--seeds N] [--problems LIST] [--trials LIST]}
shift
optuna=/usr/lib/python3/dist-packages seeds=10 first=1 problems="dtlz2 c2dtlz2 bnh" trials="200 1000"
long="nsga2 nsga3 random" short="tpe gp gp-ref" with_optuna="nsga2 nsga3 tpe random"
with_knob=all niceness=10 batch=0
while [ $# -gt 0 ]; do
    case $1 in
    --optuna-path) optuna=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --first-seed) first=$2; shift 2 ;;
    --problems) problems=$2; shift 2 ;;
    --trials) trials=$2; shift 2 ;;
    --long) long=$2; shift 2 ;;
    --short) short=$2; shift 2 ;;
    --optuna) with_optuna=$2; shift 2 ;;
    --knob) with_knob=$2; shift 2 ;;
    --nice) niceness=$2; shift 2 ;;
    --batch) batch=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
here=$(dirname "$0")
mo=$build/bench/multiobjective/bench_mo
echo "# $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$batch" = 1 ]; then
    for n in $trials; do for p in $problems; do
        list=$long
        [ "$n" -le 200 ] && list="$long $short"
        for s in $list; do
            case " $with_knob " in *" all "* | *" $s "*)
                for seed in $(seq "$first" $((first + seeds - 1))); do
                    nice -n "$niceness" "$mo" "$p" "$s" "$n" "$seed"
                done ;;
            esac
            case " $with_optuna " in *" $s "*) ;; *) continue ;; esac
            PYTHONPATH=$optuna nice -n "$niceness" /usr/bin/python3 "$here/optuna_mo.py" "$p" "$s" \
                "$n" "$first-$((first + seeds - 1))"
        done
    done; done
    echo "# $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
    exit 0
fi
for n in $trials; do for p in $problems; do for seed in $(seq "$first" $((first + seeds - 1))); do
    list=$long
    [ "$n" -le 200 ] && list="$long $short"
    for s in $list; do
        case " $with_knob " in *" all "* | *" $s "*) nice -n "$niceness" "$mo" "$p" "$s" "$n" "$seed" ;; esac
        case " $with_optuna " in *" $s "*) ;; *) continue ;; esac # gp: Optuna 5's needs torch
        PYTHONPATH=$optuna nice -n "$niceness" /usr/bin/python3 "$here/optuna_mo.py" "$p" "$s" "$n" "$seed"
    done
done; done; done
echo "# $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
