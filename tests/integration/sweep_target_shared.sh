#!/usr/bin/env bash
# W&B's metric.target is the study's, as a W&B sweep's is every agent's: once any trial of
# the study reaches it, `knob run` starts no more trials, though the trial came from another
# worker, and `knob ask` asks none (exit status 3, as for run_cap). Both went on: knob run
# saw only its own trials' values, knob ask saw none.
source "$(dirname "$0")/lib.bash"
S="sqlite:///$T/s.db"
export KNOB S T
cat > sweep.yaml <<YAML
program: $T/trial.sh
method: random
metric: {name: loss, goal: minimize, target: 0.5}
parameters:
  x: {min: 0.0, max: 1.0}
YAML
# Trial 0 plays another worker: it asks a trial of the study and tells it 0.25, which reaches
# the target, then reports 1.0 itself, which does not.
cat > trial.sh <<'SH'
#!/bin/sh
if [ "$KNOB_TRIAL_NUMBER" = 0 ]; then
    n=$("$KNOB" ask t --sweep "$T/sweep.yaml" --storage "$S" | python3 -c 'import json,sys; print(json.load(sys.stdin)["number"])')
    "$KNOB" tell t "$n" 0.25 --storage "$S"
fi
echo "loss=1.0"
SH
chmod +x trial.sh
"$KNOB" run sweep.yaml --study t --storage "$S" --trials 6 --parallel 1 > out.txt 2>&1 ||
    fail "run: $(cat out.txt)"
grep -q "the target 0.5 of 'loss' is reached" out.txt || fail "no target reached: $(cat out.txt)"
"$KNOB" trials t --storage "$S" --format json > t.json
expect_eq "$(py 'len(d)' < t.json)" 2 "trials in the study (trial 0 and the other worker's)"
expect_eq "$(py 'sorted(t["values"][0] for t in d)' < t.json)" "[0.25, 1]" "their values"

rc=0
"$KNOB" ask t --sweep sweep.yaml --storage "$S" > ask.txt 2> err.txt || rc=$?
[ $rc = 3 ] || fail "ask after the target: exit $rc, not 3: $(cat ask.txt err.txt)"
grep -qF "knob ask: nothing left to ask: the study's best loss, 0.25, reaches the target 0.5" err.txt ||
    fail "ask: $(cat err.txt)"
expect_eq "$("$KNOB" trials t --storage "$S" --format json | py 'len(d)')" 2 "trials after ask"
echo ok
