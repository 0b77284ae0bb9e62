#!/usr/bin/env bash
# Crashing, hanging, NaN and metric-less trials end FAIL with their reason (a NaN printed
# by Python's json.dumps too, after finite losses; a metric printed as something other
# than a number is named with that value); the study goes on; stdout and stderr are kept
# in the trial directory.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/curve.py
method: grid
metric: {name: loss, goal: minimize}
trial_timeout: 8
parameters:
  mode: {values: [ok, crash, hang, nan, diverge, tensor, nometric, ok]}
  lr: {value: 0.01}
YAML
start=$(date +%s)
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study f --parallel 3 > out.txt || fail "run failed: $(cat out.txt)"
# the hanging trial sleeps 60 s unless killed at its 8 s timeout (long enough for the
# other trials' Python to start on a busy machine)
[ $(( $(date +%s) - start )) -lt 50 ] || fail "the hanging trial was not killed"
"$KNOB" trials f --storage "sqlite:///$T/s.db" --format json > t.json
python3 - "$T" <<'PY' || fail "wrong states or reasons: $(cat $T/t.json)"
import json, sys
d = json.load(open(sys.argv[1] + "/t.json"))
assert len(d) == 8, len(d)
by = {}
for t in d:
    by.setdefault(t["params"]["mode"], []).append(t)
assert all(t["state"] == "complete" for t in by["ok"]) and len(by["ok"]) == 2
r = lambda m: by[m][0]["system_attrs"].get("fail_reason", "")
assert by["crash"][0]["state"] == "fail" and "exit status 3" in r("crash") and "about to crash" in r("crash"), r("crash")
assert by["hang"][0]["state"] == "fail" and "timed out after 8s" in r("hang"), r("hang")
assert by["nan"][0]["state"] == "fail" and "metric 'loss' is nan" in r("nan"), r("nan")
assert by["diverge"][0]["state"] == "fail" and "metric 'loss' is nan" in r("diverge"), by["diverge"]
assert len(by["diverge"][0]["intermediate"]) == 2, by["diverge"]
assert by["nometric"][0]["state"] == "fail" and r("nometric").startswith("no metric 'loss' in stdout") and "not a number" not in r("nometric"), r("nometric")
assert by["tensor"][0]["state"] == "fail" and r("tensor").startswith(
    "no metric 'loss' in stdout: its value 'tensor(0.3333' is not a number"), r("tensor")
PY
n=$(py '[t["number"] for t in d if t["params"]["mode"]=="crash"][0]' < t.json)
grep -q "about to crash" "knob-runs/f/$n/stderr.log" || fail "stderr not kept"
ok=$(py '[t["number"] for t in d if t["params"]["mode"]=="ok"][0]' < t.json)
grep -q '"loss"' "knob-runs/f/$ok/stdout.log" || fail "stdout not kept"
expect_dead knob-runs/f/*
echo ok
