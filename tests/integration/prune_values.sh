#!/usr/bin/env bash
# A pruned trial of several objectives keeps the last value of each objective and the
# constraint values its program printed up to the record it was pruned on (what it prints
# once stopped is not kept); one stopped before it printed each keeps none of those, and is
# pruned all the same. Its values are shown by knob trials, but it is never on the Pareto
# front (knob best). With one objective, a pruned trial keeps its constraints too. Its cost
# metric is the last it printed before it was stopped, as its values are.
source "$(dirname "$0")/lib.bash"
cat > mo.sh <<'SH'
#!/bin/sh
trap 'echo "step=9 loss=0 acc=1 mem=0 gpu=999"; exit 0' TERM
for s in 0 1 2 3; do
    case "$1" in
    mode=good) echo "step=$s loss=1 acc=0.9 mem=10 gpu=1" ;;
    mode=poor) echo "step=$s loss=0.5 acc=0.2 mem=30 gpu=2" ;;
    *) echo "step=$s acc=0.1" ;;
    esac
    [ "$1" = mode=good ] || sleep 0.3
done
SH
chmod +x mo.sh
for mode in good poor partial; do
    cat > $mode.yaml <<YAML
program: ./mo.sh
command: ["\${program}", "\${args_no_hyphens}"]
objectives:
  - {name: loss, goal: minimize}
  - {name: acc, goal: maximize}
constraints:
  - {name: mem, max: 20}
method: random
pruner: {name: median, options: {n_startup_trials: 1, objective: 1}}
parameters:
  mode: {value: $mode}
YAML
    sed -e '/name: loss/d' -e 's/objective: 1}/objective: 0}/' -e 's/^method: random/cost: gpu\nmethod: random/' \
        $mode.yaml > one_$mode.yaml
done
S="sqlite:///$T/s.db"
for mode in good poor partial; do
    "$KNOB" run $mode.yaml --storage "$S" --study mo --trials 1 > out.txt 2>&1 ||
        fail "run $mode: $(cat out.txt)"
done
"$KNOB" trials mo --storage "$S" --format json > t.json
expect_eq "$(py '[[t["state"], t["values"], t["constraints"]] for t in d]' < t.json)" \
    '[["complete", [1, 0.9], [-10]], ["pruned", [0.5, 0.2], [10]], ["pruned", [], []]]' \
    "the trials"
grep -qF 'step=9 loss=0 acc=1 mem=0' knob-runs/mo/1/stdout.log ||
    fail "trial 1 printed nothing once stopped: $(cat knob-runs/mo/1/stdout.log)"
"$KNOB" trials mo --storage "$S" > table.txt
grep -qE '^ +1 +pruned +0\.5;0\.2 ' table.txt || fail "the table: $(cat table.txt)"
"$KNOB" best mo --storage "$S" > best.txt
grep -qF 'Pareto front: 1 feasible trial,' best.txt || fail "the Pareto front: $(cat best.txt)"
expect_eq "$(head -1 best.txt)" 'trial 0: value loss=1 acc=0.9' "the Pareto front's trial"
# one objective: the pruned trial's value is its last intermediate value, as before, and it
# keeps its constraint
S1="sqlite:///$T/one.db"
for mode in good poor; do
    "$KNOB" run one_$mode.yaml --storage "$S1" --study one --trials 1 > out.txt 2>&1 ||
        fail "run one_$mode: $(cat out.txt)"
done
"$KNOB" trials one --storage "$S1" --format json > t1.json
expect_eq "$(py '[[t["state"], t["values"], t["constraints"]] for t in d]' < t1.json)" \
    '[["complete", [0.9], [-10]], ["pruned", [0.2], [10]]]' "the trials of one objective"
expect_eq "$(py 'd[1]["user_attrs"].get("gpu")' < t1.json)" 2 "the pruned trial's cost"
echo ok
