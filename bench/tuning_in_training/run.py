#!/usr/bin/env python3
"""Tuning during training on the digits MLP (examples/digits): PBT, random search, ASHA
(successive halving), the hypergradient learning rate and the lr-find suggestion, at about
equal total epochs, over seeds. Prints one table row per method: the final validation
accuracy and loss of each method's chosen network (mean and spread over seeds) and the
epochs it spent. Usage: bench/tuning_in_training/run.sh [--seeds N] [--build-dir DIR]."""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile

ap = argparse.ArgumentParser()
ap.add_argument("--build-dir", default="build")
ap.add_argument("--seeds", type=int, default=5)
ap.add_argument("--first-seed", type=int, default=1, help="the seeds are first-seed .. first-seed + seeds - 1")
ap.add_argument("--population", type=int, default=8)
ap.add_argument("--epochs", type=int, default=30)
ap.add_argument("--task", default="digits", choices=["digits", "quadratic"],
                help="digits: the MLP of examples/digits; quadratic: SGD on a noisy quadratic (quadratic.c)")
ap.add_argument("--methods", default="", help="comma-separated row prefixes to run (default: all), e.g. PBT,PB2")
a = ap.parse_args()
B = os.path.abspath(a.build_dir)
KNOB, D = f"{B}/knob", f"{B}/examples/digits/digits_train"
HERE = os.path.dirname(os.path.abspath(__file__))
QUAD = a.task == "quadratic"
if QUAD:
    D = f"{B}/bench/tuning_in_training/quadratic"
P, E = a.population, a.epochs
BUDGET = P * E  # epochs every method may spend


def sweep(path, method, extra, params):
    with open(path, "w") as f:
        f.write(f"command: [{D}, \"${{args}}\"]\nmethod: {method}\n"
                "metric: {name: val_loss, goal: minimize}\n" + extra + "parameters:\n" + params)


SPACE = ("  lr: {distribution: log_uniform_values, min: 0.001, max: 1.0}\n"
         "  weight_decay: {distribution: log_uniform_values, min: 0.000001, max: 0.01}\n"
         "  hidden: {value: 64}\n  batch_size: {value: 32}\n")
if QUAD:  # the rate alone; above 2 SGD diverges on the stiffest dimension
    SPACE = "  lr: {distribution: log_uniform_values, min: 0.001, max: 1.9}\n"


def knob(*args, cwd):
    r = subprocess.run([KNOB, *args], cwd=cwd, capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"knob {' '.join(args)}: {r.stdout}{r.stderr}")
    return r.stdout


def last_record(path):
    lines = [l for l in open(path) if l.startswith("{")]
    return json.loads(lines[-1]) if lines else None


def study_result(cwd, study, final_only):
    """The best complete trial's last record (of those that ran to the last epoch when
    final_only) and the epochs all trials spent."""
    t = json.loads(knob("trials", study, "--storage", f"sqlite:///{cwd}/k.db", "--format", "json", cwd=cwd))
    spent, best = 0, None
    for tr in t:
        rec = tr["system_attrs"].get("pbt")
        steps = (rec["end"] - rec["start"]) if rec else len(tr["intermediate"])
        spent += steps
        if tr["state"] != "complete":
            continue
        last = last_record(f"{cwd}/knob-runs/{study}/{tr['number']}/stdout.log")
        if final_only and (rec["end"] if rec else last["epoch"]) < E:
            continue
        if best is None or tr["values"][0] < best[0]:
            best = (tr["values"][0], last)
    return best[1], spent


def run_pbt(seed, cwd, explore="perturb"):
    sweep(f"{cwd}/s.yaml", "pbt", f"pbt: {{population: {P}, interval: 2, max_steps: {E}, explore: {explore}}}\n",
          SPACE)
    knob("run", "s.yaml", "--storage", f"sqlite:///{cwd}/k.db", "--study", "pbt", "--seed", str(seed),
         "--parallel", "2", cwd=cwd)
    return study_result(cwd, "pbt", True)


def run_pb2(seed, cwd):
    return run_pbt(seed, cwd, "pb2")


