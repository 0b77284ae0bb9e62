#!/usr/bin/env bash
# run_cap is a cap of the study, not of one process: three knob runs on one SQLite file, and
# eight knob workers on PostgreSQL, stop at exactly run_cap trials; a grid's last point runs
# once however many runs share the grid; --trials counts one process's trials; --trials 0
# creates the study (the command docs/workers.md gives); --parallel above 256 is refused;
# a sweep without program is refused by knob run, not by knob ask.
source "$(dirname "$0")/lib.bash"
cat > cap.yaml <<YAML
command: [/bin/sh, -c, "sleep 0.02; echo loss=\$\$"]
metric: {name: loss, goal: minimize}
method: random
run_cap: 20
parameters:
  x: {min: 0.0, max: 1.0}
YAML
S="--storage sqlite:///$T/cap.db"
pids=()
for i in 1 2 3; do
    "$KNOB" run cap.yaml $S --study c --parallel 4 > "r$i.txt" 2>&1 &
    pids+=($!)
done
for i in 1 2 3; do
    wait "${pids[i - 1]}" || fail "run $i: $(cat "r$i.txt")"
done
"$KNOB" trials c $S --format json > t.json
expect_eq "$(py 'len(d)' < t.json)" 20 "trials of a study with run_cap 20 after three runs"
expect_eq "$(py 'sorted(t["number"] for t in d) == list(range(20))' < t.json)" True "numbers"
"$KNOB" run cap.yaml $S --study c > again.txt 2>&1 || fail "a run of a full study: $(cat again.txt)"
grep -q "reached its run_cap of 20" again.txt || fail "a full study: $(cat again.txt)"
grep -q "the study holds its run_cap of 20 trials" again.txt || fail "summary: $(cat again.txt)"
grep -q "the grid is done" again.txt && fail "a run_cap called a grid: $(cat again.txt)"
for i in 1 2 3; do # each run says why it stopped
    grep -q "the study holds its run_cap of 20 trials" "r$i.txt" || fail "run $i: $(cat "r$i.txt")"
done
"$KNOB" trials c $S --format json > t.json
expect_eq "$(py 'len(d)' < t.json)" 20 "trials after a run of a full study"

# --trials counts one process's trials: two runs of 3 on a fresh study make 6.
"$KNOB" run cap.yaml $S --study per --trials 3 > /dev/null
"$KNOB" run cap.yaml $S --study per --trials 3 > /dev/null
"$KNOB" trials per $S --format json > t.json
expect_eq "$(py 'len(d)' < t.json)" 6 "two runs of --trials 3"

# A grid shared by three runs: each of its 12 points runs once, and nothing more.
cat > grid.yaml <<YAML
command: [/bin/sh, -c, "sleep 0.02; echo loss=1"]
metric: {name: loss, goal: minimize}
method: grid
parameters:
  a: {values: [1, 2, 3]}
  b: {values: [x, y, z, w]}
YAML
pids=()
for i in 1 2 3; do
    "$KNOB" run grid.yaml $S --study g --parallel 3 > "g$i.txt" 2>&1 &
    pids+=($!)
done
for i in 1 2 3; do
    wait "${pids[i - 1]}" || fail "grid run $i: $(cat "g$i.txt")"
done
"$KNOB" trials g $S --format json > t.json
expect_eq "$(py 'len(d)' < t.json)" 12 "trials of a 12-point grid run by three processes"
expect_eq "$(py 'len(set(json.dumps(t["params"], sort_keys=True) for t in d))' < t.json)" 12 \
    "distinct grid points"

# --trials 0 creates the study with its sweep, runs nothing; a worker then joins it.
"$KNOB" run cap.yaml $S --study w0 --trials 0 > zero.txt || fail "--trials 0: $(cat zero.txt)"
grep -q "study 'w0' is ready" zero.txt || fail "--trials 0: $(cat zero.txt)"
"$KNOB" trials w0 $S --format json > t.json
expect_eq "$(py 'len(d)' < t.json)" 0 "trials after --trials 0"
"$KNOB" worker --study w0 $S --trials 2 > /dev/null || fail "a worker on a study made by --trials 0"
"$KNOB" trials w0 $S --format json > t.json
expect_eq "$(py 'len(d)' < t.json)" 2 "trials of the worker"

# --parallel is 1 to 256.
rc=0
"$KNOB" run cap.yaml $S --study p --parallel 257 2> p.err || rc=$?
expect_eq "$rc" 2 "exit status of --parallel 257"
grep -q "from 1 to 256" p.err || fail "--parallel 257: $(cat p.err)"

# No program: knob run says there is nothing to run.
cat > noprog.yaml <<YAML
metric: {name: loss, goal: minimize}
parameters:
  x: {min: 0.0, max: 1.0}
YAML
rc=0
"$KNOB" run noprog.yaml $S --study np --trials 1 2> np.err || rc=$?
expect_eq "$rc" 2 "exit status of knob run without a program"
grep -q "no program or command" np.err || fail "no program: $(cat np.err)"

# More waiting trials than run_cap leaves places (run_cap lowered since they were enqueued):
# every one runs in one run, none is left waiting (one ran a run).
sed 's/run_cap: 20/run_cap: 10/' cap.yaml > wide.yaml
sed 's/run_cap: 20/run_cap: 3/' cap.yaml > low.yaml
W="--storage sqlite:///$T/wait.db"
"$KNOB" run wide.yaml $W --study w --trials 1 > /dev/null || fail "the first run of w"
for x in 0.1 0.2 0.3 0.4; do "$KNOB" enqueue w x=$x $W > /dev/null || fail "enqueue $x"; done
"$KNOB" run low.yaml $W --study w > low.txt 2>&1 || fail "a run with run_cap lowered: $(cat low.txt)"
"$KNOB" trials w $W --format json > t.json
expect_eq "$(py '",".join(t["state"] for t in d)' < t.json)" "complete,complete,complete,complete,complete" "the waiting trials past run_cap ($(cat low.txt))"

# Eight workers on PostgreSQL with run_cap 60.
if [ -n "${KNOB_TEST_PG_URL:-}" ]; then
    schema="cap_$$_$(date +%s)"
    psql "$KNOB_TEST_PG_URL" -qc "CREATE SCHEMA $schema" || fail "cannot create a schema"
    URL="$KNOB_TEST_PG_URL?options=-csearch_path%3D$schema"
    sed 's/run_cap: 20/run_cap: 60/' cap.yaml > cap60.yaml
    "$KNOB" run cap60.yaml --storage "$URL" --study pg --trials 0 > /dev/null
    pids=()
    for i in $(seq 8); do
        "$KNOB" worker --study pg --storage "$URL" --parallel 3 > "pg$i.txt" 2>&1 &
        pids+=($!)
    done
    for i in $(seq 8); do
        wait "${pids[i - 1]}" || fail "worker $i: $(cat "pg$i.txt")"
    done
    "$KNOB" trials pg --storage "$URL" --format json > t.json
    expect_eq "$(py 'len(d)' < t.json)" 60 "trials of eight PostgreSQL workers with run_cap 60"
    PGOPTIONS="-c client_min_messages=warning" psql "$KNOB_TEST_PG_URL" -qc "DROP SCHEMA $schema CASCADE"
    echo ok
else
    skip "sqlite cases passed; KNOB_TEST_PG_URL is not set for the PostgreSQL case"
fi
