#!/usr/bin/env bash
# knob report -o DIR (a directory, or a path ending in '/') is refused naming it as a
# directory, and writes nothing there; the message was "Not a directory" for DIR/.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
cat > s.yaml <<'YAML'
command: ["/bin/sh", "-c", "echo loss=1"]
metric: {name: loss, goal: minimize}
parameters:
  x: {distribution: uniform, min: 0, max: 1}
YAML
"$KNOB" run s.yaml $S --trials 1 > /dev/null 2>&1 || fail "run"
"$KNOB" report s $S -o r.html 2> err.txt || {
    grep -q "no page" err.txt && skip "this knob was built without its page: $(cat err.txt)"
    fail "report: $(cat err.txt)"
}
mkdir out
for o in out out/; do
    set +e
    "$KNOB" report s $S -o "$o" 2> err.txt
    rc=$?
    set -e
    expect_eq "$rc" 1 "knob report -o $o"
    grep -qx "knob report: cannot write $o: it is a directory (-o names the file)" err.txt ||
        fail "knob report -o $o: $(cat err.txt)"
done
expect_eq "$(ls -A out)" "" "files left in the directory"
[ ! -e out.tmp ] || fail "out.tmp was left"
echo ok
