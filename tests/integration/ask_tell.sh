#!/usr/bin/env bash
# A study driven from a shell with knob ask / knob tell; --seed reproduces the params.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: unused
metric: {name: loss, goal: minimize}
method: random
parameters:
  x: {min: -5.0, max: 5.0}
  k: {values: [1, 2, 3]}
YAML
# Three asks and tells in each of two storages (a knob process each: under the sanitizers
# each costs a tenth of a second or more), the number and the loss read by one python3.
for db in a b; do
    for i in 1 2 3; do
        line=$("$KNOB" ask demo --sweep sweep.yaml --storage "sqlite:///$T/$db.db" --seed 7)
        read -r num y < <(echo "$line" | py '"%d %r" % (d["number"], (d["params"]["x"] - 1) ** 2)')
        echo "$line" >> "$db.asks"
        "$KNOB" tell demo "$num" "$y" --storage "sqlite:///$T/$db.db"
    done
done
cmp a.asks b.asks || fail "the same seed gave other params"
expect_eq "$(sort -u a.asks | wc -l)" 3 "each ask differs"
line=$("$KNOB" ask demo --sweep sweep.yaml --storage "sqlite:///$T/a.db")
num=$(echo "$line" | py 'd["number"]')
# an asked trial waits for its tell, however long: it has no heartbeat that could go stale
"$KNOB" trials demo --storage "sqlite:///$T/a.db" --format json > t.json
expect_eq "$(py "[t['state'] for t in d if t['number'] == $num]" < t.json)" '["running"]' "asked trial"
expect_eq "$(py "[t for t in d if t['number'] == $num][0]['system_attrs'].get('heartbeat')" < t.json)" \
    None "heartbeat of an asked trial"
expect_eq "$(py "[t for t in d if t['number'] == $num][0]['params'] == $(echo "$line" | py 'd["params"]')" < t.json)" \
    True "params attribute of an asked trial"
"$KNOB" tell demo "$num" --state pruned --storage "sqlite:///$T/a.db"
if "$KNOB" tell demo "$num" 1.0 --storage "sqlite:///$T/a.db" 2> err.txt; then fail "told twice"; fi
grep -q "already pruned" err.txt || fail "no clear error for telling twice: $(cat err.txt)"
"$KNOB" best demo --storage "sqlite:///$T/a.db" --json > best.json
[ "$(py 'd["state"]' < best.json)" = complete ] || fail "best"
# knob tell --state fail, and usage errors
line=$("$KNOB" ask demo --sweep sweep.yaml --storage "sqlite:///$T/a.db")
num=$(echo "$line" | py 'd["number"]')
"$KNOB" tell demo "$num" --state fail --storage "sqlite:///$T/a.db"
"$KNOB" trials demo --storage "sqlite:///$T/a.db" --format json > t.json
expect_eq "$(py "[t['state'] for t in d if t['number'] == $num]" < t.json)" '["fail"]' "told fail"
set +e
"$KNOB" tell demo "$num" --storage "sqlite:///$T/a.db" 2> /dev/null; s1=$?
"$KNOB" tell demo x 1 --storage "sqlite:///$T/a.db" 2> /dev/null; s2=$?
"$KNOB" tell nostudy 0 1 --storage "sqlite:///$T/a.db" 2> /dev/null; s3=$?
"$KNOB" ask nostudy --storage "sqlite:///$T/a.db" 2> /dev/null; s4=$? # no sweep stored
set -e
expect_eq "$s1 $s2 $s3 $s4" "2 2 1 1" "tell/ask errors"
# a trial number the study does not have: exit 1, the message names the study (not its row id)
for db in a b; do
    if "$KNOB" tell demo 999 0.5 --storage "sqlite:///$T/$db.db" 2> err.txt; then fail "trial 999 told"; fi
    grep -q "study 'demo' has no trial 999" err.txt || fail "no-such-trial message: $(cat err.txt)"
