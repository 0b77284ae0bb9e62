#!/usr/bin/env bash
# A trial ended from outside while its program runs (knob tell, the dashboard's tell): the
# values its program prints after that are not recorded (they were, into the finished
# trial's learning curve), and its program is stopped (it ran on to its end).
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
cat > slow.sh <<'SH'
#!/bin/sh
echo "step=0 loss=0.5"
while [ ! -e told ]; do sleep 0.1; done
echo "step=1 loss=0.25"
sleep 60
echo "loss=0.1"
SH
chmod +x slow.sh
printf '%s\n' "program: ./slow.sh" "method: random" "metric: {name: loss}" "parameters:" \
    "  x: {min: 0.0, max: 1.0}" > s.yaml
start=$(date +%s)
"$KNOB" run s.yaml $S --study s --trials 1 > out.txt 2> err.txt &
pid=$!
for _ in $(seq 200); do
    "$KNOB" trials s $S --format json 2> /dev/null | grep -q '"intermediate":{"0":0.5}' && break
    sleep 0.1
done
"$KNOB" tell s 0 0.9 $S || fail "tell"
touch told
wait "$pid" || fail "run: $(cat err.txt)"
[ $(( $(date +%s) - start )) -lt 40 ] || fail "the program was not stopped"
grep -q "trial 0: its value at step 1: .*already complete.*; its program is stopped" err.txt ||
    fail "no word of the stop: $(cat err.txt)"
"$KNOB" trials s $S --format json > t.json
py 'd[0]["state"], d[0]["values"], d[0]["intermediate"]' < t.json > got.txt
expect_eq "$(cat got.txt)" "('complete', [0.9], {'0': 0.5})" "the trial told from outside"
# and the run wrote nothing of its own into it (it wrote its fail_reason)
expect_eq "$(py '"fail_reason" in d[0]["system_attrs"]' < t.json)" False "a fail_reason written"
expect_dead knob-runs/s/*
echo ok
