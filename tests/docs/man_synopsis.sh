#!/usr/bin/env bash
# The man page's SYNOPSIS names every command `knob --help` lists, each with the options its
# `knob COMMAND --help` usage shows, and no option that the usage does not.
#   man_synopsis.sh KNOB
set -euo pipefail
KNOB=$1
: "${KNOB_SRC:?KNOB_SRC must name the repository}"
MAN="$KNOB_SRC/docs/man/knob.1"
status=0

# The SYNOPSIS of command $1 in the roff source: from ".B knob CMD" to the next ".br", with
# roff's escaped hyphens as plain ones.
synopsis() {
    awk -v cmd="$1" '
        /^\.SH / { in_syn = ($2 == "SYNOPSIS") }
        in_syn { gsub(/\\-/, "-") }
        in_syn && $0 == ".B knob " cmd { on = 1; print "knob " cmd; next }
        on && /^\.br/ { exit }
        on { print }
    ' "$MAN"
}

# The options (--name, -o) of a text, sorted, one a line.
options() {
    grep -oE '(^|[^A-Za-z0-9-])--?[a-z][a-z-]*' | grep -oE -- '--?[a-z][a-z-]*' | sort -u
}

cmds=$("$KNOB" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }')
[ -n "$cmds" ] || { echo "FAIL: knob --help lists no commands"; exit 1; }
for c in $cmds; do
    syn=$(synopsis "$c")
    if [ -z "$syn" ]; then
        echo "FAIL: the man page's SYNOPSIS has no 'knob $c'"
        status=1
        continue
    fi
    # the usage: the lines of `knob c --help` up to the first that does not start with
    # "usage:" or continue it (indented, starting with [ or --)
    usage=$("$KNOB" "$c" --help 2>&1 | awk 'NR == 1 || /^ +[[-]/ { print; next } { exit }')
    want=$(options <<< "$usage" | grep -vx -- '--help' || true)
    have=$(options <<< "$syn" || true)
    missing=$(comm -23 <(echo "$want") <(echo "$have") | tr '\n' ' ')
    extra=$(comm -13 <(echo "$want") <(echo "$have") | tr '\n' ' ')
    if [ -n "${missing// /}" ]; then
        echo "FAIL: knob $c: the man page's SYNOPSIS lacks $missing(knob $c --help: $usage)"
        status=1
    fi
    if [ -n "${extra// /}" ]; then
        echo "FAIL: knob $c: the man page's SYNOPSIS has $extra, which knob $c --help does not"
        status=1
    fi
done
[ "$status" = 0 ] && echo ok
exit "$status"
