#!/usr/bin/env bash
# Bundles the page of knob report and knob dashboard into OUT (called by the build:
# src/cli/CMakeLists.txt), with the npm packages of package-lock.json installed in DIR
# (DIR/node_modules; the build's web/), never in the source tree, which may be read-only or
# shared by several builds. Installs them first when DIR/node_modules was not installed from
# this very lockfile (npm ci, from npm's cache when it has them); builds running at once in
# one DIR take turns (flock).
#   bash web/build.sh OUT.html DIR
set -euo pipefail
if [ $# -ne 2 ]; then
    echo "usage: bash web/build.sh OUT.html DIR" >&2
    exit 2
fi
src=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "$1")
mkdir -p "$2"
cd "$2"
exec 9> .build.lock
flock 9
if ! cmp -s "$src/package-lock.json" node_modules/.knob-installed-lock; then
    cp "$src/package.json" "$src/package-lock.json" .
    npm ci --no-audit --no-fund --prefer-offline --loglevel=error
    cp package-lock.json node_modules/.knob-installed-lock
fi
node "$src/build.mjs" "$out" "$PWD"
