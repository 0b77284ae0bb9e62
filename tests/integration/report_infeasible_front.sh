#!/usr/bin/env bash
# knob report of a study of two objectives whose complete trials all violate a constraint:
# the page is written, with every trial and an empty Pareto front (no hypervolume), as for
# one objective; knob best still says why it has nothing to show.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<'YAML'
program: unused
objectives: [{name: a, goal: minimize}, {name: b, goal: maximize}]
method: random
parameters:
  x: {min: -5.0, max: 5.0}
YAML
S="sqlite:///$T/r.db"
for i in 0 1 2; do "$KNOB" ask two --sweep sweep.yaml --storage "$S" > /dev/null; done
"$KNOB" tell two 0 1 2 --constraints 1 --storage "$S"
"$KNOB" tell two 1 2 1 --constraints 0.5 --storage "$S"
"$KNOB" report two --storage "$S" -o - 2> report.err > r.html || fail "report: $(cat report.err)"
report_data < r.html > data.json
expect_eq "$(py '[len(d["trials"]["n"]), d["pareto"], d["hypervolume"]]' < data.json)" \
    '[3, [], null]' "trials, front and hypervolume of a study without feasible trial"
rc=0
"$KNOB" best two --storage "$S" 2> best.err || rc=$?
expect_eq "$rc" 1 "knob best of no feasible trial"
grep -q "no feasible trial" best.err || fail "best: $(cat best.err)"
# a feasible trial then makes the front
"$KNOB" tell two 2 3 3 --constraints 0 --storage "$S"
"$KNOB" report two --storage "$S" -o - 2> report.err > r.html || fail "report: $(cat report.err)"
report_data < r.html > data.json
expect_eq "$(py 'd["pareto"]' < data.json)" '[2]' "the feasible trial's front"
echo ok
