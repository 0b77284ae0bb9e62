#!/usr/bin/env bash
# A SQLite file of a knob before the -0.0 marks (the neg_zero columns) that this process
# cannot write is read as it is: its trials listed, its zeros 0.0, nothing changed in it; the
# first open by a process that can write it adds the columns. Run as the user nobody (the
# file root's, the directory open to all, so that SQLite can make the -shm beside it).
source "$(dirname "$0")/lib.bash"
command -v runuser > /dev/null || skip "no runuser here to read the file as another user"
[ "$(id -u)" = 0 ] || skip "not root: the file cannot be made another user's to read"
S=sqlite:///a.db
cat > sweep.yaml <<'Y'
program: x
method: random
metric: {name: loss, goal: minimize}
parameters:
  x: {distribution: uniform, min: -1, max: 1}
Y
"$KNOB" ask z --sweep sweep.yaml --storage "$S" > /dev/null
"$KNOB" intermediate z 0 -0.0 --storage "$S" > /dev/null
"$KNOB" tell z 0 -0.0 --storage "$S"
# the file as the knob before the marks left it
python3 - << 'P'
import sqlite3
c = sqlite3.connect("a.db")
for t in ("params", "trial_values", "intermediate"):
    c.execute(f"ALTER TABLE {t} DROP COLUMN neg_zero")
c.commit()
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
c.close()
P
rm -f a.db-wal a.db-shm
chmod 644 a.db
chmod 777 .
runuser -u nobody -- test -r a.db || skip "the user nobody cannot reach $T"
runuser -u nobody -- "$KNOB" trials z --format json --storage "$S" > trials.json ||
    fail "the read-only older file was not read"
zeros=$(python3 -c 'import json, sys
d = json.load(sys.stdin, parse_int=float)
print([repr(v) for v in d[0]["values"] + list(d[0]["intermediate"].values())])' < trials.json)
expect_eq "$zeros" "['0.0', '0.0']" "the older file's zeros"
marks() { # the intermediate table's neg_zero columns: 0 or 1
    python3 -c 'import sqlite3
print(sqlite3.connect("a.db").execute("SELECT COUNT(*) FROM pragma_table_info(\x27intermediate\x27) "
                                      "WHERE name = \x27neg_zero\x27").fetchone()[0])'
}
expect_eq "$(marks)" 0 "the marks in the file read as it is"
"$KNOB" trials z --storage "$S" > /dev/null
expect_eq "$(marks)" 1 "the marks after an open that can write the file"
echo ok
