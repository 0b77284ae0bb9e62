#!/usr/bin/env bash
# A patient pruner's wrapped pruner judges the objective patient reads. With objective 1
# (acc, maximized) set on patient, the wrapped median read its own objective 0 (loss,
# minimized) and let a trial whose acc fell below the median's run to its end; it is now
# pruned. An objective set on the wrapped pruner other than patient's is an error at the
# value of wrapped_options, naming both.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
cat > mo.sh <<'SH'
#!/bin/sh
if [ "$1" = mode=good ]; then
    echo "step=0 loss=1 acc=0.9"; echo "step=1 loss=1 acc=0.9"; echo "step=2 loss=1 acc=0.9"
else
    # still running when it is judged: a program that has exited ran through, unpruned
    echo "step=0 loss=2 acc=0.5"; echo "step=1 loss=2 acc=0.4"; sleep 5; echo "step=2 loss=2 acc=0.3"
fi
SH
chmod +x mo.sh
sweep() { # file mode patient-options
    cat > "$1" <<YAML
program: ./mo.sh
command: ["\${program}", "\${args_no_hyphens}"]
objectives:
  - {name: loss, goal: minimize}
  - {name: acc, goal: maximize}
method: random
pruner:
  name: patient
  options: {$3}
parameters:
  mode: {value: $2}
YAML
}
wrapped='patience: 0, wrapped: median, wrapped_options: "[n_startup_trials=1]"'
sweep good.yaml good "objective: 1, $wrapped"
sweep poor.yaml poor "objective: 1, $wrapped"
"$KNOB" run good.yaml $S --study mo --trials 1 > out0.txt 2>&1 || fail "run: $(cat out0.txt)"
"$KNOB" run poor.yaml $S --study mo --trials 1 > out1.txt 2>&1 || fail "run: $(cat out1.txt)"
"$KNOB" trials mo $S --format json > t.json
expect_eq "$(py '[[t["state"], t["intermediate"]] for t in d]' < t.json)" \
    '[["complete", {"0": 0.9, "1": 0.9, "2": 0.9}], ["pruned", {"0": 0.5, "1": 0.4}]]' "the trials"
# an objective on the wrapped pruner that is not patient's, either way round
sweep c0.yaml poor 'patience: 0, wrapped: median, wrapped_options: "[objective=1]"'
sweep c1.yaml poor 'objective: 1, patience: 0, wrapped: median, wrapped_options: "[objective=0]"'
for k in 0 1; do
    rc=0
    "$KNOB" run c$k.yaml $S --study c$k --trials 1 > out.txt 2> err.txt || rc=$?
    expect_eq "$rc" 2 "conflict $k: exit status ($(cat out.txt err.txt))"
    grep -qF "c$k.yaml:9:$((60 + 14 * k)): key 'pruner.options.wrapped_options': pruner 'patient': its objective is $k and wrapped_options gives the wrapped pruner 'median' objective=$((1 - k)): the wrapped pruner judges the objective patient reads, so give objective to patient alone" err.txt ||
        fail "conflict $k: $(cat err.txt)"
done
# the same objective on both is no conflict
sweep same.yaml good 'objective: 1, patience: 0, wrapped: median, wrapped_options: "[objective=1]"'
"$KNOB" run same.yaml $S --study same --trials 1 > out.txt 2>&1 || fail "same: $(cat out.txt)"
echo ok
