#!/usr/bin/env bash
# examples/digits checkpoints and resumes: 4 epochs at once print the same lines as 2 and
# then 2 more through a checkpoint (the batch order's generator is saved with the weights),
# from options or from knob's KNOB_CHECKPOINT_* variables; a missing checkpoint file starts
# afresh, a corrupt one is an error; --hypergrad adapts the rate, and goes on through a
# checkpoint as if at once; a short method pbt sweep runs it.
source "$(dirname "$0")/lib.bash"
D="$KNOB_BUILD/examples/digits/digits_train"
[ -x "$D" ] || fail "no $D (the build makes it)"
"$D" --lr=0.05 --epochs=4 > whole.txt || fail "whole"
mkdir a b
"$D" --lr=0.05 --epochs=2 --checkpoint_out=a > part.txt || fail "first half"
[ -s a/digits.ckpt ] || fail "no checkpoint written"
KNOB_CHECKPOINT_IN=a KNOB_CHECKPOINT_OUT=b KNOB_PBT_END_STEP=4 "$D" --lr=0.05 >> part.txt ||
    fail "second half"
cmp whole.txt part.txt || fail "resumed training differs: $(diff whole.txt part.txt)"
[ -s b/digits.ckpt ] || fail "no second checkpoint"
mkdir empty
"$D" --lr=0.05 --epochs=1 --checkpoint_in=empty > fresh.txt || fail "empty checkpoint dir"
[ "$(head -1 whole.txt)" = "$(cat fresh.txt)" ] || fail "an empty checkpoint dir starts afresh"
echo junk > empty/digits.ckpt
if "$D" --epochs=1 --checkpoint_in=empty 2> err.txt; then fail "a corrupt checkpoint was read"; fi
grep -q "cannot read the checkpoint" err.txt || fail "error: $(cat err.txt)"

# --hypergrad: the rate adapts from --lr (printed per epoch); with --hyper_lr=0 it stays
for m in sgd adam; do
    "$D" --lr=0.01 --epochs=3 --hypergrad=$m --hyper_lr=1e-4 > hg.txt || fail "hypergrad $m"
    expect_eq "$(tail -1 hg.txt | py 'd["lr"] != 0.01 and d["val_accuracy"] > 0.9')" True \
        "hypergrad $m: $(cat hg.txt)"
    "$D" --lr=0.01 --epochs=2 --hypergrad=$m --hyper_lr=0 > hg0.txt || fail "hypergrad $m, 0"
    expect_eq "$(tail -1 hg0.txt | py 'd["lr"]')" 0.01 "hyper_lr 0 keeps the rate ($m)"
done
# through a checkpoint --hypergrad goes on where it was: the rate it learned, its velocity or
# moments (the rate fell back to --lr and the velocity to 0 at every checkpoint)
for m in sgd adam; do
    H="--lr=0.05 --seed=2 --hypergrad=$m --hyper_lr=1e-3"
    "$D" $H --epochs=4 > hg_whole.txt || fail "hypergrad $m, 4 epochs"
    rm -rf hg_a && mkdir hg_a
    "$D" $H --epochs=2 --checkpoint_out=hg_a > hg_part.txt || fail "hypergrad $m, 2 epochs"
    "$D" $H --epochs=4 --checkpoint_in=hg_a >> hg_part.txt 2> err.txt || fail "hypergrad $m, 2 more"
    cmp hg_whole.txt hg_part.txt || fail "hypergrad $m through a checkpoint: $(diff hg_whole.txt hg_part.txt)"
    [ -s err.txt ] && fail "hypergrad $m resumed: $(cat err.txt)"
done
# the state is checked: another method's is refused, a cut one is no checkpoint
if "$D" --hypergrad=sgd --epochs=3 --checkpoint_in=hg_a 2> err.txt; then fail "adam's state taken by sgd"; fi
grep -q "the state is Adam's, this optimizer is SGD" err.txt || fail "error: $(cat err.txt)"
mkdir hg_cut && head -c -8 hg_a/digits.ckpt > hg_cut/digits.ckpt
if "$D" --hypergrad=adam --epochs=3 --checkpoint_in=hg_cut 2> err.txt; then fail "a cut state was read"; fi
grep -q "cannot read the checkpoint" err.txt || fail "error: $(cat err.txt)"
# a checkpoint without the state (written without --hypergrad, as every one before it was
# saved) is read: the rate starts at --lr, and stderr says so; the state without --hypergrad
# is left, and stderr says so too
"$D" --lr=0.05 --epochs=3 --checkpoint_in=a --hypergrad=sgd --hyper_lr=0 > hg_old.txt 2> err.txt ||
    fail "a checkpoint without the state: $(cat err.txt)"
expect_eq "$(tail -1 hg_old.txt | py '[d["epoch"], d["lr"]]')" "[3, 0.05]" "a checkpoint without the state"
grep -q "holds no --hypergrad state" err.txt || fail "no note: $(cat err.txt)"
"$D" --lr=0.05 --epochs=3 --checkpoint_in=hg_a > /dev/null 2> err.txt || fail "the state unused: $(cat err.txt)"
grep -q "state is not used without --hypergrad" err.txt || fail "no note: $(cat err.txt)"

if "$D" --hypergrad=rmsprop 2> err.txt; then fail "a bad --hypergrad"; fi
grep -q "expected sgd, adam or none" err.txt || fail "error: $(cat err.txt)"

cat > sweep.yaml <<YAML
command: ["$D", "\${args}"]
method: pbt
metric: {name: val_accuracy, goal: maximize}
pbt: {population: 3, interval: 1, max_steps: 3}
parameters:
  lr: {distribution: log_uniform_values, min: 0.005, max: 0.2}
  hidden: {value: 16}
YAML
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study d --parallel 2 > run.txt 2>&1 ||
    fail "run: $(cat run.txt)"
"$KNOB" trials d --storage "sqlite:///$T/s.db" --format json > t.json
expect_eq "$(py 'all(t["state"] == "complete" for t in d)' < t.json)" True "states"
expect_eq "$(py 'sorted(set(max(int(k) for k in t["intermediate"]) for t in d)) == [1, 2, 3]' < t.json)" \
    True "epochs of the intervals"
echo ok
