#!/usr/bin/env bash
# W&B's q_log_uniform and inv_log_uniform, whose min and max are natural logs: their values
# in random search, in a grid, through knob enqueue, and bounds that overflow; a warning
# for each, as W&B's (with the values searched).
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/argv.py
method: random
metric: {name: score, goal: maximize}
parameters:
  qlu: {distribution: q_log_uniform, min: 0, max: 6.93, q: 8}
  qlu1: {distribution: q_log_uniform, min: 0, max: 4.6}
  ilu: {distribution: inv_log_uniform, min: 0, max: 4.6}
YAML
S="--storage sqlite:///$T/s.db"
"$KNOB" run sweep.yaml $S --study r --trials 10 > out.txt 2> err.txt || fail "run failed: $(cat out.txt err.txt)"
# W&B warns at every use of these forms: so does knob, with the values they search
# (a hint of the _values form only for bounds above 0, which it takes)
grep -q "sweep.yaml:5:23: warning: key 'parameters.qlu.distribution': q_log_uniform's min and max are natural logs, so 'qlu' goes from 1 to 1022.49 (W&B warns of this form too)" err.txt ||
    fail "no warning for qlu: $(cat err.txt)"
grep -q "'parameters.ilu.distribution': inv_log_uniform's min and max are natural logs of 1/x, so 'ilu' goes from 0.0100518 to 1 (W&B" err.txt ||
    fail "no warning for ilu: $(cat err.txt)"
"$KNOB" enqueue r ilu=0.5 qlu=64 qlu1=7 $S > enq.txt 2>&1 || fail "enqueue: $(cat enq.txt)"
"$KNOB" run sweep.yaml $S --study r --trials 1 > out2.txt 2>&1 || fail "run: $(cat out2.txt)"
"$KNOB" trials r $S --format json > trials.json
python3 - trials.json <<'PY' || fail "a value does not fit its form: $(cat trials.json)"
import json, sys
trials = json.load(open(sys.argv[1]))
assert len(trials) == 11, len(trials)
for t in trials:
    p = t["params"]
    assert p["qlu"] % 8 == 0 and 0 <= p["qlu"] <= 1024, p          # e^0 .. e^6.93, on q
    assert p["qlu1"] == round(p["qlu1"]) and 1 <= p["qlu1"] <= 100, p  # q defaults to 1
    assert 0.0100 <= p["ilu"] <= 1, p                               # e^-4.6 .. e^0
assert any(t["params"]["ilu"] < 0.5 for t in trials[:10])
assert trials[10]["params"] == {"qlu": 64, "qlu1": 7, "ilu": 0.5}, trials[10]
PY

# a grid enumerates q_log_uniform (e^0 .. e^2.4: 1 to 11)
printf 'program: %s\nmethod: grid\nparameters:\n  k: {distribution: q_log_uniform, min: 0, max: 2.4}\n' \
    "$PROGS/argv.py" > grid.yaml
"$KNOB" run grid.yaml $S --study g > gout.txt 2>&1 || fail "grid run: $(cat gout.txt)"
"$KNOB" trials g $S --format json > g.json
expect_eq "$(py 'sorted(t["params"]["k"] for t in d)' < g.json)" "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]" "grid"

# bounds beyond what a double holds, at their line and column
check() { # form expected-message
    printf 'program: %s\nmethod: random\nparameters:\n  x: {distribution: %s}\n' "$PROGS/argv.py" "$1" > bad.yaml
    rc=0
    "$KNOB" run bad.yaml $S --study bad > /dev/null 2> bad.err || rc=$?
    [ $rc = 2 ] || fail "$1: exit $rc, not 2: $(cat bad.err)"
    grep -qF "$2" bad.err || fail "$1: expected '$2', got: $(cat bad.err)"
}
check "inv_log_uniform, min: 0, max: 800" \
    "bad.yaml:4:51: key 'parameters.x.max': inv_log_uniform's bounds are natural logs, and e^800 overflows"
check "inv_log_uniform, min: -800, max: 0" \
    "bad.yaml:4:43: key 'parameters.x.min': inv_log_uniform's bounds are natural logs of 1/x, and x = e^800 overflows"
check "q_log_uniform, min: -800, max: 0" \
    "bad.yaml:4:41: key 'parameters.x.min': q_log_uniform's bounds are natural logs, and e^-800 is 0"
check "q_log_uniform, min: 3, max: 1" "bad.yaml:4:49: key 'parameters.x': min (3) must be <= max (1)"
# bounds above 0, likely meant as values: the warning names the _values form
printf 'program: x\nmethod: random\nparameters:\n  lu: {distribution: log_uniform, min: 0.0001, max: 0.1}\n' > lu.yaml
"$KNOB" ask lu --sweep lu.yaml $S > /dev/null 2> lu.err || fail "ask: $(cat lu.err)"
grep -q "lu.yaml:4:22: warning: key 'parameters.lu.distribution': log_uniform's min and max are natural logs, so 'lu' goes from 1.0001 to 1.10517; for values from 0.0001 to 0.1 write log_uniform_values (W&B warns of this form too)" lu.err ||
    fail "no warning for lu: $(cat lu.err)"
# no warning for the sweep stored with a study (knob ask without --sweep)
"$KNOB" ask r $S > ask.json 2> ask.err || fail "ask: $(cat ask.err)"
[ ! -s ask.err ] || fail "a warning for the stored sweep: $(cat ask.err)"
echo ok
