#!/usr/bin/env bash
# A program the trials cannot find is refused before any trial: a worker started in another
# directory than the sweep's (a Slurm array submitted from the wrong place) failed its first
# five trials, each counted in the study's run_cap, and stopped; 32 such workers spent 160.
# Only where ${program} is what runs (the default command, after ${env} and ${interpreter}, or
# the script of an interpreter the command names): `python3 -m ${program}` names a module,
# which runs as it is named, though a directory of its name is here (it ran as `./mod`).
# knob worker --study checks its flags before it opens the storage, and names itself.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
mkdir -p here elsewhere
printf 'print("loss=0.5")\n' > here/obj.py
cat > here/w.yaml <<'YAML'
program: obj.py
method: random
run_cap: 10
metric: {name: loss, goal: minimize}
parameters:
  x: {min: 0.0, max: 1.0}
YAML
(cd here && "$KNOB" run w.yaml $S --trials 0 > /dev/null) || fail "setup"
cd elsewhere
for cmd in "run ../here/w.yaml --study w" "worker --study w"; do
    rc=0
    "$KNOB" $cmd $S --trials 3 > out.txt 2> err.txt || rc=$?
    expect_eq "$rc" 2 "knob $cmd: exit status ($(cat out.txt err.txt))"
    grep -qF "knob ${cmd%% *}: program 'obj.py' is no file in $PWD, where each trial runs" err.txt ||
        fail "knob $cmd: $(cat err.txt)"
done
"$KNOB" trials w $S --format json > t.json
expect_eq "$(py 'len(d)' < t.json)" 0 "trials made by the refused runs"
cd ../here
"$KNOB" worker --study w $S --trials 2 > out.txt 2>&1 || fail "worker here: $(cat out.txt)"
"$KNOB" trials w $S --format json > t.json
expect_eq "$(py '[t["state"] for t in d]' < t.json)" '["complete", "complete"]' "worker here"
cd ..
# bare names: a file here runs as ./name, else a command on PATH; neither is refused
cat > bare.yaml <<'YAML'
program: nosuchprogram-knob
method: random
metric: {name: loss, goal: minimize}
parameters:
  x: {min: 0.0, max: 1.0}
YAML
rc=0
"$KNOB" run bare.yaml $S --trials 1 > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 2 "a bare name on no PATH: exit status ($(cat out.txt err.txt))"
grep -qF "program 'nosuchprogram-knob' is neither a file nor a command on PATH" err.txt ||
    fail "bare: $(cat err.txt)"
mkdir -p bin
printf '#!/bin/sh\necho loss=0.25\n' > bin/nosuchprogram-knob
chmod +x bin/nosuchprogram-knob
PATH="$PWD/bin:$PATH" "$KNOB" run bare.yaml $S --trials 1 > out.txt 2>&1 || fail "on PATH: $(cat out.txt)"
# found on PATH where what runs it looks there: a .py program run as a command (execvp),
# bash's script (bash looks on PATH for a name it cannot find here)
printf '#!/usr/bin/env python3\nprint("loss=0.5")\n' > bin/tool.py
printf 'echo loss=0.5\n' > bin/tool.sh
chmod +x bin/tool.py bin/tool.sh
for form in 'program: tool.py|command: ["${program}", "${args}"]' \
    'program: tool.py|command: ["${env}", "${program}", "${args}"]' \
    'program: tool.sh|command: [bash, "${program}"]'; do
    printf 'method: random\nmetric: {name: loss, goal: minimize}\nparameters:\n  x: {min: 0.0, max: 1.0}\n%s\n%s\n' \
        "${form%%|*}" "${form#*|}" > onpath.yaml
    PATH="$PWD/bin:$PATH" "$KNOB" run onpath.yaml $S --study "onpath-$RANDOM" --trials 1 > out.txt 2>&1 ||
        fail "$form: $(cat out.txt)"
