#!/bin/sh
# Instructions (callgrind, one run each) of `knob studies`, `knob best`, `knob ask`,
# `knob tell` and `knob trials --format json` on a SQLite study of N finished trials (5
# floats, bench/scale/make_sqlite.py), for each build given, each on a study its own knob
# wrote; then the first open by each later build of the first build's study (its upgrade).
#
#     bench/startup/studies.sh [-n N] BUILD-DIR...
#
# `knob studies` runs before any `knob best` (no record of the best trials yet) and again
# after two. Prints one line per command and build: build, command, instructions.
set -eu
n=100000
if [ "${1:-}" = "-n" ]; then
    n=$2
    shift 2
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
d=$(mktemp -d /tmp/knob-bench-studies.XXXXXX)
trap 'rm -rf "$d"' EXIT
{
    printf 'program: unused\nmetric: {name: loss, goal: minimize}\nsampler: random\nparameters:\n'
    for i in 0 1 2 3 4; do printf '  x%d: {min: -10.0, max: 10.0}\n' "$i"; done
} >"$d/s.yaml"

grind() { # build, label, knob args...: prints the instructions; the command's output in $d/out
    b=$1 label=$2
    shift 2
    OPENBLAS_NUM_THREADS=1 LD_LIBRARY_PATH="$b/src" valgrind --tool=callgrind \
        --trace-children=no --callgrind-out-file=/dev/null "$b/knob" "$@" >"$d/out" 2>"$d/err"
    printf '%s\t%s\t%s\n' "$b" "$label" "$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$d/err")"
}

i=0
for b in "$@"; do
    b=$(cd "$b" && pwd)
    db=$d/b$i.db
    LD_LIBRARY_PATH="$b/src" python3 "$root/bench/scale/make_sqlite.py" "$b/knob" "$d/s.yaml" \
        "$db" "$n"
    [ $i -eq 0 ] && cp "$db" "$d/first.db"
    url=sqlite:///$db
    grind "$b" "studies (no record)" studies --storage "$url"
    grind "$b" "best (first)" best big --storage "$url"
    grind "$b" "best (again)" best big --storage "$url"
    grind "$b" "studies (after best)" studies --storage "$url"
    grind "$b" "ask (random)" ask big --sweep "$d/s.yaml" --storage "$url"
    num=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["number"])' <"$d/out")
    grind "$b" "tell" tell big "$num" 1.5 --storage "$url"
    grind "$b" "trials --format json" trials big --format json --storage "$url"
    if [ $i -gt 0 ]; then
        cp "$d/first.db" "$d/up.db"
        grind "$b" "studies (first open of build 1's study)" studies --storage "sqlite:///$d/up.db"
        grind "$b" "studies (then)" studies --storage "sqlite:///$d/up.db"
    fi
    i=$((i + 1))
done
