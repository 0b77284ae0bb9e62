#!/usr/bin/env bash
# Bundles the page of knob report and knob dashboard into OUT (called by the build:
# src/cli/CMakeLists.txt). Installs the npm packages of package-lock.json first when
# node_modules was not installed from this very lockfile (npm ci, from npm's cache when it
# has them); builds running at once take turns (flock).
#   bash web/build.sh OUT.html
set -euo pipefail
cd "$(dirname "$0")"
exec 9> .build.lock
flock 9
if ! cmp -s package-lock.json node_modules/.knob-installed-lock; then
    npm ci --no-audit --no-fund --prefer-offline --loglevel=error
    cp package-lock.json node_modules/.knob-installed-lock
fi
node build.mjs "$1"
