#!/usr/bin/env bash
# A SQLite storage that cannot be opened is named with the reason and the place to fix:
# a directory that does not exist, a file in the path where a directory should be, a
# directory given as the file, a directory that is not writable; knob run exits 1 and
# creates nothing.
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
# a directory without write permission (root writes anywhere: not checked as root)
if [ "$(id -u)" != 0 ]; then
    mkdir ro && chmod 555 ro
    refused ro/x.db "sqlite storage 'ro/x.db': cannot create it: the directory 'ro' is not writable"
    chmod 755 ro
fi
echo ok
