#!/usr/bin/env bash
# knob run keeps to the storage URL's ?timeout= for another process's lock, as knob tell
# does: the lock taken while trials run, the run stops within about the timeout (it waited
# about 12 s of a 2 s timeout: the batch's begin, then each trial's writes, each the whole
# timeout, and SQLite's wait again after each trial's SIGCHLD cut it short), names the
# storage and the lock, writes nothing more, and its summary counts what the storage holds.
# The bound on the wait (9 s) leaves room for a loaded machine and stays below the old 12-16 s.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<'YAML'
command: ["/bin/sh", "-c", "echo $$ > \"$KNOB_TRIAL_DIR/pid\"; : > \"$KNOB_TRIAL_DIR/started\"; sleep 0.$((KNOB_TRIAL_NUMBER % 4 + 2)); echo loss=1"]
method: random
metric: {name: loss, goal: minimize}
parameters:
  x: {min: 0.0, max: 1.0}
YAML
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db?timeout=2" --study s --trials 200 \
    --parallel 4 > out.txt 2>&1 &
pid=$!
for _ in $(seq 300); do [ -f knob-runs/s/5/started ] && break; sleep 0.1; done
[ -f knob-runs/s/5/started ] || fail "no trials started: $(cat out.txt)"
python3 - "$T/s.db" > lock.txt <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
c.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(60)
PY
holder=$!
for _ in $(seq 300); do grep -q locked lock.txt && break; sleep 0.05; done
grep -q locked lock.txt || fail "the lock was not taken"
start=$(date +%s.%N)
timeout 60 tail --pid=$pid -s 0.05 -f /dev/null || kill -9 $pid
status=0
wait $pid || status=$?
took=$(python3 -c "import sys; print('%.1f' % ($(date +%s.%N) - $start))")
kill $holder
wait $holder || true
expect_eq "$status" 1 "exit status ($(cat out.txt))"
python3 -c "import sys; sys.exit(0 if $took < 9 else 1)" ||
    fail "knob run waited ${took} s for a lock with timeout=2: $(cat out.txt)"
grep -qF "sqlite storage '$T/s.db': " out.txt || fail "the storage not named: $(cat out.txt)"
grep -q "database is locked (another process holds the database's lock; a write waits 2 s for it" out.txt ||
    fail "the lock not said: $(cat out.txt)"
grep -q "the storage failed (another process held its lock past the timeout), so the run stopped" out.txt ||
    fail "the summary: $(cat out.txt)"
if grep -q "trial [0-9]* complete.*not saved\|not saved.*complete" out.txt; then fail "$(cat out.txt)"; fi
# the summary's counts are the storage's
"$KNOB" trials s --storage "sqlite:///$T/s.db" --format json > t.json
line=$(py '"%d trials (%d complete, %d pruned, %d failed, %d running, 0 waiting)" % (len(d), sum(t["state"] == "complete" for t in d), sum(t["state"] == "pruned" for t in d), sum(t["state"] == "fail" for t in d), sum(t["state"] == "running" for t in d))' < t.json)
grep -qxF "$line" out.txt || fail "the summary is not the storage's ($line): $(cat out.txt)"
expect_dead knob-runs/s/*
echo ok
