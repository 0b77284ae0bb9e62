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

dashboard_start "$db"
dashboard_json "/api/study?name=b" > study.json
dashboard_stop
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
