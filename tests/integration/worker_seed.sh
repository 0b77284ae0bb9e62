#!/usr/bin/env bash
# knob run --seed S --trials 0 prints the knob worker command with --seed S (the stored sweep
# does not hold the flag's seed): a worker joined as printed asks what the seeded run asks,
# trial by trial. Without --seed the line says nothing of a seed. (Before, the line left the
# seed out, and each worker so joined drew from a seed of its own.)
source "$(dirname "$0")/lib.bash"
cat > qmc.yaml <<'YAML'
command: ["/bin/sh", "-c", "echo loss=$KNOB_TRIAL_NUMBER"]
metric: {name: loss, goal: minimize}
sampler: qmc
parameters:
  x: {min: 0.0, max: 1.0}
YAML
xs() { # storage: the trials' x, in number order
    "$KNOB" trials qmc --storage "sqlite:///$T/$1" --format json |
        py '" ".join(repr(t["params"]["x"]) for t in sorted(d, key=lambda t: t["number"]))'
}
"$KNOB" run qmc.yaml --storage "sqlite:///$T/a.db" --trials 4 --seed 4 > a.txt 2>&1 ||
    fail "the seeded run: $(cat a.txt)"
"$KNOB" run qmc.yaml --storage "sqlite:///$T/b.db" --trials 0 --seed 4 > b.txt 2>&1 ||
    fail "--trials 0: $(cat b.txt)"
join=$(grep '^  knob worker ' b.txt) || fail "no worker command: $(cat b.txt)"
expect_eq "$join" "  knob worker --study 'qmc' --storage 'sqlite:///$T/b.db' --seed 4" \
    "the worker command of a seeded run"
eval "\"\$KNOB\" ${join#  knob } --trials 4" > w.txt 2>&1 || fail "the worker: $(cat w.txt)"
expect_eq "$(xs b.db)" "$(xs a.db)" "the worker's params against the seeded run's"
# unseeded: no seed in the line
"$KNOB" run qmc.yaml --storage "sqlite:///$T/c.db" --trials 0 > c.txt 2>&1 ||
    fail "--trials 0: $(cat c.txt)"
expect_eq "$(grep '^  knob worker ' c.txt)" \
    "  knob worker --study 'qmc' --storage 'sqlite:///$T/c.db'" \
    "the worker command of an unseeded run"
