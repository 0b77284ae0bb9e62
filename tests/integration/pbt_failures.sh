#!/usr/bin/env bash
# method pbt when every member's program fails (a disk full for a while, a bug fixed later):
# a failed member with no member to copy runs its interval again, from its own last
# checkpoint with its params (from scratch for a first interval), until pbt.max_failures;
# a population left dead by its failures ends the run with exit status 1, saying so and how
# to go on, and a run with a higher max_failures takes it up again from its checkpoints.
# The same with explore: pb2.
source "$(dirname "$0")/lib.bash"
# score: the sum of lr over the steps trained. Every member exits 1 at an interval that
# starts at $DOWN_AT or later while the file "down" exists (only member $DOWN_MEMBER, when
# set), or, with UNTIL_ALL, until each of the 4 members has failed once (an outage that ends
# while the population is down).
cat > prog.sh <<'SH'
#!/usr/bin/env bash
set -eu
lr=
for a in "$@"; do case $a in --lr=*) lr=${a#--lr=} ;; esac; done
start=$KNOB_PBT_START_STEP end=$KNOB_PBT_END_STEP
score=0 step=0
if [ -n "${KNOB_CHECKPOINT_IN:-}" ]; then read -r score step < "$KNOB_CHECKPOINT_IN/state"; fi
if [ "$step" != "$start" ]; then
    echo "checkpoint at step $step, the interval starts at $start" >&2
    exit 2
fi
root="$KNOB_TRIAL_DIR/.."
if [ "$start" -ge "$DOWN_AT" ] && [ -e "$DIR/down" ] &&
    { [ -z "${DOWN_MEMBER:-}" ] || [ "$DOWN_MEMBER" = "$KNOB_PBT_MEMBER" ]; } &&
    { [ -z "${UNTIL_ALL:-}" ] || [ "$(ls "$root" | grep -c '^failed-')" -lt 4 ]; }; then
    touch "$root/failed-$KNOB_PBT_MEMBER"
    echo "No space left on device" >&2
    exit 1
fi
score=$(awk -v s="$score" -v lr="$lr" -v n=$((end - start)) 'BEGIN { printf "%.10g", s + n * lr }')
echo "$score $end" > "$KNOB_CHECKPOINT_OUT/state"
echo "score=$score"
SH
chmod +x prog.sh
export DIR="$T"
sweep() { # file explore [max_failures]
    cat > "$1" <<YAML
program: prog.sh
method: pbt
metric: {name: score, goal: maximize}
pbt: {population: 4, interval: 2, max_steps: 10, explore: $2${3:+, max_failures: $3}}
seed: 3
parameters:
  lr: {distribution: log_uniform_values, min: 0.01, max: 0.5}
YAML
}
S="--storage sqlite:///$T/s.db"
check() { # study: the population's trials in t-STUDY.json, checked by the python on stdin
    "$KNOB" trials "$1" $S --format json > "t-$1.json"
    python3 - "$T/t-$1.json" || fail "$1: $(cat "t-$1.json")"
}

for explore in perturb pb2; do
    sweep "$explore.yaml" $explore
    # every member fails at its interval from step 4 until each has failed once: then a
    # failed member has no member to copy, and runs its interval again from its own last
    # checkpoint, with its params; the population goes on to max_steps
    touch down
    rc=0
    DOWN_AT=4 UNTIL_ALL=1 timeout 120 "$KNOB" run "$explore.yaml" $S --study "once-$explore" \
        > "once-$explore.txt" 2>&1 || rc=$?
    expect_eq "$rc" 0 "$explore, one failure each: $(cat "once-$explore.txt")"
    grep -q "every member of the population reached max_steps (10)$" "once-$explore.txt" ||
        fail "$explore, one failure each: $(cat "once-$explore.txt")"
    check "once-$explore" <<'PY'
import json, sys
d = {t["number"]: t for t in json.load(open(sys.argv[1]))}
rec = {n: t["system_attrs"]["pbt"] for n, t in d.items()}
failed = [n for n, t in d.items() if t["state"] == "fail"]
members = [rec[n]["member"] for n in failed]
assert set(members) == {0, 1, 2, 3} and all(members.count(m) < 3 for m in members), members
again = 0
for n in failed:
    r = rec[n]
    assert r["start"] >= 4 and "exit status 1" in d[n]["system_attrs"]["fail_reason"], (n, r)
    later = [m for m in d if rec[m]["member"] == r["member"] and
             (rec[m]["interval"], rec[m]["attempt"]) > (r["interval"], r["attempt"])]
    g = rec[min(later, key=lambda m: (rec[m]["interval"], rec[m]["attempt"]))]
    if g["donor"] >= 0:
        continue  # it copied a top member
    # no member to copy: its own last checkpoint, with its params, the same interval again
    own = max((m for m in d if rec[m]["member"] == r["member"] and d[m]["state"] == "complete"
               and m < n), key=lambda m: rec[m]["end"])
    assert g["parent"] == own and g["start"] == rec[own]["end"], (g, rec[own])
    assert g["interval"] == r["interval"] and g["attempt"] == r["attempt"] + 1, (g, r)
    nxt = min(later, key=lambda m: (rec[m]["interval"], rec[m]["attempt"]))
    assert d[nxt]["params"] == d[own]["params"], (d[nxt], d[own])
    again += 1
assert again >= 1, rec
ends = {}
for n, r in rec.items():
    if d[n]["state"] == "complete":
        ends[r["member"]] = max(ends.get(r["member"], 0), r["end"])
assert ends == {m: 10 for m in range(4)}, ends
PY

    # every member's first interval fails (a bug fixed meanwhile): the first member picked
    # runs it again from scratch, with the params it had, and the others go on from it
    rc=0
    DOWN_AT=0 UNTIL_ALL=1 timeout 120 "$KNOB" run "$explore.yaml" $S --study "first-$explore" \
        > "first-$explore.txt" 2>&1 || rc=$?
    expect_eq "$rc" 0 "$explore, first intervals: $(cat "first-$explore.txt")"
    grep -q "every member of the population reached max_steps (10)$" "first-$explore.txt" ||
        fail "$explore, first intervals: $(cat "first-$explore.txt")"
    check "first-$explore" <<'PY'
import json, sys
d = {t["number"]: t for t in json.load(open(sys.argv[1]))}
rec = {n: t["system_attrs"]["pbt"] for n, t in d.items()}
failed = [n for n, t in d.items() if t["state"] == "fail"]
assert sorted(rec[n]["member"] for n in failed) == [0, 1, 2, 3], failed
again = 0
for n in failed:
    r = rec[n]
    assert r["start"] == 0 and r["interval"] == 0 and r["attempt"] == 0, r
    for m in d:
        g = rec[m]
        if g["member"] == r["member"] and g["interval"] == 0 and g["attempt"] == 1:
            assert g["start"] == 0 and g["parent"] == -1 and g["donor"] == -1, g
            assert d[m]["params"] == d[n]["params"], (d[m], d[n])
            assert d[m]["state"] == "complete", d[m]
            again += 1
assert again >= 1, rec
assert {r["member"] for n, r in rec.items() if d[n]["state"] == "complete" and r["end"] == 10} == \
    {0, 1, 2, 3}, rec
PY
    rm down
done

# a run stopped (--trials) once every member had failed once, as an older knob ended it:
# run again after the fix, the population goes on from its checkpoints
sweep stopped.yaml perturb
touch down
DOWN_AT=4 timeout 120 "$KNOB" run stopped.yaml $S --study stopped --trials 11 > stopped.txt 2>&1 ||
    fail "stopped: $(cat stopped.txt)"
check stopped <<'PY'
import json, sys
d = {t["number"]: t for t in json.load(open(sys.argv[1]))}
rec = {n: t["system_attrs"]["pbt"] for n, t in d.items()}
last = {}
for n in sorted(d):
    last[rec[n]["member"]] = n
assert sorted(last) == [0, 1, 2, 3] and all(d[n]["state"] == "fail" for n in last.values()), \
    {m: (n, d[n]["state"]) for m, n in last.items()}
PY
rm down
rc=0
DOWN_AT=4 timeout 120 "$KNOB" run stopped.yaml $S --study stopped > stopped2.txt 2>&1 || rc=$?
expect_eq "$rc" 0 "stopped, run again: $(cat stopped2.txt)"
grep -q "every member of the population reached max_steps (10)$" stopped2.txt ||
    fail "stopped, run again: $(cat stopped2.txt)"

# the disk stays full: every member fails pbt.max_failures (3) times from step 4, and the
# run says so and exits 1; its checkpoints at step 4 are kept
sweep dead.yaml perturb
touch down
rc=0
DOWN_AT=4 timeout 120 "$KNOB" run dead.yaml $S --study dead > dead.txt 2>&1 || rc=$?
expect_eq "$rc" 1 "all dead: $(cat dead.txt)"
grep -q "^this run: 20 trials (8 complete, 12 failed" dead.txt || fail "all dead: $(cat dead.txt)"
grep -qF "every member of the population failed 3 times (pbt.max_failures) before max_steps (10) \
and is left dead;" dead.txt || fail "all dead, no word of it: $(cat dead.txt)"
grep -qF "to go on, raise pbt.max_failures in the sweep file and run it again" dead.txt ||
    fail "all dead, not how to go on: $(cat dead.txt)"
if grep -q "population reached" dead.txt; then fail "reached: $(cat dead.txt)"; fi
check dead <<'PY'
import json, os, sys
d = {t["number"]: t for t in json.load(open(sys.argv[1]))}
rec = {n: t["system_attrs"]["pbt"] for n, t in d.items()}
for m in range(4):
    f = [n for n in d if rec[n]["member"] == m and d[n]["state"] == "fail"]
    assert len(f) == 3 and all(rec[n]["start"] == 4 for n in f), (m, [rec[n] for n in f])
    own = max((n for n in d if rec[n]["member"] == m and d[n]["state"] == "complete"),
              key=lambda n: rec[n]["end"])
    assert rec[own]["end"] == 4, rec[own]
    ckpt = os.path.join(os.path.dirname(sys.argv[1]), f"knob-runs/dead/{own}/checkpoint")
    assert os.path.isdir(ckpt), own
PY
# fixed, run again as it was: nothing runs, and it says so again
rm down
rc=0
DOWN_AT=4 timeout 60 "$KNOB" run dead.yaml $S --study dead > dead2.txt 2>&1 || rc=$?
expect_eq "$rc" 1 "all dead, again: $(cat dead2.txt)"
grep -q "^this run: 0 trials" dead2.txt || fail "all dead, again: $(cat dead2.txt)"
grep -qF "raise pbt.max_failures" dead2.txt || fail "all dead, again: $(cat dead2.txt)"
# with max_failures 4, each member goes on from its checkpoint at step 4 to max_steps
sweep dead4.yaml perturb 4
rc=0
DOWN_AT=4 timeout 120 "$KNOB" run dead4.yaml $S --study dead > dead3.txt 2>&1 || rc=$?
expect_eq "$rc" 0 "max_failures 4: $(cat dead3.txt)"
grep -q "every member of the population reached max_steps (10)$" dead3.txt ||
    fail "max_failures 4: $(cat dead3.txt)"
grep -q "^this run: \([0-9]*\) trials (\1 complete, 0 failed" dead3.txt ||
    fail "max_failures 4: $(cat dead3.txt)"
if grep -q "starts from the checkpoint of trial" dead3.txt; then
    fail "a checkpoint lost: $(cat dead3.txt)"
fi
# a member that failed copies only a member scoring better than its own last interval: the
# first member to complete again is no donor to better ones, which go on from their own
check dead <<'PY'
import json, sys
d = {t["number"]: t for t in json.load(open(sys.argv[1]))}
rec = {n: t["system_attrs"]["pbt"] for n, t in d.items()}
for n, r in rec.items():
    own = [m for m in d
           if rec[m]["member"] == r["member"] and d[m]["state"] == "complete" and m < n]
    if r["donor"] >= 0 and own:
        last = max(own, key=lambda m: (rec[m]["interval"], rec[m]["attempt"]))
        assert d[r["donor_trial"]]["values"][0] > d[last]["values"][0], (n, r, d[last])
PY

# one member fails for good: the others reach max_steps, the run says which, and exits 0
sweep one.yaml perturb
touch down
rc=0
DOWN_AT=4 DOWN_MEMBER=2 timeout 120 "$KNOB" run one.yaml $S --study one > one.txt 2>&1 || rc=$?
rm down
expect_eq "$rc" 0 "one member dead: $(cat one.txt)"
grep -qF "3 of 4 members reached max_steps (10); 1 failed 3 times (pbt.max_failures) and is \
left dead;" one.txt || fail "one member dead: $(cat one.txt)"
# an older knob deleted the checkpoints of a member it left dead: with max_failures raised,
# the member has no checkpoint of its own to go on from and no member to copy (the others
# reached max_steps), so it starts again from step 0 with its params and reaches max_steps
check one <<'PY'
import json, os, shutil, sys
d = {t["number"]: t for t in json.load(open(sys.argv[1]))}
rec = {n: t["system_attrs"]["pbt"] for n, t in d.items()}
own = max((n for n in d if rec[n]["member"] == 2 and d[n]["state"] == "complete"),
          key=lambda n: rec[n]["end"])
assert rec[own]["end"] == 4, rec[own]
shutil.rmtree(os.path.join(os.path.dirname(sys.argv[1]), f"knob-runs/one/{own}/checkpoint"))
PY
# run again as it was, it says so and how it will go on
rc=0
DOWN_AT=4 timeout 60 "$KNOB" run one.yaml $S --study one > one3.txt 2>&1 || rc=$?
expect_eq "$rc" 0 "checkpoint gone, again: $(cat one3.txt)"
grep -q "^this run: 0 trials" one3.txt || fail "checkpoint gone, again: $(cat one3.txt)"
grep -q "; member 2's last checkpoint (trial [0-9]*) is missing: it goes on from another \
member's or from step 0;$" one3.txt || fail "checkpoint gone, not said: $(cat one3.txt)"
grep -q "^to go on, raise pbt.max_failures in the sweep file and run it again$" one3.txt ||
    fail "checkpoint gone, advice cut: $(cat one3.txt)"
sweep one5.yaml perturb 5
rc=0
DOWN_AT=4 timeout 120 "$KNOB" run one5.yaml $S --study one > one5.txt 2>&1 || rc=$?
expect_eq "$rc" 0 "checkpoint gone: $(cat one5.txt)"
grep -q "every member of the population reached max_steps (10)$" one5.txt ||
    fail "checkpoint gone: $(cat one5.txt)"
grep -q "^this run: \([0-9]*\) trials (\1 complete, 0 failed" one5.txt ||
    fail "checkpoint gone: $(cat one5.txt)"
if grep -q "starts from the checkpoint of trial" one5.txt; then
    fail "checkpoint gone, started from it: $(cat one5.txt)"
fi
grep -q "the last checkpoint of member 2 (trial [0-9]*) is missing, and no member has steps \
left to copy: it starts again from step 0$" one5.txt ||
    fail "checkpoint gone, not said: $(cat one5.txt)"
check one <<'PY'
import json, sys
d = {t["number"]: t for t in json.load(open(sys.argv[1]))}
rec = {n: t["system_attrs"]["pbt"] for n, t in d.items()}
mine = sorted((n for n in d if rec[n]["member"] == 2),
              key=lambda n: (rec[n]["interval"], rec[n]["attempt"]))
dead = max(n for n in mine if d[n]["state"] == "fail")
first = mine[mine.index(dead) + 1]
r = rec[first]
assert r["start"] == 0 and r["parent"] == -1 and r["donor"] == -1, r
assert r["interval"] == rec[dead]["interval"] and r["attempt"] == rec[dead]["attempt"] + 1, r
assert d[first]["params"] == d[dead]["params"], (d[first], d[dead])
assert max(rec[n]["end"] for n in mine if d[n]["state"] == "complete") == 10, [rec[n] for n in mine]
PY

# a bad max_failures is said at its value
cat > bad.yaml <<YAML
program: prog.sh
method: pbt
metric: {name: score, goal: maximize}
pbt: {interval: 1, max_steps: 4, max_failures: 0}
parameters:
  lr: {min: 0.1, max: 1.0}
YAML
if "$KNOB" run bad.yaml $S --study bad > /dev/null 2> e.txt; then fail "max_failures 0 accepted"; fi
grep -q "bad.yaml:4:.*key 'pbt.max_failures'" e.txt || fail "max_failures 0: $(cat e.txt)"
echo ok
