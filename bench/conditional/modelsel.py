#!/usr/bin/env python3
"""Model selection, a conditional space: one of three sklearn models (svc, knn, tree), then
that model's own params; the loss is the 3-fold cross-validated error on a dataset sklearn
ships (digits, breast_cancer). Searched through the knob CLI (knob ask / knob tell, the
sweep's `when` keys making the space conditional) or with Optuna's TPE (group=True) on
the same space, and written as one JSON line per run: the best error after each trial.

    modelsel.py --sampler tpe|smac|evolution|random|optuna --dataset digits --trials 50
                --seed 1 [--knob build/knob] [--optuna-path DIR]
"""
import argparse, json, os, subprocess, sys, tempfile, warnings

SWEEP = """
program: unused
metric: {name: error, goal: minimize}
sampler: %s
parameters:
  model: {values: [svc, knn, tree]}
  svc_C: {distribution: log_uniform_values, min: 0.01, max: 1000, when: {model: svc}}
  svc_gamma: {distribution: log_uniform_values, min: 0.00001, max: 1, when: {model: svc}}
  knn_k: {min: 1, max: 30, when: {model: knn}}
  knn_weights: {values: [uniform, distance], when: {model: knn}}
  knn_p: {values: [1, 2], when: {model: knn}}
  tree_depth: {min: 1, max: 20, when: {model: tree}}
  tree_min_split: {min: 2, max: 20, when: {model: tree}}
  tree_criterion: {values: [gini, entropy], when: {model: tree}}
"""

SAMPLERS = {
    "tpe": "{name: tpe, options: {multivariate: true, group: true}}",
    "evolution": "{name: evolution, options: {population_size: 10, sample_size: 3}}",
    "random": "random",
    "smac": "smac",
}


def data(name):
    from sklearn import datasets
    from sklearn.preprocessing import StandardScaler
    X, y = getattr(datasets, "load_" + name)(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def error(p, X, y):
    from sklearn.model_selection import cross_val_score
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.svm import SVC
    from sklearn.tree import DecisionTreeClassifier
    m = p["model"]
    if m == "svc":
        est = SVC(C=p["svc_C"], gamma=p["svc_gamma"])
    elif m == "knn":
        est = KNeighborsClassifier(n_neighbors=int(p["knn_k"]), weights=p["knn_weights"],
                                   p=int(p["knn_p"]))
    else:
        est = DecisionTreeClassifier(max_depth=int(p["tree_depth"]),
                                     min_samples_split=int(p["tree_min_split"]),
                                     criterion=p["tree_criterion"], random_state=0)
    return 1 - cross_val_score(est, X, y, cv=3).mean()


def run_knob(a, X, y):
    work = tempfile.mkdtemp()
    sweep = os.path.join(work, "sweep.yaml")
    with open(sweep, "w") as f:
        f.write(SWEEP % SAMPLERS[a.sampler])
    store = ["--storage", "sqlite:///" + os.path.join(work, "s.db")]
    best, trace = float("inf"), []
    for _ in range(a.trials):
        out = subprocess.run([a.knob, "ask", "ms", "--sweep", sweep, "--seed", str(a.seed)] + store,
                             check=True, capture_output=True, text=True).stdout
        t = json.loads(out)
        e = error(t["params"], X, y)
        subprocess.run([a.knob, "tell", "ms", str(t["number"]), repr(e)] + store, check=True,
                       capture_output=True)
        best = min(best, e)
        trace.append(best)
    return trace


def run_optuna(a, X, y):
    if a.optuna_path:
        sys.path.insert(0, a.optuna_path)
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.simplefilter("ignore")

    def objective(trial):
        m = trial.suggest_categorical("model", ["svc", "knn", "tree"])
        p = {"model": m}
        if m == "svc":
            p["svc_C"] = trial.suggest_float("svc_C", 0.01, 1000, log=True)
            p["svc_gamma"] = trial.suggest_float("svc_gamma", 1e-5, 1, log=True)
        elif m == "knn":
            p["knn_k"] = trial.suggest_int("knn_k", 1, 30)
            p["knn_weights"] = trial.suggest_categorical("knn_weights", ["uniform", "distance"])
            p["knn_p"] = trial.suggest_categorical("knn_p", [1, 2])
        else:
            p["tree_depth"] = trial.suggest_int("tree_depth", 1, 20)
            p["tree_min_split"] = trial.suggest_int("tree_min_split", 2, 20)
            p["tree_criterion"] = trial.suggest_categorical("tree_criterion", ["gini", "entropy"])
        return error(p, X, y)

    s = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=a.seed, multivariate=True,
                                                                group=True))
    s.optimize(objective, n_trials=a.trials)
    best, trace = float("inf"), []
    for t in s.trials:
        best = min(best, t.value)
        trace.append(best)
    return trace


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sampler", required=True, choices=list(SAMPLERS) + ["optuna"])
    ap.add_argument("--dataset", required=True, choices=["digits", "breast_cancer"])
    ap.add_argument("--trials", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--knob", default="build/knob")
    ap.add_argument("--optuna-path", default="")
    a = ap.parse_args()
    X, y = data(a.dataset)
    trace = run_optuna(a, X, y) if a.sampler == "optuna" else run_knob(a, X, y)
    print(json.dumps({"problem": "modelsel-" + a.dataset, "sampler": a.sampler, "seed": a.seed,
                      "best": trace}), flush=True)


if __name__ == "__main__":
    main()
