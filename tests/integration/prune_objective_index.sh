#!/usr/bin/env bash
# A pruner's option `objective` is read in one way by the sweep's check, by the runner
# (which objective's metric a record reports) and by the library: a whole number from 0 to
# the sweep's objectives less one. A value that is no such index is refused at its line and
# column, whichever pruner takes it: a built-in's error pointed at the pruner, not at the
# value, and a pruner of a plugin whose `objective` has no bounds took -1 (the runner then
# reported objective 0's metric). A quoted "1" is 1, as for the library. An objective's name
# is that objective (`objective: acc`), wherever the key `objectives` or `metric` stands in the
# file; a name of none is refused, listing the objectives.
source "$(dirname "$0")/lib.bash"
: "${KNOB_BUILD:?KNOB_BUILD must name the build tree}"
S="--storage sqlite:///$T/s.db"
sweep() { # file pruner objective-text
    cat > "$1" <<YAML
program: ./p.sh
objectives:
  - {name: loss, goal: minimize}
  - {name: acc, goal: maximize}
method: random
plugins: [liblenient.so]
pruner:
  name: $2
  options:
    objective: $3
parameters:
  x: {values: [1, 2]}
YAML
}
san="" # a sanitized knob needs its runtime linked into what it loads
if grep -q '^KNOB_SANITIZE:BOOL=ON' "$KNOB_BUILD/CMakeCache.txt" 2> /dev/null; then
    san="-fsanitize=address,undefined"
fi
# a pruner of a plugin whose `objective` (an int) has no bounds: the library takes -1
cat > lenient.c <<'C'
#include "knob.h"
typedef struct lenient {
    int64_t objective;
} lenient;
static int never(void *state, knob_study *s, knob_trial *t, bool *out)
{
    (void)state, (void)s, (void)t;
    *out = false;
    return KNOB_OK;
}
static const knob_option options[] = {
    {.name = "objective", .type = KNOB_OPT_INT, .offset = 0, .def = "0"}, {0}};
static const knob_pruner_plugin lenient_pruner = {.version = KNOB_PRUNER_PLUGIN_VERSION,
                                                  .name = "lenient",
                                                  .state_size = sizeof(lenient),
                                                  .options = options,
                                                  .prune = never};
int knob_plugin_init(void)
{
    return knob_pruner_register(&lenient_pruner);
}
C
cc -shared -fPIC $san -I"$KNOB_SRC/include" -o liblenient.so lenient.c || fail "cc"
for pruner in median lenient; do
    for v in -1 1.0 1x +-1 '[1]' '{a: 1}' 99999999999999999999 accu; do
        sweep bad.yaml $pruner "$v"
        rc=0
        "$KNOB" ask b --sweep bad.yaml $S > out.txt 2> err.txt || rc=$?
        expect_eq "$rc" 2 "$pruner, objective $v: exit status ($(cat err.txt))"
        grep -qF "bad.yaml:10:16: key 'pruner.options.objective': expected an objective's name or its index (a whole number from 0), got " err.txt ||
            fail "$pruner, objective $v: $(cat err.txt)"
    done
    grep -qF "got accu; the objectives: 'loss' (0), 'acc' (1)" err.txt || fail "accu: $(cat err.txt)"
    sweep past.yaml $pruner 2
    rc=0
    "$KNOB" ask p --sweep past.yaml $S > out.txt 2> err.txt || rc=$?
    expect_eq "$rc" 2 "$pruner, objective 2: exit status ($(cat err.txt))"
    grep -qF "past.yaml:10:16: key 'pruner': option objective=2, but the sweep has 2 objective(s), numbered from 0" err.txt ||
        fail "$pruner, objective 2: $(cat err.txt)"
