#!/usr/bin/env bash
# A grid at its run_cap says how many of its points never ran as the grid counts them, not
# as the study's size less the trials taken from the grid's: after the sweep's values were
# edited, trials of the old values ran none of the new points, and a study at its run_cap
# said nothing of the three it never ran; with a point enqueued twice, the second trial ran
# no new point, and the one left was not said either.
source "$(dirname "$0")/lib.bash"
printf '#!/bin/sh\necho loss=1\n' > prog.sh
chmod +x prog.sh
grid() { # RUN_CAP VALUES
    printf 'program: %s/prog.sh\nmethod: grid\nmetric: {name: loss}\nrun_cap: %s\nparameters:\n  v: {values: [%s]}\n' \
        "$T" "$1" "$2" > g.yaml
}
S="--storage sqlite:///$T/a.db"
grid 6 "1, 2, 3, 4, 5, 6"
"$KNOB" run g.yaml $S --study a > a1.txt 2>&1 || fail "run: $(cat a1.txt)"
grep -q "never ran" a1.txt && fail "every point ran: $(cat a1.txt)"
grid 6 "4, 5, 6, 7, 8, 9"
"$KNOB" run g.yaml $S --study a > a2.txt 2>&1 || fail "edited: $(cat a2.txt)"
grep -qF "3 grid points never ran: the study holds its run_cap of 6 trials; run_cap: 9 runs them" \
    a2.txt || fail "the points of the edited grid: $(cat a2.txt)"
grid 9 "4, 5, 6, 7, 8, 9"
"$KNOB" run g.yaml $S --study a > a3.txt 2>&1 || fail "raised: $(cat a3.txt)"
"$KNOB" trials a $S --format json > t.json
expect_eq "$(py 'sorted(t["params"]["v"] for t in d if t["state"] == "complete")' < t.json)" \
    "[1, 2, 3, 4, 5, 6, 7, 8, 9]" "the points run at run_cap 9"
grep -q "never ran" a3.txt && fail "every point ran: $(cat a3.txt)"

S="--storage sqlite:///$T/b.db"
grid 4 "1, 2, 3, 4"
"$KNOB" run g.yaml $S --study b --trials 0 > /dev/null
"$KNOB" enqueue b $S v=1 > /dev/null || fail "enqueue"
"$KNOB" enqueue b $S v=1 > /dev/null || fail "enqueue again"
"$KNOB" run g.yaml $S --study b > b1.txt 2>&1 || fail "run: $(cat b1.txt)"
grep -qF "1 grid point never ran: the study holds its run_cap of 4 trials; run_cap: 5 runs it" \
    b1.txt || fail "the point an enqueued trial ran again left: $(cat b1.txt)"
echo ok
