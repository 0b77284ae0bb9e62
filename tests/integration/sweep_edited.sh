#!/usr/bin/env bash
# A sweep file edited between runs of its study (a param added, a condition changed): knob
# run stores the edited sweep in the old one's place and says so once, and what reads the
# stored sweep (knob enqueue, knob worker --study) takes the edited one. They went on with
# the sweep the study was made with: the new param was refused by knob enqueue, and the
# param of the changed condition refused where the edited sweep makes it active. A trial
# enqueued before an edit that drops one of its params or narrows its range runs with a
# warning naming what it does not get (it was silent).
source "$(dirname "$0")/lib.bash"
cp "$PROGS/echo_params.py" .
S="--storage sqlite:///$T/s.db"
cat > v1.yaml <<'YAML'
program: echo_params.py
method: random
metric: {name: x, goal: minimize}
parameters:
  x: {min: 0.0, max: 1.0}
  opt: {values: [sgd, adam]}
  momentum: {min: 0.0, max: 0.9, when: {opt: sgd}}
YAML
sed -e 's/when: {opt: sgd}/when: {opt: adam}/' v1.yaml > v2.yaml
echo '  wd: {values: [0.1, 0.01]}' >> v2.yaml
"$KNOB" run v1.yaml $S --study s --trials 2 > out.txt 2> err.txt || fail "run v1: $(cat err.txt)"
rc=0
"$KNOB" enqueue s x=0.5 opt=adam momentum=0.3 wd=0.1 $S > /dev/null 2> err.txt || rc=$?
expect_eq "$rc" 2 "enqueue of params of the edited sweep before it ran"
"$KNOB" run v2.yaml $S --study s --trials 1 > out.txt 2> run2.err || fail "run v2: $(cat run2.err)"
"$KNOB" run v2.yaml $S --study s --trials 0 > out.txt 2> err.txt || fail "run v2 again: $(cat err.txt)"
if grep -q "differs" err.txt; then fail "said again for the same sweep: $(cat err.txt)"; fi
"$KNOB" enqueue s x=0.5 opt=adam momentum=0.3 wd=0.1 $S > out.txt 2> err.txt ||
    fail "enqueue with the edited sweep stored: $(cat err.txt)"
grep -q "knob: study 's': v2.yaml differs from the sweep stored with the study; it is stored" run2.err ||
    fail "the edited sweep is not said to be stored: $(cat run2.err)"
rc=0
"$KNOB" enqueue s x=0.5 opt=sgd momentum=0.3 wd=0.1 $S > /dev/null 2> err.txt || rc=$?
expect_eq "$rc" 2 "enqueue of momentum where the edited sweep makes it inactive"
"$KNOB" worker --study s $S --trials 1 > out.txt 2> err.txt || fail "worker: $(cat err.txt)"
"$KNOB" trials s $S --json > trials.json || fail "knob trials"
expect_eq "$(py 'len(d)' < trials.json)" 4 "trials"
expect_eq "$(py 'sorted(d[-1]["params"].items())' < trials.json)" \
    '[["momentum", 0.3], ["opt", "adam"], ["wd", 0.1], ["x", 0.5]]' "the worker's trial"
# enqueued under v2, run under v3 (wd gone, x narrowed): what the trial does not get is said
"$KNOB" enqueue s x=0.5 opt=sgd wd=0.01 $S > out.txt 2> err.txt || fail "enqueue x=0.5: $(cat err.txt)"
grep -v "wd:" v2.yaml | sed -e 's/max: 1.0}/max: 0.4}/' > v3.yaml
"$KNOB" run v3.yaml $S --study s --trials 1 > out.txt 2> err.txt || fail "run v3: $(cat err.txt)"
grep -q "warning: trial 4: the enqueued wd=0.01 is not a param the sweep gives this trial" err.txt ||
    fail "the enqueued wd left out is not said: $(cat err.txt)"
grep -q "warning: trial 4: the enqueued x=0.5 does not fit the sweep's 'x' now .*: it runs with x=0\.[0-3]" err.txt ||
    fail "the enqueued x drawn again is not said: $(cat err.txt)"
expect_eq "$(grep -c "warning: trial" err.txt)" 2 "warnings"
"$KNOB" run v3.yaml $S --study s --trials 1 > out.txt 2> err.txt || fail "run v3 again: $(cat err.txt)"
if grep -q "warning" err.txt; then fail "a trial not enqueued warned: $(cat err.txt)"; fi
"$KNOB" run v1.yaml $S --study s --trials 0 > out.txt 2> err.txt || fail "run v1 again: $(cat err.txt)"
grep -q "v1.yaml differs" err.txt || fail "going back to v1 is not said: $(cat err.txt)"
echo ok
