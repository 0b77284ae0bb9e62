#!/usr/bin/env bash
# examples/nas: nas_train trains the architecture its arguments give (a skip connection
# and dropout change the result; bad arguments exit 2), and the example's sweep runs with
# its conditional layers: a trial gets layerK only when it has K layers or more.
source "$(dirname "$0")/lib.bash"
N="$KNOB_BUILD/examples/nas/nas_train"
[ -x "$N" ] || fail "no $N (the build makes it)"
"$N" --layers=2 --layer1.width=32 --layer2.width=16 --epochs=2 > a.txt || fail "train"
expect_eq "$(wc -l < a.txt)" 2 "one record per epoch"
py 'd["val_accuracy"] > 0.8' < <(tail -1 a.txt) | grep -q True || fail "accuracy: $(cat a.txt)"
"$N" --layers=2 --layer1.width=32 --layer2.width=16 --layer2.skip=true --epochs=2 > b.txt
"$N" --layers=2 --layer1.width=32 --layer2.width=16 --dropout=0.3 --epochs=2 > c.txt
! cmp -s a.txt b.txt || fail "the skip connection changed nothing"
! cmp -s a.txt c.txt || fail "dropout changed nothing"
"$N" --layers=2 --layer1.width=32 --layer2.width=16 --epochs=2 > a2.txt
cmp a.txt a2.txt || fail "the same arguments gave another result"
if "$N" --layers=5 2> e.txt; then fail "5 layers accepted"; fi
"$N" --layer1.act=sigmoid 2> e.txt && fail "unknown activation accepted"
grep -q "act is relu, tanh or elu" e.txt || fail "message: $(cat e.txt)"

# the sweep, shortened: 3 epochs, Hyperband from 1; its study is named nas, as the README
# says (knob best nas)
sed -e "s|build/examples/nas/nas_train|$N|" -e 's/min_resource: 3, max_resource: 27/min_resource: 1, max_resource: 3/' \
    -e 's/^sampler: .*/sampler: {name: evolution, options: {population_size: 3, sample_size: 2, include_pruned: true}}/' \
    "$KNOB_SRC/examples/nas/sweep.yaml" > sweep.yaml
echo "  epochs: {value: 3}" >> sweep.yaml
"$KNOB" run sweep.yaml --storage "sqlite:///$T/n.db" --trials 6 --seed 2 --parallel 2 \
    > run.txt 2>&1 || fail "run: $(cat run.txt)"
"$KNOB" trials nas --storage "sqlite:///$T/n.db" --format json > t.json
python3 - t.json <<'PY' || fail "trials: $(cat t.json)"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d) == 6 and all(t["state"] in ("complete", "pruned") for t in d), d
for t in d:
    p = t["params"]
    want = {"layers", "lr", "dropout", "epochs"} | {"layer%d" % k for k in range(1, p["layers"] + 1)}
    assert set(p) == want, (sorted(p), sorted(want))
    assert all(set(p["layer%d" % k]) == {"width", "act", "skip"} for k in range(1, p["layers"] + 1))
PY
echo ok
