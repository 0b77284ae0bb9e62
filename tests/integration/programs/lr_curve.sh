#!/usr/bin/env bash
# A training run for knob lr-find with a known loss curve against log10(rate) x: a tanh
# falling fastest at x = -3.5, flat near 0.2 up to x = -2, then growing as
# (rate / 0.01)^4. It reads "STEP RATE" lines on stdin and prints "step=S loss=L";
# with an argument "env" it takes the rates from KNOB_LR_SCHEDULE instead, and never
# reads stdin.
curve='function th(z) { return (exp(2 * z) - 1) / (exp(2 * z) + 1) }
function loss(r, x) {
    x = log(r) / log(10)
    if (x <= -2) return 1.1 - 0.9 * th(2 * (x + 3.5))
    return (1.1 - 0.9 * th(3)) * (r / 0.01) ^ 4
}'
if [ "${1:-}" = env ]; then
    awk -v s="$KNOB_LR_SCHEDULE" "$curve"'
    BEGIN { n = split(s, r, ","); for (i = 1; i <= n; i++) printf "step=%d loss=%.17g\n", i - 1, loss(r[i]) }'
else
    # one awk per line: awk itself may read stdin in blocks (mawk), and wait for more
    while read -r step rate; do
        awk -v s="$step" -v r="$rate" "$curve"' BEGIN { printf "step=%d loss=%.17g\n", s, loss(r) }'
    done
fi
