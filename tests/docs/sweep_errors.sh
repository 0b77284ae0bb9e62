#!/usr/bin/env bash
# The messages docs/sweep.md shows for broken sweep files (its blocks of lines
# "sweep.yaml:LINE:COL: ...") are the ones knob prints: each comes from a sweep below, and
# each sweep below gives one of them. The line and column that start a message are not
# compared (the sweeps below are laid out anew); "(...)" in the docs stands for any text.
#   sweep_errors.sh KNOB
set -euo pipefail
KNOB=$1
case $KNOB in */* | .*) KNOB=$(cd "$(dirname "$KNOB")" && pwd)/$(basename "$KNOB") ;; esac
: "${KNOB_SRC:?KNOB_SRC must name the repository}"
T="${KNOB_TEST_TMP:-/tmp}/docs-errors-$$"
rm -rf "$T"
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT

awk '/^```/ { inb = !inb; next } inb && /^sweep\.yaml:[0-9]+:[0-9]+: /' \
    "$KNOB_SRC/docs/sweep.md" > "$T/docs"
[ "$(wc -l < "$T/docs")" -ge 10 ] || {
    echo "FAIL: fewer than 10 error messages read from docs/sweep.md: the extraction is broken"
    exit 1
}

# The sweeps, a line an argument.
n=0
sweep() {
    n=$((n + 1))
    printf '%s\n' "$@" > "$T/$n.yaml"
}
sweep 'method: random' 'metric: {name: loss}' 'parameters:' '  lr: {min: abc, max: 1}'
sweep 'method: random' 'metric: {name: loss}' 'paramters:' '  lr: {min: 0, max: 1}'
sweep 'method: random' 'metric: {name: loss}' 'parameters:' '  lr: {mu: 0.00, q: 1, sigm: 1}'
sweep 'program: a' 'method: grid' 'metric: {name: loss}' 'parameters:' \
    '  lr: {min: 0.0, max: 1.0}'
grid=()
for i in 0 1 2 3 4 5 6 7; do grid+=("  p$i: {values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}"); done
sweep 'program: a' 'method: grid' 'metric: {name: loss}' 'parameters:' "${grid[@]}"
sweep 'program: a' 'method: random' 'sampler: rnadom' 'parameters:' \
    '  lr: {min: 0.0, max: 1.0}'
sweep 'program: a' 'objectives: [{name: loss}, {name: size}]' 'sampler: smac' 'parameters:' \
    '  lr: {min: 0.0, max: 1.0}'
sweep 'program: a' 'metric: {name: loss}' 'sampler:' '  name: tpe' '  options:' \
    '    consider_endpoints: maybe' 'parameters:' '  lr: {min: 0.0, max: 1.0}'
sweep 'program: a' 'method: random' 'metric: {name: loss}' 'program: b' 'parameters:' \
    '  lr: {min: 0.0, max: 1.0}'
sweep 'program: a' 'method: random' 'metric: {name: loss}' 'parameters:' \
    '  n: {min: 1, max: 99999999999999999999999}'
sweep 'program: a' 'method: bayes' 'parameters:' '  lr: {min: 0.0, max: 1.0}'
{
    printf '%s\n' 'program: a' 'method: random' 'metric: {name: loss}' 'parameters:' \
        '  x: {min: 0.0, max: 1.0}' 'description:'
    printf '  l0: &l0 [x, x, x, x, x, x, x, x, x, x, x, x]\n'
    for k in $(seq 1 19); do
        printf '  l%d: &l%d [*l%d, *l%d]\n' "$k" "$k" $((k - 1)) $((k - 1))
    done
} > "$T/alias.yaml"
sweep 'program: a' 'method: random' 'metric: {name: loss}' 'parameters:' \
    '  optimizer: {values: [sgd, adam]}' \
    '  momentum: {min: 0.0, max: 0.99, when: {optimiser: sgd}}'
sweep 'program: a' 'method: random' 'metric: {name: loss}' 'parameters:' \
    '  a: {values: [1, 2], when: {b: 1}}' '  b: {values: [1, 2], when: {a: 1}}'
sweep 'method: random' 'metric: {name: loss}' 'parameters:' \
    '  optimizer: {values: [sgd, adam]}' \
    '  momentum: {min: 0.0, max: 0.99, when: {optimizer: sdg}}'
sweep 'program: a' 'method: random' 'metric: {name: loss}' 'parameters:' \
    '  lr: {min: 0.0, max: 0.99}' '  b: {min: 0.0, max: 0.99, when: {lr: 0.5}}'
sweep 'program: a' 'method: random' 'metric: {name: loss}' 'parameters:' \
    '  a: {values: [x, y]}' '  b: {values: [1, 2], when: {a: x}}' \
    '  c: {min: 0.0, max: 1.0, when: {b: 2, a: y}}'

# What knob says of each, as "sweep.yaml:L:C: ..." with L:C made "L:C" to compare.
norm() { sed -E 's/^[^:]*:[0-9]+:[0-9]+: /sweep.yaml:L:C: /'; }
: > "$T/got"
for f in "$T"/*.yaml; do
    if (cd "$T" && "$KNOB" run "$f" --trials 0 --storage memory: > /dev/null 2> "$f.err"); then
        echo "FAIL: knob run took $f:" && cat "$f"
        exit 1
    fi
    head -1 "$f.err" | norm >> "$T/got"
done

status=0
# Each message of the docs is one knob gives.
while IFS= read -r want; do
    w=$(norm <<< "$want")
    pre=${w%%"(...)"*}
    suf=${w#*"(...)"}
    [ "$pre" = "$w" ] && suf=""
    found=0
    while IFS= read -r got; do
        if [ "$pre" = "$w" ] && [ "$got" = "$w" ]; then found=1; fi
        if [ "$pre" != "$w" ] && [[ $got == "$pre"* && $got == *"$suf" ]]; then found=1; fi
    done < "$T/got"
    if [ "$found" = 0 ]; then
        echo "FAIL: docs/sweep.md shows '$want', which none of this test's sweeps gives; they give:"
        cat "$T/got"
        status=1
    fi
done < "$T/docs"
# Each message knob gives is one of the docs (a message changed, the docs not).
while IFS= read -r got; do
    found=0
    while IFS= read -r want; do
        w=$(norm <<< "$want")
        pre=${w%%"(...)"*}
        suf=${w#*"(...)"}
        if [ "$got" = "$w" ]; then found=1; fi
        if [ "$pre" != "$w" ] && [[ $got == "$pre"* && $got == *"$suf" ]]; then found=1; fi
    done < "$T/docs"
    if [ "$found" = 0 ]; then
        echo "FAIL: knob says '$got', which docs/sweep.md does not show"
        status=1
    fi
done < "$T/got"
[ "$status" = 0 ] && echo "ok: $(wc -l < "$T/docs") messages"
exit "$status"
