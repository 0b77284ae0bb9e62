#!/usr/bin/env python3
"""A trial program for the browser tests' fixture studies: --x, --y (floats), --opt
(categorical), --mode one|two|three. One objective: a loss per epoch (learning curves for the
pruner); x > 0.85 crashes (a failed trial). Two (three) objectives: f1 and f2 (and f3) at the end."""
import json, sys, time

args = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
x, y = float(args.get("x", 0.5)), float(args.get("y", 0.5))
opt = args.get("opt", "adam")
if args.get("mode", "one") == "three":
    print(json.dumps({"f1": x, "f2": y, "f3": (1 - x) ** 2 + (1 - y) ** 2}), flush=True)
    sys.exit(0)
if args.get("mode", "one") == "two":
    print(json.dumps({"f1": x * x + 0.1 * y, "f2": (x - 1) ** 2 + 0.1 * (1 - y)}), flush=True)
    sys.exit(0)
if x > 0.85:
    print("diverged: x=%g is too large" % x, file=sys.stderr)
    sys.exit(2)
base = (x - 0.3) ** 2 + 0.2 * (y - 0.6) ** 2 + (0.05 if opt == "sgd" else 0.0)
for epoch in range(1, 7):
    print(json.dumps({"epoch": epoch, "loss": base + 1.0 / epoch}), flush=True)
    time.sleep(0.15)  # running on when judged: a program that has exited is not pruned