done
# a value with --state pruned or fail is refused (it was dropped without a word)
line=$("$KNOB" ask demo --sweep sweep.yaml --storage "sqlite:///$T/a.db")
num=$(echo "$line" | py 'd["number"]')
set +e
"$KNOB" tell demo "$num" 0.5 --state pruned --storage "sqlite:///$T/a.db" 2> err.txt; s1=$?
"$KNOB" tell demo "$num" 0.5 --state fail --storage "sqlite:///$T/a.db" 2>> err.txt; s2=$?
set -e
expect_eq "$s1 $s2" "2 2" "tell with values and --state pruned/fail"
grep -q "a pruned trial takes no values, got 1 (with one objective its value is its last intermediate value; with several it has none)" err.txt ||
    fail "pruned with a value: $(cat err.txt)"
"$KNOB" tell demo "$num" --state pruned --storage "sqlite:///$T/a.db"
# A wrong count of values is refused (exit 2) and the trial keeps running, to be told right.
line=$("$KNOB" ask demo --sweep sweep.yaml --storage "sqlite:///$T/a.db")
num=$(echo "$line" | py 'd["number"]')
set +e
"$KNOB" tell demo "$num" 1 2 --storage "sqlite:///$T/a.db" 2> err.txt; s1=$?
"$KNOB" tell demo "$num" --storage "sqlite:///$T/a.db" 2>> err.txt; s2=$?
set -e
expect_eq "$s1 $s2" "2 2" "tell with a wrong count of values"
grep -q "needs 1 value, got 2 (trial $num is still running)" err.txt || fail "count error: $(cat err.txt)"
"$KNOB" trials demo --storage "sqlite:///$T/a.db" --format json > t.json
expect_eq "$(py "[t['state'] for t in d if t['number'] == $num]" < t.json)" '["running"]' "after a refused tell"
"$KNOB" tell demo "$num" 0.5 --storage "sqlite:///$T/a.db"
"$KNOB" trials demo --storage "sqlite:///$T/a.db" --format json > t.json
expect_eq "$(py "[t['state'] for t in d if t['number'] == $num]" < t.json)" '["complete"]' "told right"
# the same mistake on a finished trial does not call it running: the state comes first
status=0
"$KNOB" tell demo "$num" 1 2 --storage "sqlite:///$T/a.db" 2> err.txt || status=$?
expect_eq "$status" 2 "exit status of a wrong count on a finished trial ($(cat err.txt))"
grep -q "trial $num is already complete" err.txt ||
    fail "count error on a finished trial: $(cat err.txt)"
# a value that is not finite (a shell variable that holds one) is a mistake in the call, as
# 1e400 is: refused with exit status 2, the trial left running, the message saying how to
# fail it on purpose (it failed the trial for good, exit status 1)
num=$("$KNOB" ask demo --sweep sweep.yaml --storage "sqlite:///$T/a.db" | py 'd["number"]')
for v in nan inf -inf Infinity; do
    status=0
    "$KNOB" tell demo "$num" "$v" --storage "sqlite:///$T/a.db" 2> err.txt || status=$?
    expect_eq "$status" 2 "exit status of a tell of $v ($(cat err.txt))"
    expect_eq "$(head -n 1 err.txt)" "knob tell: '$v' is not a finite number: a trial's values \
are finite (nothing was written; the trial keeps running; to fail it, knob tell demo $num \
--state fail)" "tell $v"
done
"$KNOB" trials demo --storage "sqlite:///$T/a.db" --format json > t.json
expect_eq "$(py "[t['state'] for t in d if t['number'] == $num]" < t.json)" '["running"]' \
    "after a tell of nan and inf"
"$KNOB" tell demo "$num" 0.5 --storage "sqlite:///$T/a.db" || fail "a tell after nan"
# An enqueued trial not asked yet has no params: telling it (a value, --state fail,
# --constraints, a wrong count) is refused with exit status 2 and it stays in the queue;
# the next ask takes it with its params, and then it is told.
"$KNOB" enqueue demo x=1.5 k=2 --storage "sqlite:///$T/a.db" > /dev/null
num=$("$KNOB" trials demo --storage "sqlite:///$T/a.db" --format json | py "max(t['number'] for t in d)")
set +e
"$KNOB" tell demo "$num" 0.25 --storage "sqlite:///$T/a.db" 2> err.txt; s1=$?
"$KNOB" tell demo "$num" --state fail --storage "sqlite:///$T/a.db" 2>> err.txt; s2=$?
"$KNOB" tell demo "$num" 0.25 --constraints 1 --storage "sqlite:///$T/a.db" 2>> err.txt; s3=$?
"$KNOB" tell demo "$num" 1 2 --storage "sqlite:///$T/a.db" 2>> err.txt; s4=$?
set -e
expect_eq "$s1 $s2 $s3 $s4" "2 2 2 2" "tell of a waiting trial"
expect_eq "$(grep -c "trial $num of study 'demo' is waiting: it was enqueued and has not been asked" err.txt)" \
    4 "waiting-trial message: $(cat err.txt)"
