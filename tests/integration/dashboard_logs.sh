#!/usr/bin/env bash
# knob dashboard's log tails (/api/log) read only from under the study's trial directories,
# whatever directory a trial's "runner" attribute names (anyone who can write the storage
# writes it): a path climbing out, an absolute path, a symlinked directory or file, a FIFO
# are refused, clearly; a large log is cut to its tail; --trial-dir moves the root.
source "$(dirname "$0")/lib.bash"
db="sqlite:///$T/d.db"
cat > s.yaml <<YAML
program: $PROGS/curve.py
metric: {name: loss, goal: minimize}
method: random
parameters:
  lr: {distribution: log_uniform_values, min: 0.001, max: 0.1}
  epochs: {value: 2}
YAML
"$KNOB" run s.yaml --storage "$db" --study w --trials 7 --seed 1 > run.txt
root="$T/knob-runs/w"
[ -f "$root/0/stdout.log" ] || fail "no trial directory at $root/0: $(ls -R knob-runs)"
mkdir -p secret
echo "TOP-SECRET" > secret/stdout.log
echo "TOP-SECRET" > secret/stderr.log
ln -s "$T/secret" "$root/symlinked"
ln -sf "$T/secret/stderr.log" "$root/1/stderr.log" # a symlinked file in a true trial dir
rm -f "$root/2/stdout.log"
mkfifo "$root/2/stdout.log" # a FIFO is not read (it would block the server)
python3 -c 'import sys; sys.stdout.write(("x" * 99 + "\n") * 2000 + "the last line\n")' \
    >> "$root/3/stdout.log"

# The recorded directories, as a hostile writer of the storage would set them.
python3 - "$T/d.db" "$root" <<'PY'
import json, os, sqlite3, sys
db, root = sys.argv[1:3]
# ../../etc/passwd, with as many .. as it takes from the dashboard's directory
hostile = {4: os.path.relpath("/etc/passwd", os.getcwd()), 5: "/etc", 6: root + "/symlinked"}
c = sqlite3.connect(db)
for number, d in hostile.items():
    rows = c.execute("UPDATE trial_attrs SET json = ? WHERE system = 1 AND key = 'runner' AND "
                     "trial = (SELECT id FROM trials WHERE number = ?)",
                     (json.dumps({"host": "h", "pid": 1, "dir": d}), number)).rowcount
    assert rows == 1, (number, rows)
c.execute("UPDATE trial_attrs SET json = ? WHERE system = 1 AND key = 'runner' AND "
          "trial = (SELECT id FROM trials WHERE number = 0)",
          (json.dumps({"host": "h", "pid": 1, "dir": root + "/0/../../w/0"}),))
c.commit()
PY

log() { dashboard_request "/api/log?name=w&trial=$1" > "log$1.txt"; }
status() { head -c 3 "log$1.txt"; }
body() { sed '1s/^[0-9]* //' "log$1.txt"; }

dashboard_start "$db"
for n in 0 1 2 3 4 5 6; do log $n; done
for n in 0 1 2 3 4 5 6; do
    if grep -q "TOP-SECRET\|root:" "log$n.txt"; then fail "trial $n: a file outside was served"; fi
done
expect_eq "$(status 0)" 200 "a true trial directory (spelt with ..)"
expect_eq "$(body 0 | py '"loss" in d["stdout"]')" True "its stdout"
expect_eq "$(body 0 | py 'd["dir"]')" "$(realpath "$root/0")" "its directory, resolved"
expect_eq "$(status 1)" 200 "a trial with a symlinked log"
expect_eq "$(body 1 | py 'd["stderr"]')" None "a symlinked log is not read"
expect_eq "$(status 2)" 200 "a trial with a FIFO for a log"
expect_eq "$(body 2 | py 'd["stdout"]')" None "a FIFO is not read"
expect_eq "$(body 3 | py 'len(d["stdout"]) <= 16384')" True "a large log: its tail only"
expect_eq "$(body 3 | py 'd["stdout"].endswith("the last line\n")')" True "the tail's end"
expect_eq "$(body 3 | py 'd["stdout"].startswith("x")')" True "the tail starts at a whole line"
for n in 4 5 6; do
    expect_eq "$(status $n)" 403 "trial $n's directory outside the root"
    body $n | py 'd["error"]' | grep -q "is not under the trial directories' root $root: not served" ||
        fail "trial $n's error: $(cat "log$n.txt")"
done
expect_eq "$(dashboard_request "/api/log?name=w&trial=0" | cut -c1-3)" 200 "the server goes on"
dashboard_stop

# --trial-dir: the root is DIR/<study>; the runs' own directories are outside it now.
mkdir -p other/w
dashboard_start "$db" --trial-dir other
log 0
expect_eq "$(status 0)" 403 "--trial-dir elsewhere"
dashboard_stop
dashboard_start "$db" --trial-dir nowhere
log 0
expect_eq "$(status 0)" 404 "no such trial-dir"
body 0 | py 'd["error"]' | grep -q "are not at nowhere/w.*give --trial-dir" || fail "error: $(cat log0.txt)"
dashboard_stop
"$KNOB" dashboard --storage "$db" --trial-dir "" 2> empty.err && fail "an empty --trial-dir"
grep -q "trial-dir is empty" empty.err || fail "message: $(cat empty.err)"
echo ok
