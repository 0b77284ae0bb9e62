#!/usr/bin/env bash
# Two small things of the inspecting commands: `--format --` is no format (the '--' ends the
# options: `--format` has no value, and says so, not "unknown option '-x'"); and an output that
# cannot be written (a full disk) gives its reason in knob trials as in knob studies and knob
# best (an output larger than stdio's buffer failed in the command and was said afterwards as
# "write error").
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
rc=0
"$KNOB" trials s $S --format -- -x 2> err.txt || rc=$?
expect_eq "$rc" 2 "--format --"
grep -qF "knob: option --format needs a value (the '--' after it ends the options)" err.txt ||
    fail "--format --: $(cat err.txt)"
[ -w /dev/full ] || skip "no /dev/full here"
printf 'method: random\nmetric: {name: loss, goal: minimize}\nparameters:\n' > s.yaml
for i in $(seq 1 40); do printf '  p%02d: {min: 0.0, max: 1.0}\n' "$i" >> s.yaml; done
for i in $(seq 1 20); do "$KNOB" ask s --sweep s.yaml $S > /dev/null || fail "ask"; done
[ "$("$KNOB" trials s $S | wc -c)" -gt 16384 ] || fail "the listing is too short for the test"
for c in studies "trials s" "trials s --format csv" "trials s --json" "best s"; do
    rc=0
    # shellcheck disable=SC2086 # c is words
    "$KNOB" $c $S > /dev/full 2> err.txt || rc=$?
    [ "$c" = "best s" ] && [ $rc = 1 ] && grep -q 'no complete trial' err.txt && continue
    expect_eq "$rc" 1 "$c > /dev/full"
    grep -qF "cannot write to stdout: No space left on device" err.txt || fail "$c: $(cat err.txt)"
done
"$KNOB" tell s 0 0.5 $S
rc=0
"$KNOB" best s $S > /dev/full 2> err.txt || rc=$?
expect_eq "$rc" 1 "best > /dev/full"
grep -qF "knob best: cannot write to stdout: No space left on device" err.txt || fail "best: $(cat err.txt)"
echo ok
