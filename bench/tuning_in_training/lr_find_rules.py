#!/usr/bin/python3
"""Which lr-find suggestion rule trains the digits MLP best: for each network (--seed 0..N-1 of
examples/digits), one `knob lr-find` (1e-5..10, 300 steps of one minibatch, weight decay 1e-4),
then 30 epochs at each rule's rate from that one curve, and at a fixed reference rate (the
best of a 30-trial random search on network 0, lr 0.095):

  knob      knob's suggestion: min(steepest descent, minimum of the smoothed loss / 10)
  steep     the steepest descent of the smoothed loss alone (fastai's `steep`)
  minimum   the rate at the minimum of the smoothed loss / 10 (fastai's `minimum`)
  valley    fastai's `valley`: the longest decreasing stretch of the smoothed loss, 2/3 along it
  diverge   the divergence rate / 10 (a fraction of where the loss blows up)

  search    with --search N: the best rate of an N-trial random search (`knob run`, lr
            log-uniform 1e-4..1, the same weight decay and 30 epochs, maximizing val_accuracy)
            on that network: the check of issue 16 is that knob's suggestion trains within
            1 point (0.01) of it

Prints each network's rates and final validation accuracy, then the mean per rule.
Usage: lr_find_rules.py [--build-dir DIR] [--networks N] [--reference LR] [--search N]."""
import argparse, json, os, statistics, subprocess, sys, tempfile

ap = argparse.ArgumentParser()
ap.add_argument("--build-dir", default="build")
ap.add_argument("--networks", type=int, default=5)
ap.add_argument("--reference", type=float, default=0.095)
ap.add_argument("--search", type=int, default=0, help="trials of the random search per network (0: none)")
a = ap.parse_args()
B = os.path.abspath(a.build_dir)
KNOB, D = f"{B}/knob", f"{B}/examples/digits/digits_train"


def valley(curve):
    """fastai's valley rule on the smoothed losses (longest decreasing subsequence)."""
    loss = [c[2] for c in curve]
    n = len(loss)
    lds, max_start, max_end = [1] * n, 0, 0
    for i in range(1, n):
        for j in range(i):
            if loss[i] < loss[j] and lds[i] < lds[j] + 1:
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end, max_start = i, i - lds[i]
    sections = (max_end - max_start) / 3
    return curve[max_start + int(sections) + int(sections / 2)][0]


def train(lr, seed):
    out = subprocess.run([D, f"--lr={lr}", "--weight_decay=1e-4", "--epochs=30", f"--seed={seed}"],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    return json.loads(out[-1])["val_accuracy"]


def search(seed, cwd):
    """The best (rate, val_accuracy) of an a.search-trial random search of lr on network `seed`."""
    with open(f"{cwd}/search.yaml", "w") as f:
        f.write(f"command: [{D}, \"${{args}}\"]\nmethod: random\nmetric: {{name: val_accuracy, goal: maximize}}\n"
                "parameters:\n  lr: {distribution: log_uniform_values, min: 0.0001, max: 1.0}\n"
                "  weight_decay: {value: 0.0001}\n  hidden: {value: 64}\n  batch_size: {value: 32}\n"
                f"  epochs: {{value: 30}}\n  seed: {{value: {seed}}}\n")
    subprocess.run([KNOB, "run", "search.yaml", "--storage", f"sqlite:///{cwd}/s.db", "--study", "search",
                    "--seed", "0", "--trials", str(a.search), "--parallel", "2"], cwd=cwd, capture_output=True,
                   check=True)
    t = json.loads(subprocess.run([KNOB, "best", "search", "--storage", f"sqlite:///{cwd}/s.db", "--json"],
                                  cwd=cwd, capture_output=True, text=True, check=True).stdout)
    return t["params"]["lr"], t["values"][0]


rules = ["knob", "steep", "minimum", "valley", "diverge", "reference"]
acc = {r: [] for r in rules}
for seed in range(a.networks):
    cwd = tempfile.mkdtemp(prefix="knob-lrf-")
    with open(f"{cwd}/s.yaml", "w") as f:
        f.write(f"command: [{D}, \"${{args}}\"]\nmethod: random\nmetric: {{name: val_loss, goal: minimize}}\n"
                "parameters:\n  lr: {distribution: log_uniform_values, min: 0.001, max: 1.0}\n"
                f"  weight_decay: {{value: 0.0001}}\n  hidden: {{value: 64}}\n  batch_size: {{value: 32}}\n"
                f"  seed: {{value: {seed}}}\n")
    r = json.loads(subprocess.run([KNOB, "lr-find", "s.yaml", "--param", "lr", "--min", "1e-5", "--max", "10",
                                   "--steps", "300", "--metric", "loss", "--json"], cwd=cwd, capture_output=True,
                                  text=True, check=True).stdout)
    rates = {"knob": r["suggested_rate"], "steep": r["steepest_rate"], "minimum": r["min_loss_rate"] / 10,
             "valley": valley(r["curve"]), "diverge": (r["diverge_rate"] or r["min_loss_rate"]) / 10,
             "reference": a.reference}
    row = []
    for rule in rules:
        acc[rule].append(train(rates[rule], seed))
        row.append(f"{rule} {rates[rule]:.4g}: {acc[rule][-1]:.4f}")
    if a.search:
        lr, best = search(seed, cwd)
        acc.setdefault("search", []).append(best)
        gap = best - acc["knob"][-1]
        row.append(f"search {lr:.4g}: {best:.4f} (knob {'within' if gap <= 0.01 else 'NOT within'} "
                   f"1 point: {gap:+.4f})")
    print(f"network {seed}: " + ", ".join(row), flush=True)
print("mean val_accuracy over networks 0.." + str(a.networks - 1) + ": " +
      ", ".join(f"{r} {statistics.mean(acc[r]):.4f}" for r in acc))
print("min: " + ", ".join(f"{r} {min(acc[r]):.4f}" for r in acc))
