#!/usr/bin/env bash
# Every ```yaml block of README.md, docs/*.md, python/README.md and examples/*/README.md is a
# sweep file, or a part of one, that `knob run` takes: keys, samplers, pruners and their
# options as the docs write them. A part gets what it leaves out from a small sweep (a
# metric, one parameter, a program) and is read with `knob run --trials 0` on memory:,
# which checks the whole file, creates the study and runs nothing. A block that loads
# plugins (`plugins:`) is left to cli.plugin_sweep, which builds them.
#   sweep_examples.sh KNOB
set -euo pipefail
KNOB=$1
case $KNOB in */* | .*) KNOB=$(cd "$(dirname "$KNOB")" && pwd)/$(basename "$KNOB") ;; esac
: "${KNOB_SRC:?KNOB_SRC must name the repository}"
T="${KNOB_TEST_TMP:-/tmp}/docs-yaml-$$"
rm -rf "$T"
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT

n=0
for md in "$KNOB_SRC/README.md" "$KNOB_SRC"/docs/*.md "$KNOB_SRC/python/README.md" \
    "$KNOB_SRC"/examples/*/README.md; do
    rel=${md#"$KNOB_SRC/"}
    awk -v out="$T" -v rel="$rel" -v n0="$n" '
        BEGIN { n = n0 }
        !inb && /^[ \t]*```[ \t]*yaml[ \t]*$/ {
            inb = 1; n++; f = out "/" n ".yaml"
            print rel ":" FNR > (out "/" n ".where"); close(out "/" n ".where")
            printf "" > f
            next
        }
        inb && /^[ \t]*```[ \t]*$/ { inb = 0; close(f); next }
        inb { print > f }
        END {
            if (inb) { print rel ":" FNR ": a ```yaml block is not closed" > "/dev/stderr"; exit 1 }
            print n > (out "/count")
        }' "$md"
    n=$(cat "$T/count")
done
if [ "$n" -lt 5 ]; then
    echo "FAIL: only $n \`\`\`yaml blocks in the docs: the extraction is broken" >&2
    exit 1
fi

has() { grep -qE "^$1:" "$2"; }
failed=0
checked=0
for i in $(seq 1 "$n"); do
    f=$T/$i.yaml
    where=$(cat "$T/$i.where")
    has plugins "$f" && continue
    has metric "$f" || has objectives "$f" || echo "metric: {name: loss}" >> "$f"
    has parameters "$f" || echo "parameters: {x: {min: 0.0, max: 1.0}}" >> "$f"
    has program "$f" || echo "program: train.py" >> "$f" # a command's ${program} needs it
    if ! (cd "$T" && "$KNOB" run "$f" --trials 0 --storage memory: > "$T/$i.out" 2>&1); then
        echo "FAIL: the sweep at $where is refused by knob run:" >&2
        cat "$T/$i.out" >&2
        failed=1
        continue
    fi
    checked=$((checked + 1))
    echo "ok: $where"
done
[ "$failed" = 0 ] && [ "$checked" -lt 5 ] && { echo "FAIL: only $checked blocks checked" >&2; exit 1; }
exit $failed