done
# Quoted or not, 1 is objective 1: its metric (acc) is the intermediate value.
cat > p.sh <<'SH'
#!/bin/sh
echo "step=0 loss=5 acc=0.5"
echo "step=1 loss=4 acc=0.75"
SH
chmod +x p.sh
n=0
for v in 1 '"1"' "'+1'"; do
    n=$((n + 1))
    sweep q$n.yaml median "$v"
    "$KNOB" run q$n.yaml $S --study q$n --trials 1 > out.txt 2>&1 || fail "objective $v: $(cat out.txt)"
    "$KNOB" trials q$n $S --format json > t.json
    expect_eq "$(py '[t["intermediate"] for t in d]' < t.json)" '[{"0": 0.5, "1": 0.75}]' \
        "objective $v: the intermediate values"
done
# By name: acc is objective 1, loss objective 0, for a built-in pruner and a plugin's.
for v in acc '"acc"' loss; do
    for pruner in median lenient; do
        n=$((n + 1))
        sweep q$n.yaml $pruner "$v"
        "$KNOB" run q$n.yaml $S --study q$n --trials 1 > out.txt 2>&1 || fail "objective $v: $(cat out.txt)"
        "$KNOB" trials q$n $S --format json > t.json
        want='[{"0": 0.5, "1": 0.75}]'
        [ "$v" = loss ] && want='[{"0": 5, "1": 4}]'
        expect_eq "$(py '[t["intermediate"] for t in d]' < t.json)" "$want" \
            "$pruner, objective $v: the intermediate values"
    done
done
# The objectives' key after the pruner's, and a sweep of one metric.
cat > late.yaml <<'YAML'
program: ./p.sh
method: random
pruner: {name: median, options: {objective: acc}}
parameters:
  x: {values: [1, 2]}
objectives: [{name: loss, goal: minimize}, {name: acc, goal: maximize}]
YAML
"$KNOB" run late.yaml $S --study late --trials 1 > out.txt 2>&1 || fail "late: $(cat out.txt)"
"$KNOB" trials late $S --format json > t.json
expect_eq "$(py '[t["intermediate"] for t in d]' < t.json)" '[{"0": 0.5, "1": 0.75}]' "late"
cat > one.yaml <<'YAML'
program: ./p.sh
method: random
metric: {name: acc, goal: maximize}
pruner: {name: median, options: {objective: acc}}
parameters:
  x: {values: [1, 2]}
YAML
"$KNOB" run one.yaml $S --study one --trials 1 > out.txt 2>&1 || fail "one: $(cat out.txt)"
"$KNOB" trials one $S --format json > t.json
expect_eq "$(py '[t["intermediate"] for t in d]' < t.json)" '[{"0": 0.5, "1": 0.75}]' "one"
# An index past the objectives lists them.
grep -qF "past.yaml:10:16: key 'pruner': option objective=2, but the sweep has 2 objective(s), numbered from 0: 'loss' (0), 'acc' (1)" err.txt ||
    fail "past: $(cat err.txt)"
# Objectives named like indexes: a number is an index, quoted or not, as an older knob read
# it (a stored sweep is read so too): 0 among objectives named "1", "0" and "7" is objective
# 0 (named "1"), with a warning giving the index of the objective it names (1); it was
# refused, suggesting values refused too; a name that is its own index, or a number past the
# objectives that names one, is that one.
num() { # file objective-text
    cat > "$1" <<YAML
program: ./q.sh
method: random
pruner: {name: median, options: {objective: $2}}
objectives: [{name: "1", goal: minimize}, {name: "0", goal: maximize}, {name: "7", goal: minimize}]
parameters:
  x: {values: [1, 2]}
YAML
}
cat > q.sh <<'SH'
#!/bin/sh
echo "step=0 1=5 0=0.5 7=9"
echo "step=1 1=4 0=0.75 7=8"
SH
chmod +x q.sh
for case in '0|{"0": 5, "1": 4}|warn' '"0"|{"0": 5, "1": 4}|warn' \
    "'0'|{\"0\": 5, \"1\": 4}|warn" '1|{"0": 0.5, "1": 0.75}|warn' '"1"|{"0": 0.5, "1": 0.75}|warn'; do
    IFS='|' read -r v want warn <<< "$case"
    n=$((n + 1))
    num amb$n.yaml "$v"
    "$KNOB" run amb$n.yaml $S --study amb$n --trials 1 > out.txt 2> err.txt ||
        fail "objective $v: $(cat out.txt err.txt)"
    "$KNOB" trials amb$n $S --format json > t.json
    expect_eq "$(py '[t["intermediate"] for t in d]' < t.json)" "[$want]" "objective $v"
    if [ -n "$warn" ]; then
        grep -qF "amb$n.yaml:3:45: warning: key 'pruner.options.objective': ${v//[\"\']/} is read as the index of objective ${v//[\"\']/} (" err.txt ||
            fail "objective $v: the warning: $(cat err.txt)"
    else
        grep -q "warning" err.txt && fail "objective $v: a warning: $(cat err.txt)"
    fi
