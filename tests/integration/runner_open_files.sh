#!/usr/bin/env bash
# Each running trial holds up to four files (two pipes, two logs): knob run raises its soft
# limit of open files as far as the hard limit allows, so --parallel 100 under a soft limit
# of 200 (ulimit -Sn) runs every trial with both its logs; before, the trials past the limit
# lost them ("Too many open files"). A hard limit too low is said before any trial starts.
source "$(dirname "$0")/lib.bash"
[ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge 600 ] || skip "the hard limit of open files is $(ulimit -Hn)"
# every trial waits until all 100 have started, so all of them hold their files at once
# (counted by the shell's own glob: 100 trials spawning ls and grep 10 times a second cost
# more CPU than the rest of the test)
cat > barrier.yaml <<'YAML'
command: ["/bin/sh", "-c", "echo err >&2; : > \"$KNOB_TRIAL_DIR/../up.$KNOB_TRIAL_NUMBER\"; i=0; while set -- \"$KNOB_TRIAL_DIR\"/../up.*; [ $# -lt 100 ] && [ $i -lt 300 ]; do sleep 0.2; i=$((i+1)); done; echo loss=$KNOB_TRIAL_NUMBER"]
metric: {name: loss, goal: minimize}
method: random
parameters:
  x: {distribution: uniform, min: 0, max: 1}
YAML
S="--storage sqlite:///$T/s.db"
(
    ulimit -Sn 200
    "$KNOB" run barrier.yaml $S --trials 100 --parallel 100 > run.txt 2>&1
) || fail "run: $(tail -n 20 run.txt)"
grep -q "Too many open files" run.txt && fail "$(grep -m 3 "Too many" run.txt)"
grep -q "this run: 100 trials (100 complete" run.txt || fail "$(tail -n 5 run.txt)"
for n in $(seq 0 99); do
    [ -s "knob-runs/barrier/$n/stdout.log" ] && [ -s "knob-runs/barrier/$n/stderr.log" ] ||
        fail "trial $n has not both its logs"
done
# a hard limit below what --parallel needs: said at the start
(
    ulimit -n 200
    "$KNOB" run barrier.yaml $S --study low --trials 0 --parallel 100 > low.txt 2>&1
) || fail "run: $(cat low.txt)"
grep -q "warning: --parallel 100 needs about 464 open files, and this process may have 200" low.txt ||
    fail "$(cat low.txt)"
echo ok
