#!/usr/bin/env bash
# A bracket that closes one opened before a value ends the value: the last value of a
# tqdm or Lightning progress bar's postfix ("[00:00<00:00, v_num=0, acc=0.33,
# train_loss=0.5]") was read as '0.5]', no number (the trial failed, or Lightning's last
# metric was lost); so is a ')' or '}' after the value. A bracket opened in the value is
# the value's own: tensor(0.2500) and [0.1 stay whole, no number.
source "$(dirname "$0")/lib.bash"
mkdir lines
printf 'Epoch 0: 100%%|##########| 10/10 [00:00<00:00, v_num=0, acc=0.33, loss=0.5]\n' > lines/0
printf ' 45%%|####5     | 9/20 [00:01<00:02, acc=0.1, loss=0.44]\n' > lines/1
printf 'metrics (loss=0.3)\n' > lines/2
printf 'eval: [loss: 0.125]\n' > lines/3
printf 'val {loss=0.25}\n' > lines/4
printf 'loss=tensor(0.2500)]\n' > lines/5
printf 'loss=[0.1]\n' > lines/6
printf 'loss=0,5]\n' > lines/7
cat > sweep.yaml <<YAML
command: ["/bin/sh", "-c", "cat $T/lines/\$KNOB_TRIAL_NUMBER"]
method: grid
metric: {name: loss}
parameters:
  x: {values: [0, 1, 2, 3, 4, 5, 6, 7]}
YAML
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study b --max-initial-failures 0 \
    > out.txt 2>&1 || fail "run: $(cat out.txt)"
"$KNOB" trials b --storage "sqlite:///$T/s.db" --format json > t.json
expect_eq "$(py '[(t["state"], t["values"]) for t in d][:5]' < t.json)" \
    '[["complete", [0.5]], ["complete", [0.44]], ["complete", [0.3]], ["complete", [0.125]], ["complete", [0.25]]]' \
    "values before a closing bracket"
expect_eq "$(py '[t["system_attrs"].get("fail_reason") for t in d][5:]' < t.json)" \
    "[\"no metric 'loss' in stdout: its value 'tensor(0.2500)' is not a number (a torch tensor, \
which prints rounded: print its .item())\", \"no metric 'loss' in stdout: its value '[0.1]' is \
not a number\", \"no metric 'loss' in stdout: its value '0,5' is not a number\"]" \
    "a bracket of the value's own"
# Lightning's bar: its last metric is read beside the others (acc was; loss was not)
sed -e 's/name: loss/name: acc/' -e 's/\[0, 1.*\]/[0]/' sweep.yaml > acc.yaml
"$KNOB" run acc.yaml --storage "sqlite:///$T/s.db" --study acc > acc.txt 2>&1 ||
    fail "run: $(cat acc.txt)"
"$KNOB" trials acc --storage "sqlite:///$T/s.db" --format json > acc.json
expect_eq "$(py '[t["values"] for t in d]' < acc.json)" '[[0.33]]' "acc beside loss"
# Brackets beside pairs read without them: a '=' pair in brackets leaves a line's ':' pairs
# read (Ray's "(RayTrainWorker pid=1234)" prefix), and a value in brackets after the key's
# value outside them is an aside, no value of it: each line reads as it did before brackets
# ended values (the first six gave no loss, the trial failing; the last three 0.3, 0.6, 0.45)
mkdir aside
printf '(RayTrainWorker pid=1234) loss: 0.5\n' > aside/0
printf '(func pid=1234) loss: 0.55\n' > aside/1
printf '[rank=0] loss: 0.25\n' > aside/2
printf 'Epoch 1 (lr=0.001) - loss: 0.4 - acc: 0.9\n' > aside/3
printf 'loss: 0.35 (lr=0.001)\n' > aside/4
printf 'Epoch 3 [gpu=0]: loss: 0.2\n' > aside/5
printf 'final loss=0.5 (best loss=0.3)\n' > aside/6
printf 'Epoch 1: loss=0.5 [val loss=0.6]\n' > aside/7
printf 'epoch 1 loss=0.5 (ema loss=0.45)\n' > aside/8
sed -e 's#/lines/#/aside/#' -e 's/\[0, 1.*\]/[0, 1, 2, 3, 4, 5, 6, 7, 8]/' sweep.yaml > aside.yaml
"$KNOB" run aside.yaml --storage "sqlite:///$T/s.db" --study aside --max-initial-failures 0 \
    > aside.txt 2>&1 ||
    fail "run: $(cat aside.txt)"
"$KNOB" trials aside --storage "sqlite:///$T/s.db" --format json > aside.json
old='[("complete", [v]) for v in [0.5, 0.55, 0.25, 0.4, 0.35, 0.2, 0.5, 0.5, 0.5]]'
expect_eq "$(py '[(t["state"], t["values"]) for t in d]' < aside.json)" "$(py "$old" <<< 0)" \
    "pairs beside brackets"
expect_eq "$(grep -c warning aside.txt || true)" 0 "no warning of an aside: $(cat aside.txt)"
mkdir val
printf 'val_loss: 0.3 [patience=3]\n' > val/0
sed -e 's#/lines/#/val/#' -e 's/name: loss/name: val_loss/' -e 's/\[0, 1.*\]/[0]/' \
    sweep.yaml > val.yaml
"$KNOB" run val.yaml --storage "sqlite:///$T/s.db" --study val > val.txt 2>&1 ||
    fail "run: $(cat val.txt)"
"$KNOB" trials val --storage "sqlite:///$T/s.db" --format json > val.json
expect_eq "$(py '[(t["state"], t["values"]) for t in d]' < val.json)" '[["complete", [0.3]]]' \
    "val_loss before a bracket"
echo ok