done
# A study an older knob made with such a sweep (it read the index) goes on as it did, with
# a warning: its workers were refused the stored sweep.
num old.yaml 2
"$KNOB" run old.yaml $S --study old --trials 0 > /dev/null 2>&1 || fail "old: setup"
sqlite3 "$T/s.db" "UPDATE study_attrs SET json = replace(json, 'objective: 2', 'objective: 0') WHERE key = 'sweep'"
"$KNOB" worker --study old $S --trials 1 > out.txt 2> err.txt || fail "old: $(cat out.txt err.txt)"
grep -qF "key 'pruner.options.objective': 0 is read as the index of objective 0 ('1'); for objective 1, which it names, write 1" err.txt ||
    fail "old: the warning: $(cat err.txt)"
"$KNOB" trials old $S --format json > t.json
expect_eq "$(py '[t["intermediate"] for t in d]' < t.json)" '[{"0": 5, "1": 4}]' "old: objective 0 read"
num seven.yaml 7
"$KNOB" run seven.yaml $S --study seven --trials 1 > out.txt 2>&1 || fail "seven: $(cat out.txt)"
"$KNOB" trials seven $S --format json > t.json
expect_eq "$(py '[t["intermediate"] for t in d]' < t.json)" '[{"0": 9, "1": 8}]' "seven"
# Objectives that are no list, below the pruner: their own error, not the pruner's.
cat > nolist.yaml <<'YAML'
program: ./p.sh
pruner: {name: median, options: {objective: acc}}
objectives: {name: acc, goal: maximize}
parameters:
  x: {values: [1, 2]}
YAML
rc=0
"$KNOB" ask nl --sweep nolist.yaml $S > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 2 "nolist: exit status ($(cat err.txt))"
grep -qF "nolist.yaml:3:" err.txt || fail "nolist: $(cat err.txt)"
grep -qF "pruner" err.txt && fail "nolist: the pruner's error: $(cat err.txt)"
# Errors in the file's order: a pruner without an option objective is read where it stands.
cat > order.yaml <<'YAML'
program: ./p.sh
pruner: {name: nosuchpruner}
metric: {name: loss, goal: minimize}
parameters:
  x: {values: []}
YAML
rc=0
"$KNOB" ask order --sweep order.yaml $S > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 2 "order: exit status ($(cat err.txt))"
grep -q "^order.yaml:2:" err.txt || fail "order: the pruner's error first: $(cat err.txt)"
# Many objectives: the message lists the first 8.
{
    echo "program: ./p.sh"
    echo "pruner: {name: median, options: {objective: nope}}"
    echo "objectives:"
    for i in $(seq 0 39); do echo "  - {name: m$i, goal: minimize}"; done
    echo "parameters: {x: {values: [1, 2]}}"
} > many.yaml
rc=0
"$KNOB" ask many --sweep many.yaml $S > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 2 "many: exit status ($(cat err.txt))"
grep -qF "got nope; the objectives: 'm0' (0), 'm1' (1), 'm2' (2), 'm3' (3), 'm4' (4), 'm5' (5), 'm6' (6), 'm7' (7), ... (40 in all)" err.txt ||
    fail "many: $(cat err.txt)"
echo ok
