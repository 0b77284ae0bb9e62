#!/usr/bin/python3
"""Scores a support vector classifier on the breast-cancer data, for knob to tune.

The Wisconsin diagnostic breast-cancer data (569 samples, 30 features, 2 classes) ships
with scikit-learn (load_breast_cancer): no network. The model is a pipeline of
StandardScaler and SVC; it is scored by stratified k-fold cross-validation with a fixed
shuffle, so every trial sees the same folds.

    /usr/bin/python3 examples/sklearn/train.py --kernel=rbf --C=10 --gamma=0.001

prints one JSON line per fold, then the result as the last line:

    {"fold": 1, "fold_accuracy": 0.9649}
    ...
    {"val_accuracy": 0.9737, "val_accuracy_std": 0.0101, "fit_seconds": 0.03}

knob (or W&B) reads val_accuracy from it. Bad arguments exit with status 2 and a message
on stderr (argparse). Needs Debian's python3-sklearn: run it with /usr/bin/python3.
"""

import argparse
import json
import math
import sys
import time


def positive_float(text):
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}")
    if not math.isfinite(v) or v <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return v


def gamma_value(text):
    if text in ("scale", "auto"):
        return text
    return positive_float(text)


def integer(low, high):
    def parse(text):
        try:
            v = float(text)  # "3" or "3.0", as some sweep tools print integers
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}")
        if v != int(v) or not low <= v <= high:
            raise argparse.ArgumentTypeError(f"expected an integer in {low}..{high}, got {text!r}")
        return int(v)

    return parse


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Cross-validated accuracy of an SVC on the breast-cancer data.")
    p.add_argument("--kernel", choices=["rbf", "linear", "poly", "sigmoid"], default="rbf")
    p.add_argument("--C", type=positive_float, default=1.0, help="regularization, > 0")
    p.add_argument("--gamma", type=gamma_value, default="scale",
                   help="kernel coefficient (> 0, or scale, auto); unused by linear")
    p.add_argument("--degree", type=integer(1, 10), default=3, help="poly kernel degree")
    p.add_argument("--folds", type=integer(2, 20), default=5, help="cross-validation folds")
    p.add_argument("--seed", type=integer(0, 2**32 - 1), default=0,
                   help="seed of the fold shuffle")
    return p.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    # Imported after parsing, so that --help and bad arguments answer at once.
    import numpy as np
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    x, y = load_breast_cancer(return_X_y=True)
    model = make_pipeline(
        StandardScaler(),
        SVC(kernel=args.kernel, C=args.C, gamma=args.gamma, degree=args.degree,
            max_iter=1_000_000))
    folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    start = time.perf_counter()
    scores = cross_val_score(model, x, y, cv=folds, scoring="accuracy")
    seconds = time.perf_counter() - start
    for i, s in enumerate(scores, 1):
        print(json.dumps({"fold": i, "fold_accuracy": round(float(s), 6)}))
    print(json.dumps({"val_accuracy": round(float(np.mean(scores)), 6),
                      "val_accuracy_std": round(float(np.std(scores)), 6),
                      "fit_seconds": round(seconds, 4)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
