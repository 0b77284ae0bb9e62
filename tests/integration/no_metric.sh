#!/usr/bin/env bash
# A sweep without a metric (W&B runs grid and random sweeps so): its study has no objective,
# trials complete on exit status 0 and keep what they print, a crash still fails; knob best
# says there is no best, and knob importance no values to explain; knob tell completes a
# trial without values and refuses a value.
source "$(dirname "$0")/lib.bash"
cat > s.yaml <<YAML
command: [/bin/sh, -c, 'echo "got \$*"; case "\$*" in *mode=crash*) exit 3;; esac', sh, "\${args_no_hyphens}"]
method: grid
parameters:
  x: {values: [1, 2, 3]}
  mode: {values: [ok, crash]}
YAML
S="--storage sqlite:///$T/s.db"
"$KNOB" run s.yaml $S --study plain > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
"$KNOB" trials plain $S --format json > t.json
expect_eq "$(py 'len(d)' < t.json)" 6 "trials of a 6-point grid"
expect_eq "$(py 'sorted(t["state"] for t in d)' < t.json)" \
    '["complete", "complete", "complete", "fail", "fail", "fail"]' "states"
expect_eq "$(py 'sorted(set(t["params"]["mode"] for t in d if t["state"] == "complete"))' < t.json)" \
    '["ok"]' "the trials that exited 0"
expect_eq "$(py '[t["values"] for t in d if t["state"] == "complete"][0]' < t.json)" '[]' "values"
for n in 0 1 2 3 4 5; do # what each trial printed is kept
    grep -q "^got x=[123] mode="  "knob-runs/plain/$n/stdout.log" || fail "trial $n's log"
done
rc=0
"$KNOB" best plain $S > best.txt 2> best.err || rc=$?
expect_eq "$rc" 1 "exit status of knob best without a metric"
grep -q "has no metric, so no best trial" best.err || fail "best: $(cat best.err)"
"$KNOB" studies $S > studies.txt
grep -q "(no metric)" studies.txt || fail "studies: $(cat studies.txt)"
# knob importance says the study has no metric, as knob best does (it said "objective 0 is
# out of range (study 'plain' has 0)", exit 2); knob trials and knob report show the trials
for m in fanova ped-anova; do
    rc=0
    "$KNOB" importance plain $S --method $m > imp.txt 2> imp.err || rc=$?
    expect_eq "$rc" 1 "exit status of knob importance --method $m without a metric"
    grep -qF "knob: study 'plain' has no metric, so no objective values for a param to explain (see knob trials)" \
        imp.err || fail "importance --method $m: $(cat imp.err)"
done
"$KNOB" trials plain $S > trials.txt || fail "trials: $(cat trials.txt)"
expect_eq "$(grep -c '^ *[0-9]' trials.txt)" 6 "knob trials' rows"
"$KNOB" report plain $S -o report.html > report.txt 2>&1 || fail "report: $(cat report.txt)"
[ -s report.html ] || fail "report: no page"

# ask/tell: complete without values; a value is refused and the trial runs on.
cat > a.yaml <<YAML
method: random
parameters:
  x: {min: 0.0, max: 1.0}
YAML
num=$("$KNOB" ask at --sweep a.yaml $S | py 'd["number"]')
rc=0
"$KNOB" tell at "$num" 0.5 $S 2> tell.err || rc=$?
expect_eq "$rc" 2 "exit status of a value told to a study without metric"
grep -q "has no metric: tell a complete trial without values (trial $num is still running)" \
    tell.err || fail "tell: $(cat tell.err)"
"$KNOB" tell at "$num" $S || fail "tell without values"
"$KNOB" trials at $S --format json > t.json
expect_eq "$(py '[t["state"] for t in d]' < t.json)" '["complete"]' "told"
echo ok
