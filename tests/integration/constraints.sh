#!/usr/bin/env bash
# constraints: in a sweep: each {name, max} / {name, min} read from the program's records
# like the metric; knob best shows only feasible trials (the Pareto front with its
# hypervolume for two objectives), knob trials marks the infeasible ones, and a trial
# that never prints a constraint metric fails with that reason.
source "$(dirname "$0")/lib.bash"
cat > s.yaml <<'YAML'
command: [/bin/sh, -c, 'x=${1#x=}; echo "loss=$((10 - x)) size=$((x * 10)) speed=$((100 - x))"', sh, "${args_no_hyphens}"]
method: grid
metric: {name: loss, goal: minimize}
constraints:
  - {name: size, max: 45}
  - {name: speed, min: 60}
parameters:
  x: {values: [1, 3, 5, 7]}
YAML
cat > s2.yaml <<'YAML'
command: [/bin/sh, -c, 'echo "loss=1 size=3"']
method: random
metric: {name: loss, goal: minimize}
constraints: [{name: size, max: 2}, {name: memory, max: 10}]
trials: 2
parameters:
  x: {min: 0.0, max: 1.0}
YAML
S="--storage sqlite:///$T/s.db"
# x=1: size 10 (ok), speed 99 (ok); x=3 ok; x=5: size 50 > 45: infeasible; x=7 both violated.
# The loss falls with x, so the best trials by value (x=7, x=5) are the infeasible ones.
"$KNOB" run s.yaml $S --study c > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
"$KNOB" best c $S > best.txt || fail "best"
grep -q '"x": *3\|"x":3' best.txt || fail "the best feasible trial is x=3: $(cat best.txt)"
"$KNOB" trials c $S > trials.txt
expect_eq "$(grep -c infeasible trials.txt)" 2 "infeasible trials marked: $(cat trials.txt)"
"$KNOB" trials c $S --format json > t.json
expect_eq "$(py 'sorted((t["params"]["x"], t["feasible"]) for t in d)' < t.json)" \
    '[[1, true], [3, true], [5, false], [7, false]]' "feasible in JSON"
expect_eq "$(py '[t["constraints"] for t in d if t["params"]["x"] == 5][0]' < t.json)" \
    '[5, -35]' "constraint values (size - max, min - speed)"

# A constraint metric never printed fails the trial with that reason.
"$KNOB" run s2.yaml $S --study m > run.txt 2> run.err || true
"$KNOB" trials m $S --format json > t.json
expect_eq "$(py '[t["state"] for t in d]' < t.json)" '["fail", "fail"]' "states"
py 'd[0]["system_attrs"]["fail_reason"]' < t.json | grep -q "no constraint metric 'memory' in stdout" \
    || fail "reason: $(py 'd[0]["system_attrs"]' < t.json)"

# One printed as no number: the reason says so.
printf 'command: [/bin/sh, -c, "echo loss=0.5 memory=abc"]\nmetric: {name: loss}\nconstraints: [{name: memory, max: 1}]\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > nn.yaml
"$KNOB" run nn.yaml $S --study nn --trials 1 > run.txt 2> run.err || true
"$KNOB" trials nn $S --format json > t.json
py 'd[0]["system_attrs"]["fail_reason"]' < t.json \
    | grep -qF "no constraint metric 'memory' in stdout: its value 'abc' is not a number" \
    || fail "reason of a constraint that is no number: $(py 'd[0]["system_attrs"]' < t.json)"

# Two objectives: the feasible Pareto front and its hypervolume.
cat > mo.yaml <<'YAML'
command: [/bin/sh, -c, 'x=${1#x=}; echo "a=$x b=$((10 - x)) c=$x"', sh, "${args_no_hyphens}"]
method: grid
objectives: [{name: a, goal: minimize}, {name: b, goal: minimize}]
constraints: [{name: c, min: 2}]
parameters:
  x: {values: [1, 2, 4, 8]}
