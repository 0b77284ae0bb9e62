#!/usr/bin/env bash
# A failover: for a few seconds the server is up but read-only (a standby, or an old primary
# still reached, answers "cannot execute ... in a read-only transaction", SQLSTATE 25006;
# here the database's default_transaction_read_only, and the sessions ended so that new ones
# take it). The worker waits for it as for a lost connection and writes what finished
# meanwhile once it may: every trial is saved once, none is left RUNNING, and it exits 0. It
# stopped with status 1 ("the storage failed"), its finished trials left RUNNING unsaved.
# Changes the database's settings: registered RUN_SERIAL (tests/CMakeLists.txt).
source "$(dirname "$0")/lib.bash"
if [ -z "${KNOB_TEST_PG_URL:-}" ]; then
    skip "KNOB_TEST_PG_URL is not set (scripts/test.sh starts a server)"
fi
schema="ro_$$_$(date +%s)"
psql "$KNOB_TEST_PG_URL" -qc "CREATE SCHEMA $schema" || fail "cannot create a schema"
URL="$KNOB_TEST_PG_URL?options=-csearch_path%3D$schema"
# read_only on|off: the database's default for new sessions (set from a session that may
# write whatever the default is)
read_only() {
    local what="SET default_transaction_read_only = on"
    [ "$1" = on ] || what="RESET default_transaction_read_only"
    PGOPTIONS="-c default_transaction_read_only=off -c client_min_messages=warning" \
        psql "$KNOB_TEST_PG_URL" -qc "DO \$\$ BEGIN EXECUTE format('ALTER DATABASE %I $what',
            current_database()); END \$\$"
}
cleanup() {
    read_only off || true
    PGOPTIONS="-c client_min_messages=warning" psql "$KNOB_TEST_PG_URL" -qc \
        "DROP SCHEMA IF EXISTS $schema CASCADE" > /dev/null 2>&1 || true
}
trap cleanup EXIT
cat > s.yaml <<YAML
command: [sh, -c, "sleep 1; echo loss=1"]
method: random
metric: {name: loss, goal: minimize}
parameters: {x: {min: 0.0, max: 1.0}}
run_cap: 8
YAML
"$KNOB" run s.yaml --storage "$URL" --study ro --trials 0 > run.txt || fail "run: $(cat run.txt)"
KNOB_PG_RETRY_SECONDS=60 "$KNOB" worker --study ro --storage "$URL" --parallel 2 > w.txt 2>&1 &
w=$!
for _ in $(seq 100); do
    [ -d knob-runs/ro/1 ] && break
    sleep 0.1
done
[ -d knob-runs/ro/1 ] || fail "the trials did not start: $(cat w.txt)"
read_only on || fail "cannot make the database read-only"
psql "$KNOB_TEST_PG_URL" -qAtc "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
    WHERE datname = current_database() AND usename = current_user AND pid <> pg_backend_pid()" \
    > /dev/null || fail "cannot end the worker's sessions"
sleep 3 # trials 0 and 1 end in it: their ends wait
read_only off || fail "cannot make the database writable again"
status=0
wait $w || status=$?
expect_eq "$status" 0 "the worker's exit status ($(cat w.txt))"
"$KNOB" trials ro --storage "$URL" --format json > t.json
expect_eq "$(py 'sorted(t["number"] for t in d) == list(range(8))' < t.json)" True \
    "trial numbers ($(cat w.txt))"
expect_eq "$(py 'sorted(set(t["state"] for t in d))' < t.json)" '["complete"]' "states"
# The schema as a knob before the intermediate values' stamps left it, listed by a read-only
# session (a standby's): it opens without the DDL it may not run, as that knob did. It failed
# after 30 s: "cannot execute CREATE TABLE in a read-only transaction".
psql "$URL" -qc "DROP INDEX knob_intermediate_by_seq; ALTER TABLE knob_intermediate DROP COLUMN
    seq; ALTER TABLE knob_trials DROP COLUMN inter_start, DROP COLUMN inter_reset; COMMENT ON
    TABLE knob_meta IS 'knob schema 5 of before'" || fail "cannot make the schema older"
KNOB_PG_RETRY_SECONDS=2 "$KNOB" trials ro --storage "$URL%20-cdefault_transaction_read_only%3Don" \
    --format json > t.json 2> e.txt || fail "read-only listing of an older schema: $(cat e.txt)"
expect_eq "$(py 'sorted(t["number"] for t in d) == list(range(8))' < t.json)" True \
    "trial numbers read only"
echo ok
