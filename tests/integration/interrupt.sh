#!/usr/bin/env bash
# Ctrl-C: running trials are killed and marked FAIL, finished ones are kept, and a second
# knob run resumes the study. SIGTERM (a cluster taking the worker's place back) fails them
# too, and enqueues each one's retry with its params, which the next run takes.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/curve.py
method: random
metric: {name: loss, goal: minimize}
parameters:
  lr: {distribution: log_uniform_values, min: 0.001, max: 0.1}
  mode: {value: MODE}
YAML
sed 's/MODE/ok/' sweep.yaml > fast.yaml
sed 's/MODE/hang/' sweep.yaml > slow.yaml
"$KNOB" run fast.yaml --storage "sqlite:///$T/s.db" --study i --trials 2 > a.txt
# stop_slow STUDY FIRST SIGNAL: runs slow.yaml's hanging trials two at a time in STUDY from
# trial FIRST on, stops knob run with SIGNAL once both run, and checks it exits 130 and no
# trial's process is left.
stop_slow() {
    "$KNOB" run slow.yaml --storage "sqlite:///$T/s.db" --study "$1" --trials 5 --parallel 2 \
        > "stop-$1.txt" &
    local pid=$! status=0
    for _ in $(seq 100); do
        [ -f "knob-runs/$1/$2/pid" ] && [ -f "knob-runs/$1/$(($2 + 1))/pid" ] && break
        sleep 0.1
    done
    kill -"$3" $pid
    wait $pid || status=$?
    expect_eq "$status" 130 "exit status after SIG$3"
    sleep 0.5
    expect_dead knob-runs/"$1"/*
}
stop_slow i 2 INT
"$KNOB" trials i --storage "sqlite:///$T/s.db" --format json > t.json
expect_eq "$(py '[t["state"] for t in d]' < t.json)" '["complete", "complete", "fail", "fail"]' "states after Ctrl-C"
expect_eq "$(py '"interrupted" in d[2]["system_attrs"]["fail_reason"]' < t.json)" True "reason"
"$KNOB" run fast.yaml --storage "sqlite:///$T/s.db" --study i --trials 3 > c.txt
"$KNOB" trials i --storage "sqlite:///$T/s.db" --format json > t2.json
expect_eq "$(py 'len(d)' < t2.json)" 7 "trials after resuming"
expect_eq "$(py 'sum(t["state"]=="complete" for t in d)' < t2.json)" 5 "complete after resuming"

stop_slow j 0 TERM
"$KNOB" trials j --storage "sqlite:///$T/s.db" --format json > t3.json
expect_eq "$(py '[t["state"] for t in d]' < t3.json)" '["fail", "fail", "waiting", "waiting"]' \
    "states after SIGTERM"
expect_eq "$(py 'd[0]["system_attrs"]["fail_reason"]' < t3.json)" \
    "interrupted (knob run was stopped by SIGTERM)" "reason"
expect_eq "$(py 'sorted([t["system_attrs"]["retry_of"], t["system_attrs"]["retry_count"]] for t in d[2:])' \
    < t3.json)" "[[0, 1], [1, 1]]" "retries"
"$KNOB" run fast.yaml --storage "sqlite:///$T/s.db" --study j --trials 2 > e.txt
"$KNOB" trials j --storage "sqlite:///$T/s.db" --format json > t4.json
expect_eq "$(py '[t["state"] for t in d]' < t4.json)" '["fail", "fail", "complete", "complete"]' \
    "the retries run"
expect_eq "$(py 'sorted(t["params"]["lr"] for t in d[:2]) == sorted(t["params"]["lr"] for t in d[2:])' \
    < t4.json)" True "a retry's params"
# Ctrl-C (above) enqueued none
expect_eq "$(py 'sum("retry_of" in t["system_attrs"] for t in d)' < t2.json)" 0 "no retry after Ctrl-C"

# At run_cap a retry is not enqueued: knob run says which trial will not run again (it was
# dropped without a word)
{ cat slow.yaml; echo "run_cap: 3"; } > capped.yaml
"$KNOB" run capped.yaml --storage "sqlite:///$T/s.db" --study k --parallel 2 > cap.out 2> cap.err &
pid=$!
for _ in $(seq 100); do
    [ -f knob-runs/k/0/pid ] && [ -f knob-runs/k/1/pid ] && break
    sleep 0.1
done
kill -TERM $pid
status=0
wait $pid || status=$?
expect_eq "$status" 130 "exit status after SIGTERM at run_cap"
"$KNOB" trials k --storage "sqlite:///$T/s.db" --format json > t5.json
expect_eq "$(py '[t["state"] for t in d]' < t5.json)" '["fail", "fail", "waiting"]' "states at run_cap"
grep -Eq "knob: trial [01], stopped by SIGTERM, is not run again: the study holds its run_cap" cap.err ||
    fail "the retry left out: $(cat cap.err)"
echo ok
