#!/usr/bin/env python3
"""Prints its params (KNOB_PARAMS_JSON) as one JSON record, so a param can be the metric.
With --sleep=S it sleeps S seconds first."""
import json, os, sys, time

for a in sys.argv[1:]:
    if a.startswith("--sleep="):
        time.sleep(float(a.split("=", 1)[1]))
print(json.dumps(json.loads(os.environ["KNOB_PARAMS_JSON"])), flush=True)
