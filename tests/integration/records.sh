#!/usr/bin/env bash
# Metric records in every style (JSON lines, key=value, key: value), steps from
# step/epoch or the count, several objectives and their Pareto front; a program that is
# not Python run directly by its relative name; trials get /dev/null as stdin.
source "$(dirname "$0")/lib.bash"
cp "$PROGS/records.sh" .
cat > sweep.yaml <<YAML
program: records.sh
method: grid
trial_timeout: 10s
objectives:
  - {name: loss, goal: minimize}
  - {name: acc, goal: maximize}
parameters:
  style: {values: [json, kv, colon]}
YAML
# a stdin that never ends: a trial reading it would hang until its timeout
exec {never}< <(sleep 60)
sleeper=$!
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study r <&$never > out.txt 2> err.txt ||
    fail "run failed: $(cat out.txt err.txt)"
kill $sleeper 2> /dev/null || true
"$KNOB" trials r --storage "sqlite:///$T/s.db" --format json > t.json
python3 - "$T" <<'PY' || fail "records: $(cat $T/t.json)"
import json, sys
d = json.load(open(sys.argv[1] + "/t.json"))
by = {t["params"]["style"]: t for t in d}
assert sorted(by) == ["colon", "json", "kv"], by.keys()
for t in d:
    assert t["state"] == "complete", t
    assert t["values"] == [2.0, 0.5], t
assert by["json"]["intermediate"] == {"10": 3, "20": 2.5, "30": 2}, by["json"]
assert by["kv"]["intermediate"] == {"1": 3, "2": 2.5, "3": 2}, by["kv"]
assert by["colon"]["intermediate"] == {"0": 3, "1": 2.5, "2": 2}, by["colon"]
PY
"$KNOB" best r --storage "sqlite:///$T/s.db" --json > best.txt
expect_eq "$(wc -l < best.txt)" 3 "Pareto front (three equal trials)"
grep -q "Pareto front: 3 trials" out.txt || fail "summary: $(cat out.txt)"
n=$(py '[t["number"] for t in d if t["params"]["style"] == "kv"][0]' < t.json)
grep -q "some log line" "knob-runs/r/$n/stdout.log" || fail "stdout.log"
grep -q "done" "knob-runs/r/$n/stderr.log" || fail "stderr.log"
echo ok
