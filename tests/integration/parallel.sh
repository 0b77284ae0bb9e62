#!/usr/bin/env bash
# --parallel 4 with 40 trials: exactly 40 trials numbered 0..39, all complete.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/curve.py
metric: {name: loss, goal: minimize}
method: random
parameters:
  lr: {distribution: log_uniform_values, min: 0.001, max: 0.1}
YAML
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --trials 40 --parallel 4 > out.txt
"$KNOB" trials sweep --storage "sqlite:///$T/s.db" --format csv > t.csv
expect_eq "$(tail -n +2 t.csv | cut -d, -f1 | sort -n | tr '\n' ' ')" "$(seq 0 39 | tr '\n' ' ')" "trial numbers"
expect_eq "$(tail -n +2 t.csv | cut -d, -f2 | sort -u)" "complete" "states"
# two knob runs at once on one file: 2 x 15 trials, none lost
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study two --trials 15 --parallel 2 > a.txt &
pid=$!
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study two --trials 15 --parallel 2 > b.txt ||
    fail "the second run: $(cat b.txt)"
wait "$pid" || fail "the first run: $(cat a.txt)"
"$KNOB" trials two --storage "sqlite:///$T/s.db" --format json > two.json
expect_eq "$(py 'sorted(t["number"] for t in d) == list(range(30))' < two.json)" True "two runs"
echo ok
