#!/usr/bin/env bash
# knob report and knob dashboard in a real browser: fixture studies (one objective with
# learning curves, pruned and failed trials, two workers at once; two and three objectives), their
# reports and the dashboard (writable: its enqueue form) loaded in headless Chromium by
# playwright-core (browser.mjs). Screenshots of what failed (of every plot and page with
# KNOB_SCREENSHOTS=1, as docs/img's were made): $KNOB_BUILD/browser-artifacts/.
source "$KNOB_SRC/tests/integration/lib.bash"
source "$KNOB_SRC/tests/browser/lib.bash"
rm -rf "$artifacts"/*
db="$T/fx.db"
bash "$KNOB_SRC/tests/browser/fixtures.sh" "$db"
echo "fixtures: ${SECONDS} s"
"$KNOB" report one --storage "sqlite:///$db" -o one.html
"$KNOB" report two --storage "sqlite:///$db" -o two.html
"$KNOB" report three --storage "sqlite:///$db" -o three.html
# Choices that are neighbours beyond 2^53, no trial yet: the enqueue form sends the digits.
printf 'command: [/bin/true]\nmetric: {name: loss, goal: minimize}\nparameters:\n  seed: {values: [9007199254740992, 9007199254740993]}\n' > bigint.yaml
"$KNOB" run bigint.yaml --storage "sqlite:///$db" --study bigint --trials 0 > bigint.log
start_dashboard "sqlite:///$db" --allow-write
page_test browser.mjs "$artifacts" "$T/one.html" "$T/two.html" "$T/three.html" "$url" "$KNOB" \
    "sqlite:///$db" "$web"
echo ok
