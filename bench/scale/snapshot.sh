#!/usr/bin/env bash
# The study snapshot (src/snapshot.c) at scale: one SQLite study of N finished trials
# (make_sqlite.py), then R rounds of knob ask (TPE), knob tell, knob ask (random),
# knob trials --format json and knob best, each command as its own process, once reading
# through the snapshot and once with KNOB_SNAPSHOT=off (every row, as knob read before),
# in the same run. Prints a Markdown table of medians; see bench/README.md.
#
#   bench/scale/snapshot.sh [--build-dir DIR] [--n N] [--repeat R]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build"
n=100000
repeat=5
while [ $# -gt 0 ]; do
    case "$1" in
    --build-dir) build=$(realpath -m "$2"); shift ;;
    --n) n=$2; shift ;;
    --repeat) repeat=$2; shift ;;
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
for r in $(seq "$repeat"); do
    for mode in snap off; do
        if [ "$mode" = off ]; then export KNOB_SNAPSHOT=off; else unset KNOB_SNAPSHOT; fi
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
unset KNOB_SNAPSHOT
echo "| command | through the snapshot: wall ms (CPU ms) | every row (KNOB_SNAPSHOT=off): wall ms (CPU ms) | CPU ratio |"
echo "|---|---|---|---|"
for what in ask:"knob ask (tpe)" tell:"knob tell" random:"knob ask (random)" trials:"knob trials --format json" best:"knob best"; do
    k=${what%%:*}
    a=$(col "$out/$k-snap" 2); b=$(col "$out/$k-off" 2)
    echo "| ${what#*:} | $(col "$out/$k-snap" 1) ($a) | $(col "$out/$k-off" 1) ($b) | $($py -c "print('%.1fx' % ($b / $a))") |"
done
echo
echo "Snapshot segments at the end: $(sqlite3 "$db" 'SELECT COUNT(*) || " (" || SUM(LENGTH(data)) || " bytes)" FROM knob_snapshots') ; load at the end: $(uptime | sed 's/.*load average: //')"
