#!/usr/bin/env bash
# A SQLite storage that cannot be opened is named with the reason and the place to fix:
# a directory that does not exist, a file in the path where a directory should be, a
# directory given as the file, a symbolic link into a missing directory, a device or a
# FIFO, a directory that is not writable; knob run exits 1 and creates nothing.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<'YAML'
command: ["/bin/sh", "-c", "echo loss=1"]
metric: {name: loss, goal: minimize}
parameters:
  x: {distribution: uniform, min: 0, max: 1}
YAML
refused() { # storage-path expected-message
    local rc=0
    "$KNOB" run sweep.yaml --storage "sqlite:///$1" --trials 1 > out.txt 2> err.txt || rc=$?
    expect_eq "$rc" 1 "exit status for $1"
    grep -qF -- "$2" err.txt || fail "$1: expected '$2' in: $(cat err.txt)"
}
refused nodir/x.db "sqlite storage 'nodir/x.db': cannot open: the directory 'nodir' does not exist"
refused "$T/a/b/x.db" "cannot open: the directory '$T/a/b' does not exist"
refused sweep.yaml/x.db "cannot open: 'sweep.yaml' is not a directory"
mkdir adir.db
refused adir.db "sqlite storage 'adir.db': cannot open: it is a directory"
[ ! -e nodir ] && [ ! -e a ] || fail "a directory was created"
# a symbolic link into a directory that does not exist names the link, where it points and
# the missing directory (it said "unable to open database file (No such file or directory)")
ln -s "$T/gone/x.db" link.db
refused link.db "sqlite storage 'link.db': cannot open: it is a symbolic link to '$T/gone/x.db', and the directory '$T/gone' does not exist"
ln -s ../gone2/y.db link2.db
refused link2.db "sqlite storage 'link2.db': cannot open: it is a symbolic link to '../gone2/y.db', and the directory '../gone2' does not exist"
# a path that is no file (a device, a FIFO) is refused by name before SQLite opens it, by a
# read too, and nothing is made beside it (/dev/null failed at a commit with "disk I/O
# error" and left /dev/null-journal)
unreadable() { # storage-path expected-message
    local rc=0
    "$KNOB" studies --storage "sqlite:///$1" > out.txt 2> err.txt || rc=$?
    expect_eq "$rc" 1 "exit status of studies for $1"
    grep -qF -- "$2" err.txt || fail "$1: expected '$2' in: $(cat err.txt)"
}
unreadable /dev/null "sqlite storage '/dev/null': cannot open: not a regular file (a character device)"
refused /dev/null "sqlite storage '/dev/null': cannot open: not a regular file (a character device)"
mkfifo fifo.db
unreadable fifo.db "sqlite storage 'fifo.db': cannot open: not a regular file (a FIFO)"
refused fifo.db "sqlite storage 'fifo.db': cannot open: not a regular file (a FIFO)"
for f in fifo.db-journal fifo.db-wal fifo.db-shm; do [ ! -e "$f" ] || fail "$f was made"; done
# a directory without write permission (root writes anywhere: not checked as root)
if [ "$(id -u)" != 0 ]; then
    mkdir ro && chmod 555 ro
    refused ro/x.db "sqlite storage 'ro/x.db': cannot create it: the directory 'ro' is not writable"
    chmod 755 ro
fi
# A database in a directory it cannot write: reading it fails naming the directory (SQLite
# makes its -wal and -shm files there to read too); it said only "attempt to write a
# readonly database". As root, the command runs as nobody (setpriv), whom the directory
# does not let write; the database itself stays writable to all.
mkdir -p rodir
"$KNOB" run sweep.yaml --storage "sqlite:///$T/rodir/r.db" --study r --trials 1 > /dev/null 2>&1 ||
    fail "run in rodir"
sqlite3 rodir/r.db 'PRAGMA wal_checkpoint(TRUNCATE)' > /dev/null
rm -f rodir/r.db-wal rodir/r.db-shm
chmod 666 rodir/r.db
as_other=()
if [ "$(id -u)" = 0 ]; then
    command -v setpriv > /dev/null || skip "setpriv (util-linux) is not installed"
    chmod 755 rodir "$T"
    as_other=(setpriv --reuid=65534 --regid=65534 --clear-groups)
