#!/usr/bin/env bash
# A member of a PBT population (method pbt): trains from $KNOB_CHECKPOINT_IN for the steps
# [$KNOB_PBT_START_STEP, $KNOB_PBT_END_STEP), saves into $KNOB_CHECKPOINT_OUT and prints
# its score. Each step adds lr * (1 + width / 10) while lr < 0.5, and loses 1 above, so
# the best schedule is the largest lr under 0.5. It writes which trial's checkpoint it
# started from, and at which step, into its trial directory (from.txt).
# TOY_SLEEP: seconds per step. TOY_CRASH=MEMBER:STEP: that member exits 1, once, in its
# first interval that starts at STEP or later.
set -eu
TOY_CRASH=${TOY_CRASH:--1:0}
lr= width=0
for a in "$@"; do
    case $a in
    --lr=*) lr=${a#--lr=} ;;
    --width=*) width=${a#--width=} ;;
    esac
done
start=$KNOB_PBT_START_STEP end=$KNOB_PBT_END_STEP
score=0 step=0 from=-1
if [ -n "${KNOB_CHECKPOINT_IN:-}" ]; then read -r score step from < "$KNOB_CHECKPOINT_IN/state"; fi
echo "$from $step" > "$KNOB_TRIAL_DIR/from.txt"
if [ "$step" != "$start" ]; then
    echo "checkpoint at step $step, the interval starts at $start" >&2
    exit 2
fi
crashed="$KNOB_TRIAL_DIR/../crashed-$KNOB_PBT_MEMBER"
if [ "${TOY_CRASH%:*}" = "$KNOB_PBT_MEMBER" ] && [ "$start" -ge "${TOY_CRASH#*:}" ] && [ ! -e "$crashed" ]; then
    touch "$crashed"
    echo "crashing on purpose" >&2
    exit 1
fi
if [ -n "${TOY_SLEEP:-}" ]; then sleep "$(awk -v t="$TOY_SLEEP" -v n=$((end - start)) 'BEGIN { print t * n }')"; fi
score=$(awk -v s="$score" -v lr="$lr" -v w="$width" -v n=$((end - start)) \
    'BEGIN { for (i = 0; i < n; i++) s += lr < 0.5 ? lr * (1 + w / 10) : -1; printf "%.10g", s }')
echo "$score $end $KNOB_TRIAL_NUMBER" > "$KNOB_CHECKPOINT_OUT/state"
echo "step=$end score=$score"
