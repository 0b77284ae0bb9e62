#!/usr/bin/env bash
# knob run writes the trials that end and start in one turn of its loop in one batch (one
# SQLite transaction). Stopped (SIGSTOP) and then killed (kill -9) at any moment, it has
# lost nothing it showed: every trial it printed as complete is complete in the study
# with its value, and no trial's program has run without the trial in the study. Checked
# at frozen moments of three runs, each killed and the next resuming the study.
source "$(dirname "$0")/lib.bash"
# the program marks its trial directory, then prints its trial number as the loss
cat > sweep.yaml <<'YAML'
command: ["/bin/sh", "-c", ": > \"$KNOB_TRIAL_DIR/ran\"; echo loss=$KNOB_TRIAL_NUMBER"]
metric: {name: loss, goal: minimize}
method: random
parameters:
  x: {distribution: uniform, min: 0, max: 1}
YAML
# Each round: knob run on the study until it has shown 5 trials complete, then frozen
# (SIGSTOP) 6 times and checked, then killed and checked. A check reads what the run
# printed first, then which programs ran, then the study (python3's sqlite3, no lock):
# whatever knob run does meanwhile, a trial it printed or started was committed before, so
# it is in what is read after.
cat > rounds.py <<'PY'
import os, re, signal, sqlite3, subprocess, sys, time
knob, db, root = sys.argv[1:4]

def check(out, where):
    shown = [int(n) for n in re.findall(r"^trial (\d+) complete", open(out).read(), re.M)]
    ran = [int(d) for d in os.listdir(root) if os.path.exists(os.path.join(root, d, "ran"))]
    c = sqlite3.connect(db, timeout=60)
    rows = dict((n, (s, v)) for n, s, v in c.execute(
        "SELECT t.number, t.state, v.value FROM trials t JOIN studies s ON s.id = t.study "
        "LEFT JOIN trial_values v ON v.trial = t.id AND v.idx = 0 WHERE s.name = 'k'"))
    c.close()
    lost = [n for n in shown if rows.get(n) != (1, float(n))]
    if lost:
        sys.exit("%s: printed complete, not complete in the study: %s" % (where, lost[:10]))
    orphans = sorted(n for n in ran if n not in rows)
    if orphans:
        sys.exit("%s: ran without a trial in the study: %s" % (where, orphans[:10]))
    return len(shown)

for rnd in (1, 2, 3):
    out = "out.%d" % rnd
    with open(out, "w") as f:
        p = subprocess.Popen([knob, "run", "sweep.yaml", "--storage", "sqlite:///" + db,
                              "--study", "k", "--parallel", "16", "--trials", "100000"],
                             stdout=f, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while open(out).read().count(" complete") < 5:
        if p.poll() is not None or time.time() > deadline:
            sys.exit("round %d: no 5 trials complete: %s" % (rnd, open(out).read()))
        time.sleep(0.02)
    for freeze in range(6):
        p.send_signal(signal.SIGSTOP)
        check(out, "round %d, freeze %d" % (rnd, freeze))
        p.send_signal(signal.SIGCONT)
        time.sleep(0.01 * (freeze + 1))
    p.kill()
    p.wait()
    if check(out, "round %d, killed" % rnd) < 5:
        sys.exit("round %d: fewer than 5 trials shown complete" % rnd)
check("out.3", "after the rounds")
PY
db="$T/s.db"
python3 rounds.py "$KNOB" "$db" knob-runs/k || fail "a trial shown or started was not saved"
# The study goes on: a last run to its end, every trial it runs complete.
"$KNOB" run sweep.yaml --storage "sqlite:///$db" --study k --parallel 4 --trials 8 > last.txt 2>&1 ||
    fail "the run after the kills: $(cat last.txt)"
grep -q "this run: 8 trials (8 complete, 0 failed, 0 pruned)" last.txt || fail "$(cat last.txt)"
echo ok
