#!/usr/bin/env bash
# SIGHUP (the terminal of knob run closed, its ssh session lost) stops knob run as SIGTERM
# does: the running trials are stopped and failed ("interrupted (knob run was stopped by
# SIGHUP)"), each is enqueued again, the exit status is 130. Started with SIGHUP ignored
# (nohup), knob run keeps ignoring it.
source "$(dirname "$0")/lib.bash"
cat > slow.yaml <<YAML
program: $PROGS/curve.py
method: random
metric: {name: loss, goal: minimize}
parameters:
  lr: {distribution: log_uniform_values, min: 0.001, max: 0.1}
  mode: {value: hang}
YAML
both_run() { # STUDY: waits until trials 0 and 1 of STUDY run
    for _ in $(seq 100); do
        [ -f "knob-runs/$1/0/pid" ] && [ -f "knob-runs/$1/1/pid" ] && return
        sleep 0.1
    done
    fail "$1: the trials did not start"
}
"$KNOB" run slow.yaml --storage "sqlite:///$T/s.db" --study h --trials 2 --parallel 2 > h.txt 2>&1 &
pid=$!
both_run h
kill -HUP $pid
status=0
wait $pid || status=$?
expect_eq "$status" 130 "exit status after SIGHUP ($(cat h.txt))"
sleep 0.5
expect_dead knob-runs/h/*
"$KNOB" trials h --storage "sqlite:///$T/s.db" --format json > t.json
expect_eq "$(py '[t["state"] for t in d]' < t.json)" '["fail", "fail", "waiting", "waiting"]' \
    "states after SIGHUP"
expect_eq "$(py 'd[0]["system_attrs"]["fail_reason"]' < t.json)" \
    "interrupted (knob run was stopped by SIGHUP)" "reason"
expect_eq "$(py 'sorted(t["system_attrs"]["retry_of"] for t in d[2:])' < t.json)" "[0, 1]" "retries"

# nohup: SIGHUP ignored when knob run starts stays ignored
(
    trap '' HUP
    exec "$KNOB" run slow.yaml --storage "sqlite:///$T/s.db" --study n --trials 2 --parallel 2
) > n.txt 2>&1 &
pid=$!
both_run n
kill -HUP $pid
sleep 0.5
kill -0 $pid 2> /dev/null || fail "knob run under nohup stopped on SIGHUP: $(cat n.txt)"
"$KNOB" trials n --storage "sqlite:///$T/s.db" --format json > n.json
expect_eq "$(py '[t["state"] for t in d]' < n.json)" '["running", "running"]' "states under nohup"
kill -TERM $pid
status=0
wait $pid || status=$?
expect_eq "$status" 130 "exit status after SIGTERM"
expect_dead knob-runs/n/*
echo ok
