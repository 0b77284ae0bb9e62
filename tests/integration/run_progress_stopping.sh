#!/usr/bin/env bash
# The progress lines while trials are being stopped: the trials whose ends a batch holds are
# shown one by one, each line counting the later ones as running still (four trials stopped
# by Ctrl-C at once showed "0 running" on each line), and no time left is shown once the
# run stops (no more trials start).
source "$(dirname "$0")/lib.bash"
cat > slow.sh <<'SCRIPT'
#!/bin/sh
echo $$ > "$KNOB_TRIAL_DIR/pid"
trap 'sleep 0.3; exit 1' TERM
echo loss=0.5
sleep 30 &
wait
SCRIPT
chmod +x slow.sh
printf 'command: [./slow.sh]\nmethod: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > s.yaml
"$KNOB" run s.yaml --storage "sqlite:///$T/s.db" --study s --trials 4 --parallel 4 > out.txt 2> err.txt &
pid=$!
for _ in $(seq 150); do
    n=0
    for i in 0 1 2 3; do [ -s "knob-runs/s/$i/pid" ] && n=$((n + 1)); done
    [ $n = 4 ] && break
    sleep 0.1
done
expect_eq "$n" 4 "trials running"
sleep 0.3
kill -INT $pid
status=0
wait $pid || status=$?
expect_eq "$status" 130 "exit status ($(cat out.txt err.txt))"
running=$(grep -o '[0-9]* running' out.txt | head -4 | cut -d' ' -f1 | tr '\n' ' ')
expect_eq "$running" "3 2 1 0 " "the running counts shown ($(cat out.txt))"
if grep '^trial' out.txt | grep -q 'left\]'; then fail "a time left while stopping: $(cat out.txt)"; fi
echo ok