"$KNOB" trials demo --storage "sqlite:///$T/a.db" --format json > t.json
expect_eq "$(py "[(t['state'], t['values'], t['constraints']) for t in d if t['number'] == $num]" < t.json)" \
    '[["waiting", [], []]]' "a refused waiting trial"
line=$("$KNOB" ask demo --sweep sweep.yaml --storage "sqlite:///$T/a.db")
expect_eq "$(echo "$line" | py '[d["number"], d["params"]]')" "[$num, {\"x\": 1.5, \"k\": 2}]" "the enqueued trial asked"
"$KNOB" tell demo "$num" 0.25 --storage "sqlite:///$T/a.db"
"$KNOB" trials demo --storage "sqlite:///$T/a.db" --format json > t.json
expect_eq "$(py "[(t['state'], t['values'], t['params']) for t in d if t['number'] == $num]" < t.json)" \
    '[["complete", [0.25], {"x": 1.5, "k": 2}]]' "the enqueued trial told once asked"

# What could not be written to stdout (a full disk) fails the command, saying so; knob ask
# fails the trial whose params nobody got (it was left RUNNING, and the command exited 0).
if [ -w /dev/full ]; then
    n=$(py 'len(d)' < t.json)
    if "$KNOB" ask demo --storage "sqlite:///$T/a.db" > /dev/full 2> err.txt; then fail "ask into a full disk exited 0"; fi
    grep -q "knob ask: cannot write the params of trial $n to stdout: No space left on device; the trial is failed" err.txt ||
        fail "ask into a full disk: $(cat err.txt)"
    "$KNOB" trials demo --storage "sqlite:///$T/a.db" --format json > t.json
    expect_eq "$(py "[(t['state'], t['system_attrs'].get('fail_reason')) for t in d if t['number'] == $n]" < t.json)" \
        '[["fail", "knob ask could not print its params"]]' "the trial asked into a full disk"
    for cmd in "trials demo --format csv" "best demo" "studies"; do
        # shellcheck disable=SC2086 # the words of the command
        if "$KNOB" $cmd --storage "sqlite:///$T/a.db" > /dev/full 2> err.txt; then fail "knob $cmd into a full disk exited 0"; fi
        grep -q "cannot write to stdout: No space left on device" err.txt || fail "knob $cmd: $(cat err.txt)"
    done
fi
# a reader that goes away before the params come: the trial is failed, not left RUNNING for
# good (SIGPIPE killed knob ask after the trial began)
printf 'program: x\nmethod: random\nmetric: {name: loss}\nparameters: {x: {min: 0.0, max: 1.0}}\n' > pipe.yaml
status=$(python3 -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)  # the reader is gone before knob ask writes
with open("pipe.err", "w") as err:
    print(subprocess.run(sys.argv[1:], stdout=w, stderr=err).returncode)
' "$KNOB" ask pipe --sweep pipe.yaml --storage "sqlite:///$T/pipe.db")
expect_eq "$status" 1 "knob ask into a closed pipe ($(cat pipe.err))"
grep -q "cannot write the params of trial 0 to stdout: Broken pipe; the trial is failed" pipe.err ||
    fail "knob ask into a closed pipe: $(cat pipe.err)"
"$KNOB" trials pipe --storage "sqlite:///$T/pipe.db" --format json > pipe.json
expect_eq "$(py '[t["state"] for t in d]' < pipe.json)" '["fail"]' "the trial asked into a closed pipe"
echo ok
