#!/usr/bin/env bash
# YAML 1.1's booleans and nulls, as W&B reads its sweep files (PyYAML): yes/no, on/off and
# the upper-case words are booleans, NULL is null, in values, value and when; quoted words
# stay strings.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/argv.py
method: grid
parameters:
  amp: {values: [yes, no]}
  mode: {values: [On, OFF, "off"]}
  big: {value: TRUE}
  none: {value: NULL}
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
    assert ("x" in p) == p["amp"], p
    seen.add((p["amp"], p["mode"]))
assert len(seen) == 6, seen
PY
echo ok
