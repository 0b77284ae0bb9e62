#!/usr/bin/env bash
# A study driven from a shell with knob ask / knob tell; --seed reproduces the params.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: unused
metric: {name: loss, goal: minimize}
method: random
parameters:
  x: {min: -5.0, max: 5.0}
  k: {values: [1, 2, 3]}
YAML
for db in a b; do
    for i in 1 2 3 4 5; do
        line=$("$KNOB" ask demo --sweep sweep.yaml --storage "sqlite:///$T/$db.db" --seed 7)
        num=$(echo "$line" | py 'd["number"]')
        x=$(echo "$line" | py 'd["params"]["x"]')
        echo "$line" >> "$db.asks"
        "$KNOB" tell demo "$num" "$(python3 -c "print(($x - 1) ** 2)")" --storage "sqlite:///$T/$db.db"
    done
done
cmp a.asks b.asks || fail "the same seed gave other params"
expect_eq "$(sort -u a.asks | wc -l)" 5 "each ask differs"
line=$("$KNOB" ask demo --sweep sweep.yaml --storage "sqlite:///$T/a.db")
num=$(echo "$line" | py 'd["number"]')
"$KNOB" tell demo "$num" --state pruned --storage "sqlite:///$T/a.db"
if "$KNOB" tell demo "$num" 1.0 --storage "sqlite:///$T/a.db" 2> err.txt; then fail "told twice"; fi
grep -q "already pruned" err.txt || fail "no clear error for telling twice: $(cat err.txt)"
"$KNOB" best demo --storage "sqlite:///$T/a.db" --json > best.json
[ "$(py 'd["state"]' < best.json)" = complete ] || fail "best"
echo ok
