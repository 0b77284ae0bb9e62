#!/usr/bin/env bash
# A Ctrl-C or SIGTERM in a knob run's or knob worker's first moments, while it opens its
# storage, is a stop like any other: exit status 130, never death by the signal (143).
# The open is held here (a SQLite file another process keeps locked for writing; with a
# server, a PostgreSQL table locked) so that the stop comes before it ends.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<'YAML'
command: ["/bin/echo", "loss=1"]
metric: {name: loss, goal: minimize}
method: random
parameters:
  x: {distribution: uniform, min: 0, max: 1}
YAML

# Waits (up to 3 s) until process $1 is knob and has its SIGTERM handler; false otherwise.
term_caught() {
    local mask
    for _ in $(seq 300); do
        if [ "$(cat "/proc/$1/comm" 2> /dev/null)" = knob ]; then
            mask=$(awk '/^SigCgt/ {print $2}' "/proc/$1/status" 2> /dev/null || true)
            [ -n "$mask" ] && (((0x$mask >> 14) & 1)) && return 0
        fi
        sleep 0.01
    done
    return 1
}

# Runs "$@" in the background, stops it with signal $SIG once its handler is in (or after
# 3 s without), after $DELAY more seconds; prints the exit status.
stop_early() {
    "$@" > /dev/null 2>> err.txt &
    local pid=$! status=0
    term_caught $pid || true
    sleep "$DELAY"
    kill "-$SIG" $pid 2> /dev/null || true
    [ -n "${RELEASE:-}" ] && $RELEASE
    wait $pid || status=$?
    echo $status
}

DB="sqlite:///$T/s.db?timeout=20"
"$KNOB" run sweep.yaml --storage "$DB" --study first --trials 1 > /dev/null ||
    fail "the first run failed"

# 1. The open of a new study waits for the write lock another process holds; the lock is
# let go once the stop is sent.
lock() {
    : > lock.txt
    python3 - "$T/s.db" > lock.txt <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], timeout=60, isolation_level=None)
c.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(600)
PY
    holder=$!
    for _ in $(seq 300); do
        grep -q locked lock.txt && return 0
        sleep 0.1
    done
    fail "the lock was not taken"
}
release() { kill $holder 2> /dev/null || true; }
for sig in TERM INT; do
    : > err.txt
    lock
    status=$(SIG=$sig DELAY=0.3 RELEASE=release stop_early "$KNOB" run sweep.yaml --storage "$DB" --study "new$sig" --trials 3)
    wait $holder 2> /dev/null || true
    expect_eq "$status" 130 "exit status of knob run stopped by SIG$sig while it opened ($(cat err.txt))"
done
: > err.txt
lock
status=$(SIG=TERM DELAY=0.3 RELEASE=release stop_early "$KNOB" worker sweep.yaml --storage "$DB" --study neww --trials 3)
wait $holder 2> /dev/null || true
expect_eq "$status" 130 "exit status of knob worker SWEEP stopped while it opened ($(cat err.txt))"
# the lock kept: the stop ends the wait at once (it waited out the lock's 20 s before)
: > err.txt
lock
start=$(date +%s)
status=$(SIG=INT DELAY=0.3 stop_early "$KNOB" run sweep.yaml --storage "$DB" --study held --trials 3)
took=$(($(date +%s) - start))
release
wait $holder 2> /dev/null || true
expect_eq "$status" 130 "exit status of knob run stopped while the lock was held ($(cat err.txt))"
[ "$took" -lt 10 ] || fail "a stop while the open waited for a lock took ${took} s"
# a stop before any trial: none was asked
"$KNOB" trials neww --storage "$DB" --format json > t.json 2> /dev/null || echo '[]' > t.json
expect_eq "$(py 'len(d)' < t.json)" 0 "trials of the study stopped while it opened"

# 2. Many stops at random early moments, each a stop.
for i in $(seq 12); do
    : > err.txt
    status=$(SIG=TERM DELAY="0.0$((RANDOM % 10))" stop_early "$KNOB" worker --study first --storage "$DB" --parallel 4)
    expect_eq "$status" 130 "exit status of knob worker stopped early, try $i ($(cat err.txt))"
done

# 3. knob worker --study on PostgreSQL, whose open reads the study while a table is locked.
if [ -n "${KNOB_TEST_PG_URL:-}" ]; then
    schema="s_$$_$(date +%s)"
    psql "$KNOB_TEST_PG_URL" -qc "CREATE SCHEMA $schema" || fail "cannot create a schema"
    URL="$KNOB_TEST_PG_URL?options=-csearch_path%3D$schema"
    "$KNOB" run sweep.yaml --storage "$URL" --study p --trials 1 > /dev/null || fail "pg run"
    psql "$URL" -qAtc "BEGIN; LOCK TABLE knob_studies IN ACCESS EXCLUSIVE MODE;
        SELECT pg_sleep(600)" > /dev/null 2>&1 &
    pgholder=$!
    locked=
    for _ in $(seq 300); do
        locked=$(psql "$URL" -qAtc "SELECT pid FROM pg_locks WHERE granted AND mode =
            'AccessExclusiveLock' AND relation = 'knob_studies'::regclass")
        [ -n "$locked" ] && break
        sleep 0.1
    done
    [ -n "$locked" ] || fail "the table was not locked"
    release_pg() {
        psql "$URL" -qAtc "SELECT pg_terminate_backend($locked)" > /dev/null
    }
    : > err.txt
    status=$(SIG=TERM DELAY=0.3 RELEASE=release_pg stop_early "$KNOB" worker --study p --storage "$URL")
    expect_eq "$status" 130 "exit status of knob worker --study stopped while it opened ($(cat err.txt))"
    kill $pgholder 2> /dev/null || true
    wait $pgholder 2> /dev/null || true
    psql "$KNOB_TEST_PG_URL" -qc "DROP SCHEMA $schema CASCADE" > /dev/null 2>&1 || true
fi
echo ok
