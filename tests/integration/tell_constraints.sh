#!/usr/bin/env bash
# knob tell --constraints: a trial asked with knob ask and told infeasible is not the best,
# is marked infeasible (table, JSON, CSV), and a wrong list is refused with the trial left
# running.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: unused
metric: {name: loss, goal: minimize}
method: random
parameters:
  x: {min: -5.0, max: 5.0}
YAML
S="sqlite:///$T/c.db"
for i in 1 2 3 4; do "$KNOB" ask demo --sweep sweep.yaml --storage "$S" > /dev/null; done
"$KNOB" tell demo 0 0.1 --constraints 0.3,-1 --storage "$S"
"$KNOB" tell demo 1 0.123456789012345 --constraints=-1,0 --storage "$S"
"$KNOB" best demo --storage "$S" --json > best.json
expect_eq "$(py 'd["number"]' < best.json)" 1 "best of a feasible and an infeasible trial"
"$KNOB" trials demo --storage "$S" --format json > t.json
expect_eq "$(py '[(t["constraints"], t["feasible"]) for t in d[:2]]' < t.json)" \
    '[[[0.3, -1], false], [[-1, 0], true]]' "constraints told"
"$KNOB" trials demo --storage "$S" | grep -q '^ *0 *infeasible' || fail "table: $("$KNOB" trials demo --storage "$S")"
# CSV: a feasible column, and every digit of the values (they had 8)
"$KNOB" trials demo --storage "$S" --format csv > t.csv
python3 - "$T/t.csv" <<'PY' || fail "csv: $(cat t.csv)"
import csv, sys
r = list(csv.DictReader(open(sys.argv[1])))
assert [x["feasible"] for x in r[:2]] == ["false", "true"], r
assert float(r[1]["values"]) == 0.123456789012345, r
PY
set +e
"$KNOB" tell demo 2 1 --constraints 1 --storage "$S" 2> err1.txt; s1=$?
"$KNOB" tell demo 2 1 --constraints 1,x --storage "$S" 2> err2.txt; s2=$?
"$KNOB" tell demo 2 1 --constraints 1,nan --storage "$S" 2> /dev/null; s3=$?
"$KNOB" tell demo 2 --state fail --constraints 1,1 --storage "$S" 2> /dev/null; s4=$?
"$KNOB" tell demo 0 1 --constraints 1,1 --storage "$S" 2> err5.txt; s5=$?
"$KNOB" tell demo 2 1 2 --constraints 1,1 --storage "$S" 2> /dev/null; s6=$?
set -e
expect_eq "$s1 $s2 $s3 $s4 $s5 $s6" "2 2 2 2 1 2" "wrong constraints"
grep -q "1 constraint value, but the study's earlier trials have 2" err1.txt || fail "count: $(cat err1.txt)"
grep -q "got '1,x'" err2.txt || fail "not a number: $(cat err2.txt)"
grep -q "already complete" err5.txt || fail "finished: $(cat err5.txt)"
"$KNOB" trials demo --storage "$S" --format json > t.json
expect_eq "$(py '[t["state"] for t in d[2:]]' < t.json)" '["running", "running"]' "after refused tells"
expect_eq "$(py 'd[2]["constraints"]' < t.json)" "[]" "nothing written by a refused tell"
# a pruned trial keeps its constraints too
"$KNOB" tell demo 2 --state pruned --constraints 2,2 --storage "$S"
"$KNOB" trials demo --storage "$S" --format json > t.json
expect_eq "$(py '[d[2]["state"], d[2]["constraints"]]' < t.json)" '["pruned", [2, 2]]' "pruned"
# a value beyond a double's range (a typo) is refused and the trial keeps running: told,
# it failed the trial for good
rc=0
"$KNOB" tell demo 3 1e400 --storage "$S" 2> big.err || rc=$?
[ $rc = 2 ] || fail "1e400: exit $rc, not 2: $(cat big.err)"
grep -q "'1e400' is beyond a double's range" big.err || fail "1e400: $(cat big.err)"
"$KNOB" trials demo --storage "$S" --format json > t.json
expect_eq "$(py 'd[3]["state"]' < t.json)" running "after a tell of 1e400"
rc=0
"$KNOB" tell demo 3 0.5 --constraints 1e400,0 --storage "$S" 2> bigc.err || rc=$?
[ $rc = 2 ] || fail "--constraints 1e400: exit $rc, not 2: $(cat bigc.err)"
# infinite values are taken (+inf violated, -inf satisfied) and shown as JSON numbers that
# read back as infinities (1e999); they were refused
"$KNOB" tell demo 3 0.5 --constraints inf,-inf --storage "$S"
"$KNOB" trials demo --storage "$S" --format json > t.json
expect_eq "$(py '[d[3]["state"], d[3]["constraints"], d[3]["feasible"]]' < t.json)" \
    '["complete", [Infinity, -Infinity], false]' "infinite constraints"
grep -q '"constraints":\[1e999,-1e999\]' t.json || fail "as JSON numbers: $(cat t.json)"

