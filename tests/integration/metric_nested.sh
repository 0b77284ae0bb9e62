#!/usr/bin/env bash
# A JSON record's nested object is read under dotted names, as W&B names a nested metric
# ({"val": {"loss": 0.25}} is val.loss): a step and the metric nested alike, a metric named
# after the object itself says its value is an object, and a dotted key written flat reads
# as before.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<'YAML'
command: ["/bin/sh", "-c", "case $KNOB_TRIAL_NUMBER in 0) echo '{\"epoch\": 0, \"val\": {\"loss\": 0.5, \"acc\": 0.7}}'; echo '{\"epoch\": 1, \"val\": {\"loss\": 0.25}}';; 1) echo '{\"val.loss\": 0.125}';; 2) echo '{\"a\": {\"b\": {\"val\": {\"loss\": 1}}}, \"val\": {\"loss\": {\"x\": 1}}}';; esac"]
method: grid
metric: {name: val.loss, goal: minimize}
parameters:
  x: {values: [0, 1, 2]}
YAML
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study n --max-initial-failures 0 > out.txt 2>&1 ||
    fail "run failed: $(cat out.txt)"
"$KNOB" trials n --storage "sqlite:///$T/s.db" --format json > t.json
python3 - "$T" <<'PY' || fail "wrong states or values: $(cat $T/t.json)"
import json, sys
d = {t["number"]: t for t in json.load(open(sys.argv[1] + "/t.json"))}
assert d[0]["state"] == "complete" and d[0]["values"] == [0.25], d[0]
assert d[0]["intermediate"] == {"0": 0.5, "1": 0.25}, d[0]
assert d[1]["state"] == "complete" and d[1]["values"] == [0.125], d[1]
assert d[2]["state"] == "fail", d[2]
assert "its value 'an object' is not a number" in d[2]["system_attrs"]["fail_reason"], d[2]
PY
echo ok
