#!/usr/bin/env bash
# Crashing, hanging, NaN and metric-less trials end FAIL with their reason (a NaN printed
# by Python's json.dumps too, after finite losses; a metric printed as something other
# than a number is named with that value); the study goes on; stdout and stderr are kept
# in the trial directory.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/curve.py
method: grid
metric: {name: loss, goal: minimize}
trial_timeout: 8
parameters:
  mode: {values: [ok, crash, hang, nan, diverge, tensor, nometric, ok]}
  lr: {value: 0.01}
YAML
start=$(date +%s)
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study f --parallel 3 > out.txt || fail "run failed: $(cat out.txt)"
# the hanging trial sleeps 60 s unless killed at its 8 s timeout (long enough for the
# other trials' Python to start on a busy machine)
[ $(( $(date +%s) - start )) -lt 50 ] || fail "the hanging trial was not killed"
"$KNOB" trials f --storage "sqlite:///$T/s.db" --format json > t.json
python3 - "$T" <<'PY' || fail "wrong states or reasons: $(cat $T/t.json)"
import json, sys
d = json.load(open(sys.argv[1] + "/t.json"))
assert len(d) == 8, len(d)
by = {}
for t in d:
    by.setdefault(t["params"]["mode"], []).append(t)
assert all(t["state"] == "complete" for t in by["ok"]) and len(by["ok"]) == 2
r = lambda m: by[m][0]["system_attrs"].get("fail_reason", "")
assert by["crash"][0]["state"] == "fail" and "exit status 3" in r("crash") and "about to crash" in r("crash"), r("crash")
assert by["hang"][0]["state"] == "fail" and "timed out after 8s" in r("hang"), r("hang")
assert by["nan"][0]["state"] == "fail" and "metric 'loss' is nan" in r("nan"), r("nan")
assert by["diverge"][0]["state"] == "fail" and "metric 'loss' is nan" in r("diverge"), by["diverge"]
assert len(by["diverge"][0]["intermediate"]) == 2, by["diverge"]
assert by["nometric"][0]["state"] == "fail" and r("nometric").startswith("no metric 'loss' in stdout") and "not a number" not in r("nometric"), r("nometric")
assert by["tensor"][0]["state"] == "fail" and r("tensor").startswith(
    "no metric 'loss' in stdout: its value 'tensor(0.3333' is not a number"), r("tensor")
PY
n=$(py '[t["number"] for t in d if t["params"]["mode"]=="crash"][0]' < t.json)
grep -q "about to crash" "knob-runs/f/$n/stderr.log" || fail "stderr not kept"
ok=$(py '[t["number"] for t in d if t["params"]["mode"]=="ok"][0]' < t.json)
grep -q '"loss"' "knob-runs/f/$ok/stdout.log" || fail "stdout not kept"
expect_dead knob-runs/f/*

# Output that is not UTF-8 (a Latin-1 message, a byte as the metric's value, a tail of
# stderr cut inside a character: 6,001 bytes, the last 4,096 kept, from the second byte of a
# 'u' with an umlaut): the trials fail with their reasons, each byte that is
# not UTF-8 as U+FFFD, and the run goes on (the reason was refused as JSON, taken for a
# failed storage: the run stopped and left the trial RUNNING).
cat > latin1.sh <<'SH'
#!/bin/sh
case "$1" in  # --m=...
*latin1*) printf 'Fehler: Datei \374ber\n' >&2; exit 1 ;;
*byte*) printf 'loss=\377\n' ;;
*) { i=0; while [ $i -lt 3000 ]; do printf '\303\274'; i=$((i + 1)); done; echo; } >&2; exit 1 ;;
esac
SH
chmod +x latin1.sh
printf '%s\n' "program: ./latin1.sh" "method: grid" "metric: {name: loss}" "parameters:" \
    "  m: {values: [latin1, byte, cut, latin1]}" > u.yaml
# every trial failing to run: exit status 1, after all four ran (the storage did not stop it)
rc=0
"$KNOB" run u.yaml --storage "sqlite:///$T/u.db" --study u > out.txt 2>&1 || rc=$?
expect_eq "$rc" 1 "a run whose every trial failed"
grep -q "this run: 4 trials (0 complete, 4 failed" out.txt || fail "the run stopped: $(cat out.txt)"
grep -q "knob: every trial of this run that ended by itself failed to run (4:" out.txt ||
    fail "the message: $(cat out.txt)"
"$KNOB" trials u --storage "sqlite:///$T/u.db" --format json > u.json
python3 - "$T" <<'PY' || fail "wrong states or reasons: $(cat $T/u.json)"
import json, sys
d = json.load(open(sys.argv[1] + "/u.json"))
assert [t["state"] for t in d] == ["fail"] * 4, d
r = {t["params"]["m"]: t["system_attrs"]["fail_reason"] for t in d}
assert "Fehler: Datei \ufffdber" in r["latin1"], r["latin1"]
assert "its value '\ufffd' is not a number" in r["byte"], r["byte"]
assert "[...]\u00fc\u00fc" in r["cut"] and "\ufffd" not in r["cut"], r["cut"][:200]
PY

# A program's stderr reaches the terminal's line with its control bytes escaped: an escape
# sequence or a carriage return in it drove the terminal
cat > esc.sh <<'SH'
#!/bin/sh
printf 'bad \033[31mRED\033[0m\r over\n' >&2
exit 3
SH
chmod +x esc.sh
printf 'program: ./esc.sh\nmethod: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > esc.yaml
set +e
"$KNOB" run esc.yaml --storage "sqlite:///$T/esc.db" --trials 1 > esc.out 2>&1
set -e
grep -qF 'trial 0 fail: exit status 3 (stderr: bad \x1b[31mRED\x1b[0m\x0d over)' esc.out ||
    fail "the live line: $(od -c esc.out | head -20)"
if grep -q "$(printf '\033')" esc.out; then fail "an escape reached the terminal"; fi
echo ok