else
    chmod 555 rodir
fi
cp "$KNOB" knob-copy # nobody may not reach the build's directory
chmod 755 knob-copy
if [ ${#as_other[@]} -gt 0 ] && ! "${as_other[@]}" ./knob-copy --version > /dev/null 2>&1; then
    skip "nobody (setpriv) cannot run knob in $T: a directory above it is closed to others"
fi
rc=0
"${as_other[@]}" ./knob-copy trials r --storage "sqlite:///$T/rodir/r.db" > /dev/null 2> ro.err || rc=$?
expect_eq "$rc" 1 "exit status of a read in a directory not writable ($(cat ro.err))"
grep -qF "attempt to write a readonly database (the directory '$T/rodir' is not writable, and SQLite makes the files -wal and -shm beside the database, to read it too" ro.err ||
    fail "a read in a directory not writable: $(cat ro.err)"
# the file read-only too (a copy put there): the directory is still the cause, said first
# (it was 'the file is not writable'), and the file too
chmod 444 rodir/r.db
rc=0
"${as_other[@]}" ./knob-copy trials r --storage "sqlite:///$T/rodir/r.db" > /dev/null 2> ro.err || rc=$?
chmod 755 rodir
chmod 666 rodir/r.db
expect_eq "$rc" 1 "exit status of a read-only copy in a directory not writable ($(cat ro.err))"
grep -qF "(the directory '$T/rodir' is not writable, and SQLite makes the files -wal and -shm beside the database, to read it too: copy the database to a directory this process can write; nor is the file: Permission denied)" ro.err ||
    fail "a read-only copy in a directory not writable: $(cat ro.err)"
# the -wal and -shm files there already (another process reads it): a reader reads, and a
# write fails for the file alone, which is said (it was the directory, "to read it too")
if [ ${#as_other[@]} -gt 0 ]; then
    "$KNOB" ask w --sweep sweep.yaml --storage "sqlite:///$T/rodir/r.db" > /dev/null 2>&1 ||
        fail "ask in rodir"
    chmod 644 rodir/r.db
    (echo "select count(*) from trials;"; sleep 8) | sqlite3 rodir/r.db > /dev/null &
    reader=$!
    for _ in $(seq 50); do [ -e rodir/r.db-shm ] && break; sleep 0.1; done
    chmod 644 rodir/r.db-wal rodir/r.db-shm
    "${as_other[@]}" ./knob-copy trials w --storage "sqlite:///$T/rodir/r.db" > /dev/null 2> ro.err ||
        fail "a read beside the -wal and -shm files: $(cat ro.err)"
    rc=0
    "${as_other[@]}" ./knob-copy tell w 0 1.0 --storage "sqlite:///$T/rodir/r.db" > /dev/null 2> ro.err || rc=$?
    # the file writable, the -wal and -shm the reader made beside it (as the file was) not:
    # those are said (the directory was)
    chmod 666 rodir/r.db
    rc2=0
    "${as_other[@]}" ./knob-copy tell w 0 1.0 --storage "sqlite:///$T/rodir/r.db" > /dev/null 2> ro2.err || rc2=$?
    kill $reader 2> /dev/null || true
    wait $reader 2> /dev/null || true
    chmod 666 rodir/r.db
    expect_eq "$rc" 1 "exit status of a write to a read-only file ($(cat ro.err))"
    grep -qF "attempt to write a readonly database (the file is not writable: Permission denied)" ro.err ||
        fail "a write to a read-only file beside the -wal and -shm: $(cat ro.err)"
    expect_eq "$rc2" 1 "exit status of a write beside a read-only -wal ($(cat ro2.err))"
    grep -qF "attempt to write a readonly database (the file '$T/rodir/r.db-wal' SQLite keeps beside it is not writable: Permission denied)" ro2.err ||
        fail "a write beside a read-only -wal: $(cat ro2.err)"
fi
# SQLAlchemy's in-memory URL is the storage's memory:, no file to look for (it was "no file
# ':memory:'")
"$KNOB" studies --storage sqlite:///:memory: > mem.out 2> mem.err || fail "sqlite:///:memory:: $(cat mem.err)"
grep -q "^STUDY" mem.out || fail "sqlite:///:memory:: $(cat mem.out)"
echo ok
