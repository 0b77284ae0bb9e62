#!/usr/bin/env bash
# knob enqueue: the given values reach the program as they are, also for the forms the
# library holds in another shape (normal family and probabilities as quantiles,
# inv_log_uniform_values as the reciprocal), nested names, typed values.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/echo_params.py
method: random
metric: {name: score, goal: maximize}
parameters:
  score: {value: 1}
  n: {distribution: normal, mu: 5, sigma: 2}
  ln: {distribution: log_normal, mu: 0, sigma: 1}
  qn: {distribution: q_normal, mu: 0, sigma: 3, q: 0.5}
  inv: {distribution: inv_log_uniform_values, min: 0.01, max: 1}
  lu: {distribution: log_uniform, min: -4.6, max: 0}
  p: {values: [red, green, blue], probabilities: [0.2, 0.5, 0.3]}
  flag: {values: [true, false]}
  name: {values: ["adam", "sgd"]}
  opt:
    parameters:
      momentum: {values: [0.9, 0.99]}
YAML
S="--storage sqlite:///$T/s.db"
"$KNOB" run sweep.yaml $S --study e --trials 1 > /dev/null
"$KNOB" enqueue e n=6.5 ln=2.5 qn=-1.5 inv=0.04 lu=0.1 p=blue flag=false name=sgd \
    opt.momentum=0.99 $S > enq.txt 2> enq.err || fail "enqueue: $(cat enq.err)"
grep -q "enqueued" enq.txt || fail "enqueue output: $(cat enq.txt)"
"$KNOB" run sweep.yaml $S --study e --trials 1 > /dev/null
"$KNOB" trials e $S --format json > t.json
python3 - "$T" <<'PY' || fail "enqueued params: $(cat $T/t.json)"
import json, sys
d = json.load(open(sys.argv[1] + "/t.json"))
p = d[1]["params"]
want = {"score": 1, "n": 6.5, "ln": 2.5, "qn": -1.5, "inv": 0.04, "lu": 0.1, "p": "blue",
        "flag": False, "name": "sgd", "opt": {"momentum": 0.99}}
for k, v in want.items():
    if isinstance(v, float):
        assert abs(p[k] - v) < 1e-9 * max(1, abs(v)), (k, p[k], v)
    else:
        assert p[k] == v, (k, p[k], v)
a = json.load(open(sys.argv[1] + "/knob-runs/e/1/params.json"))
assert a == p, (a, p)
PY
# a name the sweep does not know is kept with a warning; a value outside the choices fails
"$KNOB" enqueue e nope=1 $S > /dev/null 2> w.err || fail "enqueue of an unknown name failed"
grep -q "'nope' is not a parameter of the sweep" w.err || fail "warning: $(cat w.err)"
if "$KNOB" enqueue e p=purple $S 2> bad.err; then fail "enqueue of a value outside the choices"; fi
grep -q "'purple' is not one of the values of 'p'" bad.err || fail "error: $(cat bad.err)"
if "$KNOB" enqueue e lr $S 2> usage.err; then fail "enqueue without '='"; fi
grep -q "not key=value" usage.err || fail "usage: $(cat usage.err)"
echo ok
