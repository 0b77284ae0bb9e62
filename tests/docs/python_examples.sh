#!/usr/bin/env bash
# Every ```python block of README.md, docs/*.md and python/README.md runs as it is written,
# each in a scratch directory of its own (the files it writes stay there), on Debian's
# python3 with the package's sources (PYTHONPATH) and this build's libknob (KNOB_LIBRARY).
#   python_examples.sh
set -euo pipefail
: "${KNOB_SRC:?KNOB_SRC must name the repository}"
T="${KNOB_TEST_TMP:-/tmp}/docs-py-$$"
rm -rf "$T"
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT

n=0
for md in "$KNOB_SRC/README.md" "$KNOB_SRC"/docs/*.md "$KNOB_SRC/python/README.md"; do
    rel=${md#"$KNOB_SRC/"}
    awk -v out="$T" -v rel="$rel" -v n0="$n" '
        BEGIN { n = n0 }
        !inb && /^[ \t]*```[ \t]*python[ \t]*$/ {
            inb = 1; n++; d = out "/" n; system("mkdir -p " d); f = d "/example.py"
            print rel ":" FNR > (d "/where"); close(d "/where")
            printf "" > f
            next
        }
        inb && /^[ \t]*```[ \t]*$/ { inb = 0; close(f); next }
        inb { print > f }
        END {
            if (inb) { print rel ":" FNR ": a ```python block is not closed" > "/dev/stderr"; exit 1 }
            print n > (out "/count")
        }' "$md"
    n=$(cat "$T/count")
done
if [ "$n" = 0 ]; then
    echo "FAIL: no \`\`\`python block in the docs: the extraction is broken" >&2
    exit 1
fi

failed=0
for i in $(seq 1 "$n"); do
    where=$(cat "$T/$i/where")
    if ! (cd "$T/$i" && PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 example.py > out 2>&1); then
        echo "FAIL: the Python example at $where fails:" >&2
        tail -20 "$T/$i/out" >&2
        failed=1
        continue
    fi
    echo "ok: $where runs"
done
exit $failed
