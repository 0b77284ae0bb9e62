#!/usr/bin/python3
"""The second task of bench/tuning_in_training: SGD on a noisy quadratic (the noisy quadratic
model of Zhang et al. 2019), a task whose best learning rate changes during training.

The loss is L(w) = 1/2 sum_i h_i w_i^2 over 50 dimensions with curvatures h_i = 1/i, from
w_i = 10 (L = 225); each step's gradient is h w + sqrt(h) * noise (standard normal). A large
rate converges fast but stays at a noise floor of about lr/4 sum_i h_i; a small rate has a
low floor but leaves the flat dimensions where they started: the best schedule decays (a
fixed rate cannot match it), so PBT's and PB2's schedules can beat every fixed rate.
An epoch is 50 steps. Prints one JSON line per epoch: {"epoch", "val_loss"} (the exact loss,
not a noisy estimate). The noise of step s depends on --seed and s only, so a run resumed
from a checkpoint is the same run.

  quadratic.py --lr=X [--epochs=N] [--seed=N] [--checkpoint_in=DIR] [--checkpoint_out=DIR]
               [--hypergrad=sgd --hyper_lr=X --libknob=PATH]

With $KNOB_PBT_END_STEP set (method pbt) it trains from $KNOB_CHECKPOINT_IN's step to that
epoch and saves into $KNOB_CHECKPOINT_OUT. --hypergrad=sgd adapts the rate by libknob's
knob_hypergrad_* (through ctypes; --libknob names libknob.so)."""
import ctypes, json, os, sys

import numpy as np

D, STEPS = 50, 50
H = 1.0 / np.arange(1, D + 1)


def opts():
    o = {"lr": 0.1, "epochs": 30, "seed": 0, "hypergrad": "", "hyper_lr": 1e-4, "libknob": "",
         "checkpoint_in": os.environ.get("KNOB_CHECKPOINT_IN", ""),
         "checkpoint_out": os.environ.get("KNOB_CHECKPOINT_OUT", "")}
    for a in sys.argv[1:]:
        k, _, v = a[2:].partition("=")
        if k not in o:
            sys.exit(f"quadratic.py: unknown option {a}")
        o[k] = type(o[k])(v)
    if "KNOB_PBT_END_STEP" in os.environ:
        o["epochs"] = int(os.environ["KNOB_PBT_END_STEP"])
    return o


class Hypergrad:
    """knob_hypergrad_create/step/rate from libknob (SGD, no momentum)."""

    class Options(ctypes.Structure):
        _fields_ = [("method", ctypes.c_int), ("rate", ctypes.c_double), ("hyper_rate", ctypes.c_double),
                    ("momentum", ctypes.c_double), ("beta1", ctypes.c_double), ("beta2", ctypes.c_double),
                    ("eps", ctypes.c_double), ("min_rate", ctypes.c_double), ("max_rate", ctypes.c_double)]

    def __init__(self, path, rate, hyper_rate):
        self.lib = ctypes.CDLL(path)
        self.lib.knob_hypergrad_rate.restype = ctypes.c_double
        o = self.Options(0, rate, hyper_rate, 0, 0, 0, 0, 0, 1.9)  # stable below 2 / max(h)
        self.h = ctypes.c_void_p()
        if self.lib.knob_hypergrad_create(ctypes.byref(o), ctypes.c_size_t(D), ctypes.byref(self.h)):
            sys.exit("quadratic.py: knob_hypergrad_create failed")

    def step(self, w, g):
        p = ctypes.POINTER(ctypes.c_double)
        self.lib.knob_hypergrad_step(self.h, w.ctypes.data_as(p), g.ctypes.data_as(p))


def main():
    o = opts()
    w, start = np.full(D, 10.0), 0
    if o["checkpoint_in"] and os.path.exists(f"{o['checkpoint_in']}/state.json"):
        st = json.load(open(f"{o['checkpoint_in']}/state.json"))
        w, start = np.array(st["w"]), st["epoch"]
    hg = Hypergrad(o["libknob"], o["lr"], o["hyper_lr"]) if o["hypergrad"] == "sgd" else None
    for epoch in range(start, o["epochs"]):
        for s in range(STEPS):
            step = epoch * STEPS + s
            noise = np.random.default_rng([o["seed"], step]).standard_normal(D)
            g = H * w + np.sqrt(H) * noise
            if hg:
                hg.step(w, np.ascontiguousarray(g))
            else:
                w = w - o["lr"] * g
            if not np.all(np.isfinite(w)) or np.abs(w).max() > 1e6:
                print(json.dumps({"epoch": epoch + 1, "val_loss": 1e6}), flush=True)
                return save(o, w, epoch + 1)
        loss = 0.5 * float(np.sum(H * w * w))
        print(json.dumps({"epoch": epoch + 1, "val_loss": loss}), flush=True)
    save(o, w, o["epochs"])


def save(o, w, epoch):
    if o["checkpoint_out"]:
        os.makedirs(o["checkpoint_out"], exist_ok=True)
        with open(f"{o['checkpoint_out']}/state.json", "w") as f:
            json.dump({"w": w.tolist(), "epoch": epoch}, f)


main()
