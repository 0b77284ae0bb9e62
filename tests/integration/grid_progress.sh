#!/usr/bin/env bash
# The progress total of a grid is what the run will run: the points no trial has run, and
# the waiting trials, which all run (an enqueued one on a point takes it); not the study's
# trials taken from the grid's size (enqueued trials were counted run, trials of a `when`
# since edited held points of the new grid), nor a --trials above what the grid has left.
source "$(dirname "$0")/lib.bash"
printf '#!/bin/sh\necho loss=1\n' > prog.sh
chmod +x prog.sh
cat > g.yaml <<YAML
program: $T/prog.sh
metric: {name: loss}
method: grid
parameters:
  a: {values: [1, 2, 3, 4]}
  b: {values: [1, 2, 3], when: {a: [1, 2]}}
YAML
totals() { # the totals of a run's progress lines, one a line
    sed -n 's/^trial [0-9]* [a-z]*.*  \[[0-9]*\/\([0-9]*\) done.*/\1/p' "$1" | sort -u | tr '\n' ' '
}
S="--storage sqlite:///$T/a.db"
"$KNOB" run g.yaml $S --study ga --trials 0 > /dev/null
for p in a=3 a=1 a=4 "a=2 b=3"; do
    "$KNOB" enqueue ga $S $p > /dev/null || fail "enqueue $p"
done
"$KNOB" run g.yaml $S --study ga > a.txt || fail "run: $(cat a.txt)"
expect_eq "$(totals a.txt)" "8 " "total with four trials enqueued: $(cat a.txt)"
grep -q '^trial 7 complete .*\[8/8 done' a.txt || fail "last line: $(cat a.txt)"
# a point run again, as the queue asks: the grid is done, and the run runs that one trial
"$KNOB" enqueue ga $S a=1 b=2 > /dev/null || fail "enqueue a point run"
"$KNOB" run g.yaml $S --study ga > a2.txt || fail "run: $(cat a2.txt)"
expect_eq "$(totals a2.txt)" "1 " "total of a point enqueued again: $(cat a2.txt)"
S="--storage sqlite:///$T/b.db"
"$KNOB" run g.yaml $S --study gb --trials 3 > b1.txt || fail "run: $(cat b1.txt)"
expect_eq "$(totals b1.txt)" "3 " "total of --trials 3"
"$KNOB" run g.yaml $S --study gb > b2.txt || fail "run: $(cat b2.txt)"
expect_eq "$(totals b2.txt)" "5 " "total of the points left"
sed 's/when: {a: \[1, 2\]}/when: {a: [3, 4]}/' g.yaml > g2.yaml
"$KNOB" run g2.yaml $S --study gb > b3.txt 2> b3.err || fail "run: $(cat b3.txt b3.err)"
expect_eq "$(totals b3.txt)" "8 " "total after an edited when: $(cat b3.txt)"
expect_eq "$(grep -c '^trial [0-9]' b3.txt)" 8 "trials run after an edited when"
S="--storage sqlite:///$T/c.db"
"$KNOB" run g.yaml $S --study gc --trials 20 > c.txt || fail "run: $(cat c.txt)"
expect_eq "$(totals c.txt)" "8 " "total of --trials 20 over 8 points: $(cat c.txt)"
grep -q '^trial 7 complete .*\[8/8 done.*~0m00s left\]' c.txt || fail "last line: $(cat c.txt)"
echo ok
