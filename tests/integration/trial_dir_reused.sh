#!/usr/bin/env bash
# Trial directories are <trial_dir>/<study>/<number>/: after `knob delete` and a new study of
# the same name, the new trial 0 ran in the old trial 0's directory, took the old one's
# checkpoint for its own and reported its value. A directory that holds another trial's files
# is now moved aside (<number>.replaced-<k>), said, and the new trial starts in an empty one.
source "$(dirname "$0")/lib.bash"
cat > s.yaml <<'YAML'
command: [/bin/sh, -c, 'v=${1#x=}; if [ -e "$KNOB_TRIAL_DIR/ckpt" ]; then echo "loss=$(cat "$KNOB_TRIAL_DIR/ckpt")"; else echo "$v" > "$KNOB_TRIAL_DIR/ckpt"; echo "loss=$v"; fi', sh, "${args_no_hyphens}"]
metric: {name: loss, goal: minimize}
method: grid
parameters:
  x: {values: [1, 2]}
YAML
# the program's loss is its x, or the checkpoint's when it finds one
S="--storage sqlite:///$T/s.db"
"$KNOB" run s.yaml $S --study k > a.txt 2>&1 || fail "first run: $(cat a.txt)"
"$KNOB" delete k $S > /dev/null 2>&1 || fail "delete"
sed -i 's/values: \[1, 2\]/values: [5, 6]/' s.yaml
"$KNOB" run s.yaml $S --study k > b.txt 2> b.err || fail "second run: $(cat b.txt b.err)"
"$KNOB" trials k $S --format json > t.json
expect_eq "$(py 'sorted((t["params"]["x"], t["values"]) for t in d)' < t.json)" '[[5, [5]], [6, [6]]]' \
    "the new study's trials took no old checkpoint"
grep -q "trial 0: its directory held another trial's files" b.err || fail "not said: $(cat b.err)"
[ -e knob-runs/k/0.replaced-1/ckpt ] || fail "the old files are not kept: $(ls knob-runs/k)"
grep -qx '{"x":[12]}' knob-runs/k/0.replaced-1/params.json ||
    fail "the old trial's params are not kept: $(cat knob-runs/k/0.replaced-1/params.json)"
# a resumed study (new points of the grid): its new trials' directories are new, nothing is moved
sed -i 's/values: \[5, 6\]/values: [5, 6, 7]/' s.yaml
"$KNOB" run s.yaml $S --study k > c.txt 2> c.err || fail "third run: $(cat c.txt c.err)"
expect_eq "$("$KNOB" trials k $S --format json | py 'len(d)')" 3 "trials after the resumed run"
grep -q "held another trial's files" c.err && fail "moved again: $(cat c.err)"
[ -e knob-runs/k/0/ckpt ] && [ ! -e knob-runs/k/0.replaced-2 ] || fail "a directory of the study moved: $(ls knob-runs/k)"
echo ok
