#!/usr/bin/env bash
# Trials per second with 1, 2, 4, 8, 16 and 32 workers (WORKERS to change) on one study, on PostgreSQL and SQLite,
# knob beside Optuna's RDB storage on the same server, in the same run, with CPU per trial.
#   bash bench/workers/run.sh            (from the repository root)
#   OPTUNA_PATH=/work/peers/optuna5 bash bench/workers/run.sh   (Optuna from a source tree;
#   default: the installed one)
#   STORAGES=postgresql   (one storage only)   KNOB_BIN=path/to/bench_workers   (another build)
#   KNOB_PG_PORT=54360 KNOB_PG_DIR=/tmp/pg-bench   (a server of its own: its CPU is then the
#   benchmark's alone; scripts/pg.sh starts it)
#   KNOB_READ=1   (each knob worker reads the study's trials before each ask, as a sampler that
#   reads them does; a random search's ask reads none)
#   KNOB_TOTAL=9600   (knob trials per row, split among its workers, instead of KNOB_M per
#   worker: every row then runs on a study of one size, and the rows of few workers last
#   seconds rather than a fraction of one)
#   PGBENCH=8   (PostgreSQL: beside each row, the server's own ceiling for that many clients:
#   pgbench runs bench/workers/minimal.sql, the least a trial can be (one row inserted running,
#   then updated finished, two autocommit statements), for 8 seconds with one connection per
#   worker; its share of its own peak is printed beside knob's)
set -euo pipefail
# A run that stops says where and why (set -e exits without a word otherwise; a run of 1..32
# workers with Optuna takes minutes, so a time limit around it stops it between rows).
trap 'echo "run.sh: line $LINENO: \"$BASH_COMMAND\" failed (status $?)" >&2' ERR
for sig in HUP INT TERM; do
    trap "echo \"run.sh: stopped by SIG$sig at workers=\${n:-?} (\${storage:-?})\" >&2; exit 1" "$sig"
done
cd "$(dirname "$0")/../.."
if [ -z "${KNOB_BIN:-}" ]; then
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build build -j"$(nproc)" --target bench_workers >/dev/null
fi
BIN=${KNOB_BIN:-./build/bench/workers/bench_workers}
PG=$(bash scripts/pg.sh start)
PG_DIR=${KNOB_PG_DIR:-/tmp/knob-pg-${KNOB_PG_PORT:-54329}}
TMP=$(mktemp -d)
KNOB_M=${KNOB_M:-300}
OPTUNA_M=${OPTUNA_M:-30}
SCHEMAS=()
pg_schema() { # a fresh schema per measurement, dropped at the end (a server used for many runs
    # otherwise keeps every one: thousands of tables and gigabytes after a day of runs)
    local s="b_$1_$$_$RANDOM"
    psql "$PG" -qc "CREATE SCHEMA $s" >&2 || { echo "run.sh: cannot create schema $s" >&2; return 1; }
    echo "$s"
}
drop_schemas() {
    local s
    for s in "${SCHEMAS[@]}"; do
        psql "$PG" -qc "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $s CASCADE" >&2 || true
    done
    SCHEMAS=()
}
trap drop_schemas EXIT
rate() { sed -n 's/.*trials_per_s=\([0-9.]*\).*/\1/p'; }
count() { sed -n 's/.*trials=\([0-9]*\).*/\1/p'; }
# CPU seconds (user+sys) of the PostgreSQL server: the postmaster, its live children, and the
# children it has reaped (every backend of a finished connection).
server_cpu() {
    local pm tck
    pm=$(head -n 1 "$PG_DIR/postmaster.pid" 2>/dev/null) || { echo 0; return; }
    tck=$(getconf CLK_TCK)
    { cat "/proc/$pm/stat"; for c in $(cat "/proc/$pm/task/$pm/children" 2>/dev/null); do
        cat "/proc/$c/stat" 2>/dev/null || true; done; } | # a child may be gone
        awk -v t="$tck" '{ sub(/^.*\) /, ""); s += $12 + $13 + $14 + $15 } END { printf "%.2f", s / t }'
}
# Runs "$@" (a bench printing trials=N trials_per_s=R); prints "rate client_ms server_ms" per trial,
# and for bench_workers on PostgreSQL the share of its syncs that read pg_locks ("-" otherwise).
measure() {
    local s0 s1 out
    s0=$(server_cpu)
    out=$( { /usr/bin/time -f 'cpu=%U+%S' "$@" 2>&1 1>&3 3>&-; } 3>&1 ) || true
    sleep 1 # the backends of the closed connections are reaped
    s1=$(server_cpu)
    local r n c
    r=$(echo "$out" | rate | head -n 1)
    n=$(echo "$out" | count | head -n 1)
    c=$(echo "$out" | sed -n 's/^cpu=//p' | tail -n 1)
    local syncs locks
    syncs=$(echo "$out" | sed -n 's/.* syncs=\([0-9]*\).*/\1/p' | head -n 1)
    locks=$(echo "$out" | sed -n 's/.*lock_reads=\([0-9]*\).*/\1/p' | head -n 1)
    echo "$out" | grep -v -e '^cpu=' -e 'trials_per_s=' -e '^looks=' -e '^snap_' >>"$TMP/errors" || true
    echo "$out" | grep -e '^looks=' -e '^snap_' | sed "s|^|$*: |" >>"$TMP/counts" || true
    if [ -z "$r" ] || [ -z "$n" ] || [ "$n" = 0 ] || [ -z "$c" ]; then echo "failed - - -"; return; fi
    python3 -c "print('$r', '%.2f' % (($c) * 1000 / $n), '%.2f' % (($s1 - $s0) * 1000 / $n),
                      ('%.0f%%' % (100 * ${locks:-0} / ${syncs:-0})) if ${syncs:-0} else '-')"
}
# pgbench's trials/s for bench/workers/minimal.sql with N clients (a connection and a thread
# each), on a table of its own in a fresh schema.
pgbench_minimal() {
    local s pb
    pb=$(ls -d /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -n 1)
    [ -n "$pb" ] || { echo "failed"; return; }
    s=$(pg_schema m$1) || { echo "failed"; return; }
    PGOPTIONS="-csearch_path=$s" psql "$PG" -q >&2 <<'SQL'
CREATE TABLE trials(id BIGSERIAL PRIMARY KEY, study INT NOT NULL, number BIGINT NOT NULL,
    state INT NOT NULL, value FLOAT8, UNIQUE(study, number));
CREATE INDEX trials_running ON trials(study, number) WHERE state = 0;
CREATE SEQUENCE numbers;
SQL
    PGOPTIONS="-csearch_path=$s" "$pb" -n -f bench/workers/minimal.sql -c "$1" -j "$1" -T "$PGBENCH" \
        -M prepared "$PG" 2>>"$TMP/errors" | sed -n 's/^tps = \([0-9]*\.[0-9]\).*/\1/p' | grep . || echo failed
    psql "$PG" -qc "SET client_min_messages = warning; DROP SCHEMA $s CASCADE" >&2 || true
}
printf '%-10s %7s %14s %8s %8s %6s %16s %8s %8s %7s\n' storage workers knob_trials/s knob_cms knob_sms \
    locks optuna_trials/s opt_cms opt_sms ratio
