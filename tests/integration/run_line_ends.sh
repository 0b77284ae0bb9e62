#!/usr/bin/env bash
# A line ends at \n (or \r\n); a line rewritten with \r (a progress bar, print(f"\rstep=..
# loss=..", end="")) is read as a terminal shows it: its part after the last \r. A key given
# any number of times in a line is its last value (a line kept its first 64 numbers: the
# 100th loss was lost, and a \r progress loop's value was step 31's). A message quoting a
# line shows its control characters escaped.
source "$(dirname "$0")/lib.bash"
sweep() { # file program
    printf 'command: [python3, %s]\nmethod: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n' "$2" > "$1"
}
S="--storage sqlite:///$T/s.db"
trial() { # study expression over the first trial
    "$KNOB" trials "$1" $S --format json | py "$2"
}

cat > many.py <<'PY'
print(" ".join(f"loss={i}" for i in range(1, 101)))
print('{' + ", ".join(f'"acc": {i}' for i in range(1, 101)) + ', "loss": 7}')
print('{' + ", ".join(f'"loss": {i}' for i in range(200, 301)) + '}')
PY
sweep many.yaml many.py
"$KNOB" run many.yaml $S --study many --trials 1 > many.txt 2>&1 || fail "run: $(cat many.txt)"
expect_eq "$(trial many 'd[0]["intermediate"]')" '{"0": 100, "1": 7, "2": 300}' \
    "a key given 100 times in a line"

cat > progress.py <<'PY'
import sys
for step in range(100):
    print(f"\rstep={step} loss={1/(step+1):.6f}", end="", flush=True)
print()
sys.stdout.write('{"step": 0, "val": 0.9}\r{"step": 1, "val": 0.8}\r\n{"step": 2, "val": 0.7}\n')
PY
sweep progress.yaml progress.py
"$KNOB" run progress.yaml $S --study progress --trials 1 > progress.txt 2>&1 || fail "run: $(cat progress.txt)"
expect_eq "$(trial progress 'd[0]["values"]')" "[0.01]" "the value of a \\r progress loop"
expect_eq "$(trial progress 'd[0]["intermediate"]')" '{"99": 0.01}' "its intermediate values"
# a loop of 60,000 steps rewrites one line past the 1 MiB a line may hold: read all the same
cat > long.py <<'PY'
for step in range(60000):
    print(f"\rstep={step} loss={1/(step+1):.6f}", end="", flush=step % 1000 == 0)
print()
PY
sweep long.yaml long.py
"$KNOB" run long.yaml $S --study long --trials 1 > long.txt 2>&1 || fail "run: $(cat long.txt)"
expect_eq "$(trial long 'd[0]["intermediate"]')" '{"59999": 1.7e-05}' "a long \\r loop"
# the log keeps the program's bytes as they were
cmp <(python3 progress.py) knob-runs/progress/0/stdout.log || fail "stdout.log differs"

sed 's/name: loss/name: val/' progress.yaml > json.yaml
"$KNOB" run json.yaml $S --study json --trials 1 > json.txt 2>&1 || fail "run: $(cat json.txt)"
expect_eq "$(trial json 'd[0]["intermediate"]')" '{"1": 0.8, "2": 0.7}' \
    "JSON records rewritten with \\r, then on a line of their own"

# A bar redrawn on a clock (tqdm's, its postfix loss=) gives no record per redraw: a slower
# trial's redraws would take the same steps at other moments of its training.
cat > bar.py <<'PY'
import sys, time
for epoch in range(3):
    n = int(sys.argv[1].split("=")[1])
    for i in range(n):
        sys.stdout.write(f"\rtrain {i}/40 [00:01<00:00, loss={4 - epoch - i / (n - 1):.3f}, acc=0.5]")
        sys.stdout.flush()
    sys.stdout.write("\n")
    print(f"epoch={epoch} loss={1 / (epoch + 1):.3f}", flush=True)
PY
printf 'command: [python3, bar.py, "${args_no_hyphens}"]\nmethod: grid\nmetric: {name: loss}\nparameters:\n  x: {values: [10, 40]}\n' > bar.yaml
"$KNOB" run bar.yaml $S --study bar > bar.txt 2>&1 || fail "run: $(cat bar.txt)"
expect_eq "$(trial bar 'd[0]["intermediate"] == d[1]["intermediate"]')" True \
    "the same records however often the bar was redrawn"
expect_eq "$(trial bar 'd[0]["intermediate"]["0"]')" 3 "a bar's record: its last redraw"

# "\r\r\n" ends a line as "\r\n" does (a terminal shows the line), whole or cut after its "\r"
printf 'import sys, time\nsys.stdout.write("loss=0.25\\r\\r\\n"); sys.stdout.flush(); time.sleep(0.3)\nsys.stdout.write("loss=0.5\\r"); sys.stdout.flush(); time.sleep(0.3)\nsys.stdout.write("\\r\\n")\n' > crcr.py
sweep crcr.yaml crcr.py
"$KNOB" run crcr.yaml $S --study crcr --trials 1 > crcr.txt 2>&1 || fail "run: $(cat crcr.txt)"
expect_eq "$(trial crcr 'd[0]["intermediate"]')" '{"0": 0.25, "1": 0.5}' "lines ending \\r\\r\\n"

# "\r\n" cut between two writes is one line end
cat > cut.py <<'PY'
import sys, time
sys.stdout.write("loss=0.5\r"); sys.stdout.flush(); time.sleep(0.3)
sys.stdout.write("\nstep=-1 loss=0.25\n"); sys.stdout.flush()
PY
sweep cut.yaml cut.py
"$KNOB" run cut.yaml $S --study cut --trials 1 > cut.txt 2>&1 || fail "run: $(cat cut.txt)"
expect_eq "$(trial cut 'd[0]["intermediate"]')" '{"0": 0.5}' "records around a cut \\r\\n"
grep -q "^knob: the line above has step -1" knob-runs/cut/0/stdout.log ||
    fail "the note is not on a line of its own: $(od -c knob-runs/cut/0/stdout.log)"
grep -q 'step=-1 loss=0.25"$' cut.txt || fail "the line quoted: $(cat cut.txt)"

# a control character in a quoted line is shown escaped
printf 'import sys\nsys.stdout.write("the loss\\tis low \\x07\\n")\n' > ctl.py
sweep ctl.yaml ctl.py
"$KNOB" run ctl.yaml $S --study ctl --trials 1 > ctl.txt 2>&1 && fail "no metric, yet the run succeeded"
expect_eq "$(trial ctl 'd[0]["system_attrs"]["fail_reason"]')" \
    'no metric '"'"'loss'"'"' in stdout: a line names it but gives no value of it: "the loss\tis low \x07"' \
    "the reason quoting the line"
echo ok
