#!/usr/bin/env bash
# Every ```c block of README.md and docs/*.md is a whole C file that compiles against
# include/knob.h as it is written (-std=c11 -Wall -Wextra -Werror), and a block with a main
# links against libknob. The only help a block gets is reader_code.c, which defines the
# functions the docs leave to the reader (`train_and_validate`, "your code") for the link;
# a block must declare them itself, as a reader's file would.
#   c_examples.sh CC LIBKNOB [EXTRA_CFLAGS]
set -euo pipefail
CC=$1
LIB=$2
EXTRA=${3:-}
: "${KNOB_SRC:?KNOB_SRC must name the repository}"
T="${KNOB_TEST_TMP:-/tmp}/docs-c-$$"
rm -rf "$T"
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT

# Writes each block to $T/<n>.c and its origin ("README.md:41") to $T/<n>.where.
n=0
for md in "$KNOB_SRC/README.md" "$KNOB_SRC"/docs/*.md; do
    rel=${md#"$KNOB_SRC/"}
    awk -v out="$T" -v rel="$rel" -v n0="$n" '
        BEGIN { n = n0 }
        !inb && /^[ \t]*```[ \t]*c[ \t]*$/ {
            inb = 1; n++; f = out "/" n ".c"
            print rel ":" FNR > (out "/" n ".where"); close(out "/" n ".where")
            printf "" > f
            next
        }
        inb && /^[ \t]*```[ \t]*$/ { inb = 0; close(f); next }
        inb { print > f }
        END {
            if (inb) { print rel ":" FNR ": a ```c block is not closed" > "/dev/stderr"; exit 1 }
            print n > (out "/count")
        }' "$md"
    n=$(cat "$T/count")
done

if [ "$n" = 0 ]; then
    echo "FAIL: no \`\`\`c block in README.md or docs/*.md: the extraction is broken" >&2
    exit 1
fi

cflags=(-std=c11 -Wall -Wextra -Wno-unused-parameter -Werror -I "$KNOB_SRC/include")
# shellcheck disable=SC2206 # the sanitizer flags are words
extra=($EXTRA)
failed=0
for i in $(seq 1 "$n"); do
    where=$(cat "$T/$i.where")
    if ! "$CC" "${cflags[@]}" "${extra[@]}" -c "$T/$i.c" -o "$T/$i.o" 2> "$T/$i.err"; then
        echo "FAIL: the C example at $where does not compile:" >&2
        cat "$T/$i.err" >&2
        failed=1
        continue
    fi
    if nm "$T/$i.o" | grep -q ' T main$'; then
        if ! "$CC" "${extra[@]}" "$T/$i.o" "$KNOB_SRC/tests/docs/reader_code.c" "$LIB" \
            -Wl,-rpath,"$(dirname "$LIB")" -lm -o "$T/$i" 2> "$T/$i.err"; then
            echo "FAIL: the C example at $where does not link against libknob:" >&2
            cat "$T/$i.err" >&2
            failed=1
            continue
        fi
        echo "ok: $where compiles and links"
    else
        echo "ok: $where compiles"
    fi
done
exit $failed
