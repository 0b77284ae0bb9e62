#!/usr/bin/env bash
# knob worker on PostgreSQL: a study started by knob run is joined by three workers that
# know only its name; no trial number is handed out twice.
source "$(dirname "$0")/lib.bash"
if [ -z "${KNOB_TEST_PG_URL:-}" ]; then
    skip "KNOB_TEST_PG_URL is not set (scripts/test.sh starts a server)"
fi
schema="w_$$_$(date +%s)"
psql "$KNOB_TEST_PG_URL" -qc "CREATE SCHEMA $schema" || fail "cannot create a schema"
URL="$KNOB_TEST_PG_URL?options=-csearch_path%3D$schema"
cat > sweep.yaml <<YAML
program: $PROGS/curve.py
metric: {name: loss, goal: minimize}
method: random
parameters:
  lr: {distribution: log_uniform_values, min: 0.001, max: 0.1}
YAML
"$KNOB" run sweep.yaml --storage "$URL" --study w --trials 5 > run.txt || fail "run: $(cat run.txt)"
pids=()
for i in 1 2 3; do
    "$KNOB" worker --study w --storage "$URL" --trials 10 > "w$i.txt" 2>&1 &
    pids+=($!)
done
for i in 1 2 3; do
    wait "${pids[i - 1]}" || fail "worker $i: $(cat "w$i.txt")"
done
"$KNOB" trials w --storage "$URL" --format json > t.json
expect_eq "$(py 'sorted(t["number"] for t in d) == list(range(35))' < t.json)" True "trial numbers"
expect_eq "$(py 'sorted(set(t["state"] for t in d))' < t.json)" '["complete"]' "states"
"$KNOB" studies --storage "$URL" > studies.txt
grep -q "knob:knob@" studies.txt run.txt w1.txt && fail "a password was printed"
if "$KNOB" worker --study nope --storage "$URL" 2> err.txt; then fail "unknown study"; fi
grep -q "no study named 'nope'" err.txt || fail "error: $(cat err.txt)"
echo ok
