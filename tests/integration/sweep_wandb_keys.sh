#!/usr/bin/env bash
# Keys of W&B's sweep schema that knob has no use for are taken as W&B takes them: the
# header of a sweep written as a resource (apiVersion, kind: sweep) silently, W&B Launch's
# job and image_uri, and metric.impute and impute_while_running, with a warning at their
# line and column; `controller: {type: cloud}` (W&B's default) like {type: local}; a
# command that uses ${program} in a sweep without `program` is refused before anything runs.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
cat > ok.yaml <<YAML
apiVersion: v1
kind: sweep
program: $PROGS/argv.py
method: random
job: entity/project/job:v0
image_uri: registry.example/train:latest
controller: {type: cloud}
metric: {name: score, goal: maximize, impute: worst, impute_while_running: latest}
parameters:
  a: {min: 0.0, max: 1.0}
YAML
"$KNOB" ask ok --sweep ok.yaml $S > out.txt 2> err.txt || fail "refused: $(cat err.txt)"
grep -q '"a"' out.txt || fail "ask: $(cat out.txt)"
grep -qF "ok.yaml:5:6: warning: key 'job': ignored" err.txt || fail "job: $(cat err.txt)"
grep -qF "ok.yaml:6:12: warning: key 'image_uri': ignored" err.txt ||
    fail "image_uri: $(cat err.txt)"
grep -qF "ok.yaml:8:47: warning: key 'metric.impute': ignored" err.txt ||
    fail "impute: $(cat err.txt)"
grep -qF "ok.yaml:8:76: warning: key 'metric.impute_while_running': ignored" err.txt ||
    fail "impute_while_running: $(cat err.txt)"
[ "$(grep -c warning err.txt)" = 4 ] || fail "warnings: $(cat err.txt)"

refused() { # body expected
    printf '%s\n' "$1" > bad.yaml
    rc=0
    "$KNOB" run bad.yaml --trials 1 $S > /dev/null 2> err.txt || rc=$?
    [ $rc = 2 ] || fail "$1: exit $rc, not 2: $(cat err.txt)"
    grep -qF "$2" err.txt || fail "$1: expected '$2', got: $(cat err.txt)"
}
params='parameters: {a: {min: 0.0, max: 1.0}}'
refused "method: random
kind: job
$params" "bad.yaml:2:7: key 'kind': expected sweep, got \"job\""
refused "method: random
metric: {name: loss, impute: median}
$params" "bad.yaml:2:30: key 'metric.impute': expected latest, best or worst, got \"median\""
refused "method: random
metric: {name: loss, imput: worst}
$params" "bad.yaml:2:22: unknown key 'imput' in metric; did you mean 'impute'?"
refused "method: random
objectives: [{name: loss, impute: worst}]
$params" "bad.yaml:2:27: key 'objectives[0].impute': 'impute' is a key of 'metric' (one objective)"
# ${program} stood for an empty argument: the trial failed with /usr/bin/env: '': No such file
refused "method: random
command: [\"\${env}\", \"\${interpreter}\", \"\${program}\", \"\${args}\"]
$params" "bad.yaml:2:39: key 'command[2]': uses \${program}, and key 'program' is missing"
refused "method: random
command: [python3, \"--script=\${program}\"]
$params" "bad.yaml:2:20: key 'command[1]': uses \${program}, and key 'program' is missing"
# W&B's scheduler: its built-in engine is taken, its Optuna and Ax engines are refused with
# knob's samplers named; its `metrics` (several objectives) points at `objectives`. Each was
# "unknown key".
printf 'method: random\nscheduler: {engine: wandb}\n%s\n' "$params" > sched.yaml
"$KNOB" ask sched --sweep sched.yaml $S > out.txt 2> err.txt || fail "scheduler wandb: $(cat err.txt)"
refused "method: random
scheduler: {engine: optuna, source: opt.py}
$params" "bad.yaml:2:21: key 'scheduler.engine': knob runs its own samplers, not optuna's: write \`sampler: tpe\`"
refused "method: random
metrics: [{name: a, goal: minimize}, {name: b, goal: maximize}]
$params" "bad.yaml:2:1: key 'metrics': W&B's several objectives are knob's key 'objectives'"
echo ok
