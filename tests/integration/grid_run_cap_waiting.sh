#!/usr/bin/env bash
# A grid at its run_cap counts its waiting trials once: they run whatever the run_cap (the
# study holds them already), so they are no points that never ran, and the run_cap said for
# those left is the study's trials and those points. Three points all run with one enqueued
# again said "1 grid point never ran; run_cap: 5"; 6 points, 3 run and 2 more waiting, said 3
# never ran and run_cap 7 (1 never ran; 6 runs it). With a value listed twice, an enqueued
# first one took the point the trial ran, and the grid then said no point was left.
source "$(dirname "$0")/lib.bash"
printf '#!/bin/sh\necho loss=1\n' > prog.sh
chmod +x prog.sh
grid() { # RUN_CAP VALUES
    printf 'program: %s/prog.sh\nmethod: grid\nmetric: {name: loss}\nrun_cap: %s\nparameters:\n  v: {values: [%s]}\n' \
        "$T" "$1" "$2" > g.yaml
}
S="--storage sqlite:///$T/a.db"
grid 4 "1, 2, 3"
"$KNOB" run g.yaml $S --study a > a1.txt 2>&1 || fail "run: $(cat a1.txt)"
"$KNOB" enqueue a $S v=1 > /dev/null || fail "enqueue"
"$KNOB" run g.yaml $S --study a --timeout 0 > a2.txt 2>&1 || fail "run: $(cat a2.txt)"
grep -q "never ran" a2.txt && fail "every point ran: $(cat a2.txt)"
"$KNOB" run g.yaml $S --study a > a3.txt 2>&1 || fail "run: $(cat a3.txt)"
grep -q "never ran" a3.txt && fail "every point ran, the waiting trial too: $(cat a3.txt)"

S="--storage sqlite:///$T/b.db"
grid 4 "1, 2, 3, 4, 5, 6"
"$KNOB" run g.yaml $S --study b --trials 2 > /dev/null 2>&1 || fail "run b"
"$KNOB" enqueue b $S v=3 > /dev/null || fail "enqueue 3"
"$KNOB" enqueue b $S v=4 > /dev/null || fail "enqueue 4"
"$KNOB" run g.yaml $S --study b --timeout 0 > b1.txt 2>&1 || fail "run: $(cat b1.txt)"
grep -qF "2 grid points never ran: the study holds its run_cap of 4 trials; run_cap: 6 runs them" \
    b1.txt || fail "two waiting, two points left: $(cat b1.txt)"
"$KNOB" run g.yaml $S --study b > b2.txt 2>&1 || fail "run: $(cat b2.txt)"
grep -qF "2 grid points never ran: the study holds its run_cap of 4 trials; run_cap: 6 runs them" \
    b2.txt || fail "the waiting trials ran, two points left: $(cat b2.txt)"
grid 6 "1, 2, 3, 4, 5, 6"
"$KNOB" run g.yaml $S --study b > b3.txt 2>&1 || fail "run: $(cat b3.txt)"
"$KNOB" trials b $S --format json > t.json
expect_eq "$(py 'sorted(t["params"]["v"] for t in d if t["state"] == "complete")' < t.json)" \
    "[1, 2, 3, 4, 5, 6]" "the points run at run_cap 6"

# [ok, crash, ok] with the first ok enqueued: whatever the seed, three trials run the three
# points, and nothing is said left
for seed in 3 4 5; do
    S="--storage sqlite:///$T/r$seed.db"
    printf 'program: %s/prog.sh\nsampler: grid\nmetric: {name: loss}\nrun_cap: 3\nparameters:\n  v: {values: [ok, crash, ok]}\n' \
        "$T" > r.yaml
    "$KNOB" run r.yaml $S --study r --seed $seed --trials 0 > /dev/null 2>&1 || fail "run r"
    "$KNOB" enqueue r $S v=ok > /dev/null || fail "enqueue ok"
    "$KNOB" run r.yaml $S --study r --seed $seed > r1.txt 2>&1 || fail "run: $(cat r1.txt)"
    grep -q "never ran" r1.txt && fail "seed $seed: every point ran: $(cat r1.txt)"
    "$KNOB" trials r $S --format json > t.json
    expect_eq "$(py 'len([t for t in d if t["state"] == "complete"])' < t.json)" "3" \
        "seed $seed: the trials run"
done
echo ok
