#!/usr/bin/env bash
# YAML 1.1's booleans and nulls, as W&B reads its sweep files (PyYAML): yes/no, on/off and
# the upper-case words are booleans, NULL is null, in values, value and when; quoted words
# stay strings; None is null (a string to PyYAML: a documented difference), "None" a string.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/argv.py
method: grid
parameters:
  amp: {values: [yes, no]}
  mode: {values: [On, OFF, "off"]}
  big: {value: TRUE}
  none: {value: NULL}
  py: {values: [None, "None"]}
  word: {value: "yes"}
  x: {values: [1], when: {amp: on}}
YAML
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study b > out.txt 2>&1 || fail "run failed: $(cat out.txt)"
python3 - "$T" <<'PY' || fail "params: $(cat $T/knob-runs/b/*/argv.json)"
import glob, json, sys
seen = set()
for f in glob.glob(sys.argv[1] + "/knob-runs/b/*/argv.json"):
    p = json.loads(json.load(open(f))["env"]["KNOB_PARAMS_JSON"])
    assert p["amp"] in (True, False) and p["mode"] in (True, False, "off"), p
    assert p["big"] is True and p["none"] is None and p["word"] == "yes", p
    assert p["py"] in (None, "None"), p  # None null as before (PyYAML: a string), "None" a string
    assert ("x" in p) == p["amp"], p
    seen.add((p["amp"], p["mode"], p["py"]))
assert len(seen) == 12, seen
PY
# knob enqueue takes the words as the sweep reads them: amp=yes is amp's true, mode=off is
# the string "off" (one of mode's values), mode=Off its false
cat > rnd.yaml <<YAML
program: $PROGS/argv.py
method: random
parameters:
  amp: {values: [yes, no]}
  mode: {values: [On, OFF, "off"]}
YAML
"$KNOB" run rnd.yaml --storage "sqlite:///$T/e.db" --study e --trials 1 > /dev/null 2>&1 ||
    fail "the study was not made"
"$KNOB" enqueue e amp=yes mode=off --storage "sqlite:///$T/e.db" > enq.txt 2>&1 ||
    fail "amp=yes refused: $(cat enq.txt)"
"$KNOB" enqueue e amp=no mode=Off --storage "sqlite:///$T/e.db" > enq.txt 2>&1 ||
    fail "amp=no refused: $(cat enq.txt)"
"$KNOB" run rnd.yaml --storage "sqlite:///$T/e.db" --study e --trials 2 > out.txt 2>&1 ||
    fail "the enqueued trials did not run: $(cat out.txt)"
python3 - "$T" <<'PY' || fail "enqueued params: $(cat $T/knob-runs/e/*/argv.json)"
import glob, json, sys
got = []
for f in sorted(glob.glob(sys.argv[1] + "/knob-runs/e/*/argv.json")):
    got.append(json.loads(json.load(open(f))["env"]["KNOB_PARAMS_JSON"]))
assert {"amp": True, "mode": "off"} in got and {"amp": False, "mode": False} in got, got
PY
echo ok