YAML
"$KNOB" run mo.yaml $S --study mo > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
"$KNOB" best mo $S > best.txt || fail "best: $(cat best.txt)"
expect_eq "$(grep -c '^trial' best.txt)" 3 "front of the feasible trials: $(cat best.txt)"
# front (2,8) (4,6) (8,2); reference: nadir (8,8) + 10% of the ranges (6,6): (8.6, 8.6):
# 0.6*2 ... by sweep: (8.6-2)*(8.6-8) + (8.6-4)*(8-6) + (8.6-8)*(6-2) = 3.96 + 9.2 + 2.4 = 15.56
grep -q "hypervolume 15.56 " best.txt || fail "hypervolume: $(cat best.txt)"
# A front of one trial: "1 feasible trial" (it said "1 feasible trials")
sed 's/values: \[1, 2, 4, 8\]/values: [1, 2]/' mo.yaml > one.yaml
"$KNOB" run one.yaml $S --study one > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
"$KNOB" best one $S > best.txt || fail "best: $(cat best.txt)"
grep -q "^Pareto front: 1 feasible trial, hypervolume " best.txt || fail "one: $(cat best.txt)"
# No trial feasible: knob run's summary says so (it said "no complete trial yet"), for one
# objective and for two.
sed 's/min: 2}/min: 20}/' mo.yaml > none.yaml
"$KNOB" run none.yaml $S --study none > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
grep -q "^no feasible trial yet: each of the 4 complete trials violates a constraint$" run.txt ||
    fail "summary of two objectives: $(cat run.txt)"
sed 's/^objectives: .*/metric: {name: a, goal: minimize}/' none.yaml > none1.yaml
"$KNOB" run none1.yaml $S --study none1 > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
grep -q "^no feasible trial yet: each of the 4 complete trials violates a constraint$" run.txt ||
    fail "summary of one objective: $(cat run.txt)"
# The sweep edited between runs of study mo (4 trials, each with one constraint value):
# objectives swapped, or a constraint added, are refused before any trial runs (the swap
# was taken, and its front compared b against a; each trial with two constraints ran, then
# failed); an objective renamed to a new name is said and goes on.
count_mo() { "$KNOB" trials mo $S --format json | py 'len(d)'; }
sed 's/objectives: .*/objectives: [{name: b, goal: minimize}, {name: a, goal: minimize}]/' mo.yaml > swap.yaml
rc=0
"$KNOB" run swap.yaml $S --study mo > run.txt 2> run.err || rc=$?
expect_eq "$rc" 2 "exit status of swapped objectives ($(cat run.err))"
grep -qF "swap.yaml gives objective 0 as 'b', which the study's trials hold as objective 1 (objective 0 is 'a' there)" run.err ||
    fail "swapped objectives: $(cat run.err)"
sed 's/constraints: .*/constraints: [{name: c, min: 2}, {name: a, max: 5}]/' mo.yaml > two.yaml
rc=0
"$KNOB" run two.yaml $S --study mo > run.txt 2> run.err || rc=$?
expect_eq "$rc" 2 "exit status of a constraint added ($(cat run.err))"
grep -qF "two.yaml has 2 constraints, and the study's trials hold 1 constraint value each" run.err ||
    fail "a constraint added: $(cat run.err)"
expect_eq "$(count_mo)" 4 "trials of mo after the refusals"
sed 's/values: \[1, 2, 4, 8\]/values: [1, 2, 4, 8, 3]/; s/name: b,/name: b2,/; s/b=/b2=/' mo.yaml > renamed.yaml
"$KNOB" run renamed.yaml $S --study mo > run.txt 2> run.err || fail "renamed: $(cat run.txt run.err)"
grep -qF "renamed.yaml names objective 1 'b2', which the study's trials hold as 'b': their values count as one" run.err ||
    fail "an objective renamed: $(cat run.err)"
