#!/usr/bin/env bash
# run_cap counts a study's trials in every state, but a WAITING trial (enqueued, or the
# retry of a trial whose worker died) is still to run: a run takes it on top of the new
# trials the cap leaves, so the study ends at exactly run_cap trials, none left waiting.
# A study at its run_cap whose worker was killed (kill -9) mid-trial: a worker started
# later fails the dead trials for their lost heartbeats (no retry: the study is full)
# instead of stopping at once and leaving them RUNNING for good.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"

cat > cap.yaml <<'YAML'
command: ["/bin/sh", "-c", "echo loss=$KNOB_TRIAL_NUMBER"]
metric: {name: loss, goal: minimize}
method: random
run_cap: 5
parameters:
  x: {distribution: uniform, min: 0, max: 1}
YAML
"$KNOB" run cap.yaml $S --trials 2 > r1.txt 2>&1 || fail "first run: $(cat r1.txt)"
"$KNOB" enqueue cap x=0.5 $S > /dev/null || fail "enqueue"
"$KNOB" run cap.yaml $S > r2.txt 2>&1 || fail "second run: $(cat r2.txt)"
"$KNOB" trials cap $S --format json > t.json
expect_eq "$(py '[t["state"] for t in d]' < t.json)" \
    '["complete", "complete", "complete", "complete", "complete"]' \
    "a study of run_cap 5 with 2 trials and 1 enqueued, after a run ($(cat r2.txt))"
grep -q "this run: 3 trials (3 complete" r2.txt || fail "the second run: $(cat r2.txt)"
# trials 0 and 1 end at once, 2 and 3 run until knob run is killed
cat > dead.yaml <<'YAML'
command: ["/bin/sh", "-c", ": > \"$KNOB_TRIAL_DIR/ran\"; [ $KNOB_TRIAL_NUMBER -lt 2 ] || sleep 300; echo loss=1"]
metric: {name: loss, goal: minimize}
method: random
run_cap: 4
parameters:
  x: {distribution: uniform, min: 0, max: 1}
YAML
"$KNOB" run dead.yaml $S --parallel 2 > d1.txt 2>&1 &
pid=$!
for _ in $(seq 600); do
    [ -e knob-runs/dead/2/ran ] && [ -e knob-runs/dead/3/ran ] && break
    kill -0 "$pid" 2> /dev/null || fail "knob run ended: $(cat d1.txt)"
    sleep 0.1
done
[ -e knob-runs/dead/3/ran ] || fail "trials 2 and 3 did not start: $(cat d1.txt)"
kill -9 "$pid"
wait "$pid" && fail "knob run survived kill -9"
"$KNOB" trials dead $S --format json > t.json
expect_eq "$(py '[t["state"] for t in d]' < t.json)" '["complete", "complete", "running", "running"]' \
    "the study after kill -9"
# their last heartbeats, two minutes ago: the worker that ran them is long gone
python3 - "$T/s.db" <<'PY'
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE trial_attrs SET json = ? WHERE key = 'heartbeat'", ("%.6f" % (time.time() - 120),))
c.commit()
PY
"$KNOB" worker --study dead $S > w.txt 2>&1 || fail "the worker: $(cat w.txt)"
"$KNOB" trials dead $S --format json > t.json
expect_eq "$(py '[t["state"] for t in d]' < t.json)" '["complete", "complete", "fail", "fail"]' \
    "the dead trials of a full study, after a worker ($(cat w.txt))"
expect_eq "$(py 'all("no heartbeat" in t["system_attrs"].get("fail_reason", "") for t in d[2:])' < t.json)" \
    True "their reason: $(cat t.json)"
grep -q "the study holds its run_cap of 4 trials" w.txt || fail "the worker: $(cat w.txt)"
echo ok
