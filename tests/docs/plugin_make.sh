#!/usr/bin/env bash
# The commands docs/plugins.md and examples/plugin/README.md give to build the plugin
# example against a build tree (`make -f examples/plugin/Makefile KNOB_INCLUDE=$PWD/include
# KNOB_LIB=$PWD/build/src OUT=/tmp/ls`, then `/tmp/ls/run_study ...`) work as written, run
# from the repository's root on a machine where OUT does not exist yet. What is rewritten:
# $PWD/build/src becomes this build's library directory, /tmp/ls a scratch directory. A
# sanitized libknob wants its runtime in the programs: KNOB_SANITIZE_FLAGS goes into make's
# LDFLAGS, from the environment.
#   plugin_make.sh LIBKNOB
set -euo pipefail
LIB=$1
: "${KNOB_SRC:?KNOB_SRC must name the repository}"
command -v make > /dev/null || { echo "make is not installed (scripts/deps.sh installs it)"; exit 77; }
T="${KNOB_TEST_TMP:-/tmp}/docs-plugin-$$"
rm -rf "$T"
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT
libdir=$(cd "$(dirname "$LIB")" && pwd)
if [ -n "${KNOB_SANITIZE_FLAGS:-}" ]; then export LDFLAGS="$KNOB_SANITIZE_FLAGS"; fi

# The lines of the ```sh blocks that build or run the example at /tmp/ls.
for md in "$KNOB_SRC/docs/plugins.md" "$KNOB_SRC/examples/plugin/README.md"; do
    awk -v rel="${md#"$KNOB_SRC/"}" '
        /^[ \t]*```/ { sh = !sh && /```sh/; next }
        sh && (/^make -f examples\/plugin\/Makefile/ || /^\/tmp\/ls\//) && !/PREFIX/ {
            print rel ":" FNR "\t" $0
        }' "$md"
done > "$T/commands"
[ "$(grep -c 'make -f' "$T/commands")" -ge 2 ] || {
    echo "FAIL: fewer than two make commands read from the docs: the extraction is broken"
    exit 1
}

status=0
while IFS=$'\t' read -r where cmd; do
    # shellcheck disable=SC2016 # the docs' text, $PWD as written
    run=${cmd//'$PWD/build/src'/$libdir}
    run=${run//\/tmp\/ls/$T/ls}
    rm -rf "$T/ls" # each make as on a fresh machine, where OUT does not exist
    if [[ $cmd == /tmp/ls/* ]]; then # a program the make before it built
        if ! make -s -f "$KNOB_SRC/examples/plugin/Makefile" KNOB_INCLUDE="$KNOB_SRC/include" \
            KNOB_LIB="$libdir" OUT="$T/ls" > "$T/out" 2>&1; then
            echo "FAIL: $where: the make before '$cmd' fails:" && cat "$T/out"
            status=1
            continue
        fi
    fi
    if ! (cd "$KNOB_SRC" && bash -c "$run") > "$T/out" 2>&1; then
        echo "FAIL: $where: '$cmd' fails:"
        cat "$T/out"
        status=1
        continue
    fi
    echo "ok: $where: $cmd"
done < "$T/commands"
exit "$status"
