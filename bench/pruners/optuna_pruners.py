#!/usr/bin/python3
"""Optuna's side of bench_pruners: the same learning-curve problem (curve.py), the same
trials, seeds and study names, with Optuna's matching pruners. Run with /usr/bin/python3
(Debian's python3-optuna). run.sh runs both and prints one table.

    optuna_pruners.py [--trials N] [--seeds K] [--first-seed S] [--only NAME,...] [--json]
                      [--paired] [--budget E]
    optuna_pruners.py --check-curves FILE

For each configuration and seed S a fresh in-memory study named "bench-pruners-seed<S>"
(Hyperband's bracket of a trial is a CRC-32 of the study name and the trial number, in
knob as in Optuna) runs N trials: suggest lr, width, weight_decay, dropout; then epoch by
epoch report the validation error at step = epoch and, after every epoch but the last, ask
the pruner; a stopped trial is told PRUNED, a trial that reaches epoch 81 COMPLETE with its
epoch-81 value. The ask-and-tell interface is used (study.ask / study.tell), which records
the same states as study.optimize with raise TrialPruned.

--paired enqueues every trial's params from curve.draw(seed, trial number) (as
bench_pruners --paired does) for the configurations with the random sampler, so that both
frameworks' pruners judge the very same curves.

--budget E runs each study until its trials have spent E epochs (the last trial runs to its
end), up to --trials trials (without --trials: as many as it takes).

--check-curves reads the output of `bench_pruners --dump-curves` and checks that curve.py
gives the same doubles as curve.c, bit for bit.
"""

import argparse
import json
import statistics
import sys
import time

import curve

import optuna
from optuna.pruners import HyperbandPruner, MedianPruner, NopPruner, SuccessiveHalvingPruner
from optuna.samplers import RandomSampler, TPESampler
from optuna.trial import TrialState

CONFIGS = [
    # name, pruner factory, sampler factory (seed -> sampler), sampler name
    ("none", NopPruner, RandomSampler, "random"),
    ("median", MedianPruner, RandomSampler, "random"),
    ("asha", lambda: SuccessiveHalvingPruner(min_resource=1, reduction_factor=3),
     RandomSampler, "random"),
    ("hyperband", lambda: HyperbandPruner(min_resource=1, max_resource=81, reduction_factor=3),
     RandomSampler, "random"),
    ("hyperband_tpe",
     lambda: HyperbandPruner(min_resource=1, max_resource=81, reduction_factor=3),
     TPESampler, "tpe"),
]


def run_trial(study, seed, r, paired):
    if paired:
        lr, width, wd, dropout = curve.draw(seed, len(r["trial_epochs"]))
        study.enqueue_trial({"lr": lr, "width": width, "weight_decay": wd, "dropout": dropout})
    t = study.ask()
    lr = t.suggest_float("lr", *curve.LR, log=True)
    width = t.suggest_int("width", *curve.WIDTH, log=True)
    wd = t.suggest_float("weight_decay", *curve.WD, log=True)
    dropout = t.suggest_float("dropout", *curve.DROPOUT)
    v = None
    r["trial_epochs"].append(0)
    for e in range(1, curve.EPOCHS + 1):
        v = curve.value(seed, lr, width, wd, dropout, e)
        r["epochs"] += 1
        r["trial_epochs"][-1] = e
        t.report(v, e)
        if e == curve.EPOCHS:
            break
        if t.should_prune():
            r["n_pruned"] += 1
            study.tell(t, state=TrialState.PRUNED)
            return
    study.tell(t, v)
    r["n_complete"] += 1
    if r["best_final"] is None or v < r["best_final"]:
        r["best_final"] = v
        r["best_true"] = curve.clean(lr, width, wd, dropout, curve.EPOCHS)
        r["best_number"] = t.number


