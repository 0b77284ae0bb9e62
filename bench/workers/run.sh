#!/usr/bin/env bash
# Trials per second with 1, 2, 4, 8, 16 and 32 workers (WORKERS to change) on one study, on PostgreSQL and SQLite,
# knob beside Optuna's RDB storage on the same server, in the same run.
#   bash bench/workers/run.sh            (from the repository root)
#   OPTUNA_PATH=/work/peers/optuna5 bash bench/workers/run.sh   (Optuna from a source tree;
#   default: the installed one)
set -euo pipefail
cd "$(dirname "$0")/../.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target bench_workers >/dev/null
PG=$(bash scripts/pg.sh start)
TMP=$(mktemp -d)
KNOB_M=${KNOB_M:-300}
OPTUNA_M=${OPTUNA_M:-30}
pg_url() { # a fresh schema per measurement: URL for knob, then for SQLAlchemy
    local s="b_$1_$$_$RANDOM"
    psql "$PG" -qc "CREATE SCHEMA $s"
    echo "$PG?options=-csearch_path%3D$s"
}
rate() { sed -n 's/.*trials_per_s=\([0-9.]*\).*/\1/p'; }
printf '%-10s %7s %16s %16s %8s\n' storage workers knob_trials/s optuna_trials/s ratio
for storage in postgresql sqlite; do
    for n in ${WORKERS:-1 2 4 8 16 32}; do
        if [ $storage = postgresql ]; then
            k=$(pg_url k$n)
            o=$(pg_url o$n | sed 's#^postgresql://#postgresql+psycopg2://#')
        else
            k="sqlite:///$TMP/k$n.db"
            o="sqlite:///$TMP/o$n.db"
        fi
        kr=$(./build/bench/workers/bench_workers "$k" "$n" "$KNOB_M" | rate)
        or=$(PYTHONPATH=${OPTUNA_PATH:-} /usr/bin/python3 bench/workers/optuna_workers.py "$o" "$n" "$OPTUNA_M" 2>>"$TMP/optuna.err" | rate)
        printf '%-10s %7d %16s %16s %8s\n' $storage "$n" "$kr" "${or:-failed}" \
            "$(python3 -c "print('%.0fx' % ($kr / $or))" 2>/dev/null || echo -)"
    done
done
echo "(knob: $KNOB_M trials per worker; optuna: $OPTUNA_M per worker; optuna errors in $TMP/optuna.err)"
