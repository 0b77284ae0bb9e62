#!/usr/bin/env bash
# method: grid runs every point of the product once (values, int_uniform, q_uniform and
# q_log_uniform_values enumerated), in parallel too, then stops; a rerun and knob ask find
# nothing left.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/echo_params.py
method: grid
metric: {name: b, goal: maximize}
parameters:
  a: {values: [x, "y z"]}
  b: {distribution: int_uniform, min: 1, max: 3}
  c: {distribution: q_uniform, min: 0, max: 1, q: 0.5}
  d: {distribution: q_log_uniform_values, min: 10, max: 30, q: 10}
  k: {value: 1}
YAML
S="--storage sqlite:///$T/s.db"
"$KNOB" run sweep.yaml $S --study g --parallel 3 > out.txt || fail "run: $(cat out.txt)"
grep -q "the grid is done" out.txt || fail "grid end not reported: $(cat out.txt)"
"$KNOB" trials g $S --format json > t.json
python3 - "$T" <<'PY' || fail "grid points: $(cat $T/t.json)"
import json, sys, itertools
d = json.load(open(sys.argv[1] + "/t.json"))
assert len(d) == 54, len(d)
assert all(t["state"] == "complete" for t in d)
got = sorted((t["params"]["a"], t["params"]["b"], t["params"]["c"], t["params"]["d"]) for t in d)
want = sorted(itertools.product(["x", "y z"], [1, 2, 3], [0, 0.5, 1], [10, 20, 30]))
assert got == want, (got, want)
assert all(t["params"]["k"] == 1 for t in d)
assert sorted(t["number"] for t in d) == list(range(54))
PY
"$KNOB" run sweep.yaml $S --study g > again.txt || fail "rerun: $(cat again.txt)"
grep -q "this run: 0 trials" again.txt || fail "a done grid ran again: $(cat again.txt)"
set +e
"$KNOB" ask g --sweep sweep.yaml $S > ask.txt 2> ask.err
status=$?
set -e
expect_eq "$status" 3 "knob ask on a done grid ($(cat ask.err))"
grep -q "nothing left to ask: study .g.: every point of the grid (54) has run" ask.err || fail "ask message: $(cat ask.err)"

# Choices that read alike as text, each its own point: true and "true", 1 and "1", null and
# "null" (the string took the first choice that reads as it: 1, true and null ran twice)
printf 'program: unused\nmethod: grid\nmetric: {name: l, goal: minimize}\nparameters:\n  a: {values: [true, "true", 1, "1", null, "null"]}\n' > mixed.yaml
for i in 1 2 3 4 5 6; do "$KNOB" ask mixed --sweep mixed.yaml $S > "m$i.json"; done
got=$(for i in 1 2 3 4 5 6; do py 'json.dumps(d["params"]["a"])' < "m$i.json"; done | sort | tr '\n' ' ')
expect_eq "$got" '"1" "null" "true" 1 null true ' "the six choices of mixed.yaml"

# A sweep edited between runs: the new grid's points run, each once, whatever the old grid
# numbered (claims by index skipped 2 of [4, 5, 6] after 2 points of [1, 2, 3], and 2 of
# [1, 2, 3, 4] after that)
printf 'program: %s\nmethod: grid\nmetric: {name: a, goal: maximize}\nparameters:\n  a: {values: [1, 2, 3]}\n' "$PROGS/echo_params.py" > e1.yaml
sed 's/\[1, 2, 3\]/[4, 5, 6]/' e1.yaml > e2.yaml
sed 's/\[1, 2, 3\]/[1, 2, 3, 4]/' e1.yaml > e3.yaml
"$KNOB" run e1.yaml $S --study edited --trials 2 > /dev/null
"$KNOB" run e2.yaml $S --study edited > /dev/null
"$KNOB" run e3.yaml $S --study edited > /dev/null
expect_eq "$("$KNOB" trials edited $S --format json | py 'sorted(t["params"]["a"] for t in d)')" \
    "[1, 2, 3, 4, 5, 6]" "the points of the edited grids"

# A value listed twice, asked from new processes: both run (a trial of the second was taken
# for the first, whose claim was then never made, and the grid ended a point short)
printf 'program: unused\nmethod: grid\nseed: 4\nmetric: {name: a, goal: maximize}\nparameters:\n  a: {values: [1, 2, 1]}\n' > twice.yaml
for i in 1 2 3; do "$KNOB" ask twice --sweep twice.yaml $S > "tw$i.json" || fail "ask $i of twice.yaml"; done
expect_eq "$(for i in 1 2 3; do py 'd["params"]["a"]' < "tw$i.json"; done | sort | tr '\n' ' ')" "1 1 2 " \
    "the points of twice.yaml"
# An int and a float of one value ([1, 1.0]), each its own point, each as written: the
# program gets 1 for one trial and 1.0 for the other (it got 1 twice: the grid took the first
# choice equal to the number), in argv and in its JSON; asked from new processes too, with the
# float and the int listed again
cat > spelled.yaml <<YAML
program: $PROGS/argv.py
method: grid
metric: {name: score, goal: maximize}
parameters:
  a: {values: [1, 1.0]}
