#!/usr/bin/env bash
# A metric's value with digits grouped by underscores, as Python's float() reads it (and
# f"{x:_}" prints it): 1_000.5 is 1000.5, in key=value and in JSON records alike (it was
# "not a number"); an underscore that is not between two digits makes no number, as there.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<'YAML'
command: ["/bin/sh", "-c", "case $KNOB_TRIAL_NUMBER in 0) echo loss=1_000.5;; 1) echo '{\"loss\": \"2_5e-0_1\"}';; 2) echo loss=1__0;; 3) echo loss=_1;; 4) echo loss=1_;; 5) echo loss=1_.5;; 6) echo loss=1e_1;; esac"]
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [0, 1, 2, 3, 4, 5, 6]}
YAML
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study u --max-initial-failures 0 > out.txt 2>&1 ||
    fail "run failed: $(cat out.txt)"
"$KNOB" trials u --storage "sqlite:///$T/s.db" --format json > t.json
python3 - "$T" <<'PY' || fail "wrong states or values: $(cat $T/t.json)"
import json, sys
d = {t["number"]: t for t in json.load(open(sys.argv[1] + "/t.json"))}
r = lambda n: d[n]["system_attrs"].get("fail_reason", "")
assert d[0]["state"] == "complete" and d[0]["values"] == [float("1_000.5")], d[0]
assert d[1]["state"] == "complete" and d[1]["values"] == [float("2_5e-0_1")], d[1]
for n, text in [(2, "1__0"), (3, "_1"), (4, "1_"), (5, "1_.5"), (6, "1e_1")]:
    try:
        float(text)
        raise AssertionError(text + " is a number to Python")
    except ValueError:
        pass
    assert d[n]["state"] == "fail" and f"its value '{text}' is not a number" in r(n), d[n]
PY
echo ok
