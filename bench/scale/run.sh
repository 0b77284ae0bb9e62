#!/usr/bin/env bash
# Scale: what a study of 1,000 / 10,000 / 100,000 finished trials costs, knob beside
# Optuna where it has the same operation. Prints Markdown tables. See bench/README.md.
#
#   bench/scale/run.sh [--build-dir DIR] [--sizes "1000 10000 100000"] [--repeat R]
#                      [--optuna-path DIR] [--optuna-sizes "1000 10000"]
#                      [--optuna-rdb-sizes "1000"] [--no-optuna] [--pg]
#
# knob, per size N: TPE CPU per trial in memory (bench_tpe speed, 5 floats, a random
# history then TPE) and the peak RSS of that process over N; on SQLite (a study of N
# trials written by make_sqlite.py): one `knob ask` (TPE) and one `knob tell` as
# processes, `knob trials --format json`, `knob best` (opens the study and reads its
# best). Optuna: its TPE CPU per trial in memory (bench/tpe/optuna_tpe.py) at
# --optuna-sizes and, at --optuna-rdb-sizes, on its RDB storage (SQLite): open, best
# trial, all trials and one ask+tell with TPESampler, timed inside one Python process
# (optuna_scale.py; the interpreter's start is not counted on its side). Writing
# Optuna's RDB study is slow (about 2 minutes for 1,000 trials on a busy machine).
# --pg: the same knob commands on PostgreSQL too (scripts/pg.sh starts the server; the
# study of N trials written by make_pg.sh).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build"
sizes="1000 10000 100000"
optuna_sizes="1000 10000"
optuna_rdb_sizes="1000"
repeat=3
optuna=1
optuna_path=
pg=0
while [ $# -gt 0 ]; do
    case "$1" in
    --build-dir) build=$(realpath -m "$2"); shift ;;
    --sizes) sizes=$2; shift ;;
    --optuna-sizes) optuna_sizes=$2; shift ;;
    --optuna-rdb-sizes) optuna_rdb_sizes=$2; shift ;;
    --repeat) repeat=$2; shift ;;
    --optuna-path) optuna_path=$2; shift ;;
    --no-optuna) optuna=0 ;;
    --pg) pg=1 ;;
    -h|--help) sed -n 2,20p "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done
. "$root/bench/lib.sh"
if [ -n "$optuna_path" ]; then
    export PYTHONPATH="$optuna_path${PYTHONPATH:+:$PYTHONPATH}"
fi
out=$(mktemp -d /tmp/knob-bench-scale.XXXXXX)
trap 'rm -rf "$out"' EXIT
bench_build "$root" "$build" bench_tpe
bench_build "$root" "$build" knob_cli
knob="$build/knob"
tpe="$build/bench/tpe/bench_tpe"

# median of the numbers on stdin
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
# timed FILE CMD...: appends "wall_ms cpu_ms" of one run of CMD (its output discarded) to FILE
timed() {
    local f=$1; shift
    /usr/bin/time -f "%e %U %S" -o "$out/t" "$@" >/dev/null
    awk '{printf "%.1f %.1f\n", $1 * 1000, ($2 + $3) * 1000}' "$out/t" >>"$f"
}
col() { awk -v c="$2" '{print $c}' "$1" | median; }

echo "# Scale benchmark"
echo
bench_machine "$build"
echo "- sizes: $sizes (knob), TPE $optuna_sizes and RDB $optuna_rdb_sizes (Optuna); $repeat runs of each process, medians"
echo

echo "| finished trials | knob TPE CPU us/trial | Optuna TPE CPU us/trial | Optuna/knob | knob peak RSS | bytes per trial |"
echo "|---|---|---|---|---|---|"
for n in $sizes; do
    /usr/bin/time -f "%M" -o "$out/rss" nice -n 10 "$tpe" speed --n "$n" --history random \
        --measure 20 --warmup 1 >"$out/knob-$n.json"
    k=$($py -c "import json; print(json.load(open('$out/knob-$n.json'))['cpu_us_per_trial'])")
    rss=$(cat "$out/rss")
    o=-; ratio=-
    if [ "$optuna" = 1 ] && echo " $optuna_sizes " | grep -q " $n "; then
        nice -n 10 "$py" "$root/bench/tpe/optuna_tpe.py" speed --n "$n" --history random \
            --measure 5 >"$out/optuna-$n.json" 2>/dev/null
        o=$($py -c "import json; print(json.load(open('$out/optuna-$n.json'))['cpu_us_per_trial'])")
        ratio=$($py -c "print('%.0fx' % ($o / $k))")
    fi
    echo "| $n | $k | $o | $ratio | $((rss / 1024)) MB | $((rss * 1024 / n)) |"
