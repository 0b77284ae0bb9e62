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
ap.add_argument("--population", type=int, default=8)
ap.add_argument("--epochs", type=int, default=30)
a = ap.parse_args()
B = os.path.abspath(a.build_dir)
KNOB, D = f"{B}/knob", f"{B}/examples/digits/digits_train"
P, E = a.population, a.epochs
BUDGET = P * E  # epochs every method may spend


def sweep(path, method, extra, params):
    with open(path, "w") as f:
        f.write(f"command: [{D}, \"${{args}}\"]\nmethod: {method}\n"
                "metric: {name: val_loss, goal: minimize}\n" + extra + "parameters:\n" + params)


SPACE = ("  lr: {distribution: log_uniform_values, min: 0.001, max: 1.0}\n"
         "  weight_decay: {distribution: log_uniform_values, min: 0.000001, max: 0.01}\n"
         "  hidden: {value: 64}\n  batch_size: {value: 32}\n")


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


def run_pbt(seed, cwd):
    sweep(f"{cwd}/s.yaml", "pbt", f"pbt: {{population: {P}, interval: 2, max_steps: {E}}}\n", SPACE)
    knob("run", "s.yaml", "--storage", f"sqlite:///{cwd}/k.db", "--study", "pbt", "--seed", str(seed),
         "--parallel", "2", cwd=cwd)
    return study_result(cwd, "pbt", True)


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
    return train(["--lr=0.01", "--weight_decay=1e-4", "--hypergrad=sgd", "--hyper_lr=1e-4",
                  f"--epochs={E}", f"--seed={seed}"]), E


def run_lr_find(seed, cwd):
    sweep(f"{cwd}/s.yaml", "random", "", SPACE.replace("  weight_decay: {distribution: log_uniform_values, min: 0.000001, max: 0.01}\n",
                                                     "  weight_decay: {value: 0.0001}\n") + f"  seed: {{value: {seed}}}\n")
    r = json.loads(knob("lr-find", "s.yaml", "--param", "lr", "--min", "1e-5", "--max", "10", "--steps", "300", "--metric", "loss",
                        "--json", cwd=cwd))
    steps = r["steps"] * 32 / 1438
    return train([f"--lr={r['suggested_rate']}", "--weight_decay=1e-4", f"--epochs={E}", f"--seed={seed}"]), E + steps


methods = [("PBT (8 members, 2-epoch intervals)", run_pbt), ("random search (8 x 30 epochs)", run_random),
           ("ASHA (successive halving, eta 3)", run_asha), ("hypergradient SGD (lr 0.01 start)", run_hypergrad),
           ("lr-find suggestion, then 30 epochs", run_lr_find)]
print(f"digits MLP, {a.seeds} seeds, budget {BUDGET} epochs; val_accuracy and val_loss of each method's chosen network")
print(f"{'method':38} {'val_accuracy':>18} {'val_loss':>18} {'epochs':>8}")
for name, fn in methods:
    acc, loss, spent = [], [], []
    for seed in range(a.seeds):
        cwd = tempfile.mkdtemp(prefix="knob-bench-")
        rec, ep = fn(seed + 1, cwd)
        shutil.rmtree(cwd)
        acc.append(rec["val_accuracy"]), loss.append(rec["val_loss"]), spent.append(ep)
    sd = lambda x: statistics.stdev(x) if len(x) > 1 else 0
    print(f"{name:38} {statistics.mean(acc):9.4f} ± {sd(acc):6.4f} {statistics.mean(loss):9.4f} ± {sd(loss):6.4f} "
          f"{statistics.mean(spent):8.0f}", flush=True)
