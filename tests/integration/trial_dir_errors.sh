#!/usr/bin/env bash
# A trial whose directory cannot be created is failed with the reason the system gave
# (here a file where a directory of the path should be), kept in the study, not only
# printed; knob run exits 1.
source "$(dirname "$0")/lib.bash"
: > afile
cat > sweep.yaml <<YAML
command: ["/bin/sh", "-c", "echo loss=1"]
metric: {name: loss, goal: minimize}
trial_dir: $T/afile/runs
parameters:
  x: {distribution: uniform, min: 0, max: 1}
YAML
rc=0
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study d --trials 1 > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 1 "exit status ($(cat out.txt err.txt))"
"$KNOB" trials d --storage "sqlite:///$T/s.db" --format json > t.json
expect_eq "$(py 'd[0]["state"]' < t.json)" fail "state"
expect_eq "$(py 'd[0]["system_attrs"]["fail_reason"]' < t.json)" \
    "its trial directory $T/afile/runs/d/0 could not be created: Not a directory" "reason"
echo ok
