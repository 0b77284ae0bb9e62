#!/usr/bin/env bash
# knob lr-find stopped from outside: a program that hangs is stopped at the sweep's
# trial_timeout (it was waited for forever), and a SIGTERM to knob stops the program too
# (knob died alone and left it running); the steps recorded before are reported. A stop at
# trial_timeout exits with status 1, a stop by SIGTERM or Ctrl-C with 130 (it was 1).
source "$(dirname "$0")/lib.bash"
cat > hang.sh <<'SH'
#!/usr/bin/env bash
# two steps, then hangs (with a child of its own) without reading stdin
echo $$ > pid.txt
echo "step=0 loss=2"
echo "step=1 loss=1.5"
sleep 1000 &
echo $! > child.txt
wait
SH
chmod +x hang.sh
cat > hang.yaml <<YAML
command: [$T/hang.sh]
method: random
trial_timeout: 2
parameters:
  lr: {distribution: log_uniform_values, min: 0.0001, max: 1.0}
YAML
gone() { ! kill -0 "$(cat "$1")" 2> /dev/null; }
status=0
timeout 60 "$KNOB" lr-find hang.yaml --param lr --smoothing 0 > out.txt 2> err.txt || status=$?
[ "$status" != 124 ] || fail "trial_timeout: knob still waited at the timeout of this test"
expect_eq "$status" 1 "a program stopped at trial_timeout"
grep -q "the program ran past trial_timeout (2s) after 2 steps" err.txt || fail "$(cat err.txt)"
grep -q "^steps: *2" out.txt || fail "the 2 steps: $(cat out.txt)"
# (a killed process is gone once its new parent reaps it)
for _ in $(seq 100); do gone pid.txt && gone child.txt && break; sleep 0.1; done
gone pid.txt && gone child.txt || fail "the program or its child is still running"

# SIGTERM (and SIGINT, Ctrl-C) to knob while the program runs (no timeout)
sed '/trial_timeout/d' hang.yaml > term.yaml
for sig in TERM INT; do
    rm -f pid.txt child.txt
    "$KNOB" lr-find term.yaml --param lr > out.txt 2> err.txt &
    knob=$!
    for _ in $(seq 300); do [ -s child.txt ] && break; sleep 0.1; done
    [ -s child.txt ] || fail "the program did not start: $(cat err.txt)"
    kill -$sig "$knob"
    status=0
    wait "$knob" || status=$?
    expect_eq "$status" 130 "stopped by SIG$sig (the user's stop, as knob run's)"
    grep -q "stopped by $([ $sig = TERM ] && echo Terminated || echo Interrupt) after 2 steps" \
        err.txt || fail "$(cat err.txt)"
    grep -q "^steps: *2" out.txt || fail "SIG$sig: the 2 steps: $(cat out.txt)"
    for _ in $(seq 100); do gone pid.txt && gone child.txt && break; sleep 0.1; done
    gone pid.txt && gone child.txt || fail "the program or its child outlived knob"
done
echo ok
