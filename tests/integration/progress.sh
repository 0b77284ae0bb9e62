#!/usr/bin/env bash
# Progress: one plain line per finished trial when stdout is not a terminal; on a terminal
# a live line rewritten in place (\r, clear to the end of line), failures kept above it;
# a summary at the end either way.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/curve.py
method: grid
metric: {name: loss, goal: minimize}
parameters:
  mode: {values: [ok, crash, slow]}
  lr: {value: 0.01}
YAML
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study plain > plain.txt
expect_eq "$(grep -c '^trial [0-9]* ' plain.txt)" 3 "one line per trial"
grep -q "^trial [0-9]* fail: exit status 3 (stderr: about to crash)" plain.txt || fail "fail line: $(cat plain.txt)"
grep -q "done, 1 failed, 0 pruned" plain.txt || fail "counts: $(cat plain.txt)"
grep -q "^study 'plain' in sqlite:///" plain.txt || fail "summary: $(cat plain.txt)"
grep -q "^3 trials (2 complete, 0 pruned, 1 failed, 0 running, 0 waiting)$" plain.txt || fail "summary counts: $(cat plain.txt)"
grep -Eq '^best 0.333333 \(trial [0-9]+\) \{"mode":"(ok|slow)","lr":0.01\}$' plain.txt ||
    fail "best: $(cat plain.txt)"
grep -q "0 running" plain.txt || fail "running count: $(cat plain.txt)"
command -v script > /dev/null ||
    skip "no 'script' here (Debian package bsdutils): the terminal case is not tested"
printf '%q ' "$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study tty > cmd.sh
script -qec "bash cmd.sh" /dev/null > tty.txt < /dev/null
python3 - "$T" <<'PY' || fail "terminal progress: $(cat -v tty.txt)"
import sys
out = open(sys.argv[1] + "/tty.txt", "rb").read().decode()
assert "\r" in out and "\x1b[K" in out, repr(out)
assert "fail: exit status 3" in out, repr(out)
assert "study 'tty'" in out, repr(out)
live = [l for l in out.split("\r") if l.startswith("[")]
assert live and "done" in live[-1] and "elapsed" in live[-1], repr(out)
PY
echo ok
