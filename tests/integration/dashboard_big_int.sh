#!/usr/bin/env bash
# The dashboard's display values (/api/study's g: the params as knob trials shows them)
# write an integer beyond 2^53 exactly, as knob trials and ${args} do; they wrote the
# double, 1.2345678901234567e+19, also inside a mapping value and for an enqueued trial.
source "$(dirname "$0")/lib.bash"
db="sqlite:///$T/d.db"
cat > s.yaml <<'YAML'
command: [/bin/sh, -c, 'echo "$0" > "$KNOB_TRIAL_DIR/args.txt"; echo loss=1', "${args}"]
method: grid
metric: {name: loss, goal: minimize}
parameters:
  seed: {values: [12345678901234567890, 3]}
  x: {values: [{a: 12345678901234567891}]}
YAML
"$KNOB" run s.yaml --storage "$db" --study b > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
"$KNOB" enqueue b --storage "$db" seed=12345678901234567890 > enq.txt 2>&1 || fail "enqueue: $(cat enq.txt)"
"$KNOB" trials b --storage "$db" > trials.txt
expect_eq "$(grep -c '"seed":12345678901234567890' trials.txt)" 2 "knob trials: $(cat trials.txt)"
grep -q '^--seed=12345678901234567890$' knob-runs/b/*/args.txt || fail "\${args}: $(cat knob-runs/b/*/args.txt)"

# An int param up to 2^53, in a study of its own with no trial yet.
cat > k.yaml <<'YAML'
command: [/bin/sh, -c, 'echo loss=1']
metric: {name: loss, goal: minimize}
parameters:
  k: {min: 0, max: 9007199254740992}
YAML
"$KNOB" run k.yaml --storage "$db" --study k --trials 0 > run_k.txt 2>&1 || fail "run k: $(cat run_k.txt)"

dashboard_start "$db" --allow-write
dashboard_json "/api/study?name=b" > study.json
# POST /api/enqueue takes an integer beyond 2^53 given as a JSON number by its digits, as
# knob enqueue and a JSON string do; a neighbour, which a double cannot tell from it, is
# refused naming the param, and so is an int param's value past its range (as a double it
# was 2^53, the range's end, and was taken so).
expect_eq "$(dashboard_request "/api/enqueue?name=b" \
    '{"params": {"seed": 12345678901234567890, "x": {"a": 12345678901234567891}}}')" \
    '200 {"ok":true,"trial":3,"params":{"seed":12345678901234567890,"x":{"a":12345678901234567891}}}' \
    "enqueue of an integer beyond 2^53"
refuse() { # STUDY BODY EXPECTED-ERROR
    expect_eq "$(dashboard_request "/api/enqueue?name=$1" "$2")" "400 {\"error\":\"enqueue: $3\"}" "enqueue $2"
}
refuse b '{"params": {"seed": 12345678901234567891}}' \
    "'seed' cannot be 12345678901234567891: the sweep's 'seed' is one of [12345678901234567890, 3]"
refuse k '{"params": {"k": 9007199254740993}}' \
    "'k' cannot be 9007199254740993: the sweep's 'k' is a whole number in [0, 9007199254740992]"
refuse k '{"params": {"k": "9007199254740993"}}' \
    "'k' cannot be 9007199254740993: the sweep's 'k' is a whole number in [0, 9007199254740992]"
expect_eq "$(dashboard_status "/api/enqueue?name=k" '{"params": {"k": 9007199254740992}}')" 200 "enqueue of 2^53"
dashboard_stop
"$KNOB" trials b --storage "$db" --format json > b.json
expect_eq "$(py '[d[3]["params"], d[3]["system_attrs"]["fixed_params"]["seed"]]' < b.json)" \
    '[{"seed": 12345678901234567890, "x": {"a": 12345678901234567891}}, "12345678901234567890"]' \
    "knob trials of the enqueued trial"
# the digits as written, read from the text (a double would round them)
python3 - study.json <<'PY' || fail "g: $(cat study.json)"
import json, sys
text = open(sys.argv[1]).read()
d = json.loads(text)  # Python's ints are exact
g = d["trials"]["g"]
numbers = d["trials"]["n"]
by_number = {numbers[int(k)]: v for k, v in g.items()}
assert by_number[0]["seed"] in (12345678901234567890, 3), by_number
seeds = sorted(v["seed"] for v in by_number.values())
assert seeds == [3, 12345678901234567890, 12345678901234567890], seeds
for v in by_number.values():
    if "x" in v:
        assert v["x"] == '{"a":12345678901234567891}', v
assert "e+19" not in text, "a double in the display values"
PY
echo ok
