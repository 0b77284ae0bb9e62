#!/usr/bin/env bash
# For the conditional sweeps: keeps what the trial got (KNOB_PARAMS_JSON, one line, and its
# argv, one line per argument) in its directory, and prints a loss that depends on it.
printf '%s\n' "$KNOB_PARAMS_JSON" > "$KNOB_TRIAL_DIR/env.json"
printf '%s\n' "$@" > "$KNOB_TRIAL_DIR/argv.txt"
echo "loss=${#KNOB_PARAMS_JSON}"
