#!/usr/bin/env bash
# A metric's value is a decimal number, as JSON and Python's float() read them: a
# hexadecimal one (a pointer printed where the loss should be) is no number, and the trial
# fails naming it, in key=value and in JSON records alike; decimal values still count.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<'YAML'
command: ["/bin/sh", "-c", "case $KNOB_TRIAL_NUMBER in 0) echo loss=0x10;; 1) echo '{\"loss\": \"0x1p-3\"}';; 2) echo loss=2.5e-1;; esac"]
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [1, 2, 3]}
YAML
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study h --max-initial-failures 0 > out.txt 2>&1 ||
    fail "run failed: $(cat out.txt)"
"$KNOB" trials h --storage "sqlite:///$T/s.db" --format json > t.json
python3 - "$T" <<'PY' || fail "wrong states or reasons: $(cat $T/t.json)"
import json, sys
d = {t["number"]: t for t in json.load(open(sys.argv[1] + "/t.json"))}
r = lambda n: d[n]["system_attrs"].get("fail_reason", "")
assert d[0]["state"] == "fail" and "its value '0x10' is not a number" in r(0), d[0]
assert d[1]["state"] == "fail" and "its value '0x1p-3' is not a number" in r(1), d[1]
assert d[2]["state"] == "complete" and d[2]["values"] == [0.25], d[2]
PY

# knob tell and knob intermediate read decimal numbers too (0x10 was told as 16)
printf '%s\n' "program: x" "method: random" "metric: {name: loss}" "parameters:" "  x: {min: 0.0, max: 1.0}" > r.yaml
line=$("$KNOB" ask hx --sweep r.yaml --storage "sqlite:///$T/s.db")
n=$(echo "$line" | py 'd["number"]')
for args in "tell hx $n 0x10" "tell hx $n 1 --constraints 0,0x1" "intermediate hx $n 0x1p3"; do
    # shellcheck disable=SC2086 # the words of the command
    if "$KNOB" $args --storage "sqlite:///$T/s.db" 2> err.txt; then fail "knob $args was taken"; fi
    grep -q "not a number\|must be a finite number\|list of numbers" err.txt || fail "knob $args: $(cat err.txt)"
done
"$KNOB" trials hx --storage "sqlite:///$T/s.db" --format json > t.json
expect_eq "$(py "[(t['state'], t['intermediate']) for t in d if t['number'] == $n]" < t.json)" \
    '[["running", {}]]' "the trial told in hex"
echo ok
