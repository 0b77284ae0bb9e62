#!/usr/bin/env bash
# A W&B sweep file with every parameter form runs; each trial's params fit their forms.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/argv.py
method: random
metric: {name: score, goal: maximize}
run_cap: 25
parameters:
  const: {value: 7}
  cat: {values: [adam, 3, 2.5, true, null]}
  cat_p: {values: [a, b], probabilities: [0.9, 0.1]}
  iu: {distribution: int_uniform, min: 2, max: 5}
  u: {distribution: uniform, min: -1, max: 1}
  qu: {distribution: q_uniform, min: 0, max: 10, q: 2}
  lu: {distribution: log_uniform, min: -4.6, max: 0}
  luv: {distribution: log_uniform_values, min: 0.0001, max: 0.1}
  qluv: {distribution: q_log_uniform_values, min: 1, max: 1000, q: 10}
  iluv: {distribution: inv_log_uniform_values, min: 0.01, max: 1}
  n: {distribution: normal, mu: 5, sigma: 0.1}
  qn: {distribution: q_normal, mu: 0, sigma: 2, q: 0.5}
  ln: {distribution: log_normal, mu: 0, sigma: 0.5}
  qln: {distribution: q_log_normal, mu: 2, sigma: 0.3, q: 1}
  inferred_int: {min: 1, max: 3}
  inferred_float: {min: 0.5, max: 1.5}
  inferred_float2: {min: 1.0, max: 3.0}
  optimizer:
    parameters:
      momentum: {values: [0.9, 0.99]}
      beta: {min: 0.1, max: 0.2}
YAML
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --seed 3 > out.txt || fail "run failed: $(cat out.txt)"
"$KNOB" trials sweep --storage "sqlite:///$T/s.db" --format json > trials.json
expect_eq "$(py 'len(d)' < trials.json)" 25 "trials (run_cap)"
expect_eq "$(py 'sorted(set(t["state"] for t in d))' < trials.json)" '["complete"]' "states"
python3 - "$T" <<'PY' || fail "a param does not fit its form"
import json, math, sys
d = json.load(open(sys.argv[1] + "/trials.json"))
seen_cat = set()
for t in d:
    p = t["params"]
    assert p["const"] == 7
    seen_cat.add(json.dumps(p["cat"]))
    assert p["cat_p"] in ("a", "b")
    assert isinstance(p["iu"], int) and 2 <= p["iu"] <= 5
    assert -1 <= p["u"] <= 1
    assert p["qu"] in (0, 2, 4, 6, 8, 10)
    assert math.exp(-4.6) * 0.999 <= p["lu"] <= 1.0001
    assert 1e-4 <= p["luv"] <= 0.1
    assert p["qluv"] % 10 == 0 and 0 <= p["qluv"] <= 1000
    assert 0.01 <= p["iluv"] <= 1
    assert 4 < p["n"] < 6
    assert abs(p["qn"] * 2 - round(p["qn"] * 2)) < 1e-9
    assert p["ln"] > 0 and p["qln"] == round(p["qln"])
    assert isinstance(p["inferred_int"], int) and 1 <= p["inferred_int"] <= 3
    assert 0.5 <= p["inferred_float"] <= 1.5
    assert 1 <= p["inferred_float2"] <= 3
    assert p["optimizer"]["momentum"] in (0.9, 0.99) and 0.1 <= p["optimizer"]["beta"] <= 0.2
    assert t["values"] == [1.5]
assert len(seen_cat) >= 4, seen_cat   # strings, numbers, booleans and null all drawn
assert '"adam"' in seen_cat and 'true' in seen_cat and 'null' in seen_cat
# W&B: min/max written as floats give a float (not an integer) parameter
assert any(p["inferred_float2"] != int(p["inferred_float2"]) for p in (t["params"] for t in d))
# the program got the same values as recorded
a = json.load(open(sys.argv[1] + "/knob-runs/sweep/0/argv.json"))
assert json.loads(a["env"]["KNOB_PARAMS_JSON"]) == d[0]["params"], a
PY
# Floats stay floats when whole, as W&B's Python passes them: a value written as a float
# (1.0, 3.0e0), a float form's value (q_uniform of q 0.5); an int form and a q form of a whole
# q stay integers. They came as 1, 3 and 0 / 1, a param's type changing from trial to trial.
cat > floats.yaml <<YAML
program: $PROGS/argv.py
method: grid
parameters:
  a: {values: [1.0, 2.5, 4]}
  b: {distribution: q_uniform, min: 0.0, max: 1.0, q: 0.5}
  c: {value: 3.0e0}
  i: {distribution: q_uniform, min: 0, max: 4, q: 2}
  h: {value: 0x1E}
YAML
"$KNOB" run floats.yaml --storage "sqlite:///$T/f.db" > outf.txt || fail "floats: $(cat outf.txt)"
python3 - "$T" <<'PY' || fail "floats: $(cat $T/knob-runs/floats/*/argv.json)"
import glob, json, sys
seen = set()
for f in glob.glob(sys.argv[1] + "/knob-runs/floats/*/argv.json"):
    a = json.load(open(f))
    args = dict(x[2:].split("=", 1) for x in a["argv"])
    p = json.loads(a["env"]["KNOB_PARAMS_JSON"])
    assert args["a"] in ("1.0", "2.5", "4") and args["c"] == "3.0", args
    assert args["b"] in ("0.0", "0.5", "1.0") and args["i"] in ("0", "2", "4"), args
    assert type(p["a"]) is (int if args["a"] == "4" else float) and type(p["b"]) is float, p
    assert type(p["c"]) is float and type(p["i"]) is int, p
    assert args["h"] == "30" and type(p["h"]) is int, p  # a hex int: its E is no exponent
    seen.add(args["b"])
assert seen == {"0.0", "0.5", "1.0"}, seen
PY
# run_cap reached: a second run starts nothing
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" > out2.txt
grep -q "reached its run_cap" out2.txt || fail "run_cap not honoured: $(cat out2.txt)"
echo ok
