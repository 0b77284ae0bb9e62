#!/usr/bin/env bash
# With several objectives, a record's intermediate value is the metric of the objective
# the pruner reads (its option objective), not always objective 0's: the median of
# objective 1 (acc, maximized) stops a trial whose acc is poor, however its loss goes,
# and stores acc as the intermediate values. An objective past the sweep's is refused at
# its value (tests/integration/prune_objective_index.sh has the other wrong values).
source "$(dirname "$0")/lib.bash"
cat > mo.sh <<'SH'
#!/bin/sh
for s in 0 1 2 3; do
    if [ "$1" = mode=good ]; then echo "step=$s loss=1 acc=0.9"; else echo "step=$s loss=2 acc=0.2"; fi
    [ "$1" = mode=good ] || sleep 0.2
done
SH
chmod +x mo.sh
for mode in good poor; do
    cat > $mode.yaml <<YAML
program: ./mo.sh
command: ["\${program}", "\${args_no_hyphens}"]
objectives:
  - {name: loss, goal: minimize}
  - {name: acc, goal: maximize}
method: random
pruner: {name: median, options: {n_startup_trials: 1, objective: 1}}
parameters:
  mode: {value: $mode}
YAML
done
"$KNOB" run good.yaml --storage "sqlite:///$T/s.db" --study mo --trials 1 > out0.txt 2>&1 ||
    fail "run: $(cat out0.txt)"
"$KNOB" run poor.yaml --storage "sqlite:///$T/s.db" --study mo --trials 1 > out1.txt 2>&1 ||
    fail "run: $(cat out1.txt)"
"$KNOB" trials mo --storage "sqlite:///$T/s.db" --format json > t.json
expect_eq "$(py '[[t["state"], t["intermediate"]] for t in d]' < t.json)" \
    '[["complete", {"0": 0.9, "1": 0.9, "2": 0.9, "3": 0.9}], ["pruned", {"0": 0.2}]]' "the trials"
sed 's/objective: 1}/objective: 2}/' poor.yaml > past.yaml
set +e
"$KNOB" run past.yaml --storage "sqlite:///$T/p.db" --trials 1 > out.txt 2> err.txt
s=$?
set -e
expect_eq "$s" 2 "objective 2 of 2: exit status ($(cat err.txt))"
grep -qF "past.yaml:7:66: key 'pruner': option objective=2, but the sweep has 2 objective(s), numbered from 0" err.txt ||
    fail "objective 2 of 2: $(cat err.txt)"
echo ok
