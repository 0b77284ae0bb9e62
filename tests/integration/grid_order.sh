#!/usr/bin/env bash
# method: grid runs its points in W&B's order: the product of the params sorted by their keys
# (a nested group's where its key sorts, constants left out), each param's values as listed,
# the last param varying fastest. So a run capped or stopped early has run the same first
# points as W&B; a resumed study, several workers and enqueued trials keep that order, and
# each point runs once. The grid sampler's own default stays a seeded random order.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
cat > g.yaml <<YAML
program: $PROGS/echo_params.py
method: grid
metric: {name: b, goal: maximize}
parameters:
  b: {values: [1, 2]}
  a: {values: [x, y]}
  model:
    parameters:
      width: {values: [8, 16]}
  k: {value: 7}
YAML
# W&B's grid_search_next_runs on this file: a, b, model.width, the last fastest
want='x 1 8|x 1 16|x 2 8|x 2 16|y 1 8|y 1 16|y 2 8|y 2 16|'
point() { py '"%s %s %s" % (d["params"]["a"], d["params"]["b"], d["params"]["model"]["width"])'; }
points() { # the points of study $1's trials, by trial number
    "$KNOB" trials "$1" $S --format json |
        py '"".join("%s %s %s|" % (t["params"]["a"], t["params"]["b"], t["params"]["model"]["width"]) for t in sorted(d, key=lambda t: t["number"]))'
}

# knob ask, one process each: the first points in order (they ran in a random order)
got=''
for i in 1 2 3; do got="$got$("$KNOB" ask asked --sweep g.yaml $S | point)|"; done
expect_eq "$got" 'x 1 8|x 1 16|x 2 8|' "the first points knob ask gives"

# run_cap: the first points; a resumed run goes on from there, with the sweep's seed unused
printf 'run_cap: 3\n' | cat g.yaml - > capped.yaml
"$KNOB" run capped.yaml $S --study capped > /dev/null || fail "capped run"
expect_eq "$(points capped)" 'x 1 8|x 1 16|x 2 8|' "the points of a run_cap of 3"
"$KNOB" run g.yaml $S --study resumed --trials 2 --seed 5 > /dev/null || fail "first run"
"$KNOB" run g.yaml $S --study resumed --trials 3 --seed 9 > /dev/null || fail "resumed run"
expect_eq "$(points resumed)" 'x 1 8|x 1 16|x 2 8|x 2 16|y 1 8|' "the points of a resumed run"
"$KNOB" run g.yaml $S --study resumed > /dev/null || fail "the rest of the grid"
expect_eq "$(points resumed)" "$want" "the whole grid, run in three parts"

# Enqueued trials: the last point, given in full, runs first and not again; a=y, given
# alone, takes the first point with a=y not yet run
"$KNOB" run g.yaml $S --study queued --trials 0 > /dev/null 2>&1 || fail "the queued study"
"$KNOB" enqueue queued $S a=y b=2 model.width=16 > /dev/null
"$KNOB" enqueue queued $S a=y > /dev/null
"$KNOB" run g.yaml $S --study queued > /dev/null || fail "queued run"
expect_eq "$(points queued)" 'y 2 16|y 1 8|x 1 8|x 1 16|x 2 8|x 2 16|y 1 16|y 2 8|' \
    "the points of a grid with two enqueued trials"

# Three workers at once: each point once
"$KNOB" run g.yaml $S --study par --parallel 3 > /dev/null || fail "parallel run"
expect_eq "$("$KNOB" trials par $S --format json |
    py '"".join(sorted("%s %s %s|" % (t["params"]["a"], t["params"]["b"], t["params"]["model"]["width"]) for t in d))')" \
    "$(printf '%s' "$want" | tr '|' '\n' | sort | sed 's/$/|/' | tr -d '\n')" "the points of three workers"

# sampler grid with order: product is the same order; without it, the library's seeded
# random order (as Optuna's GridSampler), which does not start with W&B's points here
sed 's/^method: grid$/sampler: {name: grid, options: {order: product}}/' g.yaml > opt.yaml
got=''
for i in 1 2 3; do got="$got$("$KNOB" ask opt --sweep opt.yaml $S | point)|"; done
expect_eq "$got" 'x 1 8|x 1 16|x 2 8|' "the first points of sampler grid, order product"
sed 's/^method: grid$/sampler: grid\nseed: 1/' g.yaml > rnd.yaml
"$KNOB" run rnd.yaml $S --study rnd > /dev/null || fail "random-order run"
[ "$(points rnd)" != "$want" ] || fail "sampler grid ran in the product's order: $(points rnd)"
echo ok
