#!/usr/bin/env bash
# A line that gives the metric under two forms ("train loss: 0.25 val loss: 0.30", the word
# before a key passed over) takes the last value, as a key given twice, and knob run warns
# once per run, naming both forms and the value taken: it was silent, and a program that
# prints a train and a validation loss had its value switch between them. A key repeated
# as it is (loss=0.5 loss=0.4), a number before the key ("step 1 loss: ...") and a key
# under one form each line are no such line.
source "$(dirname "$0")/lib.bash"
mkdir lines
printf 'step 1 loss: 0.5 step 2 loss: 0.45\nloss=0.5 loss=0.4\ntrain loss: 0.35\n' > lines/0
printf 'epoch 3 train loss: 0.25 val loss: 0.30\nloss: 0.2 val loss: 0.28\n' > lines/1
printf 'epoch 4 train loss: 0.2 val loss: 0.26\n' > lines/2
cat > sweep.yaml <<YAML
command: ["/bin/sh", "-c", "cat $T/lines/\$KNOB_TRIAL_NUMBER"]
method: grid
metric: {name: loss}
parameters:
  x: {values: [0, 1, 2]}
YAML
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study c > out.txt 2> err.txt ||
    fail "run: $(cat out.txt err.txt)"
"$KNOB" trials c --storage "sqlite:///$T/s.db" --format json > t.json
expect_eq "$(py '[(t["values"], t["intermediate"]) for t in d]' < t.json)" \
    '[[[0.35], {"0": 0.45, "1": 0.4, "2": 0.35}], [[0.28], {"0": 0.3, "1": 0.28}], [[0.26], {"0": 0.26}]]' \
    "the last value of each line"
expect_eq "$(grep -c warning err.txt)" 1 "one warning per run: $(cat err.txt)"
expect_eq "$(grep warning err.txt)" "knob: warning: trial 1: a line gives loss twice, as 'train \
loss' (0.25) and 'val loss' (0.3): the word before a key is passed over, and the last value, \
0.3, is taken; if they are two metrics, print them under names of their own (train_loss=..., \
val_loss=...); said once per run: \"epoch 3 train loss: 0.25 val loss: 0.30\"" "the warning"

# the same across lines: a train loss and a validation loss on lines of their own, each
# line's value taken in turn; warned once per run, the run's values as before
mkdir lines2
printf 'epoch 1\ntrain loss: 0.5\nval loss: 0.6\ntrain loss: 0.4\nval loss: 0.55\n' > lines2/0
printf 'train loss: 0.3\nval loss: 0.5\n' > lines2/1
sed "s#lines/#lines2/#; s#\[0, 1, 2\]#[0, 1]#" sweep.yaml > sweep2.yaml
"$KNOB" run sweep2.yaml --storage "sqlite:///$T/s.db" --study c2 > out2.txt 2> err2.txt ||
    fail "run: $(cat out2.txt err2.txt)"
"$KNOB" trials c2 --storage "sqlite:///$T/s.db" --format json > t2.json
expect_eq "$(py '[(t["values"], t["intermediate"]) for t in d]' < t2.json)" \
    '[[[0.55], {"0": 0.5, "1": 0.6, "2": 0.4, "3": 0.55}], [[0.5], {"0": 0.3, "1": 0.5}]]' \
    "each line's value in turn"
expect_eq "$(grep -c warning err2.txt)" 1 "one warning per run: $(cat err2.txt)"
expect_eq "$(grep warning err2.txt)" "knob: warning: trial 0: lines give loss under two words, \
'train loss' (0.5) and then 'val loss' (0.6): the word before a key is passed over, and each \
line's value is taken in turn, the trial's the last; if they are two metrics, print them under \
names of their own (train_loss=..., val_loss=...); said once per run" "the warning"

# words before a key that name no split of the data vary from line to line of one metric: a
# unit, a log's level, a description; no warning
printf 'epoch 1 took 3.2 s loss: 0.5\nepoch 2 took 65 ms loss: 0.4\nINFO loss: 0.3\nWARNING loss: 0.29\nmean loss: 0.3\nbest loss: 0.28\n' > lines2/0
printf 'Train loss: 0.3\nTrain loss: 0.2\n' > lines2/1
"$KNOB" run sweep2.yaml --storage "sqlite:///$T/s.db" --study c3 > out3.txt 2> err3.txt ||
    fail "run: $(cat out3.txt err3.txt)"
expect_eq "$(grep -c warning err3.txt)" 0 "no warning: $(cat err3.txt)"
echo ok
