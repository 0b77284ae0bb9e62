#!/usr/bin/env bash
# Optuna's quickstart loop (1,000 trials of (x - 2)^2, TPE, seed 1) on the knob package and
# on Optuna, in memory and on SQLite, in the same run: total time. See bench/README.md.
#
#   bench/python/run.sh [--build-dir DIR] [--trials N] [--repeat R]
#                       [--optuna-path DIR]... [--no-optuna]
#
# --build-dir    where knob is (or gets) built; default: build/ at the repository root
# --trials       trials per study; default 1000
# --repeat       runs of each knob measurement (the table shows medians); default 3;
#                Optuna runs once per storage (it is slow)
# --optuna-path  a directory holding an optuna package to compare with (repeat it for
#                several: --optuna-path /work/peers/optuna5); Debian's python3-optuna is
#                always compared unless --no-optuna
# --no-optuna    knob alone
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build"
trials=1000
repeat=3
with_optuna=1
paths=("")
. "$root/bench/lib.sh"

while [ $# -gt 0 ]; do
    case "$1" in
    --build-dir) build=$(realpath -m "$2"); shift 2 ;;
    --trials) trials=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --optuna-path) paths+=("$(realpath "$2")"); shift 2 ;;
    --no-optuna) with_optuna=0; shift ;;
    -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

bench_build "$root" "$build" knob
export KNOB_LIBRARY="$build/src/libknob.so" PYTHONPATH="$root/python" PYTHONDONTWRITEBYTECODE=1
out=$(mktemp)
trap 'rm -f "$out"' EXIT

echo "# bench/python: Optuna's quickstart loop, $trials trials, TPE (seed 1)"
echo
bench_machine "$build"
echo

for storage in memory sqlite; do
    for _ in $(seq "$repeat"); do
        $py "$here/quickstart.py" --impl knob --storage "$storage" --trials "$trials" >>"$out"
    done
    if [ "$with_optuna" = 1 ]; then
        for p in "${paths[@]}"; do
            env -u PYTHONPATH $py "$here/quickstart.py" --impl optuna --optuna-path "$p" \
                --storage "$storage" --trials "$trials" >>"$out"
        done
    fi
done

$py - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
groups = {}
for r in rows:
    key = (r["storage"], r["impl"], r["version"])
    groups.setdefault(key, []).append(r)
print("| storage | implementation | runs | total s (median) | trials/s | import s | best value | slower than knob |")
print("|---|---|---|---|---|---|---|---|")
for storage in ("memory", "sqlite"):
    knob = [r for k, v in groups.items() if k[0] == storage and k[1] == "knob" for r in v]
    base = statistics.median(r["total_s"] for r in knob) if knob else None
    for (st, impl, ver), rs in groups.items():
        if st != storage:
            continue
        t = statistics.median(r["total_s"] for r in rs)
        name = "knob %s" % ver if impl == "knob" else "Optuna %s" % ver
        ratio = "%.0fx" % (t / base) if base and impl != "knob" else "-"
        print("| %s | %s | %d | %.3f | %.0f | %.2f | %.4g | %s |" % (
            storage, name, len(rs), t, rs[0]["trials"] / t, statistics.median(r["import_s"] for r in rs),
            rs[0]["best"], ratio))
PY
