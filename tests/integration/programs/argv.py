#!/usr/bin/env python3
"""Writes its argv and its knob environment to $KNOB_TRIAL_DIR/argv.json, prints a metric."""
import json, os, sys
out = {"argv": sys.argv[1:], "env": {k: v for k, v in os.environ.items() if k.startswith("KNOB_")}}
with open(os.path.join(os.environ["KNOB_TRIAL_DIR"], "argv.json"), "w") as f:
    json.dump(out, f)
print("score: 1.5")