expect_eq "$(count_mo)" 5 "trials of mo after the rename"
# The constraints dropped, or a bound changed, with trials holding values of them: refused
# before any trial runs, naming the constraint and the way on (the dropped ones were stored
# with a generic word, and the new trials, x=0 of c 0 among them, counted as feasible and
# stood on the front beside trials judged by the bound; a changed bound was silent). A
# constraint renamed to a new name is said and goes on, as an objective is.
sed 's/values: \[1, 2, 4, 8, 3\]/values: [1, 2, 4, 8, 3, 0]/' renamed.yaml > more.yaml
sed '/^constraints:/d' more.yaml > dropped.yaml
rc=0
"$KNOB" run dropped.yaml $S --study mo > run.txt 2> run.err || rc=$?
expect_eq "$rc" 2 "exit status of the constraints dropped ($(cat run.err))"
grep -qF "dropped.yaml has no constraints, and the study's trials hold 1 constraint value each (c >= 2): each new trial would count as feasible whatever it printed; a study keeps its constraints (give them in dropped.yaml again, or a new study: --study NAME)" run.err ||
    fail "constraints dropped: $(cat run.err)"
for pair in '{name: c, min: 3}|c >= 3' '{name: c, max: 2}|c <= 2'; do
    sed "s/^constraints: .*/constraints: [${pair%|*}]/" more.yaml > bound.yaml
    rc=0
    "$KNOB" run bound.yaml $S --study mo > run.txt 2> run.err || rc=$?
    expect_eq "$rc" 2 "exit status of a bound changed to ${pair%|*} ($(cat run.err))"
    grep -qF "bound.yaml gives constraint 0 as '${pair#*|}', which the study's trials hold as 'c >= 2'" run.err ||
        fail "a bound changed to ${pair%|*}: $(cat run.err)"
    grep -qF "a study keeps its constraints (give 'c >= 2' in bound.yaml again, or a new study: --study NAME)" run.err ||
        fail "the way on after ${pair%|*}: $(cat run.err)"
done
expect_eq "$(count_mo)" 5 "trials of mo after the constraints dropped or changed"
sed 's/name: c,/name: c2,/; s/c=\$x/c2=$x/' more.yaml > crenamed.yaml
"$KNOB" run crenamed.yaml $S --study mo > run.txt 2> run.err || fail "c renamed: $(cat run.txt run.err)"
grep -qF "crenamed.yaml names constraint 0 'c2', which the study's trials hold as 'c': their values count as one" run.err ||
    fail "a constraint renamed: $(cat run.err)"
"$KNOB" trials mo $S --format json > t.json
expect_eq "$(py '[(t["params"]["x"], t["feasible"]) for t in d][5:]' < t.json)" '[[0, false]]' \
    "x=0 after the rename: judged by the bound"
# metric.target is reached by a feasible trial only: an infeasible trial at the target
# stopped the run, which left no feasible result
cat > tg.py <<'PY'
import os
n = int(os.environ["KNOB_TRIAL_NUMBER"])
print(f"loss={0.1 if n == 0 else 1.0 - 0.8 * (n == 2)} size={50 if n == 0 else 1}")
PY
cat > tg.yaml <<'YAML'
program: tg.py
command: [python3, "${program}"]
method: random
metric: {name: loss, goal: minimize, target: 0.5}
constraints: [{name: size, max: 10}]
parameters:
  x: {min: 0.0, max: 1.0}
YAML
"$KNOB" run tg.yaml $S --study tg --trials 5 > run.txt 2> run.err || fail "target: $(cat run.txt run.err)"
expect_eq "$("$KNOB" trials tg $S --format json | py 'len(d)')" 3 "trials run to the feasible target"
grep -q "the target 0.5 of 'loss' is reached" run.txt run.err || fail "target: $(cat run.txt run.err)"
# a constraint metric of -inf keeps its max, inf passes it; nan fails the trial (an
# infinite one failed it, and its objective was lost)
cat > inf.py <<'PY'
import json, os
m = json.loads(os.environ["KNOB_PARAMS_JSON"])["m"]
print('{"f": 1, "size": %s}' % m)
PY
cat > inf.yaml <<'YAML'
program: inf.py
command: [python3, "${program}"]
method: grid
metric: {name: f}
constraints: [{name: size, max: 10}]
parameters:
  m: {values: ["-Infinity", "Infinity", "NaN"]}
