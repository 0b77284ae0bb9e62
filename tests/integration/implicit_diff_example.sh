#!/usr/bin/env bash
# examples/implicit_diff: the hypergradient of the validation loss in each group's log L2
# weight, by implicit differentiation, matches central finite differences (--check: max
# relative error < 1e-3 at three points); with 8 model fits each, hypergradient descent
# finds a validation loss well below the weakest regularisation's (1e-4 everywhere), and
# tpe and gp run as many fits.
source "$(dirname "$0")/lib.bash"
P="$KNOB_BUILD/examples/implicit_diff/implicit_diff"
[ -x "$P" ] || fail "no $P (the build makes it)"
"$P" --check > check.txt || fail "hypergradient against finite differences: $(cat check.txt)"
grep -q "^max relative error" check.txt || fail "check: $(cat check.txt)"
"$P" --fits=8 --seed=1 > out.txt || fail "run: $(cat out.txt)"
python3 - "$T/out.txt" <<'PY' || fail "table: $(cat out.txt)"
import sys
rows = {}
for line in open(sys.argv[1]).read().splitlines()[2:]:
    *name, loss, acc, fits = line.split()
    rows[" ".join(name)] = (float(loss), float(acc), int(fits))
weak, hyper = rows["lambda 1e-4 everywhere (one fit)"], rows["hypergradient (implicit diff.)"]
assert hyper[2] == 8 and rows["tpe"][2] == 8 and rows["gp"][2] == 8, rows
assert hyper[0] < weak[0] - 0.01, rows
assert all(0.5 < r[1] <= 1 for r in rows.values()), rows
PY
"$P" --fits=0 2> bad.txt && fail "--fits=0 accepted"
grep -q "expected a whole number 1..100000" bad.txt || fail "error: $(cat bad.txt)"
# a value that is not a whole number is refused, quoting it (atoi ran 5 fits for 5x, seed 0
# for abc, and said --fits=0 for --fits=abc)
for bad in --fits=5x --fits=abc --seed=abc --seed=-1; do
    "$P" "$bad" 2> bad.txt && fail "$bad accepted"
    grep -qF -- "implicit_diff: $bad: expected a whole number" bad.txt || fail "$bad: $(cat bad.txt)"
done
echo ok
