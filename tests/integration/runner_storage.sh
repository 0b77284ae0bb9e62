#!/usr/bin/env bash
# A lost write stops the run. Once the study's database cannot grow (a file size limit put
# on the running knob run with prlimit, as `ulimit -f` does), the trial whose value cannot be
# written is said to be not saved, never "complete"; the other running trial is stopped; knob
# run exits 1 and the storage keeps both trials RUNNING. A non-finite value is no storage
# failure: that trial fails and the study goes on.
source "$(dirname "$0")/lib.bash"
command -v prlimit > /dev/null || skip "prlimit (util-linux) is not installed"
cat > sweep.yaml <<YAML
program: $PROGS/runner_prog.py
method: grid
metric: {name: loss, goal: minimize}
parameters:
  mode: {value: wait}
  loss: {values: [1, 2]}
YAML
# knob's output goes through a pipe: a file would be under the same size limit
mkfifo out.fifo
cat out.fifo > out.txt &
reader=$!
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study s --parallel 2 > out.fifo 2>&1 &
pid=$!
for _ in $(seq 300); do
    [ -f knob-runs/s/0/pid ] && [ -f knob-runs/s/1/pid ] && break
    sleep 0.1
done
[ -f knob-runs/s/0/pid ] && [ -f knob-runs/s/1/pid ] || fail "the trials did not start"
prlimit --pid $pid --fsize=1024:1024
start=$(date +%s)
touch go.0 # trial 0 prints its value and exits; trial 1 would wait 60 s
timeout 60 tail --pid=$pid -s 0.1 -f /dev/null || kill -9 $pid # a guard, not a measure
status=0
wait $pid || status=$?
wait $reader
expect_eq "$status" 1 "exit status after a lost write ($(cat out.txt))"
[ $(($(date +%s) - start)) -lt 20 ] || fail "the run did not stop at once: $(cat out.txt)"
grep -q "trial 0: .* not saved: .*disk I/O error\|trial 0: .* not saved: .*storage" out.txt ||
    fail "which trial was not saved: $(cat out.txt)"
grep -q "the storage failed" out.txt || fail "no word of the storage: $(cat out.txt)"
if grep -q "trial [01] complete" out.txt; then fail "a trial not saved was said complete: $(cat out.txt)"; fi
grep -q "this run: 2 trials (0 complete, 0 failed, 0 pruned, 2 not saved)" out.txt ||
    fail "summary: $(cat out.txt)"
