#!/usr/bin/env bash
# A second Ctrl-C (or SIGTERM) ends knob run at once, even while its writes wait for a
# storage that does not answer (here a SQLite file another process holds locked; a
# PostgreSQL server that is down is retried for minutes): exit status 130, nothing it
# showed complete is lost, and its trials' processes are stopped.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<'YAML'
command: ["/bin/sh", "-c", "echo $$ > \"$KNOB_TRIAL_DIR/pid\"; sleep 0.3; echo loss=$KNOB_TRIAL_NUMBER; sleep 600"]
metric: {name: loss, goal: minimize}
method: random
parameters:
  x: {distribution: uniform, min: 0, max: 1}
YAML
# a trial prints its loss and sleeps on: it is never complete; the first 4 trials start
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db?timeout=10" --study i --parallel 4 \
    > out.txt 2> err.txt &
pid=$!
for _ in $(seq 300); do
    [ -f knob-runs/i/3/pid ] && break
    sleep 0.1
done
[ -f knob-runs/i/3/pid ] || fail "no 4 trials started: $(cat err.txt)"
# another process takes the write lock and keeps it until the end of the test
python3 - "$T/s.db" > lock.txt <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], timeout=60, isolation_level=None)
c.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(600)
PY
holder=$!
for _ in $(seq 300); do
    grep -q locked lock.txt && break
    sleep 0.1
done
grep -q locked lock.txt || fail "the lock was not taken"
# the first stop: knob run stops its trials and waits to write their ends
kill -INT $pid
sleep 1
kill -0 $pid || fail "knob run ended at the first Ctrl-C while the file was locked: $(cat err.txt)"
kill -INT $pid
set +e
wait $pid
status=$?
set -e
kill $holder
wait $holder || true
expect_eq "$status" 130 "exit status after a second Ctrl-C ($(cat err.txt))"
grep -q "stopped again" err.txt || fail "no word of the second stop: $(cat err.txt)"
sleep 2.5
expect_dead knob-runs/i/*
"$KNOB" trials i --storage "sqlite:///$T/s.db" --format json > t.json
expect_eq "$(py 'len(d)' < t.json)" 4 "trials in the study"
echo ok