def run_random(seed, cwd):
    sweep(f"{cwd}/s.yaml", "random", "", SPACE + f"  epochs: {{value: {E}}}\n")
    knob("run", "s.yaml", "--storage", f"sqlite:///{cwd}/k.db", "--study", "rs", "--seed", str(seed),
         "--trials", str(P), "--parallel", "2", cwd=cwd)
    return study_result(cwd, "rs", False)


def run_asha(seed, cwd):
    sweep(f"{cwd}/s.yaml", "random",
          "pruner: {name: successive_halving, options: {min_resource: 2, reduction_factor: 3}}\n",
          SPACE + f"  epochs: {{value: {E}}}\n")
    spent, n = 0, 0
    while spent < BUDGET:  # trials until the budget of epochs is spent
        n += 4
        knob("run", "s.yaml", "--storage", f"sqlite:///{cwd}/k.db", "--study", "asha", "--seed", str(seed),
             "--trials", "4", "--parallel", "2", cwd=cwd)
        best, spent = study_result(cwd, "asha", False)
    return study_result(cwd, "asha", True)


def train(args):
    out = subprocess.run([D, *args], capture_output=True, text=True).stdout.strip().splitlines()
    return json.loads(out[-1])


def run_hypergrad(seed, cwd):
    if QUAD:
        return train(["--lr=0.01", "--hypergrad=sgd", "--hyper_lr=1e-3", f"--epochs={E}", f"--seed={seed}"]), E
    return train(["--lr=0.01", "--weight_decay=1e-4", "--hypergrad=sgd", "--hyper_lr=1e-4",
                  f"--epochs={E}", f"--seed={seed}"]), E


def run_lr_find(seed, cwd):
    sweep(f"{cwd}/s.yaml", "random", "", SPACE.replace("  weight_decay: {distribution: log_uniform_values, min: 0.000001, max: 0.01}\n",
                                                     "  weight_decay: {value: 0.0001}\n") + f"  seed: {{value: {seed}}}\n")
    r = json.loads(knob("lr-find", "s.yaml", "--param", "lr", "--min", "1e-5", "--max", "10", "--steps", "300", "--metric", "loss",
                        "--json", cwd=cwd))
    steps = r["steps"] * 32 / 1438
    return train([f"--lr={r['suggested_rate']}", "--weight_decay=1e-4", f"--epochs={E}", f"--seed={seed}"]), E + steps


methods = [("PBT (8 members, 2-epoch intervals)", run_pbt), ("PB2 (8 members, 2-epoch intervals)", run_pb2), ("random search (8 x 30 epochs)", run_random),
           ("ASHA (successive halving, eta 3)", run_asha), ("hypergradient SGD (lr 0.01 start)", run_hypergrad),
           ("lr-find suggestion, then 30 epochs", run_lr_find)]
if QUAD:  # quadratic.c has no lr-find protocol
    methods = [m for m in methods if not m[0].startswith("lr-find")]
    methods = [(n.replace("hypergradient SGD (lr 0.01 start)", "hypergradient SGD (lr 0.01 start, beta 1e-3)"), f)
               for n, f in methods]
print(f"{'noisy quadratic (quadratic.c)' if QUAD else 'digits MLP'}, {a.seeds} seeds, budget {BUDGET} epochs; "
      "val_accuracy and val_loss of each method's chosen network")
print(f"{'method':38} {'val_accuracy':>18} {'val_loss':>18} {'epochs':>8}")
for name, fn in methods:
    if a.methods and not any(name.startswith(m + " ") for m in a.methods.split(",")):
        continue
    acc, loss, spent = [], [], []
    for seed in range(a.seeds):
        cwd = tempfile.mkdtemp(prefix="knob-bench-")
        rec, ep = fn(seed + a.first_seed, cwd)
        shutil.rmtree(cwd)
        acc.append(rec.get("val_accuracy", float("nan"))), loss.append(rec["val_loss"]), spent.append(ep)
        print(f"  {name} seed {seed + a.first_seed}: {json.dumps(rec)} epochs {ep:.0f}", file=sys.stderr, flush=True)
    sd = lambda x: statistics.stdev(x) if len(x) > 1 and all(v == v for v in x) else float("nan")  # no accuracy: NaN
    print(f"{name:38} {statistics.mean(acc):9.4f} ± {sd(acc):6.4f} {statistics.mean(loss):9.4f} ± {sd(loss):6.4f} "
          f"{statistics.mean(spent):8.0f}", flush=True)
