"""Bayesmark-style benchmark: scikit-learn models x datasets (3-fold CV) plus plateau
problems, optimized by knob's samplers and Optuna's, 64 sequential trials and 16 rounds
of 8 (ask 8, evaluate, tell 8). Scores as Bayesmark: per problem 100 = best value seen by
any optimizer in the run, 0 = median first-trial value of random search. See
bench/README.md (section bench/bayesmark)."""
import argparse
import json
import math
import os
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")

# ---- search spaces (Bayesmark's, written out here) --------------------------------------
# (name, kind, lo, hi); kinds: int, log (float, log scale), lin (float), logit (a float drawn
# uniformly in logit space between logit(lo) and logit(hi), mapped back by the sigmoid),
# bool (categorical False/True).
SPACES = {
    "kNN": [("n_neighbors", "int", 1, 25), ("p", "int", 1, 4)],
    "SVM": [("C", "log", 1.0, 1e3), ("gamma", "log", 1e-4, 1e-3), ("tol", "log", 1e-5, 1e-1)],
    "DT": [("max_depth", "int", 1, 15), ("min_samples_split", "logit", 0.01, 0.99),
           ("min_samples_leaf", "logit", 0.01, 0.49), ("min_weight_fraction_leaf", "logit", 0.01, 0.49),
           ("max_features", "logit", 0.01, 0.99), ("min_impurity_decrease", "lin", 0.0, 0.5)],
    "MLP-adam": [("hidden_layer_sizes", "int", 50, 200), ("alpha", "log", 1e-5, 1e1),
                 ("batch_size", "int", 10, 250), ("learning_rate_init", "log", 1e-5, 1e-1),
                 ("tol", "log", 1e-5, 1e-1), ("validation_fraction", "logit", 0.1, 0.9),
                 ("beta_1", "logit", 0.5, 0.99), ("beta_2", "logit", 0.9, 1.0 - 1e-6),
                 ("epsilon", "log", 1e-9, 1e-6)],
    "MLP-sgd": [("hidden_layer_sizes", "int", 50, 200), ("alpha", "log", 1e-5, 1e1),
                ("batch_size", "int", 10, 250), ("learning_rate_init", "log", 1e-5, 1e-1),
                ("power_t", "logit", 0.1, 0.9), ("tol", "log", 1e-5, 1e-1),
                ("momentum", "logit", 0.001, 0.999), ("validation_fraction", "logit", 0.1, 0.9)],
    "ada": [("n_estimators", "int", 10, 100), ("learning_rate", "log", 1e-4, 1e1)],
    "lasso": [("C", "log", 1e-2, 1e2), ("intercept_scaling", "log", 1e-2, 1e2)],
    "linear": [("C", "log", 1e-2, 1e2), ("intercept_scaling", "log", 1e-2, 1e2)],
    # Regression lasso/linear (Lasso, Ridge): sklearn 1.2 has no `normalize`, dropped.
    "lasso-reg": [("alpha", "log", 1e-2, 1e2), ("fit_intercept", "bool", 0, 1),
                  ("max_iter", "logint", 10, 5000), ("tol", "log", 1e-5, 1e-1), ("positive", "bool", 0, 1)],
    "linear-reg": [("alpha", "log", 1e-2, 1e2), ("fit_intercept", "bool", 0, 1),
                   ("max_iter", "logint", 10, 5000), ("tol", "log", 1e-4, 1e-1)],
    "plateau6": [("x%d" % i, "lin", 0.0, 1.0) for i in range(6)],
}
SPACES["RF"] = [p for p in SPACES["DT"]]

DATASETS = {"iris": "clf", "wine": "clf", "breast": "clf", "digits": "clf", "diabetes": "reg"}
CLF_METRICS, REG_METRICS = ("nll", "acc"), ("mse", "mae")

