#!/usr/bin/env bash
# A parameter's keys as W&B's schema reads them: `distribution: categorical_w_probabilities`
# (W&B's name for values with probabilities) is taken; a key that the parameter's
# distribution does not read (min of a normal, q of a uniform or of an inferred int_uniform,
# value beside values, values beside nested parameters) is a warning at its line and column
# (W&B's schema refuses it, its CLI warns and runs on), and the program gets what it would
# have got without it; a wrong value of one key is an error at that key, not at the mapping.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
cat > ok.yaml <<YAML
method: random
parameters:
  p: {distribution: categorical_w_probabilities, values: [a, b], probabilities: [0, 1]}
  n: {distribution: normal, mu: 0, sigma: 1, min: -1, max: 1}
  u: {distribution: uniform, min: 0.0, max: 1.0, q: 0.1}
  i: {min: 0, max: 10, q: 2}
  c: {values: [x], value: y}
  g:
    values: [1, 2]
    parameters:
      inner: {value: 3}
YAML
"$KNOB" ask ok --sweep ok.yaml $S --seed 3 > out.txt 2> err.txt || fail "refused: $(cat err.txt)"
want() { grep -qF "$1" err.txt || fail "expected '$1' in: $(cat err.txt)"; }
want "ok.yaml:4:51: warning: key 'parameters.n.min': ignored: normal takes no min"
want "ok.yaml:4:60: warning: key 'parameters.n.max': ignored: normal takes no max"
want "ok.yaml:5:53: warning: key 'parameters.u.q': ignored: uniform takes no q"
want "ok.yaml:6:27: warning: key 'parameters.i.q': ignored: int_uniform takes no q"
want "ok.yaml:7:27: warning: key 'parameters.c.value': ignored: categorical takes no value (values is given)"
want "ok.yaml:9:5: warning: key 'parameters.g.values': ignored: a parameter with nested parameters"
[ "$(grep -c warning err.txt)" = 6 ] || fail "warnings: $(cat err.txt)"
python3 - out.txt <<'PY' || fail "params: $(cat out.txt)"
import json, sys
p = json.load(open(sys.argv[1]))["params"]
assert p["p"] == "b", p
assert p["c"] == "x", p
assert p["g"] == {"inner": 3}, p
assert 0 <= p["u"] <= 1 and isinstance(p["i"], int) and 0 <= p["i"] <= 10, p
PY

refused() { # parameter expected
    printf 'method: random\nparameters:\n  x: %s\n' "$1" > bad.yaml
    rc=0
    "$KNOB" ask bad --sweep bad.yaml $S > /dev/null 2> err.txt || rc=$?
    [ $rc = 2 ] || fail "$1: exit $rc, not 2: $(cat err.txt)"
    grep -qF "$2" err.txt || fail "$1: expected '$2', got: $(cat err.txt)"
}
refused '{distribution: normal, mu: 0, sigma: 0}' "bad.yaml:3:43: key 'parameters.x.sigma': expected a number > 0, got 0"
refused '{distribution: q_uniform, min: 0, max: 1, q: -1}' "bad.yaml:3:51: key 'parameters.x.q': expected a number > 0, got -1"
refused '{distribution: int_uniform, min: 1, max: 3.5}' "bad.yaml:3:47: key 'parameters.x': int_uniform needs whole min and max"
refused '{distribution: q_log_uniform_values, min: -2, max: 8}' "bad.yaml:3:48: key 'parameters.x.min': expected a number > 0"
refused '{distribution: uniform, min: 0, max: 1, probabilities: [1]}' "bad.yaml:3:61: key 'parameters.x.probabilities': goes with values only"
# W&B's undocumented beta: the distribution is named, not its first key ("unknown key 'a'
# in parameters.x; did you mean 'q'?")
refused '{distribution: beta, a: 2, b: 5}' "bad.yaml:3:21: key 'parameters.x.distribution': knob has no beta distribution"
refused '{a: 2, distribution: q_beta}' "bad.yaml:3:27: key 'parameters.x.distribution': knob has no q_beta distribution"
echo ok
