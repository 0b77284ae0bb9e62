#!/usr/bin/env python3
"""Makes the studies of the browser test labels.sh in the storage sys.argv[1], through the
Python package over this build's libknob (KNOB_LIBRARY):
  "tiny"   values near 1e-20 (1e-20 + 1e3 wd), wd on a log range from 1e-30 to 1e-22;
  "e10", "e20", "e300"  values 1 to 5 times 1e-10, 1e-20, 1e-300;
  "near1"  values 1 + k * 1e-12: a span small beside the values;
  "steps"  bs an int from 16 to 1024 and lr from 1e-4 to 1e-1, both on log ranges (the
           contour of the two);
  "few"    three trials (the history's axis of trial numbers);
  "named"  three objectives named by set_metric_names, the first a name holding markup that
           sets window.__xss when it runs;
  "twin"   two objectives whose metric names are one name twice (told apart: objective k);
  "cond"   a conditional space: model always, alpha (lin) or a param whose name holds markup
           (tree) in some trials, which fanova leaves out of the importance;
  "cond0"  a conditional space without a param every trial holds: fanova leaves out each."""
import sys

import knob

storage = sys.argv[1]
EVIL = '<img src=x onerror="window.__xss=(window.__xss||0)+1">'


def study(name, **kw):
    return knob.create_study(study_name=name, storage=storage, sampler=knob.samplers.RandomSampler(seed=1), **kw)


study("tiny").optimize(lambda t: t.suggest_float("wd", 1e-30, 1e-22, log=True) * 1e3 + 1e-20, n_trials=10)
for e in (10, 20, 300):
    study("e%d" % e).optimize(lambda t: t.suggest_float("x", 1, 5) * 10.0 ** -e, n_trials=8)
study("near1").optimize(lambda t: 1 + t.suggest_int("k", 0, 5) * 1e-12, n_trials=8)
study("steps").optimize(lambda t: t.suggest_int("bs", 16, 1024, log=True) * t.suggest_float("lr", 1e-4, 1e-1, log=True),
                        n_trials=20)
study("few").optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
s = study("named", directions=["minimize", "maximize", "minimize"])
s.set_metric_names(["loss" + EVIL, "acc", "gap"])
s.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1), 1.0), n_trials=12)
s = study("twin", directions=["minimize", "minimize"])
s.set_metric_names(["m", "m"])
s.optimize(lambda t: (t.suggest_float("x", 0, 1), 1 - t.suggest_float("y", 0, 1)), n_trials=6)


def cond(t):
    if t.suggest_categorical("model", ["lin", "tree"]) == "lin":
        return t.suggest_float("alpha", 0, 1)
    return 2 + t.suggest_int("depth" + EVIL, 1, 8) / 10


study("cond").optimize(cond, n_trials=12)


def cond0(t):
    if t.number % 2:
        return t.suggest_float("alpha", 0, 1)
    return 2 + t.suggest_int("depth", 1, 8) / 10


study("cond0").optimize(cond0, n_trials=12)
print("ok")
