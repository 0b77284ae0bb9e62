#!/usr/bin/env bash
# Ask+tell overhead per trial, knob beside Optuna, with the random sampler and 5 float
# params, in memory and on SQLite, at 1,000 and 10,000 trials. See bench/README.md.
#
#   bench/ask_tell/run.sh [--build-dir DIR] [--repeat R] [--optuna-sqlite-10k] [--no-optuna]
#   bench/ask_tell/run.sh --callgrind [--build-dir DIR]
#
# --build-dir   where knob is (or gets) built; default: build/ at the repository root
# --repeat      runs of each knob measurement, and of Optuna in memory at 1,000 trials
#               (the table shows medians); default 3
# --optuna-sqlite-10k   also run Optuna on SQLite at 10,000 trials (15 minutes or more);
#               by default Optuna on SQLite runs 1,000 trials only
# --no-optuna   knob alone
# --callgrind   instructions per trial of knob's in-memory ask+tell, counted by valgrind's
#               callgrind over 1,000 trials (the timed loop only, not the setup)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build"
repeat=3
optuna_sqlite_10k=0
with_optuna=1
callgrind=0
py=/usr/bin/python3

while [ $# -gt 0 ]; do
    case "$1" in
    --build-dir) build=$(realpath -m "$2"); shift 2 ;;
    --build-dir=*) build=$(realpath -m "${1#*=}"); shift ;;
    --repeat) repeat=$2; shift 2 ;;
    --repeat=*) repeat=${1#*=}; shift ;;
    --optuna-sqlite-10k) optuna_sqlite_10k=1; shift ;;
    --no-optuna) with_optuna=0; shift ;;
    --callgrind) callgrind=1; shift ;;
    -h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case "$repeat" in
'' | *[!0-9]* | 0) echo "run.sh: --repeat needs a positive integer" >&2; exit 2 ;;
esac

# ---------------------------------------------------------------- build
log=$(mktemp)
if [ ! -f "$build/CMakeCache.txt" ]; then
    echo "run.sh: configuring $build" >&2
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$log" 2>&1 ||
        { cat "$log" >&2; rm -f "$log"; exit 1; }
fi
cmake --build "$build" --target bench_ask_tell -j"$(nproc)" >"$log" 2>&1 ||
    { cat "$log" >&2; rm -f "$log"; exit 1; }
rm -f "$log"
bin="$build/bench/ask_tell/bench_ask_tell"
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")
build_type=${build_type:-RelWithDebInfo}
if grep -q '^KNOB_SANITIZE:BOOL=ON' "$build/CMakeCache.txt"; then
    build_type="$build_type + sanitizers (KNOB_SANITIZE=ON: the timings are not knob's)"
fi

