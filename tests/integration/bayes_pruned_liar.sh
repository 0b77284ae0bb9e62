#!/usr/bin/env bash
# method: bayes with a pruner (or early_terminate) makes tpe with constant_liar, as the default
# auto's tpe is, so that trials running at once differ: its asks beside running trials are
# those of `sampler: {name: tpe, options: {constant_liar: true}}` on the same seed (before,
# plain tpe's, which took no running trial into account and asked them again under --parallel).
source "$(dirname "$0")/lib.bash"
space='program: unused
metric: {name: loss, goal: minimize}
pruner: median
parameters:
  a: {values: [p, q, r]}
  b: {distribution: int_uniform, min: 0, max: 9}
  x: {min: 0.0, max: 1.0}'
printf '%s\nmethod: bayes\n' "$space" > bayes.yaml
printf '%s\nsampler: {name: tpe, options: {constant_liar: true}}\n' "$space" > liar.yaml
# tpe's 10 random startup trials told, then 4 asks untold: each after the running ones
for s in bayes liar; do
    for i in $(seq 14); do
        line=$("$KNOB" ask demo --sweep $s.yaml --storage "sqlite:///$T/$s.db" --seed 3)
        if [ "$i" -gt 10 ]; then
            echo "$line" >> $s.asks
            continue
        fi
        p='d["params"]'
        read -r num y < <(echo "$line" |
            py "'%d %r' % (d['number'], 'pqr'.index($p['a']) + abs($p['b'] - 4) + $p['x'])")
        "$KNOB" tell demo "$num" "$y" --storage "sqlite:///$T/$s.db"
    done
done
cmp bayes.asks liar.asks || fail "method bayes with a pruner asked otherwise than tpe with \
constant_liar: $(cat bayes.asks) / $(cat liar.asks)"
