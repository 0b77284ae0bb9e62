#!/usr/bin/env bash
# Help: `knob help COMMAND` is `knob COMMAND --help` (it printed the list of commands), and
# help or the version that cannot be written (a full disk) exits 1 saying why, as any other
# output does (it exited 0).
source "$(dirname "$0")/lib.bash"
commands="run worker ask tell intermediate studies trials best importance delete enqueue samplers
lr-find report dashboard"
for c in $commands; do
    "$KNOB" "$c" --help > want.txt || fail "knob $c --help"
    "$KNOB" help "$c" > got.txt 2> err.txt || fail "knob help $c: $(cat err.txt)"
    cmp -s want.txt got.txt || fail "knob help $c: $(head -n 3 got.txt)"
    [ ! -s err.txt ] || fail "knob help $c: $(cat err.txt)"
done
"$KNOB" help > list.txt || fail "knob help"
grep -q "^usage: knob COMMAND" list.txt || fail "knob help: $(cat list.txt)"
for h in help --help -h; do # help on help: the list again
    "$KNOB" help "$h" > got.txt || fail "knob help $h"
    cmp -s list.txt got.txt || fail "knob help $h: $(head -n 3 got.txt)"
done
rc=0
"$KNOB" help bogus > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 2 "knob help bogus"
expect_eq "$(head -n 1 err.txt)" "knob: unknown command 'bogus'" "knob help bogus"
rc=0
"$KNOB" help run extra > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 2 "knob help run extra"
expect_eq "$(head -n 1 err.txt)" "knob help: unexpected argument 'extra'" "knob help run extra"

[ -w /dev/full ] || skip "no /dev/full here"
full() { # what ARGS...: knob ARGS > /dev/full exits 1, saying so (and, for a command's own
    # --help, naming the command)
    local rc=0 who=""
    "${@:2}" > /dev/full 2> err.txt || rc=$?
    expect_eq "$rc" 1 "$1 > /dev/full"
    case $1 in "knob "[a-z]*" --help") who="${1% --help}: " ;; esac
    grep -qF "${who}cannot write to stdout: No space left on device" err.txt ||
        fail "$1: $(cat err.txt)"
}
full "knob --version" "$KNOB" --version
full "knob --help" "$KNOB" --help
full "knob help" "$KNOB" help
for c in $commands; do
    full "knob $c --help" "$KNOB" "$c" --help
    full "knob help $c" "$KNOB" help "$c"
done
echo ok