done
# the script of an interpreter that looks for it here alone (sh, perl), or a path for bash:
# refused; a .py program here run as the command runs as ./here.py (it was looked for on
# PATH alone: exit status 127)
for form in 'program: gone.sh|command: [sh, "${program}"]' \
    'program: gone.pl|command: [perl, "${program}"]' \
    'program: ./gone.sh|command: [bash, "${program}"]'; do
    printf 'method: random\nmetric: {name: loss, goal: minimize}\nparameters:\n  x: {min: 0.0, max: 1.0}\n%s\n%s\n' \
        "${form%%|*}" "${form#*|}" > script.yaml
    rc=0
    "$KNOB" run script.yaml $S --study "script-$RANDOM" --trials 1 > out.txt 2> err.txt || rc=$?
    expect_eq "$rc" 2 "$form: exit status ($(cat out.txt err.txt))"
    grep -qF "is no file in" err.txt || fail "$form: $(cat err.txt)"
done
printf '#!/usr/bin/env python3\nprint("loss=0.5")\n' > here.py
chmod +x here.py
for cmd in '["${program}", "${args}"]' '["${env}", "${program}"]'; do
    printf 'method: random\nmetric: {name: loss, goal: minimize}\nparameters:\n  x: {min: 0.0, max: 1.0}\nprogram: here.py\ncommand: %s\n' \
        "$cmd" > herepy.yaml
    "$KNOB" run herepy.yaml $S --study "herepy-$RANDOM" --trials 1 > out.txt 2>&1 || fail "$cmd: $(cat out.txt)"
    grep -q "1 complete" out.txt || fail "$cmd: $(cat out.txt)"
done
# a study that is done runs nothing wherever it is opened from: no refusal (exit 0)
cat > grid.yaml <<'YAML'
program: ./g.sh
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [1, 2]}
YAML
printf '#!/bin/sh\necho loss=1\n' > g.sh
chmod +x g.sh
"$KNOB" run grid.yaml $S --study grid > out.txt 2>&1 || fail "grid: $(cat out.txt)"
(cd elsewhere && "$KNOB" run ../grid.yaml $S --study grid > out.txt 2>&1) ||
    fail "a grid that is done, from elsewhere: $(cat elsewhere/out.txt)"
grep -q "the grid is done" elsewhere/out.txt || fail "a grid that is done: $(cat elsewhere/out.txt)"
grep -q "is no file" elsewhere/out.txt && fail "a grid that is done: $(cat elsewhere/out.txt)"
# an interpreter named by the command, and ${program} as an argument of something else
cat > py.yaml <<'YAML'
program: gone.py
method: random
metric: {name: loss, goal: minimize}
command: [/usr/bin/env, python3, "${program}"]
parameters:
  x: {min: 0.0, max: 1.0}
YAML
rc=0
"$KNOB" run py.yaml $S --trials 1 > out.txt 2> err.txt || rc=$?
expect_eq "$rc" 2 "python3 \${program}: exit status ($(cat out.txt err.txt))"
grep -qF "program 'gone.py' is no file" err.txt || fail "python3: $(cat err.txt)"
mkdir -p mod && printf 'print("loss=0.5")\n' > mod/__init__.py && printf 'print("loss=0.5")\n' > mod/__main__.py
cat > m.yaml <<'YAML'
program: mod
method: random
metric: {name: loss, goal: minimize}
command: [python3, -m, "${program}"]
parameters:
  x: {min: 0.0, max: 1.0}
YAML
"$KNOB" run m.yaml $S --trials 1 > out.txt 2>&1 || fail "python3 -m: $(cat out.txt)"
# the worker's flags before the storage: a typo is a usage error, named as knob worker's
for flag in "--parallel 999" "--trials -1" "--timeout 5x" "--seed x"; do
    rc=0
    "$KNOB" worker --study w --storage sqlite:///$T/nothere/none.db $flag > out.txt 2> err.txt || rc=$?
    expect_eq "$rc" 2 "knob worker $flag: exit status ($(cat out.txt err.txt))"
    grep -q "^knob worker: --" err.txt || fail "knob worker $flag: $(cat err.txt)"
    grep -q "knob run" err.txt && fail "knob worker $flag: names knob run: $(cat err.txt)"
done
echo ok
