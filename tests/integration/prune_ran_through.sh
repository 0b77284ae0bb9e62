#!/usr/bin/env bash
# A program whose records are read only once it has exited (a fast program; Python's
# block-buffered stdout, all of it flushed at exit) ran through: the pruner does not stop
# it on an early record, and it is COMPLETE with its last value, its intermediate values
# all stored. A program still running is pruned as before.
source "$(dirname "$0")/lib.bash"
unset PYTHONUNBUFFERED
# trial 0 (late false) sets the curve; trial 1 starts far worse and ends best
cat > solver.c <<'C'
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
    int late = argc > 1 && strcmp(argv[1], "--late=true") == 0;
    for (int it = 0; it < 5; it++) {
        double loss = late ? 9 - 2 * it - (it == 4 ? 0.99 : 0) : 1.0 / (it + 1);
        printf("iter=%d loss=%g\n", it, loss);
        fflush(stdout);
    }
    return 0;
}
C
cc -O2 -o solver solver.c || fail "cc"
cat > train.py <<'PY'
import sys, time
late = sys.argv[1] == "--late=true"
for e in range(5):
    print(f"epoch={e} loss={round((9 - 2 * e - (0.99 if e == 4 else 0)) if late else 1 / (e + 1), 2)}")
    time.sleep(0.2)
PY
# hang: the late trial's program flushes each line and sleeps on after its first
cat > live.py <<'PY'
import sys, time
late = sys.argv[1] == "--late=true"
for e in range(5):
    print(f"epoch={e} loss={9 - 2 * e if late else 1 / (e + 1)}", flush=True)
    time.sleep(3 if late else 0.05)
PY
for prog in solver train.py live.py; do
    cat > "$prog.yaml" <<YAML
program: $prog
method: grid
metric: {name: loss}
pruner: {name: median, options: {n_startup_trials: 1, n_warmup_steps: 0}}
parameters:
  late: {values: [false, true]}
YAML
    "$KNOB" run "$prog.yaml" --storage "sqlite:///$T/s.db" --study "${prog%.*}" > "$prog.txt" 2>&1 ||
        fail "$prog: $(cat "$prog.txt")"
    "$KNOB" trials "${prog%.*}" --storage "sqlite:///$T/s.db" --format json > "$prog.json"
done
for prog in solver train.py; do
    expect_eq "$(py '[t["state"] for t in d]' < "$prog.json")" '["complete", "complete"]' "$prog: states"
    expect_eq "$(py 'd[1]["values"]' < "$prog.json")" '[0.01]' "$prog: the value of the trial that ran through"
    expect_eq "$(py 'len(d[1]["intermediate"])' < "$prog.json")" 5 "$prog: its intermediate values"
done
expect_eq "$(py '[t["state"] for t in d]' < live.py.json)" '["complete", "pruned"]' "live: states"
expect_eq "$(py 'd[1]["values"]' < live.py.json)" '[9]' "live: pruned on its first record"
expect_eq "$(py 'len(d[1]["intermediate"])' < live.py.json)" 1 "live: its intermediate values"
expect_dead knob-runs/*/*
echo ok
