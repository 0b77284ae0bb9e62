#!/usr/bin/env bash
# knob worker --study reads the sweep stored with the study and runs it as it is, with no
# file of its own: an error in it names the study (not a temporary file), and a worker
# killed with kill -9 leaves nothing behind in $TMPDIR or /tmp.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
cat > sw.yaml <<'YAML'
command: ["/bin/sh", "-c", "echo loss=$KNOB_TRIAL_NUMBER; [ $KNOB_TRIAL_NUMBER -lt 2 ] || sleep 300"]
metric: {name: loss, goal: minimize}
method: random
parameters:
  x: {distribution: uniform, min: 0, max: 1}
YAML
"$KNOB" run sw.yaml $S --study w --trials 0 > /dev/null || fail "creating the study"
"$KNOB" worker --study w $S --trials 2 > w1.txt 2>&1 || fail "worker: $(cat w1.txt)"
grep -q "this run: 2 trials (2 complete" w1.txt || fail "worker: $(cat w1.txt)"

# a worker killed mid-trial: no copy of the sweep is left anywhere
ls /tmp > tmp.before
mkdir tmpdir
TMPDIR="$T/tmpdir" "$KNOB" worker --study w $S --trials 1 > w2.txt 2>&1 &
pid=$!
for _ in $(seq 300); do
    [ -d knob-runs/w/2 ] && break
    sleep 0.1
done
[ -d knob-runs/w/2 ] || fail "trial 2 did not start: $(cat w2.txt)"
# the sweep's text, in a file anywhere, would be found here while the worker runs
ls /tmp > tmp.during
kill -9 "$pid"
wait "$pid" && fail "the worker survived kill -9"
left=$(comm -13 <(sort tmp.before) <(sort tmp.during) | grep '^knob-sweep' || true)
[ -z "$left" ] || fail "the worker made /tmp/$left"
expect_eq "$(ls tmpdir)" "" "files the worker left in TMPDIR"

# a stored sweep this knob cannot read: the message names the study
python3 - "$T/s.db" <<'PY'
import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
(text,) = c.execute("SELECT json FROM study_attrs WHERE key = 'sweep'").fetchone()
text = json.loads(text).replace("method: random", "method: rnd")
c.execute("UPDATE study_attrs SET json = ? WHERE key = 'sweep'", (json.dumps(text),))
c.commit()
PY
set +e
"$KNOB" worker --study w $S --trials 1 > w3.txt 2>&1
rc=$?
set -e
expect_eq "$rc" 2 "a worker on a stored sweep with an error"
grep -q "^(the sweep stored with study 'w'):3:9: key 'method'" w3.txt || fail "the message: $(cat w3.txt)"
# a sweep file as well as --study: the file is knob run's, as before
"$KNOB" worker sw.yaml --study w2 $S --trials 1 > w4.txt 2>&1 || fail "worker with a file: $(cat w4.txt)"
# an option neither a worker's nor knob run's is the worker's mistake, told with its usage
# (it was told as knob run's, with run's usage; before --study, --study's value was taken for
# the sweep file); so is a second sweep file
for c in "--study w $S --trials 1 --bogus" "--bogus --study w $S" "sw.yaml --bogus=1 $S" \
    "sw.yaml sw.yaml $S"; do
    rc=0
    # shellcheck disable=SC2086 # c is words
    "$KNOB" worker $c > w5.txt 2> err.txt || rc=$?
    expect_eq "$rc" 2 "knob worker $c"
    case $c in
    *--bogus=1*) want="knob worker: unknown option '--bogus=1'" ;;
    *--bogus*) want="knob worker: unknown option '--bogus'" ;;
    *) want="knob worker: unexpected argument 'sw.yaml'" ;;
    esac
    expect_eq "$(head -n 1 err.txt)" "$want" "knob worker $c"
    grep -q "^usage: knob worker " err.txt || fail "knob worker $c: $(cat err.txt)"
    ! grep -q "^usage: knob run\|^knob run" err.txt || fail "knob worker $c: $(cat err.txt)"
done
echo ok