YAML
"$KNOB" run spelled.yaml $S --study spelled > spelled.txt || fail "run spelled: $(cat spelled.txt)"
expect_eq "$(for n in 0 1; do py 'd["argv"][0] + " " + d["env"]["KNOB_PARAMS_JSON"]' \
    < "knob-runs/spelled/$n/argv.json"; done | sort | tr '\n' ' ')" '--a=1 {"a":1} --a=1.0 {"a":1.0} ' \
    "the argv and JSON of [1, 1.0]"
"$KNOB" run spelled.yaml $S --study spelled > spelled.txt || fail "rerun spelled"
grep -q "this run: 0 trials" spelled.txt || fail "[1, 1.0] ran again: $(cat spelled.txt)"
# The sweep edited from [2, 1] to [1, 1.0]: the 1 that ran is the first point of the new
# list, and 1.0 runs (the old trial's grid_id 1, now the 1.0 point, was taken for it, and the
# grid said it was done)
sed 's/\[1, 1.0\]/[2, 1]/' spelled.yaml > respelled.yaml
"$KNOB" run respelled.yaml $S --study respelled > respelled.txt || fail "run respelled: $(cat respelled.txt)"
"$KNOB" run spelled.yaml $S --study respelled > respelled.txt || fail "rerun respelled: $(cat respelled.txt)"
expect_eq "$(for n in 0 1 2; do py 'd["argv"][0]' < "knob-runs/respelled/$n/argv.json"; done | sort |
    tr '\n' ' ')" '--a=1 --a=1.0 --a=2 ' "the points of [2, 1], then [1, 1.0]"
printf 'program: unused\nmethod: grid\nmetric: {name: a}\nparameters:\n  a: {values: [1.0, 2, 1, 1e0]}\n' \
    > spelled4.yaml
for i in 1 2 3 4; do "$KNOB" ask spelled4 --sweep spelled4.yaml $S > "sp$i.json"; done
expect_eq "$(for i in 1 2 3 4; do py 'json.dumps(d["params"]["a"])' < "sp$i.json"; done | sort | tr '\n' ' ')" \
    "1 1.0 1.0 2 " "the points of [1.0, 2, 1, 1e0]"
# A point running elsewhere at the end (a knob ask not yet told, a worker that may have
# died): the run says so (it said "every point has run"), and the grid is done once it is told
printf 'program: %s\nmethod: grid\nmetric: {name: b}\nparameters:\n  b: {values: [1, 2, 3]}\n' \
    "$PROGS/echo_params.py" > small.yaml
"$KNOB" ask held --sweep small.yaml $S > held.json || fail "ask held"
"$KNOB" run small.yaml $S --study held > held.txt 2>&1 || fail "run held: $(cat held.txt)"
grep -qF "the grid has no point left to start: 1 of its trials is RUNNING in other processes" held.txt ||
    fail "a point running elsewhere: $(cat held.txt)"
grep -q "every point has run" held.txt && fail "a point running elsewhere: $(cat held.txt)"
"$KNOB" tell held "$(py 'd["number"]' < held.json)" 1 $S || fail "tell held"
"$KNOB" run small.yaml $S --study held > held.txt 2>&1 || fail "run held again: $(cat held.txt)"
grep -q "the grid is done: every point has run" held.txt || fail "held, told: $(cat held.txt)"

# An enqueued trial that gives some of the values takes a point no waiting enqueued trial
# names in full: a=x took (x, 1), which the next enqueued trial gave in full and ran again
# (5 trials for a grid of 4). The grid runs in W&B's order: y first, so that the first ask
# takes (y, 1) and leaves both points of x to the enqueued trials.
printf 'method: grid\nparameters:\n  a: {values: [y, x]}\n  b: {values: [1, 2]}\n' > g4.yaml
"$KNOB" ask g4 --sweep g4.yaml $S --seed 1 > /dev/null
"$KNOB" enqueue g4 $S a=x > /dev/null
"$KNOB" enqueue g4 $S a=x b=1 > /dev/null
for i in 1 2 3 4; do "$KNOB" ask g4 $S > /dev/null 2>&1 || true; done
"$KNOB" trials g4 $S --format json > g4.json
expect_eq "$(py 'len(d)' < g4.json)" 4 "trials of a grid of 4"
expect_eq "$(py 'sorted((t["params"]["a"], t["params"]["b"]) for t in d)' < g4.json)" \
    '[["x", 1], ["x", 2], ["y", 1], ["y", 2]]' "each point once"
# a waiting trial names a point when it gives every param of several values (b=1 names (5, 1),
# a having one value): a=5, asked first, takes (5, 2)
printf 'program: %s\nmethod: grid\nparameters:\n  a: {values: [5]}\n  b: {values: [1, 2]}\n' \
    "$PROGS/echo_params.py" > g5.yaml
"$KNOB" run g5.yaml $S --study g5 --trials 0 > /dev/null 2>&1 || fail "the g5 study"
"$KNOB" enqueue g5 $S a=5 > /dev/null
"$KNOB" enqueue g5 $S b=1 > /dev/null
for i in 1 2 3; do "$KNOB" ask g5 $S > /dev/null 2>&1 || true; done
"$KNOB" trials g5 $S --format json > g5.json
expect_eq "$(py '[(t["params"]["a"], t["params"]["b"]) for t in d]' < g5.json)" '[[5, 2], [5, 1]]' \
    "a grid of 2, a partly given trial and one naming (5, 1)"
echo ok
