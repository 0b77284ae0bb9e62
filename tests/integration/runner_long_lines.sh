#!/usr/bin/env bash
# Lines of any length up to 1 MiB are read whole: a record is never cut into pieces that
# parse as records. A longer stdout line is skipped whole, with a note in the trial's
# stdout.log and on knob's stderr; stderr lines are kept, never parsed.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/runner_prog.py
method: grid
metric: {name: loss, goal: minimize}
parameters:
  mode: {value: long}
  exit: {values: [0, 3]}
YAML
timeout 120 "$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study l > out.txt 2> err.txt ||
    fail "run failed: $(cat out.txt err.txt)"
"$KNOB" trials l --storage "sqlite:///$T/s.db" --format json > t.json
python3 - "$T" <<'PY' || fail "values: $(head -c 2000 $T/t.json)"
import json, sys
d = json.load(open(sys.argv[1] + "/t.json"))
by = {t["params"]["exit"]: t for t in d}
ok, bad = by[0], by[3]
# 0.5, then the 200 KB JSON record; neither 0.001 (a cut at 16 KB) nor 0.002 (beyond 1 MiB)
assert ok["state"] == "complete" and ok["values"] == [0.25], ok
assert ok["intermediate"] == {"0": 0.5, "1": 0.25}, ok["intermediate"]
# the stderr tail of a failure: the end of the long line, marked as cut, not a record
r = bad["system_attrs"]["fail_reason"]
assert bad["state"] == "fail" and r.startswith("exit status 3; stderr:\n[...]c"), r[:80]
assert r.endswith("c loss=0.003") and len(r) < 4200, (len(r), r[-80:])
PY
n=$(py '[t["number"] for t in d if t["params"]["exit"] == 0][0]' < t.json)
grep -q "^knob: the line above (2097163 bytes) is longer than 1048576 bytes: skipped" \
    "knob-runs/l/$n/stdout.log" || fail "no note in stdout.log"
[ "$(grep -c "^b" "knob-runs/l/$n/stdout.log")" = 1 ] || fail "the long line is not kept whole in stdout.log"
grep -q "trial $n: a stdout line of more than 1048576 bytes was skipped" err.txt ||
    fail "no warning: $(cat err.txt)"
grep -q "c loss=0.003" "knob-runs/l/$n/stderr.log" || fail "stderr.log"
# output that ends inside an over-long line (no newline): the note on a line of its own (it
# was glued to the line's end)
printf 'command: [python3, -c, "import sys; print(\\"loss=1\\"); sys.stdout.write(\\"x\\" * 1100000)"]\nmetric: {name: loss}\nmethod: random\nparameters:\n  a: {min: 0.0, max: 1.0}\n' > end.yaml
timeout 120 "$KNOB" run end.yaml --storage "sqlite:///$T/s.db" --study end --trials 1 > out.txt 2> err.txt ||
    fail "run end: $(cat out.txt err.txt)"
grep -q "^knob: the line above (1100000 bytes) is longer than 1048576 bytes: skipped" knob-runs/end/0/stdout.log ||
    fail "the note at the end: $(tail -c 200 knob-runs/end/0/stdout.log)"
echo ok
