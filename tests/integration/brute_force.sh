#!/usr/bin/env bash
# sampler brute_force from a sweep: every combination once, in parallel too, then the run
# ends saying why (no "no budget" warning: the search ends by itself); a rerun runs nothing;
# q_log_uniform_values and weighted choices are enumerated too.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/echo_params.py
metric: {name: b, goal: maximize}
sampler: {name: brute_force, options: {seed: 3}}
parameters:
  a: {values: [x, "y z"]}
  b: {distribution: int_uniform, min: 1, max: 3}
  c: {distribution: q_uniform, min: 0, max: 1, q: 0.5}
YAML
S="--storage sqlite:///$T/s.db"
"$KNOB" run sweep.yaml $S --study bf --parallel 2 > out.txt 2> err.txt || fail "run: $(cat out.txt err.txt)"
grep -q "brute_force has tried every combination of the search space" out.txt || fail "end not reported: $(cat out.txt)"
if grep -q "no budget" err.txt; then fail "warned of no budget: $(cat err.txt)"; fi
"$KNOB" trials bf $S --format json > t.json
python3 - "$T" <<'PY' || fail "combinations: $(cat $T/t.json)"
import json, sys, itertools
d = json.load(open(sys.argv[1] + "/t.json"))
got = sorted((t["params"]["a"], t["params"]["b"], t["params"]["c"]) for t in d)
want = sorted(itertools.product(["x", "y z"], [1, 2, 3], [0, 0.5, 1]))
assert got == want, (got, want)
assert all(t["state"] == "complete" for t in d)
PY
"$KNOB" run sweep.yaml $S --study bf > again.txt || fail "rerun: $(cat again.txt)"
grep -q "this run: 0 trials" again.txt || fail "a done search ran again: $(cat again.txt)"
set +e
"$KNOB" ask bf --sweep sweep.yaml $S > ask.txt 2> ask.err
status=$?
set -e
expect_eq "$status" 3 "knob ask on a done search ($(cat ask.err))"
grep -q "nothing left to ask: study 'bf': brute_force has tried every combination" ask.err ||
    fail "ask message: $(cat ask.err)"

# q_log_uniform_values as its grid's numbers, a categorical with probabilities as its
# choices (each once: the probabilities do not matter to an exhaustive search); a normal
# param has no values to enumerate, which the sweep's check says.
cat > enum.yaml <<YAML
program: $PROGS/echo_params.py
metric: {name: lr, goal: maximize}
sampler: brute_force
parameters:
  lr: {distribution: q_log_uniform_values, min: 10, max: 30, q: 10}
  opt: {values: [adam, sgd], probabilities: [0.1, 0.9]}
YAML
"$KNOB" run enum.yaml $S --study en --parallel 2 > en.txt 2>&1 || fail "run: $(cat en.txt)"
"$KNOB" trials en $S --format json > en.json
python3 - "$T" <<'PY' || fail "combinations: $(cat $T/en.json)"
import json, sys, itertools
d = json.load(open(sys.argv[1] + "/en.json"))
got = sorted((t["params"]["lr"], t["params"]["opt"]) for t in d)
assert got == sorted(itertools.product([10, 20, 30], ["adam", "sgd"])), got
assert all(t["state"] == "complete" for t in d)
PY
sed 's/^  opt: .*/  n: {distribution: normal, mu: 0, sigma: 1}/' enum.yaml > normal.yaml
if "$KNOB" run normal.yaml $S --study nn > nn.txt 2>&1; then fail "a normal param was enumerated"; fi
grep -q "normal.yaml:6:6: key 'parameters.n': sampler brute_force needs values to enumerate" nn.txt ||
    fail "normal param: $(cat nn.txt)"
# a float whose min is its max is its one value (refused as not enumerable for a while)
sed 's/^  opt: .*/  c: {distribution: uniform, min: 1, max: 1}/' enum.yaml > one.yaml
"$KNOB" run one.yaml $S --study one > one.txt 2>&1 || fail "a float of one value: $(cat one.txt)"
expect_eq "$("$KNOB" trials one $S --format json | py 'len(d), sorted(set(t["params"]["c"] for t in d))')" \
    "(3, [1.0])" "a float of one value"
echo ok
