#!/usr/bin/env bash
# Rebuilds the seed corpora in tests/fuzz/corpus/ from what the tests use: every sweep file
# the integration tests wrote (run them first: ctest -R '^cli\.'), the examples' and the
# docs' sweeps; every stdout line their trials printed, and the records test's program.
#   bash tests/fuzz/make_corpus.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:?usage: make_corpus.sh BUILD_DIR}
tmp="$B/tests/tmp"
out=tests/fuzz/corpus
mkdir -p "$out/sweep" "$out/records"

# One file per distinct content, named by its hash: the same seed never twice.
put() { # dir file
    local h
    h=$(sha1sum < "$2" | cut -c1-16)
    cp "$2" "$1/$h"
}

shopt -s nullglob
for f in "$tmp"/it-*/*.yaml examples/*/sweep.yaml; do
    put "$out/sweep" "$f"
done
# The docs' ```yaml blocks, one file each.
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
awk -v w="$w" '/^```yaml/ { n++; f = w "/" n ".yaml"; next } /^```/ { f = ""; next }
    f { print > f }' docs/*.md README.md
for f in "$w"/*.yaml; do
    put "$out/sweep" "$f"
done

# Record lines: one stdout line of the tests' trials per shape (digits aside), the records
# test's program, and the hand-written lines of records.seeds.
{
    cat "$tmp"/it-*/knob-runs/*/*/stdout.log 2> /dev/null || true
    for style in json kv colon; do
        sh tests/integration/programs/records.sh --style=$style < /dev/null 2> /dev/null
        echo
    done
} | awk '{ k = $0; gsub(/[0-9]+/, "0", k) } !seen[k]++' > "$w/lines"
cat tests/fuzz/records.seeds >> "$w/lines"
while IFS= read -r line; do
    printf '%s' "$line" > "$w/line"
    put "$out/records" "$w/line"
done < "$w/lines"
echo "sweep seeds: $(ls "$out/sweep" | wc -l), record seeds: $(ls "$out/records" | wc -l)"
