#!/usr/bin/env bash
# knob report at 10,000 trials: the file's size and the first paint in headless Chromium.
#   bash bench/web/run.sh [BUILD_DIR] [N_TRIALS]      (default build, 10000)
# Prints: trials, the report's bytes, and for 3 loads in a fresh page each: the time to the
# first contentful paint and until the first plot is drawn (ms, Chromium's clock).
set -euo pipefail
cd "$(dirname "$0")/../.."
b=${1:-build}
n=${2:-10000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$b/bench/web/bench_web_study" "sqlite:///$tmp/w.db" "$n"
"$b/knob" report web --storage "sqlite:///$tmp/w.db" -o "$tmp/web.html" 2> /dev/null
echo "trials $n  report_bytes $(stat -c %s "$tmp/web.html")"
node bench/web/paint.mjs "$tmp/web.html" "$(cd "$b" && pwd)/web" # its npm packages: web/build.sh
