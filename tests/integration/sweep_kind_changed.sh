#!/usr/bin/env bash
# A study whose trials hold a param as an int, continued with a sweep that searches it as a
# float (a study of knob's first sweeps, which searched {min: 0.0, max: 4.0} as an int, run
# again from the sweep stored with it; a distribution edited): knob run and knob worker
# --study warn, naming the study, the sweep, the param and how many trials hold the other
# kind. The program got floats where it had ints, silently.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
cat > int.yaml <<'YAML'
command: ["/bin/sh", "-c", "echo loss=1"]
metric: {name: loss, goal: minimize}
method: random
parameters:
  x: {distribution: int_uniform, min: 0, max: 4}
  c: {values: [a, b]}
YAML
sed 's/{distribution: int_uniform, min: 0, max: 4}/{min: 0.0, max: 4.0}/' int.yaml > float.yaml
"$KNOB" run int.yaml $S --study k --trials 2 > out.txt 2> err.txt || fail "run: $(cat err.txt)"
"$KNOB" run int.yaml $S --study k --trials 1 > out.txt 2> err.txt || fail "run: $(cat err.txt)"
grep -q "warning" err.txt && fail "a warning with the same sweep: $(cat err.txt)"
"$KNOB" run float.yaml $S --study k --trials 1 > out.txt 2> err.txt || fail "run: $(cat err.txt)"
grep -qF "knob: warning: study 'k': float.yaml searches param 'x' as a float, and 3 of the study's trials hold it as an int: its values change kind from here on (whole bounds written as floats, as 0.0, are a float's range, which knob's first sweeps searched as an int's: distribution: int_uniform keeps it an int)" err.txt ||
    fail "knob run: $(cat err.txt)"
[ "$(grep -c warning err.txt)" = 1 ] || fail "c is searched as it was: $(cat err.txt)"
# the worker, from the sweep now stored with the study
"$KNOB" worker --study k $S --trials 1 > out.txt 2> err.txt || fail "worker: $(cat err.txt)"
grep -qF "knob: warning: study 'k': (the sweep stored with study 'k') searches param 'x' as a float, and 3 of the study's trials hold it as an int" err.txt ||
    fail "knob worker: $(cat err.txt)"
# back to the int: the float trials are said
"$KNOB" run int.yaml $S --study k --trials 1 > out.txt 2> err.txt || fail "run: $(cat err.txt)"
grep -qF "float.yaml" err.txt && fail "another file named: $(cat err.txt)"
grep -qF "knob: warning: study 'k': int.yaml searches param 'x' as an int, and 2 of the study's trials hold it as a float: its values change kind from here on" err.txt ||
    fail "knob run back to the int: $(cat err.txt)"
grep -qF "int_uniform keeps" err.txt && fail "the hint of the float's bounds: $(cat err.txt)"
echo ok
