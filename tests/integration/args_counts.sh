#!/usr/bin/env bash
# A command given too few or too many arguments, or a --format it does not know, says
# which argument is missing or not wanted (then its usage) with exit status 2, not only
# its usage; and changes nothing.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
cat > s.yaml <<'YAML'
metric: {name: loss, goal: minimize}
parameters:
  x: {distribution: uniform, min: 0, max: 1}
YAML
"$KNOB" ask t --sweep s.yaml $S > /dev/null || fail "ask"
check() { # message knob-args...
    local want=$1
    shift
    set +e
    "$KNOB" "$@" $S > out.txt 2> err.txt
    local rc=$?
    set -e
    expect_eq "$rc" 2 "knob $*"
    [ "$(head -n 1 err.txt)" = "$want" ] || fail "knob $*: expected '$want', got: $(cat err.txt)"
    grep -q "^usage: knob $1" err.txt || fail "knob $*: no usage: $(cat err.txt)"
    [ ! -s out.txt ] || fail "knob $*: printed $(cat out.txt)"
}
check "knob: missing STUDY" trials
check "knob: unexpected argument 'extra'" trials t extra
check "knob trials: unknown format 'xml' (table, csv or json)" trials t --format xml
check "knob: missing STUDY" best
check "knob: unexpected argument 'extra'" best t extra
check "knob: unexpected argument 'extra'" delete t extra
check "knob: unexpected argument 'extra'" studies extra
check "knob: missing STUDY" ask --sweep s.yaml
check "knob: unexpected argument 'extra'" ask t extra --sweep s.yaml
# (knob ask t without --sweep asks with the sweep stored with t: ask_stored_sweep.sh)
check "knob: missing NUMBER" tell t
check "knob: missing VALUE" intermediate t 0
check "knob: unexpected argument '2'" intermediate t 0 1 2
check "knob: missing key=value" enqueue t
"$KNOB" trials t $S --format json > t.json
expect_eq "$(py '[t["number"] for t in d] + [t["state"] for t in d]' < t.json)" '[0, "running"]' \
    "the study after the refused commands"
echo ok
