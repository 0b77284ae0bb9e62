#!/usr/bin/env bash
# method pbt: a worker that dies between winning an interval's claim and writing that
# interval's pbt record (KNOB_TEST_PBT_EXIT_AFTER_CLAIM makes it exit right there) leaves a
# claim that no trial follows; another worker claims that interval again once pbt.grace has
# passed, and the population finishes. On SQLite and on PostgreSQL.
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
population() { # study storage-url: every member reached max_steps; no interval ran twice
    "$KNOB" trials "$1" --storage "$2" --format json > "t-$1.json"
    python3 - "$T/t-$1.json" "$3" <<'PY' || fail "population $1: $(cat "t-$1.json")"
import json, sys
d = json.load(open(sys.argv[1]))
rec = {t["number"]: t["system_attrs"]["pbt"] for t in d if "pbt" in t["system_attrs"]}
if sys.argv[2] == "stuck":  # after the exit: member 1's interval 1 was claimed, never recorded
    assert not [r for r in rec.values() if (r["member"], r["interval"]) == (1, 1)], rec
    assert [r for r in rec.values() if (r["member"], r["interval"]) == (0, 1)], rec
    sys.exit(0)
keys = [(r["member"], r["interval"], r["attempt"]) for r in rec.values()]
assert len(keys) == len(set(keys)), keys
ends = {}
for t in d:
    r = rec.get(t["number"])
    if r and t["state"] == "complete":
        ends[r["member"]] = max(ends.get(r["member"], 0), r["end"])
assert ends == {0: 6, 1: 6}, ends
assert all(t["state"] == "complete" for t in d if t["number"] in rec), d
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
psql "$KNOB_TEST_PG_URL" -qc "CREATE SCHEMA $schema" || fail "cannot create a schema"
dead_claim pg "$KNOB_TEST_PG_URL?options=-csearch_path%3D$schema"
echo ok