for storage in ${STORAGES:-postgresql sqlite}; do
    for n in ${WORKERS:-1 2 4 8 16 32}; do
        if [ "$storage" = postgresql ]; then
            sk=$(pg_schema k$n) && so=$(pg_schema o$n)
            SCHEMAS+=("$sk" "$so")
            k="$PG?options=-csearch_path%3D$sk"
            o="postgresql+psycopg2://${PG#postgresql://}?options=-csearch_path%3D$so"
        else
            k="sqlite:///$TMP/k$n.db"
            o="sqlite:///$TMP/o$n.db"
        fi
        m=$KNOB_M
        [ -n "${KNOB_TOTAL:-}" ] && m=$(( (KNOB_TOTAL + n - 1) / n ))
        read -r kr kc ks kl < <(measure "$BIN" "$k" "$n" "$m" ${KNOB_READ:+read}) || true
        if [ -n "${NO_OPTUNA:-}" ]; then
            or=- oc=- os=-
        else
            read -r or oc os _ < <(measure env PYTHONPATH="${OPTUNA_PATH:-}" /usr/bin/python3 \
                bench/workers/optuna_workers.py "$o" "$n" "$OPTUNA_M") || true
        fi
        printf '%-10s %7d %14s %8s %8s %6s %16s %8s %8s %7s\n' "$storage" "$n" "$kr" "$kc" "$ks" "${kl:--}" \
            "$or" "$oc" "$os" \
            "$(python3 -c "print('%.0fx' % ($kr / $or))" 2>/dev/null || echo -)"
        echo "$storage $n $kr" >>"$TMP/rates"
        if [ "$storage" = postgresql ] && [ -n "${PGBENCH:-}" ]; then
            pr=$(pgbench_minimal "$n")
            printf '%-10s %7d %14s\n' pgbench "$n" "$pr"
            echo "pgbench-minimal $n $pr" >>"$TMP/rates"
        fi
        drop_schemas
    done
done
# Each count's knob trials/s as a share of the storage's peak (its highest rate in this run).
python3 - "$TMP/rates" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
for storage in dict.fromkeys(r[0] for r in rows):
    got = [(int(n), float(r)) for s, n, r in rows if s == storage and r != "failed"]
    if not got:
        continue
    peak_n, peak = max(got, key=lambda x: x[1])
    print(f"{storage}: share of the peak ({peak:.1f} trials/s at {peak_n} workers): " +
          ", ".join(f"{n}: {100 * r / peak:.0f}%" for n, r in got))
PY
[ -s "$TMP/counts" ] && sed 's#^[^:]*bench_workers [^ ]* \([0-9]*\) [0-9]*#workers=\1#' "$TMP/counts"
per="$KNOB_M trials per worker"
[ -n "${KNOB_TOTAL:-}" ] && per="$KNOB_TOTAL trials per row, split among its workers"
echo "(knob: $per; optuna: $OPTUNA_M per worker; *_cms: client CPU ms per trial,"
echo " *_sms: server CPU ms per trial (PostgreSQL; includes whatever else that server ran); locks: the"
echo " share of knob's syncs whose watermark read pg_locks; errors in $TMP/errors)"
