#!/usr/bin/env bash
# What a `knob ask` / `knob tell` process leaves on SQLite (src/storage/sqlite.c): no
# checkpoint on close (the WAL keeps the last commits; the next reader reads them, and
# SQLite checkpoints when the WAL passes 1,000 pages), but the WAL of a process that wrote
# is synced before it exits: a told trial is on disk when `knob tell` returns. A process
# that wrote nothing syncs nothing. And the knob binary that does it: with KNOB_STATIC_CLI
# it holds libknob and SQLite (maps neither libknob.so nor libsqlite3.so) and exports the
# public API, which plugins bind to (cli.plugin_example, cli.plugin_sweep run them).
. "$(dirname "$0")/lib.bash"
command -v strace >/dev/null || fail "strace is not installed (scripts/deps.sh installs it)"
cat >sweep.yaml <<'Y'
program: unused
metric: {name: loss, goal: minimize}
sampler: random
parameters:
  x: {min: -5.0, max: 5.0}
Y
db="$T/s.db"
url="sqlite:///$db"
for i in 1 2 3; do
    n=$("$KNOB" ask s --sweep sweep.yaml --storage "$url" | py 'd["number"]')
    "$KNOB" tell s "$n" "$i" --storage "$url" >/dev/null || fail "tell $n"
done
n=$("$KNOB" ask s --sweep sweep.yaml --storage "$url" | py 'd["number"]')

# LeakSanitizer (a sanitizer build) cannot run under ptrace: off in the traced processes
traced() { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f "$@"; }
# the tell, traced: after its last write to the WAL, the WAL is synced
traced -o trace.txt -e trace=openat,pwrite64,fdatasync,fsync,close \
    "$KNOB" tell s "$n" 0.5 --storage "$url" >/dev/null || fail "traced tell"
python3 - "$db-wal" trace.txt <<'PY' || fail "the tell's WAL is not synced after its last write: $(cat trace.txt)"
import re, sys
wal, fds, last_write, synced = sys.argv[1], {}, None, None
for i, line in enumerate(open(sys.argv[2])):
    m = re.search(r'openat\(AT_FDCWD, "([^"]+)".* = (\d+)$', line)
    if m:
        fds[m.group(2)] = m.group(1)
    m = re.search(r'(pwrite64|fdatasync|fsync)\((\d+)', line)
    if m and fds.get(m.group(2)) == wal:
        if m.group(1) == "pwrite64":
            last_write, synced = i, None
        elif last_write is not None:
            synced = i
sys.exit(0 if last_write is not None and synced is not None else 1)
PY
# no checkpoint on close: the file alone (immutable: its WAL not read) lacks the last tell,
# a reader (with the WAL) sees it
state() { # URI-OPTIONS
    python3 - "$db" "$n" "$1" <<'PY'
import sqlite3, sys
c = sqlite3.connect("file:%s?%s" % (sys.argv[1], sys.argv[3]), uri=True)
r = c.execute("SELECT state FROM trials WHERE number = ?", (int(sys.argv[2]),)).fetchone()
print(r[0] if r else "none")
PY
}
expect_eq "$(state mode=ro)" 1 "trial $n's state read with the WAL"
[ "$(state immutable=1)" != 1 ] || fail "trial $n is complete in the file itself: the WAL was checkpointed on close"
expect_eq "$("$KNOB" best s --storage "$url" --json | py 'd["number"]')" "$n" "the best trial"

# a process that writes nothing syncs nothing
traced -o trace2.txt -e trace=fdatasync,fsync "$KNOB" trials s --storage "$url" >/dev/null ||
    fail "traced trials"
! grep -Eq "fdatasync|fsync" trace2.txt || fail "knob trials synced: $(cat trace2.txt)"

# the binary: static (the default) or linked to libknob.so
static=$(sed -n 's/^KNOB_STATIC_CLI:BOOL=//p' "${KNOB_BUILD:?KNOB_BUILD must name the build tree}/CMakeCache.txt")
maps=$(LD_DEBUG=files "$KNOB" --version 2>&1 >/dev/null | sed -n 's/.*file=\([^ ]*\).*/\1/p' | sort -u)
if [ "$static" = ON ]; then
    ! grep -Eq "libknob|libsqlite3|libyaml" <<<"$maps" || fail "a static knob maps: $maps"
    exported=$(nm -D --defined-only "$KNOB")
    # a here-string, not a pipe: grep -q leaves at its match, and under pipefail an echo
    # still writing (the list is over 4 KB, two writes) would fail the line with SIGPIPE
    grep -q " knob_study_create$" <<<"$exported" ||
        fail "the static knob does not export knob_study_create (plugins bind to it)"
else
    grep -q "libknob" <<<"$maps" || fail "knob linked to libknob.so does not map it: $maps"
fi
echo ok
