#!/usr/bin/env bash
# A -0.0 told, enqueued and reported into a SQLite file reads back as -0.0 in `knob trials
# --format json` (its values, params and intermediate values), and a 0.0 as 0.0. SQLite
# keeps a REAL without a fraction as an integer, and every -0.0 came back as 0.0 (0 in the
# values), where PostgreSQL and memory: kept the sign.
source "$(dirname "$0")/lib.bash"
S=sqlite:///z.db
cat > sweep.yaml <<'Y'
program: x
method: random
metric: {name: loss, goal: minimize}
parameters:
  x: {distribution: uniform, min: -1, max: 1}
Y
"$KNOB" ask z --sweep sweep.yaml --storage "$S" > /dev/null
"$KNOB" enqueue z x=-0.0 --storage "$S" > /dev/null
"$KNOB" enqueue z x=0.0 --storage "$S" > /dev/null
"$KNOB" ask z --storage "$S" > ask1.json
"$KNOB" ask z --storage "$S" > /dev/null
expect_eq "$(py 'repr(d["params"]["x"])' < ask1.json)" "-0.0" "the enqueued -0.0 asked"
"$KNOB" intermediate z 1 -0.0 --storage "$S" > /dev/null
"$KNOB" tell z 0 1 --storage "$S"
"$KNOB" tell z 1 -0.0 --storage "$S"
"$KNOB" tell z 2 0.0 --storage "$S"
"$KNOB" trials z --format json --storage "$S" > trials.json
# "-0" read as a number with its sign (Python's json takes it for the int 0)
signs=$(python3 -c 'import json, sys
d = json.load(sys.stdin, parse_int=float)
print([repr(v) for t in d[1:]
       for v in t["values"] + [t["params"]["x"]] + list(t["intermediate"].values())])' < trials.json)
expect_eq "$signs" "['-0.0', '-0.0', '-0.0', '0.0', '0.0']" \
    "the values, params and intermediate values of trials 1 and 2"
echo ok
