#!/usr/bin/env bash
# A process that left the trial's group (setsid, a daemon) and holds its stdout: the trial's
# output ends with what the pipes held when the program exited, its last line read without a
# newline as at a pipe's end, and the trial ends then. knob waited 2 s, then closed the pipe
# without reading that last line (the value was the line before), and what the escaped
# process wrote in those 2 s counted as the trial's.
source "$(dirname "$0")/lib.bash"
command -v setsid > /dev/null || skip "no setsid"
printf 'command: [./p.sh]\nmethod: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > s.yaml
S="--storage sqlite:///$T/s.db"
# the escaped processes' pids, killed by the test at its end
cleanup() {
    local f
    for f in "$T"/escaped-*; do [ -s "$f" ] && kill "$(cat "$f")" 2> /dev/null; done
    return 0
}
trap cleanup EXIT

cat > p.sh <<SCRIPT
#!/bin/sh
setsid sleep 20 &
echo \$! > $T/escaped-\$KNOB_TRIAL_NUMBER
sleep 0.2
printf 'loss=0.1\nloss=0.4'
SCRIPT
chmod +x p.sh
start=$(date +%s%N)
"$KNOB" run s.yaml $S --study last --trials 2 > last.txt 2>&1 || fail "run: $(cat last.txt)"
took=$((($(date +%s%N) - start) / 1000000))
"$KNOB" trials last $S --format json > t.json
expect_eq "$(py '[t["values"] for t in d]' < t.json)" "[[0.4], [0.4]]" "the trials' values"
expect_eq "$(py 'd[0]["intermediate"]' < t.json)" '{"0": 0.1, "1": 0.4}' "the intermediate values"
[ "$took" -lt 3500 ] || fail "two trials took ${took} ms: each waited for the escaped process"

# what the escaped process writes after the program exited is not the trial's output
cat > p.sh <<SCRIPT
#!/bin/sh
setsid sh -c 'sleep 0.6; echo loss=0.1; echo late >&2; sleep 20' &
echo \$! > $T/escaped-late
sleep 0.2
echo loss=0.5
SCRIPT
"$KNOB" run s.yaml $S --study late --trials 1 > late.txt 2>&1 || fail "run: $(cat late.txt)"
"$KNOB" trials late $S --format json > t.json
expect_eq "$(py 'd[0]["values"]' < t.json)" "[0.5]" "the value"
sleep 0.6
expect_eq "$(cat knob-runs/late/0/stdout.log)" "loss=0.5" "stdout.log"
[ ! -e knob-runs/late/0/stderr.log ] || fail "stderr.log: $(cat knob-runs/late/0/stderr.log)"
echo ok
