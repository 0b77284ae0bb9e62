#!/usr/bin/env bash
# The arrows of shared/DESIGN.md, held against the includes of the tree, so that a part
# that starts to reach into another fails here rather than in a review:
#   src/math       a leaf: math headers only (and knob.h, for the public rng it implements)
#   src/util       its own headers only
#   src/cli        knob.h, util and its own headers only (the public API, as a user's program)
#   samplers, pruners   no study.h, storage or CLI header: studies through the public API
#   the core       never the CLI's headers
# Run with the source tree as KNOB_SRC.
set -euo pipefail
: "${KNOB_SRC:?KNOB_SRC must name the repository}"
cd "$KNOB_SRC"
bad=0
# check DIR REGEX-OF-ALLOWED-INCLUDES WHY
check() {
    local dir=$1 allowed=$2 why=$3 hits
    hits=$(grep -Hn '^#include "' "$dir"/*.c "$dir"/*.h 2>/dev/null |
        grep -vE "#include \"($allowed)\"" || true)
    if [ -n "$hits" ]; then
        echo "FAIL: $dir: $why:" >&2
        echo "$hits" >&2
        bad=1
    fi
}
check src/math 'math/[a-z0-9_]+\.h|knob\.h' "math is a leaf (numbers in, numbers and statuses out)"
check src/util 'util/[a-z0-9_]+\.h' "util is a part of its own, used by the core and the CLI"
check src/cli 'cli/[a-z0-9_]+\.h|util/[a-z0-9_]+\.h|knob\.h' "the CLI uses the public API and util only"
check src/samplers 'samplers/[a-z0-9_]+\.h|math/[a-z0-9_]+\.h|util/[a-z0-9_]+\.h|knob\.h|internal\.h|space\.h' \
    "samplers see studies through the public API only"
check src/pruners 'pruners/[a-z0-9_]+\.h|math/[a-z0-9_]+\.h|util/[a-z0-9_]+\.h|knob\.h|internal\.h' \
    "pruners see studies through the public API only"
core=$(grep -Hn '^#include "cli/' src/*.c src/*.h src/storage/*.c src/storage/*.h 2>/dev/null || true)
if [ -n "$core" ]; then
    echo "FAIL: the core includes the CLI's headers:" >&2
    echo "$core" >&2
    bad=1
fi
# The storage backends are reached through storage.c alone.
calls=$(grep -Hn 'be->' src/*.c | grep -v '^src/storage.c:' || true)
if [ -n "$calls" ]; then
    echo "FAIL: backend calls outside src/storage.c:" >&2
    echo "$calls" >&2
    bad=1
fi
# The check itself must be able to fail: a made-up include is caught.
tmp=$(mktemp -d)
mkdir -p "$tmp/src/math"
printf '#include "study.h"\n' > "$tmp/src/math/x.c"
(cd "$tmp" && bad=0 && hits=$(grep -Hn '^#include "' src/math/*.c | grep -vE '#include "(math/[a-z0-9_]+\.h|knob\.h)"' || true) &&
    [ -n "$hits" ]) || { echo "FAIL: the include check misses a bad include" >&2; bad=1; }
rm -rf "$tmp"
[ "$bad" = 0 ] && echo ok
exit "$bad"
