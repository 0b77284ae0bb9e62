#!/usr/bin/env python3
"""Makes the odd studies of the browser test odd.sh in the storage sys.argv[1], through the
Python package over this build's libknob (KNOB_LIBRARY):
  "evil"  (named with markup): params, a choice, user attributes, a note and fail reasons
          that are HTML which sets window.__xss when it runs;
  "proto" conditional params named as Object.prototype's members (__proto__, constructor,
          toString), each absent from part of the trials;
  "multi" two objectives, one minimized, one maximized;
  "re"    five trials of a param x, two objectives;
  "inf"   pruned trials whose last intermediate value, their value, is inf, -inf, 2.5
          (add_trial takes them, as Optuna's storages hold them);
  "mfail" two and "mrun" three objectives, the trials failed or still running;
  "neginf", "posinf", "allinf" trials of params a and b valued -inf, 1, 2; inf, 1, 2; inf,
          -inf, inf (Optuna's infinite values, as the Python package takes them);
  "moinf" two objectives, the trials valued (-inf, 1), (1, inf), (2, 2);
  "hugeinf" -inf, 1.7e308 and -1.7e308, finite values near the largest double beside an
          infinity; "hugemo" two objectives, (inf, 1.7e308), (-1.7e308, -inf), (1e308, 0);
  "big"   two objectives, 3,100 trials: past 3,000 the parallel coordinates draw
          progressively.
With "remake" after the storage: deletes "re" and makes it again, with two trials of a param y
and one objective."""
import sys

import knob

storage = sys.argv[1]
if sys.argv[2:] == ["remake"]:
    knob.delete_study(study_name="re", storage=storage)
    knob.create_study(study_name="re", storage=storage).optimize(lambda t: t.suggest_float("y", 0, 1), n_trials=2)
    sys.exit(0)
EVIL = '<img src=x onerror="window.__xss=(window.__xss||0)+1">'
EVIL_STUDY = "evil" + EVIL + "</script><script>window.__xss=1</script>"


def study(name, **kw):
    return knob.create_study(study_name=name, storage=storage, sampler=knob.samplers.RandomSampler(seed=1), **kw)


s = study(EVIL_STUDY)
s.set_user_attr("note", EVIL)


def evil(t):
    a = t.suggest_float(EVIL, 0, 1)
    b = t.suggest_float("b</script>", 0.1, 10, log=True)
    c = t.suggest_categorical("c\"'", [EVIL, "é😀", "x" * 300])
    t.set_user_attr(EVIL, EVIL)
    if c == EVIL and a > 0.5:
        raise RuntimeError(EVIL)
    return a + b + (c == EVIL)


s.optimize(evil, n_trials=30, catch=(RuntimeError,))


def proto(t):
    if t.suggest_categorical("model", ["svm", "rf"]) == "svm":
        return t.suggest_float("constructor", 0.001, 1, log=True)
    return t.suggest_int("toString", 1, 10) / 10 + t.suggest_float("__proto__", 0, 1)


study("proto").optimize(proto, n_trials=30)
study("multi", directions=["minimize", "maximize"]).optimize(
    lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=30)
study("re", directions=["minimize", "minimize"]).optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=5)
s = study("inf")
for last in (float("inf"), float("-inf"), 2.5):
    s.add_trial(knob.trial.create_trial(params={"x": 0.5}, distributions={"x": knob.distributions.FloatDistribution(0, 1)},
                                        state=knob.trial.TrialState.PRUNED, intermediate_values={0: 1.0, 1: last}))
for name, n_obj, state in (("mfail", 2, knob.trial.TrialState.FAIL), ("mrun", 3, None)):
    s = study(name, directions=["minimize"] * n_obj)
    for _ in range(3):
        t = s.ask()
        t.suggest_float("x", 0, 1)
        if state is not None:
            s.tell(t, state=state)
inf = float("inf")
for name, values in (("neginf", [-inf, 1.0, 2.0]), ("posinf", [inf, 1.0, 2.0]), ("allinf", [inf, -inf, inf]),
                     ("moinf", [(-inf, 1.0), (1.0, inf), (2.0, 2.0)]),
                     ("hugeinf", [-inf, 1.7e308, -1.7e308]),
                     ("hugemo", [(inf, 1.7e308), (-1.7e308, -inf), (1e308, 0.0)])):
    s = study(name, directions=["minimize"] * (2 if name in ("moinf", "hugemo") else 1))
    for v in values:
        t = s.ask()
        t.suggest_float("a", 0, 1)
        t.suggest_float("b", 0, 1)
        s.tell(t, v)
knob.logging.set_verbosity(knob.logging.WARNING)  # a line per trial otherwise
study("big", directions=["minimize", "minimize"]).optimize(
    lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=3100)
print(EVIL_STUDY)