# Fixed split: problems tuned on ("tune") and held out ("held"). Everything not listed in
# TUNE is held out. Chosen so both halves have each model family where possible.
TUNE = {
    "kNN-iris-acc", "SVM-wine-nll", "DT-breast-nll", "RF-digits-acc", "ada-wine-acc",
    "lasso-breast-nll", "linear-iris-nll", "MLP-adam-wine-acc", "MLP-sgd-iris-nll",
    "DT-diabetes-mse", "kNN-diabetes-mae", "SVM-diabetes-mse", "plateau6",
}
DEFAULT_PROBLEMS = [
    "kNN-iris-acc", "kNN-diabetes-mae", "SVM-wine-nll", "SVM-breast-acc", "DT-breast-nll",
    "DT-wine-acc", "DT-diabetes-mse", "RF-digits-acc", "ada-wine-acc", "ada-diabetes-mse",
    "lasso-breast-nll", "lasso-diabetes-mae", "linear-iris-nll", "linear-diabetes-mse", "plateau6",
]


def all_problems():
    out = []
    for model in ["kNN", "SVM", "DT", "RF", "MLP-adam", "MLP-sgd", "ada", "lasso", "linear"]:
        for ds, kind in DATASETS.items():
            for m in CLF_METRICS if kind == "clf" else REG_METRICS:
                out.append("%s-%s-%s" % (model, ds, m))
    return out + ["plateau6"]


def logit(p):
    return math.log(p / (1 - p))


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


def suggest(trial, space):
    """Draws a point through Optuna's trial API (knob's is the same)."""
    out = {}
    for name, kind, lo, hi in space:
        if kind == "int":
            out[name] = trial.suggest_int(name, lo, hi)
        elif kind == "logint":
            out[name] = trial.suggest_int(name, lo, hi, log=True)
        elif kind == "log":
            out[name] = trial.suggest_float(name, lo, hi, log=True)
        elif kind == "lin":
            out[name] = trial.suggest_float(name, lo, hi)
        elif kind == "logit":
            out[name] = sigmoid(trial.suggest_float(name + "_logit", logit(lo), logit(hi)))
        elif kind == "bool":
            out[name] = trial.suggest_categorical(name, [False, True])
    return out


class Problem:
    def __init__(self, name):
        self.name = name
        self.cache = {}
        if name == "plateau6":
            self.space = SPACES["plateau6"]
            return
        model, ds, metric = name.rsplit("-", 2)
        from sklearn import datasets
        load = {"iris": datasets.load_iris, "wine": datasets.load_wine, "breast": datasets.load_breast_cancer,
                "digits": datasets.load_digits, "diabetes": datasets.load_diabetes}[ds]
        X, y = load(return_X_y=True)
        from sklearn.model_selection import train_test_split
        X, _, y, _ = train_test_split(X, y, test_size=0.2, random_state=0, shuffle=True)
        from sklearn.preprocessing import StandardScaler
        self.X, self.y = StandardScaler().fit_transform(X), y
        self.clf = DATASETS[ds] == "clf"
        self.model, self.metric = model, metric
        key = model + ("-reg" if not self.clf and model in ("lasso", "linear") else "")
        self.space = SPACES[key]
        self.scoring = {"nll": "neg_log_loss", "acc": "accuracy", "mse": "neg_mean_squared_error",
                        "mae": "neg_mean_absolute_error"}[metric]

    def _estimator(self, p):
        from sklearn import ensemble, linear_model, neighbors, neural_network, svm, tree
        m, c = self.model, self.clf
        if m == "kNN":
            return (neighbors.KNeighborsClassifier if c else neighbors.KNeighborsRegressor)(**p)
        if m == "SVM":
            return svm.SVC(kernel="rbf", probability=True, random_state=0, **p) if c else svm.SVR(kernel="rbf", **p)
        if m == "DT":
            return (tree.DecisionTreeClassifier if c else tree.DecisionTreeRegressor)(random_state=0, **p)
        if m == "RF":
            return (ensemble.RandomForestClassifier if c else ensemble.RandomForestRegressor)(
                n_estimators=10, random_state=0, **p)
        if m == "MLP-adam":
            return (neural_network.MLPClassifier if c else neural_network.MLPRegressor)(
                solver="adam", early_stopping=True, random_state=0, **p)
        if m == "MLP-sgd":
            extra = {} if c else {"activation": "tanh"}
            return (neural_network.MLPClassifier if c else neural_network.MLPRegressor)(
                solver="sgd", early_stopping=True, learning_rate="invscaling", nesterovs_momentum=True,
                random_state=0, **extra, **p)
        if m == "ada":
            return (ensemble.AdaBoostClassifier if c else ensemble.AdaBoostRegressor)(random_state=0, **p)
        if m == "lasso":
            if c:
                return linear_model.LogisticRegression(penalty="l1", solver="liblinear", **p)
            return linear_model.Lasso(**p)
        if m == "linear":
            if c:
                return linear_model.LogisticRegression(penalty="l2", solver="liblinear", **p)
            return linear_model.Ridge(**p)
        raise ValueError(m)

    def __call__(self, p):
        key = tuple(sorted((k, round(v, 10) if isinstance(v, float) else v) for k, v in p.items()))
        if key in self.cache:
            return self.cache[key]
        if self.name == "plateau6":
            # Constant 0.9 outside a box holding 4.5% of [0,1]^6 (side 0.045^(1/6) = 0.596,
            # corner at 0.3); inside, a bowl from 0.1 (box centre) to 0.9 (its corners).
            side = 0.045 ** (1 / 6)
            u = [(p["x%d" % i] - 0.3) / side for i in range(6)]
            if all(0 <= v <= 1 for v in u):
                v = 0.1 + 0.8 * sum((2 * w - 1) ** 2 for w in u) / 6
            else:
                v = 0.9
        else:
            from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
            cv = (StratifiedKFold if self.clf else KFold)(3, shuffle=True, random_state=0)
            try:
                s = cross_val_score(self._estimator(p), self.X, self.y, scoring=self.scoring, cv=cv, error_score="raise")
                v = -float(np.mean(s))
                if not math.isfinite(v):
                    raise ValueError
            except Exception:
                v = 1e9 if self.metric in ("mse", "mae", "nll") else 1.0
            v = min(v, 1e9)
            if self.metric == "acc":
                v = v  # -accuracy: lower is better
        self.cache[key] = v
        return v


