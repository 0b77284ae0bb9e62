#!/usr/bin/env bash
# A param whose values are mappings: a `when` naming one of them, and knob enqueue given
# one, match it as a mapping (keys in any order, at any depth; 18.0 for 18), not as the
# text of the sweep's own key order (the `when` was refused as a value the parent never
# takes, and knob enqueue as a value outside the space).
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
cat > s.yaml <<'YAML'
command: [/bin/sh, -c, 'echo "$KNOB_PARAMS_JSON" > "$KNOB_TRIAL_DIR/params.json"; echo loss=1']
method: grid
metric: {name: loss, goal: minimize}
parameters:
  arch:
    values:
      - {depth: 18, opt: {name: adam, betas: [0.9, 0.999]}}
      - {depth: 50, opt: {name: sgd, betas: []}}
  lr: {values: [0.1, 0.2], when: {arch: [{opt: {betas: [0.9, 0.999], name: adam}, depth: 18.0}]}}
YAML
"$KNOB" run s.yaml $S --study g > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
"$KNOB" trials g $S --format json > t.json
# lr is active with the first arch only: 2 + 1 grid points
expect_eq "$(py 'sorted([t["params"]["arch"]["depth"], t["params"].get("lr")] for t in d)' < t.json)" \
    '[[18, 0.1], [18, 0.2], [50, null]]' "the grid's trials"
# knob enqueue: the mapping in another key order, spaced, with its conditional child
"$KNOB" enqueue g $S 'arch={"opt": {"betas": [0.9, 0.999], "name": "adam"}, "depth": 18}' lr=0.2 \
    > enq.txt 2>&1 || fail "enqueue: $(cat enq.txt)"
"$KNOB" enqueue g $S 'arch={"opt":{"name":"sgd","betas":[]},"depth":50.0}' > enq.txt 2>&1 ||
    fail "enqueue of the second: $(cat enq.txt)"
# not one of the values: refused, naming the param
rc=0
"$KNOB" enqueue g $S 'arch={"depth": 18, "opt": {"name": "adam", "betas": [0.999, 0.9]}}' \
    > enq.txt 2>&1 || rc=$?
expect_eq "$rc" 2 "a mapping outside the values: exit status ($(cat enq.txt))"
grep -q "'arch' cannot be " enq.txt || fail "a mapping outside the values: $(cat enq.txt)"
sed 's/^method: grid/method: random/' s.yaml > r.yaml
"$KNOB" run r.yaml $S --study g --trials 2 > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"
"$KNOB" trials g $S --format json > t.json
expect_eq "$(py '[[t["state"], t["params"]] for t in d[3:]]' < t.json)" \
    '[["complete", {"arch": {"depth": 18, "opt": {"name": "adam", "betas": [0.9, 0.999]}}, "lr": 0.2}], ["complete", {"arch": {"depth": 50, "opt": {"name": "sgd", "betas": []}}}]]' \
    "the enqueued trials, as run"
# what the program got
n=$(py 'd[3]["number"]' < t.json)
expect_eq "$(py 'd' < knob-runs/g/$n/params.json)" \
    '{"arch": {"depth": 18, "opt": {"name": "adam", "betas": [0.9, 0.999]}}, "lr": 0.2}' "the program's params"
echo ok
