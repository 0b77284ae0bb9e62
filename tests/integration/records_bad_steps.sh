#!/usr/bin/env bash
# A record whose step is no step (-1, 2.5, past 2^53) is not an intermediate value: it
# was dropped without a word (-1, 1e16) or cut to another step (2.5 took step 2's place
# when step 2 had not come yet). knob run says so once per trial on stderr with the line,
# and below each such line in the trial's stdout.log; the records around it are kept, and
# the last value is still the trial's value.
source "$(dirname "$0")/lib.bash"
cat > steps.sh <<'SH'
#!/bin/sh
echo "step=0 loss=4"
echo "step=-1 loss=3.5"
echo "step=2.5 loss=3"
echo '{"step": 1e16, "loss": 2.75}'
echo "step=2 loss=2.5"
echo "epoch=1.5 loss=2"
SH
chmod +x steps.sh
cat > sweep.yaml <<YAML
program: ./steps.sh
command: ["\${program}"]
metric: {name: loss, goal: minimize}
method: random
parameters:
  x: {min: 0.0, max: 1.0}
YAML
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study b --trials 2 > out.txt 2> err.txt ||
    fail "run: $(cat out.txt err.txt)"
"$KNOB" trials b --storage "sqlite:///$T/s.db" --format json > t.json
expect_eq "$(py '[[t["state"], t["values"], t["intermediate"]] for t in d]' < t.json)" \
    '[["complete", [2], {"0": 4, "2": 2.5}], ["complete", [2], {"0": 4, "2": 2.5}]]' "the trials"
for n in 0 1; do
    expect_eq "$(grep -c "^knob: trial $n: a record has step" err.txt)" 1 "trial $n's warnings ($(cat err.txt))"
done
grep -qF 'knob: trial 0: a record has step -1, not a whole number from 0 to 2^53: it is not reported as an intermediate value, nor is any such record of this trial (see its stdout.log): "step=-1 loss=3.5"' err.txt ||
    fail "the warning: $(cat err.txt)"
log=knob-runs/b/0/stdout.log
expect_eq "$(grep -c 'not a whole number from 0 to 2^53: not reported' "$log")" 4 "notes in $log ($(cat "$log"))"
grep -A1 '^step=2.5 loss=3$' "$log" | grep -qF "knob: the line above has step 2.5, not a whole number" ||
    fail "the note below the line: $(cat "$log")"
grep -A1 '"step": 1e16' "$log" | grep -qF "knob: the line above has step 10000000000000000, not" ||
    fail "the note below the line: $(cat "$log")"
echo ok
