#!/usr/bin/env bash
# A sweep an older knob stored with its study with `trial_timeout: 1h30` (or `grace: 1m30`),
# which it ran as 1 h 0 min 30 s (a number without a unit after one with a unit was
# seconds): knob worker --study, knob ask and knob enqueue read it as it ran, with a warning
# naming the study and the key, that a sweep file with it is refused now and that knob run
# with the corrected file stores that one in its place. They failed (exit 2, 1 and "cannot be
# read"). A sweep file with it stays refused.
source "$(dirname "$0")/lib.bash"
command -v sqlite3 > /dev/null || fail "sqlite3 is needed (scripts/deps.sh installs it)"
S="--storage sqlite:///$T/s.db"
cat > ok.yaml <<'YAML'
command: ["/bin/sh", "-c", "echo loss=0.5"]
method: random
trial_timeout: 1h30m
metric: {name: loss}
parameters:
  x: {min: 0.0, max: 1.0}
YAML
"$KNOB" run ok.yaml --study s $S --trials 1 > out.txt 2>&1 || fail "first run: $(cat out.txt)"
# what the older knob stored
sed -e 's/trial_timeout: 1h30m/trial_timeout: 1h30\ngrace: 1m30/' ok.yaml > older.yaml
json=$(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()))' older.yaml)
sqlite3 "$T/s.db" "UPDATE study_attrs SET json = '${json//\'/\'\'}' WHERE key = 'sweep' AND study = (SELECT id FROM studies WHERE name = 's')" ||
    fail "could not store the older sweep"
# warned ERR: each key's warning in ERR, once
warned() {
    local where="(the sweep stored with study 's')"
    expect_eq "$(grep -c "warning: key 'trial_timeout'" "$1")" 1 "trial_timeout warnings: $(cat "$1")"
    grep -qF "$where:3:16: warning: key 'trial_timeout': \"1h30\" is read as an older knob read \
it, 3630 seconds (its last number, without a unit, as seconds); a sweep file with it is refused \
now (did you mean \"1h30m\"?): knob run with the corrected file stores that sweep with the study \
in place of this one" "$1" || fail "no warning of trial_timeout: $(cat "$1")"
    grep -qF "$where:4:8: warning: key 'grace': \"1m30\" is read as an older knob read it, 90 \
seconds" "$1" || fail "no warning of grace: $(cat "$1")"
}
"$KNOB" worker --study s $S --trials 1 > out.txt 2> err.txt || fail "worker: $(cat out.txt err.txt)"
grep -q "trial 1 complete" out.txt || fail "worker ran no trial: $(cat out.txt err.txt)"
warned err.txt
"$KNOB" ask s $S > a.json 2> err.txt || fail "ask: $(cat err.txt)"
expect_eq "$(py 'd["number"]' < a.json)" 2 "the asked trial"
warned err.txt
"$KNOB" tell s 2 0.5 $S 2> err.txt || fail "tell: $(cat err.txt)"
"$KNOB" enqueue s x=0.5 $S > out.txt 2> err.txt || fail "enqueue: $(cat out.txt err.txt)"
# in a file: refused, as before
rc=0
"$KNOB" run older.yaml --study s2 $S --trials 1 > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 2 "the file: exit status ($(cat out.txt err.txt))"
grep -qF "older.yaml:3:16: key 'trial_timeout': \"1h30\": its last number has no unit" err.txt ||
    fail "the file: $(cat err.txt)"
# knob run with the corrected file stores it in place of the older one: no warning after
"$KNOB" run ok.yaml --study s $S --trials 1 > out.txt 2>&1 || fail "corrected run: $(cat out.txt)"
"$KNOB" ask s $S > a.json 2> err.txt || fail "ask after: $(cat err.txt)"
[ ! -s err.txt ] || fail "warned after the corrected run: $(cat err.txt)"
echo ok
