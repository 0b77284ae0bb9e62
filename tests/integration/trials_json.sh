#!/usr/bin/env bash
# knob trials --format json writes a study byte for byte as data/trials_json.expected holds it
# (written by knob before its numbers were formatted from 128-bit digits; the subnormal 5e-324
# since in its fewest digits, not 4.94065645841247e-324): enqueued params and told values of
# every kind (ties at 15 and 16 digits, tiny, huge, subnormal, negative zero, integers, a
# pruned and a failed trial), the times set to fixed values.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: unused
metric: {name: loss, goal: minimize}
method: random
parameters:
  x: {min: -5.0, max: 5.0}
  y: {distribution: log_uniform_values, min: 1e-9, max: 1e9}
  k: {values: [1, 2, 3]}
YAML
S="--storage sqlite:///$T/s.db"
values=(0.1 -2.5e-7 1e-30 1.7976931348623157e308 123456789012345.5 0.3333333333333333 -0
    42 4503599627370496.5 9.999999999999999e22 5e-324 2.2250738585072014e-308 -1234.5678e-9
    0.5 7.000000000000001)
xs=(0.1 -4.999999999999999 1.25 3.0000000000000004 -0.0001 2.5 -3.3333333333333335 0.7 4.9 -1
    1e-7 0.123456789012345 -2.675 4.35 1.1)
ys=(1e-9 3.1622776601683795e-05 1 10 123.456 999999999.9999999 2.5e-7 0.015625 5e8 7.77 1e-3
    6.02214076e8 1.5 0.1 42.42)
"$KNOB" ask demo --sweep sweep.yaml --seed 3 $S > /dev/null # makes the study (trial 0)
"$KNOB" tell demo 0 1.5 $S
for i in "${!values[@]}"; do
    "$KNOB" enqueue demo "x=${xs[$i]}" "y=${ys[$i]}" "k=$((i % 3 + 1))" $S > /dev/null
    line=$("$KNOB" ask demo --sweep sweep.yaml $S)
    num=$(echo "$line" | py 'd["number"]')
    state=complete
    [ "$i" = 3 ] && state=pruned
    [ "$i" = 6 ] && state=fail
    if [ "$state" != complete ]; then
        "$KNOB" tell demo "$num" --state "$state" $S
    else
        "$KNOB" tell demo "$num" "${values[$i]}" --state "$state" $S
    fi
done
python3 - "$T/s.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE trials SET start_time = 1796196244.2490442 + number * 0.1234567, "
          "end_time = 1796196244.2992399 + number * 1.0000001")
c.execute("UPDATE trial_attrs SET json = '1796196244.5' WHERE key = 'heartbeat'")
c.commit()
PY
"$KNOB" trials demo $S --format json > got.json
cmp got.json "$KNOB_SRC/tests/integration/data/trials_json.expected" ||
    fail "knob trials --format json differs: $(diff got.json "$KNOB_SRC/tests/integration/data/trials_json.expected" | head -20)"
