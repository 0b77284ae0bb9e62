#!/usr/bin/env bash
# YAML merge keys, as W&B (PyYAML) reads them: `<<: *anchor` and `<<: [*a, *b]` give a
# mapping the pairs it does not give itself, in parameters and nested parameters; a merge of
# something that is not a mapping is an error at its line and column.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/argv.py
method: random
parameters:
  a: &unit {min: 0.0, max: 1.0}
  b:
    <<: *unit
    min: 5.0
    max: 6.0
  c: {<<: [{values: [7]}, *unit]}
  opt: &opt
    parameters:
      lr: {values: [0.5]}
  opt2: {<<: *opt}
YAML
S="--storage sqlite:///$T/s.db"
"$KNOB" run sweep.yaml $S --study m --trials 3 > out.txt 2>&1 || fail "run failed: $(cat out.txt)"
"$KNOB" trials m $S --format json > t.json
python3 - t.json <<'PY' || fail "merged params: $(cat t.json)"
import json, sys
trials = json.load(open(sys.argv[1]))
assert len(trials) == 3, trials
for t in trials:
    p = t["params"]
    assert sorted(p) == ["a", "b", "c", "opt", "opt2"], p
    assert 0 <= p["a"] <= 1 and 5 <= p["b"] <= 6 and p["c"] == 7, p
    assert p["opt"] == {"lr": 0.5} and p["opt2"] == {"lr": 0.5}, p
PY
printf 'program: %s\nmethod: random\nparameters:\n  a: {<<: 3, min: 0, max: 1}\n' "$PROGS/argv.py" > bad.yaml
rc=0
"$KNOB" run bad.yaml $S --study bad --trials 1 > /dev/null 2> bad.err || rc=$?
[ $rc = 2 ] || fail "a merge of a scalar: exit $rc, not 2: $(cat bad.err)"
grep -qF "bad.yaml:4:11: key '<<': a merge takes a mapping or a list of mappings, got a scalar" bad.err ||
    fail "a merge of a scalar: $(cat bad.err)"
echo ok
