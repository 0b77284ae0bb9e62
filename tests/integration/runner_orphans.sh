#!/usr/bin/env bash
# A SIGKILLed knob run leaves nothing running: its trial's program and the program's own
# child are gone within a few seconds (the test waits up to 30 s: a loaded machine is slow).
# A trial killed by a signal still fails with that signal as its reason.
source "$(dirname "$0")/lib.bash"
# alive, and not a zombie waiting for a parent that does not reap; a process reaped between
# two looks at /proc is gone (its stat unreadable), not alive
alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2> /dev/null) || return 1
    ! grep -q '^[0-9]* (.*) Z' <<< "$stat"
}
cat > sweep.yaml <<YAML
program: $PROGS/runner_prog.py
method: random
metric: {name: loss, goal: minimize}
parameters:
  mode: {value: family}
YAML
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study o --trials 1 > out.txt 2>&1 &
pid=$!
for _ in $(seq 300); do
    [ -s knob-runs/o/0/child.pid ] && break
    kill -0 $pid 2> /dev/null || fail "knob run ended: $(cat out.txt)"
    sleep 0.1
done
[ -s knob-runs/o/0/child.pid ] || fail "the trial did not start its child"
program=$(cat knob-runs/o/0/pid)
child=$(cat knob-runs/o/0/child.pid)
alive "$program" && alive "$child" || fail "the trial is not running"
kill -9 $pid
wait $pid 2> /dev/null || true
for _ in $(seq 300); do
    alive "$program" || alive "$child" || break
    sleep 0.1
done
gone=yes
for p in "$program" "$child"; do
    if alive "$p"; then
        gone=no
        kill -9 "$p" 2> /dev/null || true # not left behind by the test either
    fi
done
expect_eq "$gone" yes "the trial's processes gone 30 s after knob run was killed"

# a program killed by a signal: its signal is the reason
sed 's/value: family/value: signal/' sweep.yaml > signal.yaml
rc=0 # its only trial failed to run: exit status 1
timeout 60 "$KNOB" run signal.yaml --storage "sqlite:///$T/s.db" --study s --trials 1 > s.txt 2>&1 || rc=$?
expect_eq "$rc" 1 "run: $(cat s.txt)"
"$KNOB" trials s --storage "sqlite:///$T/s.db" --format json > t.json
r=$(py 'd[0]["system_attrs"]["fail_reason"]' < t.json)
case "$r" in
"killed by signal 12 "*) ;;
*) fail "reason: $r" ;;
esac
echo ok
