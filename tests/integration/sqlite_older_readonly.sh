#!/usr/bin/env bash
# A SQLite file of an older knob (before the trial counts, the trials' best and ids never
# reused) that this process cannot write (a colleague's, an archive) is read as it is:
# knob studies, trials and best give its trials, counts and best, and leave the file as it
# was; a write says that the file is upgraded once by a process that can write it (or on a
# copy). Every read of such a file failed ("mark the best values of a file of an older knob:
# attempt to write a readonly database"): the upgrade at its open took the write lock. The
# owner's next open upgrades it.
source "$(dirname "$0")/lib.bash"
command -v sqlite3 > /dev/null || fail "sqlite3 is needed (scripts/deps.sh installs it)"
cat > sweep.yaml <<'YAML'
command: ["/bin/sh", "-c", "echo loss=$KNOB_TRIAL_NUMBER"]
metric: {name: loss, goal: maximize}
method: random
parameters:
  x: {distribution: uniform, min: 0, max: 1}
YAML
mkdir d
DB="sqlite:///$T/d/old.db"
"$KNOB" run sweep.yaml --storage "$DB" --study s --trials 3 > /dev/null 2>&1 || fail "run"
# the file as the older knob left it
sqlite3 d/old.db "DROP TRIGGER knob_trial_counts_insert; DROP TRIGGER knob_trial_counts_update;
DROP TRIGGER knob_trial_counts_delete; DROP TABLE knob_trial_counts; DROP INDEX trials_best;
ALTER TABLE trials DROP COLUMN best_seq; ALTER TABLE trials DROP COLUMN best;
DELETE FROM knob_meta WHERE key = 'best_readable';
CREATE TABLE s2(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, directions TEXT NOT NULL,
seq INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL); INSERT INTO s2 SELECT * FROM studies;
DROP TABLE studies; ALTER TABLE s2 RENAME TO studies; DELETE FROM sqlite_sequence;
PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null || fail "making the older file"
rm -f d/old.db-wal d/old.db-shm
older_parts() {
    sqlite3 d/old.db "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('knob_trial_counts',
    'trials_best') OR sql LIKE '%AUTOINCREMENT%'"
}
expect_eq "$(older_parts)" 0 "parts of the current schema in the older file"
# Another user reads it (as root: nobody, by setpriv), in a directory it can write (SQLite
# makes the -shm file beside the database to read it), the file itself not writable.
chmod 777 d
as_other=()
if [ "$(id -u)" = 0 ]; then
    command -v setpriv > /dev/null || skip "setpriv (util-linux) is not installed"
    chmod 755 "$T"
    chmod 644 d/old.db
    as_other=(setpriv --reuid=65534 --regid=65534 --clear-groups)
else
    chmod 444 d/old.db
fi
cp "$KNOB" knob-copy # nobody may not reach the build's directory
chmod 755 knob-copy
if [ ${#as_other[@]} -gt 0 ] && ! "${as_other[@]}" ./knob-copy --version > /dev/null 2>&1; then
    skip "nobody (setpriv) cannot run knob in $T: a directory above it is closed to others"
fi
read_as_other() { # the command's words; its stdout in out.txt
    "${as_other[@]}" ./knob-copy "$@" --storage "$DB" > out.txt 2> err.txt ||
        fail "knob $* on the older file not writable: $(cat err.txt)"
}
read_as_other studies
grep -Eq '^s +maximize +3 +3 +2 ' out.txt || fail "knob studies: $(cat out.txt)"
read_as_other trials s
expect_eq "$(grep -c complete out.txt)" 3 "complete trials listed ($(cat out.txt))"
read_as_other best s
grep -q "^trial 2: value 2" out.txt || fail "knob best: $(cat out.txt)"
expect_eq "$(older_parts)" 0 "parts of the current schema after reading it"
# a write: refused, saying how to upgrade the file
rc=0
(cd d && "${as_other[@]}" ../knob-copy run ../sweep.yaml --storage "$DB" --study s --trials 1) \
    > out.txt 2> err.txt || rc=$?
[ "$rc" != 0 ] || fail "a run wrote to the file not writable: $(cat out.txt err.txt)"
grep -qF "attempt to write a readonly database (the file is not writable" err.txt ||
    fail "the write's message: $(cat err.txt)"
grep -qF "the file is of an older knob, read as it is: its first open by a process that can write it (or a copy of it) upgrades it, once" err.txt ||
    fail "the write's message: $(cat err.txt)"
# its owner's open upgrades it, with the same counts and best
chmod 644 d/old.db
"$KNOB" studies --storage "$DB" > out.txt 2> err.txt || fail "knob studies: $(cat err.txt)"
grep -Eq '^s +maximize +3 +3 +2 ' out.txt || fail "knob studies after the upgrade: $(cat out.txt)"
expect_eq "$(older_parts)" 3 "parts of the current schema after the owner's open"
echo ok
