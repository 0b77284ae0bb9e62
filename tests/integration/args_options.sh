#!/usr/bin/env bash
# Each command takes the options its usage lists and refuses the others by name with exit
# status 2, given with a value or without one (`knob best S --seed` was told --seed "needs a
# value"). `knob intermediate S 0 0.5 --state pruned` was taken and ignored, exit status 0,
# the trial left running: its usage's prose names knob tell's --state.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
cat > s.yaml <<'YAML'
metric: {name: loss, goal: minimize}
parameters:
  x: {distribution: uniform, min: 0, max: 1}
YAML
"$KNOB" ask t --sweep s.yaml $S > /dev/null || fail "ask"
rc=0
"$KNOB" intermediate t 0 0.5 --state pruned $S > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 2 "intermediate --state pruned"
expect_eq "$(head -n 1 err.txt)" "knob: option '--state' is not one of this command's" \
    "intermediate --state pruned"
[ ! -s out.txt ] || fail "intermediate --state pruned printed $(cat out.txt)"
"$KNOB" trials t $S --format json > t.json
expect_eq "$(py '[[t["state"], t["intermediate"]] for t in d]' < t.json)" '[["running", {}]]' \
    "the trial after the refused command"

all="--storage --format --sweep --state --seed --step --constraints --json"
# COMMAND ARGS...: its options (the [--x ...] of its usage's first line) are taken, the rest
# refused. Nothing runs: an unknown option (--zz) after the one checked ends each command.
check() {
    local cmd=$1 listed o rc
    listed=$("$KNOB" "$cmd" --help | head -n 1 | { grep -o '\[--[a-z-]*' || true; } | tr -d '[' |
        tr '\n' ' ')
    for o in $all; do
        local value=(x)
        [ "$o" = --json ] && value=()
        rc=0
        "$KNOB" "$@" "$o" "${value[@]}" --zz > out.txt 2> err.txt || rc=$?
        expect_eq "$rc" 2 "knob $* $o"
        if [[ " $listed" == *" $o "* ]]; then
            expect_eq "$(head -n 1 err.txt)" \
                "knob: unknown option '--zz' (an argument of that name goes after '--')" \
                "knob $* $o, one of its options ($listed)"
            continue
        fi
        expect_eq "$(head -n 1 err.txt)" "knob: option '$o' is not one of this command's" \
            "knob $* $o ${value[*]}"
        rc=0
        "$KNOB" "$@" "$o" > out.txt 2> err.txt || rc=$?
        expect_eq "$rc" 2 "knob $* $o (no value)"
        expect_eq "$(head -n 1 err.txt)" "knob: option '$o' is not one of this command's" \
            "knob $* $o (no value)"
        grep -q "^usage: knob $cmd" err.txt || fail "knob $* $o: no usage: $(cat err.txt)"
    done
}
check ask t
check tell t 0 0.5
check intermediate t 0 0.5
check studies
check trials t
check best t
check delete t
check enqueue t x=0.5
check samplers
"$KNOB" trials t $S --format json > t2.json
cmp -s t.json t2.json || fail "a refused command changed the study"
echo ok
