#!/usr/bin/env python3
"""A trial program: a loss curve from its params (--lr=..., --mode=...), one JSON record
per epoch. mode: ok, crash, hang, nan, diverge (its last loss NaN as json.dumps writes it),
tensor (a PyTorch tensor printed as the loss), nometric, slow, bad."""
import json, math, os, sys, time

args = {}
for a in sys.argv[1:]:
    if a.startswith("--") and "=" in a:
        k, v = a[2:].split("=", 1)
        args[k] = v
mode = args.get("mode", "ok")
if "KNOB_TRIAL_DIR" in os.environ:
    with open(os.path.join(os.environ["KNOB_TRIAL_DIR"], "pid"), "w") as f:
        f.write(str(os.getpid()))
    if "KNOB_RETRY_OF" in os.environ:  # a retry: what it runs again, and where that ran
        with open(os.path.join(os.environ["KNOB_TRIAL_DIR"], "retry_of"), "w") as f:
            f.write("%s %s" % (os.environ["KNOB_RETRY_OF"], os.environ.get("KNOB_RETRY_OF_DIR", "")))
lr = float(args.get("lr", "0.01"))
epochs = int(float(args.get("epochs", "3")))
if mode == "crash":
    print("about to crash", file=sys.stderr)
    sys.exit(3)
if mode == "hang":
    time.sleep(60)
for e in range(1, epochs + 1):
    loss = (math.log10(lr) + 2) ** 2 + 1.0 / e
    if mode == "bad":
        loss += 10
        time.sleep(0.3)
    if mode == "slow":
        time.sleep(0.2)
    if mode == "nometric":
        print(json.dumps({"epoch": e, "other": 1.0}), flush=True)
    elif mode == "diverge" and e == epochs:
        print(json.dumps({"epoch": e, "loss": float("nan")}), flush=True)  # {..., "loss": NaN}
    elif mode == "tensor":
        print("epoch=%d loss=tensor(%.4f, grad_fn=<AddBackward0>)" % (e, loss), flush=True)
    elif mode == "nan":
        print("epoch=%d loss=nan" % e, flush=True)
    else:
        print(json.dumps({"epoch": e, "loss": loss}), flush=True)
