#!/usr/bin/env bash
# method pbt: a worker that dies right after winning an interval's claim
# (KNOB_TEST_PBT_EXIT_AFTER_CLAIM makes it exit right there) leaves no claim without its
# trial: the claim, the trial, its pbt record and its first heartbeat are one transaction.
# The trial goes without heartbeat; after pbt.grace another worker fails it (worker_lost)
# and runs the interval from its record, and the population finishes with no interval run
# twice. On SQLite and on PostgreSQL.
source "$(dirname "$0")/lib.bash"
cp "$PROGS/pbt_toy.sh" .
cat > sweep.yaml <<YAML
program: $T/pbt_toy.sh
method: pbt
metric: {name: score, goal: maximize}
pbt: {population: 2, interval: 2, max_steps: 6, grace: 1s}
parameters:
  lr: {distribution: log_uniform_values, min: 0.01, max: 0.45}
YAML
claims() { # storage-url: every claim's key and trial, "key|trial" per line
    case $1 in
    sqlite:*) sqlite3 "${1#sqlite:///}" "SELECT key, IFNULL(trial, 'none') FROM claims" ;;
    *) psql "$PG_BASE" -qtAc "SET search_path = $schema" \
        -c "SELECT key, COALESCE(trial::text, 'none') FROM knob_claims" ;;
    esac
}
population() { # study storage-url stuck|done
    "$KNOB" trials "$1" --storage "$2" --format json > "t-$1.json"
    claims "$2" > "c-$1.txt" || fail "population $1: cannot read the claims"
    python3 - "$T/t-$1.json" "$3" "$T/c-$1.txt" <<'PY' || fail "population $1: $(cat "t-$1.json" "c-$1.txt")"
import json, sys
d = json.load(open(sys.argv[1]))
rec = {t["number"]: t["system_attrs"]["pbt"] for t in d if "pbt" in t["system_attrs"]}
# no claim without its trial, whenever the worker died
claims = [l.split("|") for l in open(sys.argv[3]).read().split()]
assert len(claims) == len(rec), (claims, rec)
ids = {}
for key, trial in claims:
    assert trial != "none", claims
    ids[trial] = key
assert len(ids) == len(claims), claims
keys = {"pbt:%d:%d:%d" % (r["member"], r["interval"], r["attempt"]) for r in rec.values()}
assert keys == {k for k, _ in claims}, (keys, claims)
lost = [t for t in d if t["number"] in rec and (rec[t["number"]]["member"], rec[t["number"]]["interval"], rec[t["number"]]["attempt"]) == (1, 1, 0)]
assert len(lost) == 1, rec
lost = lost[0]
# the dead worker's trial: its record and a heartbeat, written with it; its program never started
assert "heartbeat" in lost["system_attrs"] and "params" not in lost["user_attrs"], lost
if sys.argv[2] == "stuck":
    assert lost["state"] == "running", lost
    assert [r for r in rec.values() if (r["member"], r["interval"]) == (0, 1)], rec
    sys.exit(0)
assert lost["state"] == "fail" and lost["system_attrs"]["fail_cause"] == "worker_lost", lost
done = [(r["member"], r["interval"]) for n, r in rec.items()
        if [t for t in d if t["number"] == n][0]["state"] == "complete"]
assert len(done) == len(set(done)), done  # no interval ran twice
ends = {}
for t in d:
    r = rec.get(t["number"])
    if r and t["state"] == "complete":
        ends[r["member"]] = max(ends.get(r["member"], 0), r["end"])
assert ends == {0: 6, 1: 6}, ends
assert all(t["state"] == "complete" for t in d if t["number"] in rec and t is not lost), d
PY
}
dead_claim() { # study storage-url
    # one member at a time: member 0's and 1's first intervals, 0's second, then the claim
    # of 1's second, and the exit
    local rc=0
    KNOB_TEST_PBT_EXIT_AFTER_CLAIM=1:1 "$KNOB" run sweep.yaml --storage "$2" --study "$1" \
        > "run-$1.txt" 2>&1 || rc=$?
    [ $rc = 70 ] || fail "$1: the run exited $rc, not 70 (after the claim): $(cat "run-$1.txt")"
    population "$1" "$2" stuck
    timeout 60 "$KNOB" worker --study "$1" --storage "$2" --parallel 2 > "w-$1.txt" 2>&1 ||
        fail "$1: the worker did not finish the population: $(cat "w-$1.txt")"
    population "$1" "$2" done
}
dead_claim s "sqlite:///$T/s.db"

if [ -z "${KNOB_TEST_PG_URL:-}" ]; then
    skip "KNOB_TEST_PG_URL is not set (scripts/test.sh starts a server)"
fi
schema="pbtdc_$$_$(date +%s)"
PG_BASE=$KNOB_TEST_PG_URL
psql "$KNOB_TEST_PG_URL" -qc "CREATE SCHEMA $schema" || fail "cannot create a schema"
dead_claim pg "$KNOB_TEST_PG_URL?options=-csearch_path%3D$schema"
echo ok