done
echo
echo "knob TPE: median thread CPU of 20 trials (ask, 5 suggest_float in [-10, 10], tell) after"
echo "N random trials, in memory; Optuna: 5 trials. RSS: the whole bench_tpe process at its peak."
echo

echo "| finished trials | storage | knob ask ms | knob tell ms | knob trials --format json ms | knob best ms | Optuna open ms | Optuna best ms | Optuna trials ms | Optuna ask+tell ms |"
echo "|---|---|---|---|---|---|---|---|---|---|"
# cli_cells URL STUDY TAG: the four knob commands, $repeat times; prints the cells
cli_cells() {
    local url=$1 study=$2 tag=$3 cells="" num
    for r in $(seq "$repeat"); do
        /usr/bin/time -f "%e %U %S" -o "$out/t" "$knob" ask "$study" --sweep "$here/sweep.yaml" \
            --storage "$url" >"$out/ask.json"
        awk '{printf "%.1f %.1f\n", $1 * 1000, ($2 + $3) * 1000}' "$out/t" >>"$out/ask-$tag"
        num=$($py -c "import json; print(json.load(open('$out/ask.json'))['number'])")
        timed "$out/tell-$tag" "$knob" tell "$study" "$num" 1.0 --storage "$url"
        timed "$out/trials-$tag" "$knob" trials "$study" --format json --storage "$url"
        timed "$out/best-$tag" "$knob" best "$study" --storage "$url"
    done
    for what in ask tell trials best; do
        cells="$cells $(col "$out/$what-$tag" 1) ($(col "$out/$what-$tag" 2)) |"
    done
    echo "$cells"
}
if [ "$pg" = 1 ]; then
    pg_url=$(bash "$root/scripts/pg.sh" start)
fi
for n in $sizes; do
    db="$out/knob-$n.db"
    nice -n 10 "$py" "$here/make_sqlite.py" "$knob" "$here/sweep.yaml" "$db" "$n"
    cells=$(cli_cells "sqlite:///$db" big "sqlite-$n")
    ocells="- | - | - | - |"
    if [ "$optuna" = 1 ] && echo " $optuna_rdb_sizes " | grep -q " $n "; then
        nice -n 10 "$py" "$here/optuna_scale.py" fill "$out/optuna-$n.db" "$n"
        for r in $(seq "$repeat"); do
            nice -n 10 "$py" "$here/optuna_scale.py" measure "$out/optuna-$n.db" >>"$out/optuna-rdb-$n.jsonl"
        done
        ocells=$($py - "$out/optuna-rdb-$n.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
cells = []
for k in ("open", "best", "trials", "ask_tell"):
    w = statistics.median(r[k + "_s"] for r in rows) * 1000
    c = statistics.median(r[k + "_cpu_s"] for r in rows) * 1000
    cells.append("%.1f (%.1f)" % (w, c))
print(" | ".join(cells) + " |")
PY
)
    fi
    echo "| $n | SQLite |$cells $ocells"
    if [ "$pg" = 1 ]; then
        study="bench_scale_$n"
        "$knob" delete "$study" --storage "$pg_url" >/dev/null 2>&1 || true
        nice -n 10 bash "$here/make_pg.sh" "$knob" "$here/sweep.yaml" "$pg_url" "$study" "$n"
        echo "| $n | PostgreSQL |$(cli_cells "$pg_url" "$study" "pg-$n") - | - | - | - |"
        "$knob" delete "$study" --storage "$pg_url" >/dev/null 2>&1 || true
    fi
done
echo
echo "Each cell: median wall ms (CPU ms, user + sys) over $repeat runs. knob: one process per"
echo "command, start to exit (knob ask with sampler tpe, 5 floats). Optuna: inside one Python"
echo "process (its start and import not counted): load_study, best_trial, get_trials, and"
echo "load_study + ask + 5 suggest_float + tell with TPESampler."
