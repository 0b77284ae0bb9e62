#!/usr/bin/env python3
"""Architecture search, a conditional space: the MLP of examples/nas (1 to 4 hidden layers,
each layer's width, activation and skip connection present only when the network has that
layer, a dropout rate and a learning rate) trained for a fixed number of epochs on the UCI
digits; the loss is the last epoch's validation loss. Searched through the knob CLI (knob
ask / knob tell on examples/nas/sweep.yaml's params, whose `when` keys make the space
conditional) or with Optuna's TPE (group=True) on the same space, written as one JSON line
per run: the best loss after each trial (and the validation error of that best network).

    nas.py --sampler tpe|smac|evolution|random|optuna --trials 50 --seed 1
           [--knob build/knob] [--train build/examples/nas/nas_train] [--epochs 5]
           [--sweep examples/nas/sweep.yaml] [--optuna-path DIR]

A network that diverges (nas_train's exit status 1) is a failed trial for every sampler.
"""
import argparse, json, math, os, subprocess, sys, tempfile, warnings

from modelsel import SAMPLERS

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WIDTHS, ACTS, DROPOUTS = [16, 32, 64, 128, 256], ["relu", "tanh", "elu"], [0.0, 0.1, 0.2, 0.3, 0.5]


def sweep_text(path, sampler):
    """The params of examples/nas/sweep.yaml (at path) with the benchmark's sampler (no
    command, no pruner)."""
    text = open(path).read()
    params = text[text.index("\nparameters:") + 1:]
    return "program: unused\nmetric: {name: val_loss, goal: minimize}\nsampler: %s\n%s" % (sampler, params)


def train(a, p):
    """(val_loss, val_error) of the last epoch, or None when the network diverged."""
    args = [a.train, "--epochs=%d" % a.epochs, "--layers=%d" % p["layers"], "--lr=%r" % p["lr"],
            "--dropout=%r" % p["dropout"]]
    for k in range(1, p["layers"] + 1):
        for f in ("width", "act", "skip"):
            v = p["layer%d.%s" % (k, f)]
            args.append("--layer%d.%s=%s" % (k, f, str(v).lower() if isinstance(v, bool) else v))
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode == 1:
        return None
    if r.returncode:
        sys.exit("nas_train failed (%d): %s" % (r.returncode, r.stderr.strip()))
    last = json.loads(r.stdout.strip().splitlines()[-1])
    loss = last["val_loss"]
    return (loss, 1 - last["val_accuracy"]) if math.isfinite(loss) else None


def flat(params, prefix=""):
    out = {}
    for k, v in params.items():
        if isinstance(v, dict):
            out.update(flat(v, prefix + k + "."))
        else:
            out[prefix + k] = v
    return out


def run_knob(a):
    work = tempfile.mkdtemp()
    sweep = os.path.join(work, "sweep.yaml")
    with open(sweep, "w") as f:
        f.write(sweep_text(a.sweep, SAMPLERS[a.sampler]))
    store = ["--storage", "sqlite:///" + os.path.join(work, "s.db")]
    results = []
    for _ in range(a.trials):
        out = subprocess.run([a.knob, "ask", "nas", "--sweep", sweep, "--seed", str(a.seed)] + store,
                             check=True, capture_output=True, text=True).stdout
        t = json.loads(out)
        r = train(a, flat(t["params"]))
        tell = [repr(r[0])] if r else ["--state", "fail"]
        subprocess.run([a.knob, "tell", "nas", str(t["number"])] + tell + store, check=True,
                       capture_output=True)
        results.append(r)
    return results


def run_optuna(a):
    if a.optuna_path:
        sys.path.insert(0, a.optuna_path)
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.simplefilter("ignore")
    results = []

    def objective(trial):
        p = {"layers": trial.suggest_categorical("layers", [1, 2, 3, 4]),
             "lr": trial.suggest_float("lr", 0.003, 0.3, log=True),
             "dropout": trial.suggest_categorical("dropout", DROPOUTS)}
        for k in range(1, p["layers"] + 1):
            p["layer%d.width" % k] = trial.suggest_categorical("layer%d.width" % k, WIDTHS)
            p["layer%d.act" % k] = trial.suggest_categorical("layer%d.act" % k, ACTS)
            p["layer%d.skip" % k] = trial.suggest_categorical("layer%d.skip" % k, [True, False])
        r = train(a, p)
        results.append(r)
        return r[0] if r else float("nan")

    s = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=a.seed, multivariate=True,
                                                                group=True))
    s.optimize(objective, n_trials=a.trials)
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sampler", required=True, choices=list(SAMPLERS) + ["optuna"])
    ap.add_argument("--trials", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--knob", default="build/knob")
    ap.add_argument("--train", default="build/examples/nas/nas_train")
    ap.add_argument("--sweep", default=os.path.join(ROOT, "examples", "nas", "sweep.yaml"))
    ap.add_argument("--optuna-path", default="")
    a = ap.parse_args()
    results = run_optuna(a) if a.sampler == "optuna" else run_knob(a)
    best, err, trace, errors = float("inf"), float("nan"), [], []
    for r in results:
        if r and r[0] < best:
            best, err = r
        trace.append(best)
        errors.append(err)
    print(json.dumps({"problem": "nas-digits-%dep" % a.epochs, "sampler": a.sampler, "seed": a.seed,
                      "best": trace, "error_of_best": errors}), flush=True)


if __name__ == "__main__":
    main()
