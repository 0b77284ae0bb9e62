#!/usr/bin/env bash
# knob ask without --sweep takes the sweep stored with the study, as knob worker does and as
# a W&B agent needs only the sweep's id: the first ask (or run) gives the file, the next
# ones only the study's name. A study that does not exist yet needs --sweep, and says so.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
printf 'method: random\nrun_cap: 3\nmetric: {name: loss}\nparameters:\n  a: {values: [x, y]}\n  b: {min: 1, max: 9}\n' > sw.yaml
rc=0
"$KNOB" ask s $S > out.txt 2> err.txt || rc=$?
[ $rc = 1 ] || fail "a new study without --sweep: exit $rc, not 1: $(cat out.txt err.txt)"
grep -qF "knob ask: a new study needs its sweep: knob ask s --sweep FILE" err.txt ||
    fail "new study: $(cat err.txt)"
# a storage that cannot be opened (not a database): its error alone, no word of a new study
printf 'not a database, not at all, long enough to be read as a header' > junk.db
rc=0
"$KNOB" ask s --storage "sqlite:///$T/junk.db" > out.txt 2> err.txt || rc=$?
[ $rc = 1 ] || fail "a storage that cannot be opened: exit $rc: $(cat out.txt err.txt)"
grep -q "junk.db" err.txt || fail "the storage's error: $(cat err.txt)"
grep -q "a new study needs its sweep" err.txt && fail "a new study said of a storage error: $(cat err.txt)"
"$KNOB" ask s --sweep sw.yaml $S > a0.json 2> err.txt || fail "first ask: $(cat err.txt)"
"$KNOB" ask s $S > a1.json 2> err.txt || fail "ask without --sweep: $(cat err.txt)"
expect_eq "$(py 'd["number"]' < a1.json)" 1 "the second trial"
expect_eq "$(py 'sorted(d["params"])' < a1.json)" '["a", "b"]' "its params"
"$KNOB" tell s 1 0.5 $S 2> err.txt || fail "tell: $(cat err.txt)"
"$KNOB" ask s $S > a2.json 2> err.txt || fail "third ask: $(cat err.txt)"
rc=0
"$KNOB" ask s $S > a3.json 2> err.txt || rc=$? # the stored run_cap holds
[ $rc = 3 ] || fail "ask past the stored run_cap: exit $rc, not 3: $(cat a3.json err.txt)"
echo ok
