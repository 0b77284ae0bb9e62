#!/usr/bin/env bash
# knob run of a program that prints many records (one per training step, no pause between
# them) with a pruner that judges every record: the whole run's wall time, and with
# --callgrind the instructions of the knob process, on SQLite and in memory (PostgreSQL with
# --pg). A trial whose sync re-read every value it reported made the run quadratic in the
# records.
#   bash bench/run/records.sh                         (from the repository root)
#   RECORDS="5000 10000 20000" bash bench/run/records.sh
#   bash bench/run/records.sh --callgrind            (instructions, valgrind; slow: RECORDS
#                                                     default 2000 4000 then)
# The sweep: method random, run_cap 2 (the second trial is judged against the first),
# early_terminate hyperband (min_iter 1, eta 2), or PRUNER=median (pruner: median).
# Options: --build-dir DIR (default build/), --base-build DIR (a build of another knob, each
# row runs it too, in the columns base_s, base_Ir), --pg URL (PostgreSQL too, a new study
# in that database for each run), --callgrind, --help. STORAGES="sqlite memory pg" picks
# the storages (default: sqlite and memory, and pg with --pg).
set -euo pipefail
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=build
BASE=
CALLGRIND=
PG=
while [ $# -gt 0 ]; do
    case "$1" in
    --build-dir) BUILD=$2; shift 2 ;;
    --base-build) BASE=$2; shift 2 ;;
    --callgrind) CALLGRIND=1; shift ;;
    --pg) PG=$2; shift 2 ;;
    --help | -h) sed -n '2,/^set -euo/p' "$SELF" | sed '$d'; exit 0 ;;
    *) echo "bench/run/records.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
case "$BASE" in /* | "") ;; *) BASE="$ROOT/$BASE" ;; esac
for b in "$BUILD" $BASE; do
    [ -x "$b/knob" ] || { echo "bench/run/records.sh: no $b/knob" >&2; exit 2; }
done
if [ -n "$CALLGRIND" ]; then
    RECORDS=${RECORDS:-2000 4000}
    command -v valgrind >/dev/null || { echo "bench/run/records.sh: no valgrind" >&2; exit 2; }
else
    RECORDS=${RECORDS:-5000 10000 20000}
fi
PRUNER=${PRUNER:-hyperband}
STORAGES=${STORAGES:-sqlite memory${PG:+ pg}}
case " $STORAGES " in
*" pg "*) [ -n "$PG" ] || { echo "bench/run/records.sh: pg needs --pg URL" >&2; exit 2; } ;;
esac

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cat >"$W/flood.py" <<'PY'
import os, sys
n = int(os.environ["RECORDS_N"])
q = float(next((a[4:] for a in sys.argv[1:] if a.startswith("--q=")), "0"))
for i in range(n):
    print(f"step={i} loss={q + 1.0 / (i + 1)}")
PY
{
    echo "program: flood.py"
    echo "method: random"
    echo "metric: {name: loss, goal: minimize}"
    echo "run_cap: 2"
    if [ "$PRUNER" = median ]; then
        echo "pruner: median"
    else
        echo "early_terminate: {type: hyperband, min_iter: 1, eta: 2}"
    fi
    echo "parameters:"
    echo "  q: {min: 0.0, max: 1.0}"
} >"$W/sweep.yaml"

# one_run KNOB STORAGE N: "seconds instructions" (instructions "-" without --callgrind)
one_run() {
    local db="$W/s.db" out="$W/cg.out"
    rm -f "$db" "$db-wal" "$db-shm" "$out"
    local url=$2 study=()
    case "$url" in
    sqlite) url="sqlite:///$db" ;;
    memory) url="memory:" ;;
    pg) url=$PG; study=(--study "records-$$-$RANDOM-$3") ;;
    esac
    local t0 t1 ir=-
    t0=$(date +%s.%N)
    if [ -n "$CALLGRIND" ]; then
        (cd "$W" && RECORDS_N=$3 valgrind --tool=callgrind --callgrind-out-file="$out" \
            "$1" run sweep.yaml --storage "$url" "${study[@]}" >/dev/null 2>"$W/vg.err")
        ir=$(grep -m1 '^summary:' "$out" | cut -d' ' -f2)
    else
        (cd "$W" && RECORDS_N=$3 "$1" run sweep.yaml --storage "$url" "${study[@]}" >/dev/null 2>&1)
    fi
    t1=$(date +%s.%N)
    echo "$(echo "$t1 - $t0" | bc -l | xargs printf '%.2f') $ir"
}

printf '| storage | records | knob s | knob Ir |%s\n' "${BASE:+ base_s | base_Ir |}"
printf '|---|---|---|---|%s\n' "${BASE:+---|---|}"
for storage in $STORAGES; do
    for n in $RECORDS; do
        row="| $storage | $n | $(one_run "$BUILD/knob" "$storage" "$n" | tr ' ' '|' | sed 's/|/ | /') |"
        [ -z "$BASE" ] || row="$row $(one_run "$BASE/knob" "$storage" "$n" | sed 's/ / | /') |"
        echo "$row"
    done
done
