#!/usr/bin/env bash
# knob enqueue, then knob trials before the trial runs: the enqueued params are listed as
# they were given (as the program will get them), not as knob holds them (a weighted
# choice or a normal as a quantile, inv_log_uniform_values as the reciprocal, a list value
# as its JSON text); once the trial has run, as the program got them.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/echo_params.py
method: random
metric: {name: score, goal: maximize}
parameters:
  score: {value: 1}
  n: {distribution: normal, mu: 5, sigma: 2}
  inv: {distribution: inv_log_uniform_values, min: 0.01, max: 1}
  p: {values: [red, green, blue], probabilities: [0.2, 0.5, 0.3]}
  layers: {values: [[64, 64], [128]]}
  opt:
    parameters:
      momentum: {values: [0.9, 0.99]}
YAML
S="--storage sqlite:///$T/s.db"
"$KNOB" run sweep.yaml $S --study e --trials 1 > /dev/null
"$KNOB" enqueue e n=6.5 inv=0.04 p=blue 'layers=[64,64]' opt.momentum=0.99 $S > enq.txt \
    2> enq.err || fail "enqueue: $(cat enq.err)"
"$KNOB" trials e $S --format json > before.json
python3 - "$T/before.json" <<'PY' || fail "listed before the run: $(cat "$T/before.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d) == 2 and d[1]["state"] == "waiting", d
p = d[1]["params"]
assert set(p) == {"n", "inv", "p", "layers", "opt"}, p
assert abs(p["n"] - 6.5) < 1e-9 and abs(p["inv"] - 0.04) < 1e-12, p
assert p["p"] == "blue" and p["layers"] == [64, 64] and p["opt"] == {"momentum": 0.99}, p
assert "params" not in d[1]["user_attrs"], d[1]  # the user's attributes stay the user's
PY
"$KNOB" trials e $S > before.txt
grep -q '"p":"blue"' before.txt || fail "table: $(cat before.txt)"
grep -q '"layers":\[64,64\]' before.txt || fail "table: $(cat before.txt)"
"$KNOB" run sweep.yaml $S --study e --trials 1 > /dev/null
"$KNOB" trials e $S --format json > after.json
python3 - "$T" <<'PY' || fail "listed after the run: $(cat "$T/after.json")"
import json, sys
T = sys.argv[1]
d = json.load(open(T + "/after.json"))
p = d[1]["params"]
assert d[1]["state"] == "complete", d[1]
assert p == json.load(open(T + "/knob-runs/e/1/params.json")), p
assert p["p"] == "blue" and p["layers"] == [64, 64] and p["score"] == 1, p
PY
echo ok