tmp=$(mktemp -d /tmp/knob-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# ---------------------------------------------------------------- callgrind
if [ "$callgrind" = 1 ]; then
    command -v valgrind >/dev/null || { echo "run.sh: valgrind is not installed" >&2; exit 1; }
    n=1000
    out="$tmp/callgrind.out"
    valgrind --tool=callgrind --toggle-collect=bench_trials --callgrind-out-file="$out" \
        "$bin" --storage memory: --trials "$n" >/dev/null 2>"$tmp/valgrind.log" ||
        { cat "$tmp/valgrind.log" >&2; exit 1; }
    ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out" | head -1)
    [ -n "$ir" ] || ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$out" | head -1)
    if [ -z "$ir" ] || [ "$ir" -eq 0 ]; then
        echo "run.sh: no instruction count in $out" >&2
        exit 1
    fi
    echo "knob ask+tell, in memory, random sampler, 5 float params, $n trials ($build_type build)"
    echo "instructions (callgrind Ir) in the trial loop: $ir"
    echo "instructions per trial: $((ir / n))"
    if command -v callgrind_annotate >/dev/null; then
        echo
        echo "where they go (callgrind_annotate, top 10 functions by their own instructions):"
        callgrind_annotate "$out" 2>/dev/null | awk '/file:function/ {on = 1; getline; next}
            on && NF && n < 10 {print "  " $0; n++}'
    fi
    exit 0
fi

# ---------------------------------------------------------------- timings
if [ "$with_optuna" = 1 ] && ! "$py" -c 'import optuna' 2>/dev/null; then
    echo "run.sh: $py cannot import optuna (install python3-optuna); running knob alone" >&2
    with_optuna=0
fi

results="$tmp/results.jsonl"
note() { echo "run.sh: $*" >&2; }

knob_memory() {
    note "knob, memory, $1 trials x $repeat"
    "$bin" --storage memory: --trials "$1" --repeat "$repeat" >>"$results"
}

knob_sqlite() {
    note "knob, sqlite, $1 trials x $repeat (a new file each run)"
    for r in $(seq "$repeat"); do
        "$bin" --storage "sqlite:///$tmp/knob-$1-$r.db" --trials "$1" >>"$results"
        rm -f "$tmp/knob-$1-$r.db" "$tmp/knob-$1-$r.db-wal" "$tmp/knob-$1-$r.db-shm"
    done
}

optuna_run() { # storage n runs
    local url=memory
    if [ "$1" = sqlite ]; then
        url="sqlite:///$tmp/optuna-$2.db"
    fi
    note "optuna, $1, $2 trials x $3"
    "$py" "$here/optuna_ask_tell.py" --storage "$url" --trials "$2" --repeat "$3" >>"$results"
    rm -f "$tmp/optuna-$2.db"
}

for n in 1000 10000; do
    knob_memory "$n"
    knob_sqlite "$n"
done
if [ "$with_optuna" = 1 ]; then
    optuna_run memory 1000 "$repeat"
    optuna_run memory 10000 1
    note "optuna on SQLite is slow: 1,000 trials take a minute or two"
    optuna_run sqlite 1000 1
    if [ "$optuna_sqlite_10k" = 1 ]; then
        optuna_run sqlite 10000 1
    fi
fi

# ---------------------------------------------------------------- the table
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
sqlite_v=$("$py" -c 'import sqlite3; print(sqlite3.sqlite_version)' 2>/dev/null || echo '?')
"$py" - "$results" "$cpu" "$(nproc)" "$build_type" "$sqlite_v" "$optuna_sqlite_10k" <<'EOF'
import json, statistics, sys

path, cpu, ncpu, build_type, sqlite_v, sqlite_10k = sys.argv[1:7]
rows = {}
for line in open(path):
    r = json.loads(line)
    rows.setdefault((r["impl"], r["storage"], r["n_trials"]), []).append(r)

def get(impl, storage, n, key):
    rs = rows.get((impl, storage, n))
    if not rs:
        return None
    if len(rs) == 1:
        return rs[0][key]
    return statistics.median(r[key] for r in rs)

def runs(impl, storage, n):
    return sum(r["runs"] for r in rows.get((impl, storage, n), []))

def us(v):
    return "-" if v is None else f"{v:,.1f}"

versions = sorted({r[0].get("version") for r in rows.values() if r[0]["impl"] == "optuna"})
print(f"ask+tell overhead per trial: random sampler, 5 float params, one objective")
print(f"machine: {cpu}, {ncpu} cores; knob {build_type} build; "
      f"optuna {', '.join(v for v in versions if v) or 'not run'}; SQLite {sqlite_v}")
print("medians over runs (runs column: knob/optuna); each run is a fresh study "
      "(SQLite: a fresh file)")
print()
head = ["backend", "trials", "knob us/trial", "optuna us/trial", "optuna/knob",
        "knob trials/s", "optuna trials/s", "knob last 10%", "optuna last 10%", "runs"]
table = []
for storage in ("memory", "sqlite"):
    for n in (1000, 10000):
        k = get("knob", storage, n, "us_per_trial")
        o = get("optuna", storage, n, "us_per_trial")
        table.append([
            storage, f"{n:,}", us(k), us(o),
            "-" if k is None or o is None else f"{o / k:,.0f}x",
            "-" if k is None else f"{1e6 / k:,.0f}",
            "-" if o is None else f"{1e6 / o:,.0f}",
            us(get("knob", storage, n, "tail_us_per_trial")),
            us(get("optuna", storage, n, "tail_us_per_trial")),
            f"{runs('knob', storage, n)}/{runs('optuna', storage, n)}",
        ])
w = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(head)]
fmt = lambda r: "  ".join(c.rjust(w[i]) if i > 0 else c.ljust(w[i]) for i, c in enumerate(r))
print(fmt(head))
print("  ".join("-" * x for x in w))
for r in table:
    print(fmt(r))
print()
print("us/trial: microseconds per trial (ask, 5 suggest_float, tell), the study's setup "
      "excluded;")
print("optuna/knob: how many times faster knob is; last 10%: us/trial over the last tenth of "
      "the trials.")
if sqlite_10k != "1" and ("optuna", "memory", 1000) in rows:
    print("optuna on SQLite at 10,000 trials is not run by default (15 minutes or more): "
          "--optuna-sqlite-10k runs it.")
EOF
