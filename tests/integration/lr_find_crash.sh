#!/usr/bin/env bash
# knob lr-find on a program killed by a signal before two steps: the message names the signal,
# as it names an exit status ('1 steps recorded; at least 2 are needed' said nothing of the
# crash); an --out that cannot be written is refused before the program runs (it was learned
# after the whole test, the curve then lost).
source "$(dirname "$0")/lib.bash"
cat > crash.sh <<'SH'
#!/bin/sh
# one step's loss, then a crash (or exit status 3 with "exit")
read -r step rate
echo "step=$step loss=1"
touch "$(dirname "$0")/ran"
if [ "${1:-}" = exit ]; then exit 3; fi
kill -SEGV $$
SH
chmod +x crash.sh
for how in segv exit; do
    printf 'command: [%s/crash.sh, %s]\nmetric: {name: loss, goal: minimize}\nparameters:\n  lr: {min: 0.0001, max: 1.0}\n' \
        "$T" "$how" > $how.yaml
done
rc=0
"$KNOB" lr-find segv.yaml --param lr --steps 10 > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 1 "exit status of a crash"
grep -q "1 steps recorded; at least 2 are needed (the program was killed by signal 11, Segmentation fault)" err.txt ||
    fail "the signal: $(cat err.txt)"
rc=0
"$KNOB" lr-find exit.yaml --param lr --steps 10 > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 1 "exit status of exit 3"
grep -q "(the program exited with status 3)" err.txt || fail "the status: $(cat err.txt)"
if grep -q "killed by" err.txt; then fail "exit 3 said as a signal: $(cat err.txt)"; fi

# --out: a directory that does not exist, a directory: exit 2 and the program never ran
rm -f ran
for out in "$T/none/x.csv" "$T"; do
    rc=0
    "$KNOB" lr-find exit.yaml --param lr --steps 10 --out "$out" > out.txt 2> err.txt || rc=$?
    expect_eq "$rc" 2 "exit status of --out $out"
    grep -q "knob lr-find: --out $out cannot be written: .* (nothing was run)" err.txt ||
        fail "--out $out: $(cat err.txt)"
    [ ! -s out.txt ] && [ ! -e ran ] || fail "--out $out: the test ran: $(cat out.txt)"
done
# a writable --out in the working directory, by a bare name, is taken
"$KNOB" lr-find segv.yaml --param lr --steps 10 --out curve.csv > out.txt 2> err.txt || true
if grep -q "cannot be written" err.txt; then fail "a bare name: $(cat err.txt)"; fi
echo ok
