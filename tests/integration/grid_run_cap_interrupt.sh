#!/usr/bin/env bash
# A grid of 6 points with run_cap 6, stopped once by Ctrl-C with two trials running: the two
# interrupted trials count in run_cap (the study holds them) and their points run again, so
# two points are left that the cap keeps from running. Each run that ends so says how many
# and the run_cap that runs them (the resumed run and a run after it, which runs nothing);
# a sweep raised to that run_cap runs them, and the grid is done.
source "$(dirname "$0")/lib.bash"
cat > g.sh <<'SH'
#!/bin/sh
echo $$ > "$KNOB_TRIAL_DIR/pid"
v=${1#--v=}
[ "$v" -le 2 ] || [ -e "$FAST" ] || sleep 30
echo "loss=$v"
SH
chmod +x g.sh
grid() { # RUN_CAP
    printf 'program: g.sh\nmethod: grid\nmetric: {name: loss}\nrun_cap: %s\nparameters:\n  v: {values: [1, 2, 3, 4, 5, 6]}\n' "$1" > g.yaml
}
grid 6
export FAST=$T/fast
S="sqlite:///$T/s.db"
"$KNOB" run g.yaml --storage "$S" --study g --parallel 2 > stop.txt 2>&1 &
pid=$! status=0
for _ in $(seq 150); do
    [ -f knob-runs/g/2/pid ] && [ -f knob-runs/g/3/pid ] && break
    sleep 0.1
done
[ -f knob-runs/g/3/pid ] || fail "trials 2 and 3 did not start: $(cat stop.txt)"
sleep 0.3
kill -INT $pid
wait $pid || status=$?
expect_eq "$status" 130 "exit status after Ctrl-C ($(cat stop.txt))"
grep -q "never ran" stop.txt && fail "a study below its run_cap: $(cat stop.txt)"
touch fast
"$KNOB" run g.yaml --storage "$S" --study g --parallel 2 > resume.txt 2>&1 || fail "resume: $(cat resume.txt)"
"$KNOB" trials g --storage "$S" --format json > t.json
expect_eq "$(py 'sorted(t["params"]["v"] for t in d if t["state"] == "complete")' < t.json)" \
    "[1, 2, 3, 4]" "the points run at run_cap 6"
said="2 grid points never ran: the study holds its run_cap of 6 trials, 2 of them interrupted"
grep -qF "$said" resume.txt || fail "the resumed run: $(cat resume.txt)"
grep -qF "run_cap: 8 runs them" resume.txt || fail "the run_cap that runs them: $(cat resume.txt)"
"$KNOB" run g.yaml --storage "$S" --study g > again.txt 2>&1 || fail "again: $(cat again.txt)"
grep -qF "$said" again.txt || fail "a run of the study at its run_cap: $(cat again.txt)"
grid 8
"$KNOB" run g.yaml --storage "$S" --study g > raised.txt 2>&1 || fail "raised: $(cat raised.txt)"
"$KNOB" trials g --storage "$S" --format json > t.json
expect_eq "$(py 'sorted(t["params"]["v"] for t in d if t["state"] == "complete")' < t.json)" \
    "[1, 2, 3, 4, 5, 6]" "the points run at run_cap 8"
grep -q "never ran" raised.txt && fail "every point ran: $(cat raised.txt)"
echo ok
