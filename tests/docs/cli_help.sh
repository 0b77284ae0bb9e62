#!/usr/bin/env bash
# What the docs say of knob's commands, against `knob --help` and `knob COMMAND --help`:
# - `knob --help` lists the commands in two columns: each description starts in the column
#   of run's, or two spaces after a synopsis too long for it;
# - the commands that take no --storage (their usage lacks it) are exactly those that
#   `knob --help`, docs/cli.md and the man page name after "Every command but";
# - every option written after `knob COMMAND` in README.md, docs/*.md, python/README.md,
#   examples/*/README.md and the man page's EXAMPLES is one of COMMAND's usage (its
#   `knob COMMAND --help`), as a reader would type it.
# - README.md's "Samplers and pruners" names every sampler and pruner `knob samplers` lists,
#   and docs/sweep.md's keys `sampler` and `pruner` list exactly them.
#   cli_help.sh KNOB
set -euo pipefail
KNOB=$1
: "${KNOB_SRC:?KNOB_SRC must name the repository}"
status=0
fail() {
    echo "FAIL: $*"
    status=1
}

help=$("$KNOB" --help)
list=$(awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print } on && /^$/ { exit }' <<< "$help")
cmds=$(awk '{ print $1 }' <<< "$list")
[ -n "$cmds" ] || { echo "FAIL: knob --help lists no commands"; exit 1; }

# 1. The two columns.
col=$(awk 'NR == 1 { match($0, /[^ ]  +[^ ]/); print RSTART + RLENGTH - 1; exit }' <<< "$list")
while IFS= read -r line; do
    awk -v c="$col" '{
        if (substr($0, c, 1) != " " && substr($0, c - 1, 1) == " ") exit 0     # in the column
        if (match($0, /^  [^ ].*[^ ]  [^ ]/) && RLENGTH > c) {                   # after a long one
            synopsis = substr($0, 3, RLENGTH - 5)
            if (synopsis !~ /  / && length(synopsis) > c - 4) exit 0
        }
        exit 1
    }' <<< "$line" || fail "knob --help: the description is not in column $col: '$line'"
done <<< "$list"

# 2. The commands without --storage.
usage_of() { "$KNOB" "$1" --help 2>&1 | awk 'NR == 1 || /^ +[[-]/ { print; next } { exit }'; }
without=$(for c in $cmds; do usage_of "$c" | grep -q -- '--storage' || echo "$c"; done | sort)
# The words between "Every command but" and "takes" (or " (") in a text, one a line.
named_in() {
    tr '\n' ' ' | sed -E 's/\\-/-/g; s/\.B //g; s/`//g' |
        grep -oE 'Every command but .*' | head -1 |
        sed -E 's/^Every command but //; s/ (\(|takes).*$//; s/,|\band\b/ /g' | tr ' ' '\n' |
        grep -v '^$' | sort || true
}
for where in "knob --help" docs/cli.md docs/man/knob.1; do
    if [ "$where" = "knob --help" ]; then named=$(named_in <<< "$help"); else
        named=$(named_in < "$KNOB_SRC/$where"); fi
    [ "$named" = "$without" ] ||
        fail "$where: 'Every command but' names [$(tr '\n' ' ' <<< "$named")]; the commands whose usage has no --storage are [$(tr '\n' ' ' <<< "$without")]"
done

# 3. Options after `knob COMMAND` in the docs. Left out: a line that shows a refused option
# on purpose (docs/cli.md's `knob best STUDY --state fail`), and the option of a program
# within the command's line ("$(./train --lr ...)").
# Each command's usage, read once (the docs name some commands hundreds of times).
declare -A usages
for c in $cmds; do usages[$c]=$(usage_of "$c"); done
alt=$(tr '\n' '|' <<< "$cmds")
alt=${alt%|}
docs=("$KNOB_SRC/README.md" "$KNOB_SRC"/docs/*.md "$KNOB_SRC/python/README.md"
      "$KNOB_SRC"/examples/*/README.md)
examples=$(awk '/^\.SH / { on = ($2 == "EXAMPLES") } on { gsub(/\\-/, "-"); print }' \
    "$KNOB_SRC/docs/man/knob.1")
mkdir -p "${KNOB_TEST_TMP:-/tmp}"
found=$(mktemp "${KNOB_TEST_TMP:-/tmp}/cli_help.XXXXXX")
trap 'rm -f "$found"' EXIT
for f in "${docs[@]}" man; do
    if [ "$f" = man ]; then text=$examples; rel="docs/man/knob.1 (EXAMPLES)"; else
        text=$(cat "$f"); rel=${f#"$KNOB_SRC/"}; fi
    { grep -noE "knob ($alt)( [^\`|;&)]*)?" <<< "$text" || true; } |
        { grep -v 'knob best STUDY --state fail' || true; } |
        sed -E 's/\$\([^ ]+ .*//' | while IFS= read -r m; do
            n=${m%%:*}
            use=${m#*:}
            read -r _ c _ <<< "$use"
            usage=${usages[$c]-}
            read -ra words <<< "$use"
            for w in "${words[@]}"; do
                [[ $w =~ ^(--?[a-z][a-z-]*) ]] || continue
                o=${BASH_REMATCH[1]}
                [ "$o" = --help ] && continue
                [[ $usage =~ (^|[^a-z-])$o([^a-z-]|$) ]] ||
                    echo "FAIL: $rel:$n: '$use': knob $c has no option $o (knob $c --help: $usage)"
            done
        done
done > "$found"
if [ -s "$found" ]; then
    cat "$found"
    status=1
fi

# 4. The built-in samplers and pruners in the README (KNOB_PLUGINS would add a plugin's).
section=$(awk '/^## / { on = ($0 == "## Samplers and pruners"); next } on' "$KNOB_SRC/README.md")
[ -n "$section" ] || fail "README.md has no section '## Samplers and pruners'"
listed=$(env -u KNOB_PLUGINS "$KNOB" samplers |
    awk '/^samplers/ { k = "sampler" } /^pruners/ { k = "pruner" } /^  [a-z][a-z0-9_]*$/ { print k, $1 }')
while read -r _ name; do
    grep -qF "\`$name\`" <<< "$section" ||
        fail "README.md's 'Samplers and pruners' does not name '$name', which knob samplers lists"
done <<< "$listed"
for k in sampler pruner; do
    want=$(awk -v k="$k" '$1 == k { print $2 }' <<< "$listed" | sort)
    have=$(grep -oE "any $k of \`knob samplers\` \([a-z0-9_, ]*\)" "$KNOB_SRC/docs/sweep.md" |
        sed -E 's/.*\(//; s/\)//; s/, /\n/g' | sort || true)
    [ "$have" = "$want" ] ||
        fail "docs/sweep.md's key '$k' lists [$(tr '\n' ' ' <<< "$have")]; knob samplers lists [$(tr '\n' ' ' <<< "$want")]"
done

[ "$status" = 0 ] && echo ok
exit "$status"
