#!/usr/bin/env bash
# A study's name may begin with '-' (knob run --study -x makes one, as Optuna's names may):
# every command that takes a STUDY reaches it after '--', the end of the options, and a
# sweep file named so goes after '--' too. Without '--' such a name is an unknown option,
# refused with exit status 2 and a word on '--'. The worker command knob run --trials 0
# prints for a study named with a quote runs as it is printed.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
cat > ./-s.yaml <<'YAML'
command: ["/bin/sh", "-c", "echo loss=$KNOB_TRIAL_NUMBER"]
metric: {name: loss, goal: minimize}
method: random
parameters:
  x: {distribution: uniform, min: 0, max: 1}
YAML
"$KNOB" run $S --study -x --trials 2 -- -s.yaml > run.txt 2>&1 || fail "run: $(cat run.txt)"
"$KNOB" worker $S --study --json --trials 1 -- -s.yaml > w.txt 2>&1 || fail "worker: $(cat w.txt)"
"$KNOB" worker $S --study -x --trials 1 > w2.txt 2>&1 || fail "worker --study -x: $(cat w2.txt)"
"$KNOB" trials $S --format csv -- -x > t.csv 2> err.txt || fail "trials: $(cat err.txt)"
expect_eq "$(grep -c complete t.csv)" 3 "complete trials of '-x': $(cat t.csv)"
"$KNOB" best $S --json -- --json > b.json 2> err.txt || fail "best of '--json': $(cat err.txt)"
expect_eq "$(py 'd["number"]' < b.json)" 0 "the best of '--json'"
"$KNOB" importance $S -- -x > /dev/null 2> err.txt || fail "importance: $(cat err.txt)"
"$KNOB" report $S -o r.html -- -x 2> err.txt ||
    grep -q "no page" err.txt || fail "report: $(cat err.txt)"
"$KNOB" enqueue $S -- -x x=0.5 > /dev/null 2> err.txt || fail "enqueue: $(cat err.txt)"
"$KNOB" ask $S --sweep ./-s.yaml -- -x > a.json 2> err.txt || fail "ask: $(cat err.txt)"
expect_eq "$(py 'd["params"]["x"]' < a.json)" 0.5 "the enqueued trial of '-x'"
n=$(py 'd["number"]' < a.json)
"$KNOB" intermediate $S -- -x "$n" 0.5 > /dev/null 2> err.txt || fail "intermediate: $(cat err.txt)"
"$KNOB" tell $S -- -x "$n" -1.5 2> err.txt || fail "tell: $(cat err.txt)"
"$KNOB" best $S -- -x > b.txt 2> err.txt || fail "best: $(cat err.txt)"
grep -q "value -1.5" b.txt || fail "the told value: $(cat b.txt)"

# without '--': refused, naming the way
set +e
"$KNOB" best -x $S > /dev/null 2> err.txt
rc=$?
set -e
expect_eq "$rc" 2 "knob best -x"
grep -q "unknown option '-x'.*'--'" err.txt || fail "the message: $(cat err.txt)"

"$KNOB" delete $S -- -x 2> err.txt || fail "delete: $(cat err.txt)"
"$KNOB" studies $S --json > s.json
expect_eq "$(py '[s["name"] for s in d]' < s.json)" '["--json"]' "studies after the delete"

"$KNOB" run $S --study "it's" --trials 0 -- -s.yaml > ready.txt 2>&1 || fail "$(cat ready.txt)"
line=$(grep "knob worker" ready.txt) || fail "no worker command: $(cat ready.txt)"
eval "set -- ${line#*knob worker }"
expect_eq "$#:$2:$4" "4:it's:sqlite:///$T/s.db" "the printed command's words ($line)"
"$KNOB" worker "$@" --trials 1 > w3.txt 2>&1 || fail "the printed command: $(cat w3.txt)"
grep -q "this run: 1 trials (1 complete" w3.txt || fail "the printed command: $(cat w3.txt)"
# a study in memory: has no workers to tell of
"$KNOB" run --storage memory: --trials 0 -- -s.yaml > mem.txt 2>&1 || fail "$(cat mem.txt)"
grep -q "ends with this process: no worker can join it" mem.txt || fail "memory: $(cat mem.txt)"
! grep -q "knob worker" mem.txt || fail "a worker command for memory: $(cat mem.txt)"
echo ok