# ---- optimizers ---------------------------------------------------------------------------
def make(opt, seed, knob, optuna):
    """A study for `lib:name`, or `knob:name/option=value/...` for a knob sampler with
    options (`knob:tpe/constant_liar=true`): values are ints, floats, true/false or strings."""
    lib, name = opt.split(":")
    name, *extra = name.split("/")
    o = {}
    for kv in extra:
        k, v = kv.split("=", 1)
        o[k] = {"true": True, "false": False}.get(v, v)
        for conv in (int, float):
            try:
                o[k] = conv(v)
                break
            except ValueError:
                pass
    if lib == "knob":
        S = knob.samplers
        sampler = {"gp": lambda: S.GPSampler(seed=seed, **o), "tpe": lambda: S.TPESampler(seed=seed, **o),
                   "smac": lambda: S.SMACSampler(seed=seed, **o), "cmaes": lambda: S.CmaEsSampler(seed=seed, **o),
                   "random": lambda: S.RandomSampler(seed=seed, **o),
                   "auto": lambda: S.AutoSampler(seed=seed, **o)}.get(name)
        if name == "default":
            return _knob_default(knob, seed)
        return knob.create_study(direction="minimize", sampler=sampler())
    S = optuna.samplers
    sampler = {"gp": lambda: S.GPSampler(seed=seed), "tpe": lambda: S.TPESampler(seed=seed),
               "random": lambda: S.RandomSampler(seed=seed)}[name]()
    return optuna.create_study(direction="minimize", sampler=sampler)


def _knob_default(knob, seed):
    """knob.create_study()'s own sampler, seeded: the study picks it, the seed is set on it."""
    st = knob.create_study(direction="minimize")
    cls = type(st.sampler)
    return knob.create_study(direction="minimize", sampler=cls(seed=seed))


