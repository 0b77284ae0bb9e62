#!/usr/bin/env bash
# knob intermediate: a study driven from a shell with knob ask / knob tell reports each
# epoch's value and learns from the exit status whether the pruner stops the trial.
source "$(dirname "$0")/lib.bash"
db="sqlite:///$T/i.db"
cat > sweep.yaml <<YAML
program: unused
metric: {name: loss, goal: minimize}
method: random
parameters:
  x: {min: 0.0, max: 1.0}
pruner: {name: median, options: {n_startup_trials: 1, n_warmup_steps: 1}}
YAML
# Trial 0 completes with losses 1, 1, 1; trial 1 reports 9 at each step: kept at step 0
# (the warm-up), pruned at step 1, and the script tells it pruned.
trial() { # loss -> prints one word per epoch and the state it ended in
    local n
    n=$("$KNOB" ask demo --sweep sweep.yaml --storage "$db" | py 'd["number"]')
    for epoch in 0 1 2; do
        set +e
        "$KNOB" intermediate demo "$n" "$1" --step "$epoch" --storage "$db" >> words.txt 2>> err.txt
        s=$?
        set -e
        echo "$n $epoch $s" >> status.txt
        if [ "$s" = 3 ]; then
            "$KNOB" tell demo "$n" --state pruned --storage "$db"
            return
        fi
        [ "$s" = 0 ] || fail "knob intermediate exited with $s: $(cat err.txt)"
    done
    "$KNOB" tell demo "$n" "$1" --storage "$db"
}
trial 1
trial 9
expect_eq "$(tr '\n' ' ' < words.txt)" "continue continue continue continue prune " "the answers"
expect_eq "$(tail -n 1 status.txt)" "1 1 3" "the exit status of prune"
"$KNOB" trials demo --storage "$db" --format json > t.json
expect_eq "$(py '[[t["state"], t["values"], t["intermediate"]] for t in d]' < t.json)" \
    '[["complete", [1], {"0": 1, "1": 1, "2": 1}], ["pruned", [9], {"0": 9, "1": 9}]]' \
    "the trials"
# Without --step, one past the trial's last step (0 for its first); a step reported again
# keeps its first value, and says so.
n=$("$KNOB" ask demo --sweep sweep.yaml --storage "$db" | py 'd["number"]')
"$KNOB" intermediate demo "$n" 0.5 --storage "$db" > /dev/null
"$KNOB" intermediate demo "$n" 0.25 --step 4 --storage "$db" > /dev/null
"$KNOB" intermediate demo "$n" 0.125 --storage "$db" > /dev/null
"$KNOB" intermediate demo "$n" 0.6 --step 4 --storage "$db" > /dev/null 2> again.txt
# the value as typed (0.6), not in 17 digits (0.59999999999999998)
grep -q "trial $n of study 'demo' has a value at step 4 already (0.25): 0.6 is ignored" again.txt ||
    fail "a step again: $(cat again.txt)"
"$KNOB" trials demo --storage "$db" --format json > t.json
expect_eq "$(py "[t['intermediate'] for t in d if t['number'] == $n][0]" < t.json)" \
    '{"0": 0.5, "4": 0.25, "5": 0.125}' "steps without --step"
# Mistakes: a value that is not a finite number, a bad step or trial number (exit 2); a
# waiting trial (enqueued, not asked: exit 2); a finished or unknown trial (exit 1).
"$KNOB" enqueue demo x=0.5 --storage "$db" > /dev/null
w=$("$KNOB" trials demo --storage "$db" --format json | py "max(t['number'] for t in d)")
set +e
"$KNOB" intermediate demo "$n" nan --storage "$db" 2> e1.txt; s1=$?
"$KNOB" intermediate demo "$n" 1 --step -1 --storage "$db" 2> e2.txt; s2=$?
"$KNOB" intermediate demo x 1 --storage "$db" 2> /dev/null; s3=$?
"$KNOB" intermediate demo "$w" 1 --storage "$db" 2> e4.txt; s4=$?
"$KNOB" intermediate demo 0 1 --storage "$db" 2> e5.txt; s5=$?
"$KNOB" intermediate demo 99 1 --storage "$db" 2> e6.txt; s6=$?
"$KNOB" intermediate demo "$n" --storage "$db" 2> /dev/null; s7=$?
set -e
expect_eq "$s1 $s2 $s3 $s4 $s5 $s6 $s7" "2 2 2 2 1 1 2" "exit statuses of mistakes"
grep -q "the value must be a finite number, got 'nan'" e1.txt || fail "nan: $(cat e1.txt)"
grep -q -- "--step is a whole number >= 0, got '-1'" e2.txt || fail "step: $(cat e2.txt)"
grep -q "trial $w is waiting" e4.txt || fail "waiting: $(cat e4.txt)"
grep -q "trial 0 is already complete" e5.txt || fail "finished: $(cat e5.txt)"
grep -q "study 'demo' has no trial 99" e6.txt || fail "unknown: $(cat e6.txt)"
"$KNOB" trials demo --storage "$db" --format json > t.json
expect_eq "$(py "[t['intermediate'] for t in d if t['number'] in ($n, $w)]" < t.json)" \
    '[{"0": 0.5, "4": 0.25, "5": 0.125}, {}]' "nothing written by a mistake"
echo ok