def run_study(config, seed, n_trials, paired=False, budget=0):
    name, make_pruner, make_sampler, sampler_name = config
    pruner = make_pruner()
    study = optuna.create_study(study_name=f"bench-pruners-seed{seed}",
                                sampler=make_sampler(seed=seed), pruner=pruner,
                                direction="minimize")
    r = {"impl": "optuna", "version": optuna.__version__, "config": name,
         "sampler": sampler_name, "seed": seed, "n_trials": n_trials, "epochs": 0,
         "n_complete": 0, "n_pruned": 0, "best_final": None, "best_true": None,
         "best_number": -1, "paired": paired, "trial_epochs": []}
    t0 = time.perf_counter()
    for _ in range(n_trials):
        if budget > 0 and r["epochs"] >= budget:
            break
        run_trial(study, seed, r, paired)
    r["n_trials"] = len(r["trial_epochs"])
    r["budget"] = budget
    r["seconds"] = time.perf_counter() - t0
    brackets = []
    if isinstance(pruner, HyperbandPruner):
        for t in study.get_trials(deepcopy=False):
            b = pruner._get_bracket_id(study, t)
            brackets += [0] * (b + 1 - len(brackets))
            brackets[b] += 1
    r["brackets"] = brackets
    return r


def check_curves(path):
    n = bad = 0
    for line in open(path):
        if line.startswith("#"):
            continue
        f = line.split()
        seed, number, e = int(f[0]), int(f[1]), int(f[6])
        lr, width, wd, dropout, v, c = (float(x) for x in (f[2], f[3], f[4], f[5], f[7], f[8]))
        if curve.draw(seed, number) != (lr, int(width), wd, dropout):
            bad += 1
            print(f"draw differs: seed {seed} number {number}: C {(lr, width, wd, dropout)}, "
                  f"Python {curve.draw(seed, number)}", file=sys.stderr)
        pv = curve.value(seed, lr, width, wd, dropout, e)
        pc = curve.clean(lr, width, wd, dropout, e)
        n += 1
        if pv != v or pc != c:
            bad += 1
            if bad <= 5:
                print(f"differs: seed {seed} lr {lr!r} width {width!r} wd {wd!r} "
                      f"dropout {dropout!r} epoch {e}: C {v!r} {c!r}, Python {pv!r} {pc!r}",
                      file=sys.stderr)
    print(json.dumps({"check": "curves", "values": n, "differ": bad}))
    return 1 if bad or not n else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", type=int, default=None)
    ap.add_argument("--budget", type=int, default=0)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--only", default=None)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--paired", action="store_true")
    ap.add_argument("--check-curves", metavar="FILE")
    a = ap.parse_args()
    if a.check_curves:
        return check_curves(a.check_curves)
    if a.trials is None:
        a.trials = max(1, a.budget) if a.budget > 0 else 100
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    only = a.only.split(",") if a.only else None
    seeds = range(a.first_seed, a.first_seed + a.seeds)
    if not a.json:
        print(f"optuna {optuna.__version__} pruners: {'up to ' if a.budget else ''}{a.trials} "
              f"trials x {a.seeds} seeds; medians over seeds"
              + ("; paired configurations (curve.draw)" if a.paired else ""))
        if a.budget:
            print(f"each study stops asking trials once it has spent {a.budget} epochs")
        print()
        print(f"{'config':14} {'sampler':8} {'epochs':>9} {'fewer':>8} {'best final':>10} "
              f"{'true err':>10} {'complete':>9}")
    base = None
    for config in CONFIGS:
        if only and config[0] not in only or a.paired and config[3] != "random":
            continue
        rs = []
        for seed in seeds:
            r = run_study(config, seed, a.trials, a.paired, a.budget)
            rs.append(r)
            if a.json:
                print(json.dumps(r), flush=True)
        if not a.json:
            ep = statistics.median(r["epochs"] for r in rs)
            base = base or ep
            med = lambda k: statistics.median(r[k] for r in rs if r[k] is not None)
            print(f"{config[0]:14} {config[3]:8} {ep:9.0f} {base / ep:7.2f}x "
                  f"{med('best_final'):10.4f} {med('best_true'):10.4f} "
                  f"{med('n_complete'):9.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