# A sweep with constraints: a complete trial told without their values (it was feasible) or
# with another count is refused, with exit status 2 and the trial left running; a pruned or
# failed trial needs none.
cat > cons.yaml <<YAML
program: unused
metric: {name: loss, goal: minimize}
method: random
parameters:
  x: {min: -5.0, max: 5.0}
constraints:
  - {name: size_mb, max: 10}
  - {name: acc, min: 0.9}
YAML
for i in 1 2 3; do "$KNOB" ask cs --sweep cons.yaml --storage "$S" > /dev/null; done
rc=0
"$KNOB" tell cs 0 0.5 --storage "$S" 2> none.err || rc=$?
expect_eq "$rc" 2 "a complete trial without constraints"
grep -q "the sweep of study 'cs' has 2 constraints (size_mb <= 10, acc >= 0.9), and 0 constraint values were given: give one for each with --constraints" none.err ||
    fail "message: $(cat none.err)"
rc=0
"$KNOB" tell cs 0 0.5 --constraints -1 --storage "$S" 2> one.err || rc=$?
expect_eq "$rc" 2 "one constraint of two"
grep -q "and 1 constraint value was given" one.err || fail "message: $(cat one.err)"
# A wrong count of values as well: said first, then the constraints (it said "0 values were
# given" alone, of the constraints, to a call that gave one value: only a tell with
# --constraints learnt that the values were wrong).
cat > two.yaml <<YAML
program: unused
objectives: [{name: a, goal: maximize}, {name: b, goal: minimize}]
constraints: [{name: m, max: 5}]
parameters:
  x: {min: 0.0, max: 1.0}
YAML
"$KNOB" ask two --sweep two.yaml --storage "$S" > /dev/null
rc=0
"$KNOB" tell two 0 0.5 --storage "$S" 2> two.err || rc=$?
expect_eq "$rc" 2 "one value of two, no constraints"
expect_eq "$(head -2 two.err)" "knob tell: study 'two' has 2 objectives: a complete trial needs 2 values, got 1 (trial 0 is still running)
knob tell: also, the sweep of study 'two' has 1 constraint (m <= 5), and 0 constraint values were given: give one for each with --constraints V,..., in that order (metric - max, or min - metric: <= 0 satisfied); nothing was written" \
    "a tell of one value of two, without constraints"
rc=0
"$KNOB" tell two 0 0.5 --constraints -1 --storage "$S" 2> two1.err || rc=$?
expect_eq "$rc" 2 "one value of two, with constraints"
expect_eq "$(head -1 two1.err)" "knob tell: study 'two' has 2 objectives: a complete trial needs 2 values, got 1 (trial 0 is still running)" \
    "a tell of one value of two, with constraints"
if grep -q "also" two1.err; then fail "nothing else is wrong: $(cat two1.err)"; fi
"$KNOB" tell two 0 0.5 0.25 --storage "$S" 2> two2.err && fail "two values, no constraints"
grep -q "^knob tell: the sweep of study 'two' has 1 constraint (m <= 5), and 0 constraint values were given" two2.err ||
    fail "the constraints alone: $(cat two2.err)"
"$KNOB" trials two --storage "$S" --format json > two.json
expect_eq "$(py '[d[0]["state"], d[0]["values"], d[0]["constraints"]]' < two.json)" '["running", [], []]' \
    "nothing written by the refused tells"
"$KNOB" trials cs --storage "$S" --format json > cs.json
expect_eq "$(py 'd[0]["state"]' < cs.json)" running "after the refused tells"
rc=0 # a trial the study does not have: said so, not its constraints
"$KNOB" tell cs 99 0.5 --storage "$S" 2> none99.err || rc=$?
expect_eq "$rc" 1 "a tell of trial 99"
if grep -q "constraint" none99.err; then fail "trial 99: $(cat none99.err)"; fi
"$KNOB" tell cs 0 0.5 --constraints -1,-0.05 --storage "$S"
"$KNOB" tell cs 1 --state pruned --storage "$S"
"$KNOB" tell cs 2 --state fail --storage "$S"
"$KNOB" trials cs --storage "$S" --format json > cs.json
expect_eq "$(py '[(t["state"], t["feasible"]) for t in d]' < cs.json)" \
    '[["complete", true], ["pruned", true], ["fail", true]]' "told with their constraints"
# a value that is not finite is refused before anything is written: neither the trial's
# state nor its constraints (once it failed the trial, which kept them: "constraints": [1],
# "feasible": false)
for i in 1 2; do "$KNOB" ask nf --sweep sweep.yaml --storage "$S" > /dev/null; done
rc=0
"$KNOB" tell nf 0 nan --constraints 1 --storage "$S" 2> /dev/null || rc=$?
expect_eq "$rc" 2 "nan told complete"
rc=0
"$KNOB" tell nf 1 inf --constraints 1 --storage "$S" 2> /dev/null || rc=$?
expect_eq "$rc" 2 "inf told complete"
"$KNOB" trials nf --storage "$S" --format json > nf.json
expect_eq "$(py '[(t["state"], t["constraints"]) for t in d]' < nf.json)" \
    '[["running", []], ["running", []]]' "a trial told nan or inf, left as it was"
echo ok
