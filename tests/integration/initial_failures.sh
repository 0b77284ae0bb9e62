#!/usr/bin/env bash
# A program that cannot run (a typo in its command, a missing module) fails every trial:
# knob run starts no new trial once the first 5 trials of the run failed to run before any
# ran through, says so and exits 1 (--max-initial-failures 0 goes on, and still exits 1 at
# its end: it exited 0, so that a script could not tell such a run from a good one), as does
# a run that ends sooner with each of its trials failing to run in a study none of whose
# trials ever ran through. A value
# that is not finite is the program running: it does not count, nor do failures after a
# trial ran through.
source "$(dirname "$0")/lib.bash"
sweep() { # file command
    cat > "$1" <<YAML
command: [/bin/sh, -c, "$2"]
metric: {name: loss, goal: minimize}
method: random
parameters:
  x: {min: 0.0, max: 1.0}
YAML
}
S="--storage sqlite:///$T/f.db"
count() { "$KNOB" trials "$1" $S --format json | py 'len(d)'; }

sweep broken.yaml "exit 3"
rc=0
"$KNOB" run broken.yaml $S --study b --trials 30 > b.txt 2> b.err || rc=$?
expect_eq "$rc" 1 "exit status of a run whose first trials all failed"
expect_eq "$(count b)" 5 "trials of a run that stopped at its first 5 failures"
grep -q "the first 5 trials of this run failed to run" b.err || fail "not said: $(cat b.err)"

rc=0
"$KNOB" run broken.yaml $S --study p --parallel 3 --trials 40 > p.txt 2> p.err || rc=$?
expect_eq "$rc" 1 "exit status at --parallel 3"
n=$(count p)
[ "$n" -ge 5 ] && [ "$n" -le 7 ] || fail "--parallel 3 ran $n trials, not 5 to 7"

# fewer trials than the count, each failing to run: exit status 1 too (it was 0)
rc=0
"$KNOB" run broken.yaml $S --study t --trials 3 > t.txt 2> t.err || rc=$?
expect_eq "$rc" 1 "exit status of a run of 3 trials that all failed"
expect_eq "$(count t)" 3 "its trials"
grep -q "every trial of this run that ended by itself failed to run (3:" t.err || fail "not said: $(cat t.err)"

# ... but not in a study whose trials ran before (a worker whose own trials crashed): 0
sweep ok.yaml "echo loss=1"
"$KNOB" run ok.yaml $S --study w --trials 1 > w1.txt 2>&1 || fail "ok: $(cat w1.txt)"
"$KNOB" run broken.yaml $S --study w --trials 2 > w2.txt 2>&1 || fail "a study whose trials ran: $(cat w2.txt)"
expect_eq "$(count w)" 3 "its trials"

rc=0
"$KNOB" run broken.yaml $S --study z --trials 8 --max-initial-failures 0 > z.txt 2>&1 || rc=$?
expect_eq "$rc" 1 "exit status with --max-initial-failures 0, every trial failing ($(cat z.txt))"
expect_eq "$(count z)" 8 "trials with --max-initial-failures 0"
grep -q "every trial of this run that ended by itself failed to run (8:" z.txt || fail "not said: $(cat z.txt)"
# ... and 0 once a trial of the run ran through
sweep some.yaml "[ \$KNOB_TRIAL_NUMBER = 6 ] && echo loss=1; exit 0"
"$KNOB" run some.yaml $S --study zs --trials 8 --max-initial-failures 0 > zs.txt 2>&1 ||
    fail "--max-initial-failures 0, one trial ran through: $(cat zs.txt)"
"$KNOB" run broken.yaml $S --study y --trials 8 --max-initial-failures 2 > y.txt 2>&1 && fail "no stop at 2"
expect_eq "$(count y)" 2 "trials with --max-initial-failures 2"

sweep nan.yaml "echo loss=nan"
"$KNOB" run nan.yaml $S --study n --trials 8 > n.txt 2>&1 || fail "NaN values: $(cat n.txt)"
expect_eq "$(count n)" 8 "trials whose values are NaN (the program ran)"

sweep late.yaml "[ -e $T/ran ] && exit 3; touch $T/ran; echo loss=1"
"$KNOB" run late.yaml $S --study l --trials 9 > l.txt 2>&1 || fail "failures after a trial ran: $(cat l.txt)"
expect_eq "$(count l)" 9 "trials of a run whose first trial ran through"

"$KNOB" run broken.yaml $S --study q --max-initial-failures x > q.txt 2>&1 && fail "a bad count"
grep -q "max-initial-failures must be a whole number" q.txt || fail "bad count: $(cat q.txt)"
echo ok
