#!/usr/bin/env python3
"""Writes importance.txt: studies sampled at random by Optuna on functions of known
structure, with the shares Optuna's FanovaImportanceEvaluator (mean over 5 forest seeds) and
PedAnovaImportanceEvaluator give them. tests/unit/test_importance.c checks that knob ranks the
params as Optuna does. Run once, by hand:

    /usr/bin/python3 tests/unit/data/make_importance.py --optuna-path OPTUNA_CHECKOUT > \
        tests/unit/data/importance.txt

Format, one record a line: `study NAME DIRECTION`, then `param NAME float LOW HIGH STEP LOG`,
`param NAME int LOW HIGH STEP LOG` or `param NAME cat CHOICE...`, then `trial VALUE X...` (the
params in declaration order: numbers, or a choice's index), then `fanova NAME SHARE...` and
`ped-anova NAME SHARE...`, then `end`.
"""
import argparse
import math
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--optuna-path", default=None, help="an Optuna checkout (default: Debian's)")
parser.add_argument("--trials", type=int, default=200)
args = parser.parse_args()
if args.optuna_path:
    sys.path.insert(0, args.optuna_path)
import optuna  # noqa: E402
from optuna.importance import FanovaImportanceEvaluator, PedAnovaImportanceEvaluator  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.ERROR)


def mixed(t):
    x0 = t.suggest_float("x0", -2, 2)
    lr = t.suggest_float("lr", 1e-4, 1, log=True)
    n = t.suggest_int("n", 1, 10)
    opt = t.suggest_categorical("opt", ["sgd", "adam", "rms"])
    z = t.suggest_float("z", 0, 1)
    del z
    return 4 * x0 * x0 + 0.5 * (math.log10(lr) + 2) ** 2 + 0.15 * n + {"sgd": 0, "adam": 1.0, "rms": 0.3}[opt]


def linear(t):
    x = [t.suggest_float(f"x{i}", -1, 1) for i in range(4)]
    return 10 * x[0] + 3 * x[1] + 1 * x[2] + 0 * x[3]


def stepped(t):
    a = t.suggest_int("a", 0, 20, step=2)
    b = t.suggest_float("b", 0, 1, step=0.1)
    c = t.suggest_categorical("c", ["p", "q"])
    d = t.suggest_float("d", -3, 3)
    return -(abs(a - 10) * 0.5 + 2 * (b - 0.3) ** 2 + (1.5 if c == "q" else 0) + abs(d) * 2)


def dump(name, direction, fn, seed):
    study = optuna.create_study(direction=direction, sampler=optuna.samplers.RandomSampler(seed=seed))
    study.optimize(fn, n_trials=args.trials)
    print(f"study {name} {direction}")
    dists = study.trials[0].distributions
    names = list(dists)
    for p in names:
        d = dists[p]
        if isinstance(d, optuna.distributions.CategoricalDistribution):
            print(f"param {p} cat " + " ".join(map(str, d.choices)))
        elif isinstance(d, optuna.distributions.IntDistribution):
            print(f"param {p} int {d.low} {d.high} {d.step} {int(d.log)}")
        else:
            print(f"param {p} float {d.low!r} {d.high!r} {d.step or 0} {int(d.log)}")
    for t in study.trials:
        xs = [repr(float(t.distributions[p].to_internal_repr(t.params[p]))) for p in names]
        print(f"trial {t.value!r} " + " ".join(xs))
    shares = {p: 0.0 for p in names}
    for s in range(5):
        imp = optuna.importance.get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=s))
        for p in names:
            shares[p] += imp[p] / 5
    print("fanova " + " ".join(f"{p} {shares[p]!r}" for p in names))
    imp = optuna.importance.get_param_importances(study, evaluator=PedAnovaImportanceEvaluator())
    print("ped-anova " + " ".join(f"{p} {imp[p]!r}" for p in names))
    print("end")


print(f"# made by tests/unit/data/make_importance.py with Optuna {optuna.__version__}")
dump("mixed", "minimize", mixed, 1)
dump("linear", "minimize", linear, 2)
dump("stepped", "maximize", stepped, 3)
