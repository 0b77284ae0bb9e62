#!/usr/bin/env bash
# Slurm stops a task by sending SIGTERM to every process of its step: the trial's program
# gets it with the worker, and may die of it first. Such a trial is stopped by the stop, not
# a crash of its own: FAIL "interrupted (knob run was stopped by SIGTERM)", with fail_cause
# "interrupted", and enqueued again, as when the worker alone is signalled. It was recorded
# "killed by signal 15 (Terminated)" and never run again. A trial that had finished before
# the stop stays COMPLETE.
source "$(dirname "$0")/lib.bash"
U="sqlite:///$T/s.db"
cat > s.yaml <<YAML
command: [sleep, "30"]
method: random
metric: {name: loss, goal: minimize}
parameters: {x: {min: 0.0, max: 1.0}}
YAML
# stop STUDY GAP: a worker runs trial 0 of STUDY; its program is killed by SIGTERM, and the
# worker GAP seconds after
stop() {
    "$KNOB" run s.yaml --storage "$U" --study "$1" --trials 0 > "$1-run.txt"
    "$KNOB" worker --study "$1" --storage "$U" > "$1.txt" 2>&1 &
    local w=$! status=0
    local child=""
    for _ in $(seq 100); do
        child=$(pgrep -P $w -x sleep) && break
        sleep 0.1
    done
    [ -n "$child" ] || fail "$1: the trial did not start"
    sleep 0.3
    kill -TERM $child
    [ "$2" = 0 ] || sleep "$2"
    kill -TERM $w
    wait $w || status=$?
    expect_eq "$status" 130 "$1: exit status ($(cat "$1.txt"))"
    "$KNOB" trials "$1" --storage "$U" --format json > "$1.json"
    expect_eq "$(py '[t["state"] for t in d]' < "$1.json")" '["fail", "waiting"]' "$1: states"
    expect_eq "$(py 'd[0]["system_attrs"]["fail_reason"]' < "$1.json")" \
        "interrupted (knob run was stopped by SIGTERM)" "$1: reason"
    expect_eq "$(py 'd[0]["system_attrs"].get("fail_cause")' < "$1.json")" interrupted \
        "$1: fail_cause"
    expect_eq "$(py 'd[1]["system_attrs"]["retry_of"]' < "$1.json")" 0 "$1: the retry"
}
stop together 0  # as kill -TERM CHILD WORKER: both at once
stop after 0.3   # the program's death read before the worker's own signal came

# A trial that finished (exit 0 with its metric) before the stop stays COMPLETE; the one
# running when the stop came is interrupted
cat > mixed.yaml <<YAML
command: [sh, -c, 'if [ "\$KNOB_TRIAL_NUMBER" = 0 ]; then echo loss=1; else exec sleep 30; fi']
method: random
metric: {name: loss, goal: minimize}
parameters: {x: {min: 0.0, max: 1.0}}
YAML
"$KNOB" run mixed.yaml --storage "$U" --study m --trials 0 > m-run.txt
"$KNOB" worker --study m --storage "$U" --parallel 2 > m.txt 2>&1 &
w=$!
for _ in $(seq 100); do
    [ "$(pgrep -P $w -x sleep | wc -l)" = 2 ] && break
    sleep 0.1
done
[ "$(pgrep -P $w -x sleep | wc -l)" = 2 ] || fail "m: the trials did not start"
sleep 0.3
kill -TERM $(pgrep -P $w -x sleep) $w
status=0
wait $w || status=$?
expect_eq "$status" 130 "m: exit status ($(cat m.txt))"
"$KNOB" trials m --storage "$U" --format json > m.json
expect_eq "$(py 'd[0]["state"]' < m.json)" complete "m: the finished trial"
expect_eq "$(py 'sorted({t["system_attrs"].get("fail_reason") for t in d if t["state"] == "fail"})' \
    < m.json)" '["interrupted (knob run was stopped by SIGTERM)"]' "m: the stopped ones"
expect_eq "$(py '[t["number"] for t in d if t["state"] == "fail"] == sorted(t["system_attrs"].get("retry_of") for t in d if t["state"] == "waiting")' \
    < m.json)" True "m: the retries"
expect_eq "$(py '1 in [t["number"] for t in d if t["state"] == "fail"]' < m.json)" True \
    "m: trial 1 stopped"
echo ok