expect_dead knob-runs/s/*
"$KNOB" trials s --storage "sqlite:///$T/s.db" --format json > t.json
expect_eq "$(py '[t["state"] for t in d]' < t.json)" '["running", "running"]' "states in the storage"

# A trial's end and the next ask in one batch whose commit fails: the ask read the end back
# before the commit, and the summary said "1 complete" and named the trial best while the
# storage holds it RUNNING. The summary reads the study again after the failure, and the
# reason names the file size limit (SQLite says only "disk I/O error").
cat > view.yaml <<'YAML'
command: ["/bin/sh", "-c", "echo loss=$KNOB_TRIAL_NUMBER; : > \"$KNOB_TRIAL_DIR/printed\"; while [ ! -f go.v$KNOB_TRIAL_NUMBER ]; do sleep 0.05; done"]
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [1, 2]}
YAML
mkfifo view.fifo
cat view.fifo > view.txt &
reader=$!
"$KNOB" run view.yaml --storage "sqlite:///$T/v.db" --study v > view.fifo 2>&1 &
pid=$!
for _ in $(seq 300); do [ -f knob-runs/v/0/printed ] && break; sleep 0.1; done
[ -f knob-runs/v/0/printed ] || fail "trial 0 of v did not print"
sleep 0.5 # its value is committed
prlimit --pid $pid --fsize=1024:1024
touch go.v0 go.v1
status=0
timeout 60 tail --pid=$pid -s 0.1 -f /dev/null || kill -9 $pid
wait $pid || status=$?
wait $reader
expect_eq "$status" 1 "exit status of v ($(cat view.txt))"
"$KNOB" trials v --storage "sqlite:///$T/v.db" --format json > v.json
expect_eq "$(py '[t["state"] for t in d]' < v.json)" '["running"]' "states of v in the storage"
grep -q "^1 trials (0 complete, 0 pruned, 0 failed, 1 running, 0 waiting)$" view.txt ||
    fail "the summary of v is not the storage's: $(cat view.txt)"
grep -q "^no complete trial yet$" view.txt || fail "a best of v not saved: $(cat view.txt)"
grep -q "trial 0: .*not saved: .*disk I/O error (.*at most 1024 bytes: ulimit -f)" view.txt ||
    fail "the reason of v: $(cat view.txt)"

# a non-finite value: FAIL, and the run goes on to exit 0
cat > nan.yaml <<YAML
program: $PROGS/runner_prog.py
method: grid
metric: {name: loss, goal: minimize}
parameters:
  loss: {values: [nan, 1]}
YAML
timeout 60 "$KNOB" run nan.yaml --storage "sqlite:///$T/s.db" --study n > nan.txt 2>&1 ||
    fail "a NaN stopped the run: $(cat nan.txt)"
"$KNOB" trials n --storage "sqlite:///$T/s.db" --format json > n.json
expect_eq "$(py 'sorted(t["state"] for t in d)' < n.json)" '["complete", "fail"]' "states with a NaN"
# The database deleted while the run writes it: the next write says so and the run exits 1
# (its results went to the deleted file, and the run said "2 complete" with exit 0)
# Runs study NAME in sqlite:///$T/NAME.db until trial 0 has started, runs the COMMAND given,
# then lets both trials end; the run must exit 1. Its output: NAME.txt.
stop_midway() { # name command...
    local name=$1 rc=0 pid
    shift
    rm -f go.*
    "$KNOB" run sweep.yaml --storage "sqlite:///$T/$name.db" --study "$name" > "$name.txt" 2>&1 &
    pid=$!
    for _ in $(seq 300); do [ -f "knob-runs/$name/0/pid" ] && break; sleep 0.1; done
    [ -f "knob-runs/$name/0/pid" ] || fail "trial 0 of $name did not start: $(cat "$name.txt")"
    "$@" || fail "$name: $*"
    touch go.0 go.1
    wait $pid || rc=$?
    expect_eq "$rc" 1 "exit status of $name ($(cat "$name.txt"))"
}
stop_midway del rm -f del.db del.db-wal del.db-shm
grep -qF "sqlite storage '$T/del.db': the file was deleted or replaced while open" del.txt ||
    fail "the database deleted: $(cat del.txt)"
grep -qF "the storage's file was deleted or replaced during the run: what the run wrote to it is lost with it" del.txt ||
    fail "the database deleted, summary: $(cat del.txt)"
grep -q "until a worker fails it\|^best " del.txt && fail "the database deleted, summary: $(cat del.txt)"
# The study deleted (knob delete) while the run writes it: the summary says so, and promises
# no retry by a worker (it said only "no study with id 1" and that a worker would run the
# trial again)
stop_midway gone "$KNOB" delete gone --storage "sqlite:///$T/gone.db" > /dev/null
grep -qF "study 'gone' was deleted (knob delete) while this run used it: its trials are gone with it" gone.txt ||
    fail "the study deleted: $(cat gone.txt)"
grep -q "until a worker fails it" gone.txt && fail "the study deleted: $(cat gone.txt)"
# A trial's stdout.log cut short by the file size limit is said (it was cut without a word);
# the trial's record after it is read all the same
cat > big.py <<'PY'
for i in range(5000):
    print("filler line %d %s" % (i, "x" * 40))
print("loss=0.5")
PY
printf 'program: big.py\ncommand: [python3, "${program}"]\nmethod: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > big.yaml
prlimit --fsize=65536 "$KNOB" run big.yaml --storage memory: --study big --trials 1 > big.txt 2>&1 ||
    fail "big: $(cat big.txt)"
grep -qF "knob: trial 0: $T/knob-runs/big/0/stdout.log is cut short: File too large" big.txt ||
    fail "a log cut short: $(cat big.txt)"
grep -q "trial 0 complete loss=0.5" big.txt || fail "big: $(cat big.txt)"
# The log cut short at knob's own note below a line too long (the note's write flushes the
# stream's buffer and meets the limit): said so, with the errno (it said "Input/output
# error", the error flag the next write found). The log's buffer is the file system's block
# (stat %o); a line that leaves it nearly full puts the limit in the note's write.
cat > long.py <<'PY'
import os, sys
sys.stdout.write("loss=0.5\n")
sys.stdout.write("x" * ((1 << 20) + int(os.environ["LONG_K"])) + "\n")
PY
printf 'program: long.py\ncommand: [python3, "${program}"]\nmethod: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > long.yaml
block=$(stat -c %o "$T")
noted=0
for k in $((block - 92)) $((block - 84)) $((block - 68)) $((block - 4)); do
    rm -rf knob-runs/long
    LONG_K=$k prlimit --fsize=$((9 + (1 << 20) + k + 1)) "$KNOB" run long.yaml --storage memory: \
        --study long --trials 1 > long.txt 2>&1 || fail "long $k: $(cat long.txt)"
    grep -q "stdout.log is cut short: .*Input/output error" long.txt &&
        fail "long $k: the note's failure said as an I/O error: $(cat long.txt)"
    if grep -qF "stdout.log is cut short: knob's note in it that an over-long line was skipped could not be written: File too large" long.txt; then
        noted=$((noted + 1))
    else
        grep -qF "stdout.log is cut short: File too large" long.txt || fail "long $k: $(cat long.txt)"
    fi
done
[ "$noted" -gt 0 ] || fail "no limit met knob's note (block $block)"
echo ok