YAML
"$KNOB" run inf.yaml $S --study inf > run.txt 2> run.err || fail "inf: $(cat run.txt run.err)"
"$KNOB" trials inf $S --format json > inf.json
expect_eq "$(py 'sorted([t["params"]["m"], t["state"]] + [t["feasible"]] * (t["state"] == "complete") for t in d)' < inf.json)" \
    '[["-Infinity", "complete", true], ["Infinity", "complete", false], ["NaN", "fail"]]' \
    "infinite constraint metrics"
grep -q "constraint metric 'size' is nan" run.txt run.err || fail "nan: $(cat run.txt run.err)"
# a range is two constraints of one metric: the other renamed is said and goes on, the
# second bound changed is refused naming it
cat > range.yaml <<'YAML'
command: [/bin/sh, -c, 'x=${1#x=}; echo "loss=$x size=$x mem=$x mem_mb=$x"', sh, "${args_no_hyphens}"]
method: grid
metric: {name: loss, goal: minimize}
constraints: [{name: size, min: 0.5}, {name: size, max: 3}, {name: mem, max: 5}]
parameters:
  x: {values: [0, 1, 2]}
YAML
"$KNOB" run range.yaml $S --study range > run.txt 2> run.err || fail "range: $(cat run.txt run.err)"
sed 's/name: mem,/name: mem_mb,/; s/\[0, 1, 2\]/[0, 1, 2, 3]/' range.yaml > range2.yaml
"$KNOB" run range2.yaml $S --study range > run.txt 2> run.err || fail "range renamed: $(cat run.txt run.err)"
grep -qF "range2.yaml names constraint 2 'mem_mb', which the study's trials hold as 'mem'" run.err ||
    fail "the range's other constraint renamed: $(cat run.err)"
sed 's/max: 3}/max: 4}/; s/\[0, 1, 2\]/[0, 1, 2, 4]/' range.yaml > range3.yaml
rc=0
"$KNOB" run range3.yaml $S --study range > run.txt 2> run.err || rc=$?
expect_eq "$rc" 2 "exit status of the range's bound changed ($(cat run.err))"
grep -qF "range3.yaml gives constraint 1 as 'size <= 4', which the study's trials hold as 'size <= 3'" run.err ||
    fail "the range's bound changed: $(cat run.err)"
# sweep errors name the line
cat > bad.yaml <<YAML
method: random
metric: {name: loss}
constraints: [{name: size}]
parameters:
  x: {min: 0.0, max: 1.0}
YAML
rc=0
"$KNOB" run bad.yaml $S --study bad > /dev/null 2> bad.err || rc=$?
[ "$rc" != 0 ] || fail "a constraint without bound was accepted"
grep -q "bad.yaml:3:.*constraints\[0\]': missing its bound, max or min" bad.err || fail "error: $(cat bad.err)"
# smac has no constraint handling: a warning, and the trials run; the default (method: bayes)
# honours them, and random steers by nothing: no warning
printf 'command: [/bin/sh, -c, "echo loss=1 size=3"]\nsampler: smac\nmetric: {name: loss}\nconstraints: [{name: size, max: 2}]\ntrials: 2\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > sm.yaml
"$KNOB" run sm.yaml $S --study sm > run.txt 2> run.err || fail "smac: $(cat run.txt run.err)"
grep -q "warning: constraints: sampler 'smac' has no constraint handling" run.err || fail "smac's warning: $(cat run.err)"
for m in "method: bayes" "method: random"; do
    sed "s/^sampler: smac/$m/" sm.yaml > m.yaml
    "$KNOB" run m.yaml $S --study "m$RANDOM" > run.txt 2> run.err || fail "$m: $(cat run.txt run.err)"
    grep -q "warning: constraints" run.err && fail "$m warns: $(cat run.err)"
done
echo ok
