#!/usr/bin/env bash
# Bundles the page of knob report and knob dashboard into OUT (called by the build:
# src/cli/CMakeLists.txt). Installs the npm packages of package-lock.json first when they
# are missing or older than the lockfile (npm ci, from npm's cache when it has them).
#   bash web/build.sh OUT.html
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --prefer-offline --loglevel=error
fi
node build.mjs "$1"
