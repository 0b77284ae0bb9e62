#!/usr/bin/env bash
# The study snapshot (src/snapshot.c) at scale: one SQLite study of N finished trials
# (make_sqlite.py), then R rounds of knob ask (TPE), knob tell, knob ask (random),
# knob trials --format json and knob best, each command as its own process, in three
# modes in the same run: through the snapshot and TPE's saved state (src/sampler_state.c;
# the default), through the snapshot alone (KNOB_SAMPLER_STATE=off), and reading every row
# (KNOB_SNAPSHOT=off KNOB_SAMPLER_STATE=off, as knob read before both). With --callgrind,
# then each command once more under callgrind per mode (not KNOB_SNAPSHOT=off): knob's
# instructions, process start included. Prints Markdown tables; see bench/README.md.
#
#   bench/scale/snapshot.sh [--build-dir DIR] [--n N] [--repeat R] [--callgrind]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build"
n=100000
repeat=5
callgrind=0
while [ $# -gt 0 ]; do
    case "$1" in
    --build-dir) build=$(realpath -m "$2"); shift ;;
    --n) n=$2; shift ;;
    --repeat) repeat=$2; shift ;;
    --callgrind) callgrind=1 ;;
    -h|--help) sed -n 2,10p "$0"; exit 0 ;;
    *) echo "snapshot.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done
. "$root/bench/lib.sh"
out=$(mktemp -d /tmp/knob-bench-snapshot.XXXXXX)
trap 'rm -rf "$out"' EXIT
bench_build "$root" "$build" knob_cli
knob="$build/knob"
sed 's/^sampler: tpe/sampler: random/' "$here/sweep.yaml" >"$out/random.yaml"

median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
# timed FILE CMD...: appends "wall_ms cpu_ms" of one run of CMD to FILE; its stdout to $out/o
timed() {
    local f=$1; shift
    /usr/bin/time -f "%e %U %S" -o "$out/t" "$@" >"$out/o"
    awk '{printf "%.1f %.1f\n", $1 * 1000, ($2 + $3) * 1000}' "$out/t" >>"$f"
}
col() { awk -v c="$2" '{print $c}' "$1" | median; }

echo "# Study snapshot benchmark"
echo
bench_machine "$build"
echo "- $n finished trials (5 floats) on SQLite, $repeat rounds, medians; load at the start: $(uptime | sed 's/.*load average: //')"
echo
db="$out/s.db"
url="sqlite:///$db"
nice -n 10 "$py" "$here/make_sqlite.py" "$knob" "$here/sweep.yaml" "$db" "$n"
# mode: state (snapshot and sampler state), snap (snapshot only), off (neither)
set_mode() {
    unset KNOB_SNAPSHOT KNOB_SAMPLER_STATE
    case "$1" in
    snap) export KNOB_SAMPLER_STATE=off ;;
    off) export KNOB_SNAPSHOT=off KNOB_SAMPLER_STATE=off ;;
    esac
}
# the first ask with a state reads every trial and saves it (not timed)
"$knob" ask big --sweep "$here/sweep.yaml" --storage "$url" >"$out/o"
num=$($py -c "import json; print(json.load(open('$out/o'))['number'])")
"$knob" tell big "$num" 1.0 --storage "$url"
for r in $(seq "$repeat"); do
    for mode in state snap off; do
        set_mode "$mode"
        timed "$out/ask-$mode" "$knob" ask big --sweep "$here/sweep.yaml" --storage "$url"
        num=$($py -c "import json; print(json.load(open('$out/o'))['number'])")
        timed "$out/tell-$mode" "$knob" tell big "$num" 1.0 --storage "$url"
        timed "$out/random-$mode" "$knob" ask big --sweep "$out/random.yaml" --storage "$url"
        num=$($py -c "import json; print(json.load(open('$out/o'))['number'])")
        "$knob" tell big "$num" 2.0 --storage "$url"
        timed "$out/trials-$mode" "$knob" trials big --format json --storage "$url"
        timed "$out/best-$mode" "$knob" best big --storage "$url"
    done
done
set_mode state
echo "| command | snapshot + sampler state: wall ms (CPU ms) | snapshot only (KNOB_SAMPLER_STATE=off) | every row (KNOB_SNAPSHOT=off) |"
echo "|---|---|---|---|"
for what in ask:"knob ask (tpe)" tell:"knob tell" random:"knob ask (random)" trials:"knob trials --format json" best:"knob best"; do
    k=${what%%:*}
    echo "| ${what#*:} | $(col "$out/$k-state" 1) ($(col "$out/$k-state" 2)) | $(col "$out/$k-snap" 1) ($(col "$out/$k-snap" 2)) | $(col "$out/$k-off" 1) ($(col "$out/$k-off" 2)) |"
done
if [ "$callgrind" = 1 ]; then
    # instructions of one run: Ir of callgrind's summary
    instr() { valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$@" 2>&1 >"$out/o" | sed -n 's/.*refs: *//p' | tr -d ,; }
    echo
    echo "| command | instructions, snapshot + sampler state | snapshot only |"
    echo "|---|---|---|"
    for mode in state snap; do
        set_mode "$mode"
        a=$(instr "$knob" ask big --sweep "$here/sweep.yaml" --storage "$url")
        num=$($py -c "import json; print(json.load(open('$out/o'))['number'])")
        t=$(instr "$knob" tell big "$num" 1.0 --storage "$url")
        rnd=$(instr "$knob" ask big --sweep "$out/random.yaml" --storage "$url")
        num=$($py -c "import json; print(json.load(open('$out/o'))['number'])")
        "$knob" tell big "$num" 2.0 --storage "$url"
        b=$(instr "$knob" best big --storage "$url")
        echo "$a $t $rnd $b" >"$out/ir-$mode"
    done
    set_mode state
    i=1
    for what in "knob ask (tpe)" "knob tell" "knob ask (random)" "knob best"; do
        echo "| $what | $(awk -v c=$i '{printf "%.2f M", $c / 1e6}' "$out/ir-state") | $(awk -v c=$i '{printf "%.2f M", $c / 1e6}' "$out/ir-snap") |"
        i=$((i + 1))
    done
fi
echo
echo "Snapshot segments at the end: $(sqlite3 "$db" 'SELECT COUNT(*) || " (" || SUM(LENGTH(data)) || " bytes)" FROM knob_snapshots') ; load at the end: $(uptime | sed 's/.*load average: //')"
