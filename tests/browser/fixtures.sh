#!/usr/bin/env bash
# Makes the browser tests' fixture studies in sqlite:///$1: "one" (one objective, learning
# curves, pruned and failed trials, two workers at once), "two" and "three" (two and three
# objectives; two's k and c are floats the program gets whole, 1.0, beside the int 1),
# "conv" (params the sweep converts: a normal one and a weighted choice held as quantiles,
# inv_log_uniform_values as the reciprocal; and an enqueued trial).
set -euo pipefail
db=$1
here=$(cd "$(dirname "$0")" && pwd)
cat > one.yaml <<YAML
program: $here/trial.py
metric: {name: loss, goal: minimize}
method: random
parallel: 2
pruner: {name: median, options: {n_startup_trials: 4}}
parameters:
  x: {min: 0.0, max: 1.0}
  y: {distribution: log_uniform_values, min: 0.01, max: 10}
  opt: {values: [adam, sgd]}
  momentum: {value: 0.9, when: {opt: sgd}}
YAML
cat > two.yaml <<YAML
program: $here/trial.py
objectives: [{name: f1, goal: minimize}, {name: f2, goal: minimize}]
method: random
parameters:
  x: {min: 0.0, max: 1.0}
  y: {min: 0.0, max: 1.0}
  mode: {value: two}
  k: {distribution: q_uniform, min: 0, max: 2, q: 0.5}
  c: {values: [1, 2.0]}
YAML
cat > three.yaml <<YAML
program: $here/trial.py
objectives: [{name: f1, goal: minimize}, {name: f2, goal: minimize}, {name: f3, goal: minimize}]
method: random
parameters:
  x: {min: 0.0, max: 1.0}
  y: {min: 0.0, max: 1.0}
  mode: {value: three}
YAML
cat > conv.yaml <<YAML
program: $here/trial.py
metric: {name: loss, goal: minimize}
method: random
parameters:
  x: {distribution: normal, mu: 0.3, sigma: 0.1}
  y: {distribution: inv_log_uniform_values, min: 0.01, max: 1}
  opt: {values: [adam, sgd], probabilities: [0.3, 0.7]}
YAML
"$KNOB" run one.yaml --storage "sqlite:///$db" --study one --trials 12 --seed 3 > one.log
"$KNOB" run two.yaml --storage "sqlite:///$db" --study two --trials 8 --seed 4 --parallel 4 > two.log
"$KNOB" run three.yaml --storage "sqlite:///$db" --study three --trials 8 --seed 5 --parallel 4 > three.log
"$KNOB" run conv.yaml --storage "sqlite:///$db" --study conv --trials 4 --seed 6 > conv.log
"$KNOB" enqueue conv x=0.25 y=0.04 opt=sgd --storage "sqlite:///$db" > conv-enqueue.log
