#!/usr/bin/env bash
# knob ask / tell / trials / best through the study snapshot (src/snapshot.c): each process
# starts from the snapshot another left and reads only what changed since; what they print
# is what a process reading every row prints, also while four processes ask and tell at once.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: unused
metric: {name: loss, goal: minimize}
sampler: tpe
parameters:
  x: {min: -5.0, max: 5.0}
  k: {values: [1, 2, 3]}
YAML
url="sqlite:///$T/s.db"
# snapshots from 5 trials, appended after 3 changed ones, rewritten whole at 4 segments
export KNOB_SNAPSHOT=5,3,4
round() { # one ask and its tell
    local line num y
    line=$("$KNOB" ask demo --sweep sweep.yaml --storage "$url" --seed "$1") || return 1
    read -r num y < <(echo "$line" | py '"%d %r" % (d["number"], (d["params"]["x"] - 1) ** 2)')
    if [ $(($1 % 7)) = 3 ]; then
        "$KNOB" tell demo "$num" --state pruned --storage "$url"
    elif [ $(($1 % 7)) = 5 ]; then
        "$KNOB" tell demo "$num" --state fail --storage "$url"
    else
        "$KNOB" tell demo "$num" "$y" --storage "$url"
    fi
}
same_as_rows() { # what
    "$KNOB" trials demo --storage "$url" --format json > snap.json
    KNOB_SNAPSHOT=off "$KNOB" trials demo --storage "$url" --format json > rows.json
    cmp snap.json rows.json || fail "$1: knob trials through the snapshot differs from the rows"
    "$KNOB" best demo --storage "$url" --json > snap.json
    KNOB_SNAPSHOT=off "$KNOB" best demo --storage "$url" --json > rows.json
    cmp snap.json rows.json || fail "$1: knob best through the snapshot differs from the rows"
}
for i in $(seq 1 10); do round "$i"; done
segments() { python3 -c "import sqlite3; print(sqlite3.connect('$T/s.db').execute('SELECT COUNT(*) FROM knob_snapshots').fetchone()[0])"; }
[ "$(segments)" -ge 1 ] || fail "no snapshot written"
same_as_rows "one process at a time"
# a trial left running, then told by another process
line=$("$KNOB" ask demo --sweep sweep.yaml --storage "$url")
num=$(echo "$line" | py 'd["number"]')
same_as_rows "a running trial"
"$KNOB" tell demo "$num" -100 --storage "$url"
same_as_rows "the running trial told"
expect_eq "$(KNOB_SNAPSHOT=5,3,4 "$KNOB" best demo --storage "$url" --json | py 'd["number"]')" "$num" "the new best"
# four processes at once
for w in 1 2 3 4; do
    (for i in 1 2; do round $((100 * w + i)) || exit 1; done) &
done
wait
same_as_rows "four processes at once"
expect_eq "$("$KNOB" trials demo --storage "$url" --format json | py 'len(d)')" 19 "trials"
# the same suggestion with and without the snapshot (a copy of the study, one seed)
cp "$T/s.db" "$T/t.db"
[ ! -e "$T/s.db-wal" ] || cp "$T/s.db-wal" "$T/t.db-wal"
a=$("$KNOB" ask demo --sweep sweep.yaml --storage "$url" --seed 77)
b=$(KNOB_SNAPSHOT=off "$KNOB" ask demo --sweep sweep.yaml --storage "sqlite:///$T/t.db" --seed 77)
expect_eq "$a" "$b" "knob ask with and without the snapshot"
echo ok
