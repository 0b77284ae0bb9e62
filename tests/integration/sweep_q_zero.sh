#!/usr/bin/env bash
# A quantized normal whose draw is negative and rounds to zero gives 0, not -0: the JSON and
# the argument a program gets are "0" (they were "-0" for about half of the draws here).
source "$(dirname "$0")/lib.bash"
printf 'method: random\nparameters:\n  x: {distribution: q_normal, mu: 0, sigma: 1, q: 100}\n' > q.yaml
for seed in 1 2 3 4 5 6 7 8; do
    "$KNOB" ask q --sweep q.yaml --storage memory: --seed $seed >> out.txt 2> err.txt ||
        fail "ask: $(cat err.txt)"
done
[ "$(grep -c '"x":0}' out.txt)" = 8 ] || fail "expected x = 0 in every trial: $(cat out.txt)"
echo ok
