#!/usr/bin/env bash
# The variables knob gives a trial only when they hold for it (a retry's KNOB_RETRY_OF and
# KNOB_RETRY_OF_DIR, a PBT member's checkpoints, the learning-rate test's schedule) are not
# passed on from knob's own environment (a nested sweep, a shell where resume code was
# tried): a trial that was no retry got KNOB_RETRY_OF and resumed from another trial's
# checkpoint. Every other variable is passed on.
source "$(dirname "$0")/lib.bash"
cat > env.sh <<'SH'
#!/bin/sh
echo "loss=1 retry=${KNOB_RETRY_OF:-none} dir=${KNOB_RETRY_OF_DIR:-none} in=${KNOB_CHECKPOINT_IN:-none} mine=${MINE:-none}"
SH
chmod +x env.sh
printf 'program: ./env.sh\ncommand: ["${program}"]\nmetric: {name: loss}\nmethod: random\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > s.yaml
KNOB_RETRY_OF=7 KNOB_RETRY_OF_DIR=/elsewhere/7 KNOB_CHECKPOINT_IN=/elsewhere/ck MINE=kept \
    "$KNOB" run s.yaml --storage "sqlite:///$T/s.db" --study e --trials 1 > run.txt 2>&1 || fail "run: $(cat run.txt)"
grep -q "retry=none dir=none in=none mine=kept" knob-runs/e/0/stdout.log ||
    fail "the trial's environment: $(cat knob-runs/e/0/stdout.log)"
echo ok