def run(problem, opt, seed, budget, batch, knob, optuna, rounds=None):
    """One study: `budget` sequential trials when batch is 1, else `rounds` rounds of
    `batch` (ask them all, evaluate, tell them all)."""
    study = make(opt, seed, knob, optuna)
    trace, t_ask, c_ask = [], 0.0, 0.0
    rounds = budget if batch == 1 else rounds
    for _ in range(rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        trials, points = [], []
        for _ in range(batch):
            tr = study.ask()
            points.append(suggest(tr, problem.space))
            trials.append(tr)
        t_ask += time.perf_counter() - t0
        c_ask += time.process_time() - c0
        vals = [problem(p) for p in points]
        t0, c0 = time.perf_counter(), time.process_time()
        for tr, v in zip(trials, vals):
            study.tell(tr, v)
        t_ask += time.perf_counter() - t0
        c_ask += time.process_time() - c0
        trace.extend(vals)
    return {"problem": problem.name, "opt": opt, "seed": seed, "batch": batch, "values": trace,
            "sec_per_suggestion": t_ask / (rounds * batch), "cpu_sec_per_suggestion": c_ask / (rounds * batch)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--problems", default=",".join(DEFAULT_PROBLEMS))
    ap.add_argument("--opts", default="knob:gp,knob:tpe,knob:smac,knob:cmaes,knob:random,knob:default,"
                                      "optuna:gp,optuna:tpe,optuna:random")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--first-seed", type=int, default=0,
                    help="seeds run are first-seed .. first-seed + seeds - 1 (more seeds beside a run already made)")
    ap.add_argument("--budget", type=int, default=64)
    ap.add_argument("--modes", default="1,8", help="batch sizes: 1 = --budget sequential trials, 8 = --rounds rounds of 8")
    ap.add_argument("--rounds", type=int, default=16, help="rounds of the batch mode (Bayesmark: 16)")
    ap.add_argument("--order", default="problem", choices=["problem", "seed"],
                    help="seed: every problem for seed 0, then for seed 1, ... (a run cut short has whole seeds)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    import knob
    knob.logging.set_verbosity(knob.logging.WARNING)
    try:
        import optuna
        optuna.logging.set_verbosity(optuna.logging.ERROR)
    except ImportError:
        optuna = None
    opts = a.opts.split(",")
    named = {"all": all_problems(), "tune": [p for p in all_problems() if p in TUNE],
             "held": [p for p in all_problems() if p not in TUNE]}
    problems = named.get(a.problems, a.problems.split(","))
    if optuna is not None and "optuna:gp" in opts:
        try:
            optuna.create_study(sampler=optuna.samplers.GPSampler(seed=0, n_startup_trials=1)).optimize(
                lambda t: t.suggest_float("x", 0, 1), n_trials=2)
        except Exception as e:  # Optuna's GP imports torch lazily
            print("optuna:gp unavailable (%s: %s); left out" % (type(e).__name__, e), file=sys.stderr)
            opts.remove("optuna:gp")
    batches = [int(b) for b in a.modes.split(",")]
    seeds = range(a.first_seed, a.first_seed + a.seeds)
    if a.order == "seed":
        plan = [(pn, b, s) for s in seeds for pn in problems for b in batches]
    else:
        plan = [(pn, b, s) for pn in problems for b in batches for s in seeds]
    done = set()
    if os.path.exists(a.out):  # resumable: a run already in the file is not run again
        with open(a.out) as f:
            for line in f:
                try:
                    r = json.loads(line)
                except ValueError:
                    continue  # a line cut short by a stopped run
                done.add((r["problem"], r["opt"], r["seed"], r["batch"]))
    probs = {}
    with open(a.out, "a") as f:
        if f.tell() > 0:
            with open(a.out, "rb") as g:
                g.seek(-1, 2)
                if g.read(1) != b"\n":
                    f.write("\n")
        for pname, batch, seed in plan:
            pending = [o for o in opts if (pname, o, seed, batch) not in done
                    and not (o.startswith("optuna") and optuna is None)]
            if not pending:
                continue
            if pname not in probs:
                probs[pname] = Problem(pname)
            for opt in pending:
                r = run(probs[pname], opt, seed, a.budget, batch, knob, optuna, a.rounds)
                r["optuna_version"] = getattr(optuna, "__version__", None)
                f.write(json.dumps(r) + "\n")
                f.flush()
            print("done", pname, batch, seed, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
